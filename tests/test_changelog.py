"""The changelog step against real git repositories and the real git-cliff."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import tomlkit

from nox_release import (
    ChangelogError,
    ConfigError,
    Version,
    bump,
    default_cliff_config,
    preview_changelog,
    release_notes,
    update_changelog,
)
from nox_release.core.changelog import folded_tags, merge_changelog, release_sections, tag_pattern
from nox_release.core.forge import forge_from_remote
from testkit.changelog import Clock, check_structure, entries, parse_changelog
from testkit.samples import Repo, make_repo

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def history(repo: Repo, clock: Clock) -> dict[str, str]:
    """Two releases with every kind of commit; returns tag -> date."""
    dates = {}
    clock.commit(repo, "feat: first feature")
    clock.commit(repo, "docs: a readme")
    dates["v1.0.0"] = clock.tag(repo, "v1.0.0")
    clock.commit(repo, "chore(release): v1.0.1")  # a release commit of some other tool
    clock.commit(repo, "fix(api): handle nulls (#12)")
    clock.commit(repo, "feat(cli): add --json")
    clock.commit(repo, "perf: faster parsing")
    clock.commit(repo, "refactor!: drop Python 3.8")
    clock.commit(repo, "feat: new config\n\nBREAKING CHANGE: the config file is renamed")
    clock.commit(repo, "fix(security): escape HTML in reports")
    clock.commit(repo, "deprecate: the old API")
    clock.commit(repo, "remove: the legacy flag")
    clock.commit(repo, "ci: a new runner")
    clock.commit(repo, "test: more tests")
    dates["v1.1.0"] = clock.tag(repo, "v1.1.0")
    clock.commit(repo, "fix: not released yet")
    return dates


@pytest.fixture
def proj(tmp_path: Path, clock: Clock) -> Repo:
    return make_repo(tmp_path / "project", version="1.1.0")


def undated(md: str) -> str:
    return re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", md)


# -- the default configuration ---------------------------------------------------------------
def test_default_config_is_keep_a_changelog(proj: Repo, clock: Clock) -> None:
    dates = history(proj, clock)
    change = update_changelog(proj.path)
    assert change is not None and change.before is None
    md = proj.read("CHANGELOG.md")
    preamble, sections = parse_changelog(md)
    assert preamble[0] == "# Changelog"
    assert any("Keep a Changelog" in line for line in preamble)
    check_structure(md, ["1.1.0", "1.0.0"])
    assert [s.date for s in sections] == [dates["v1.1.0"], dates["v1.0.0"]]
    assert entries(sections[0]) == {
        "Breaking changes": ["Drop Python 3.8", "New config (the config file is renamed)"],
        "Added": ["**cli:** Add --json"],
        "Changed": ["Faster parsing"],
        "Deprecated": ["The old API"],
        "Removed": ["The legacy flag"],
        "Fixed": ["**api:** Handle nulls (#12)"],
        "Security": ["**security:** Escape HTML in reports"],
    }
    assert entries(sections[1]) == {"Added": ["First feature"]}
    # No remote: no links at all; unreleased commits are not written.
    assert "](" not in md.split("Keep a Changelog]")[1]
    assert "not released yet" not in md.lower()
    assert md.endswith("\n\n## [1.0.0] - 2024-01-03\n\n### Added\n\n- First feature\n")


@pytest.mark.parametrize(
    ("url", "kind", "web"),
    [
        ("https://github.com/owner/repo.git", "github", "https://github.com/owner/repo"),
        ("https://github.com/owner/repo", "github", "https://github.com/owner/repo"),
        ("git@github.com:owner/repo.git", "github", "https://github.com/owner/repo"),
        ("ssh://git@github.com/owner/repo.git", "github", "https://github.com/owner/repo"),
        ("https://user:s3cret@github.com/o/r.git", "github", "https://github.com/o/r"),
        ("https://gitlab.com/group/sub/repo.git", "gitlab", "https://gitlab.com/group/sub/repo"),
        ("git@gitlab.com:group/repo.git", "gitlab", "https://gitlab.com/group/repo"),
        (
            "ssh://git@gitlab.example.org:2222/team/repo.git",
            "gitlab",
            "https://gitlab.example.org/team/repo",
        ),
        (
            "https://gitlab.example.org:8443/team/repo",
            "gitlab",
            "https://gitlab.example.org:8443/team/repo",
        ),
    ],
)
def test_forge_from_remote(url: str, kind: str, web: str) -> None:
    forge = forge_from_remote(url)
    assert forge is not None
    assert (forge.kind, forge.web) == (kind, web)
    assert "s3cret" not in repr(forge)


@pytest.mark.parametrize(
    "url",
    [None, "", "/srv/git/repo.git", "file:///srv/git/repo.git", "https://bitbucket.org/o/r.git"],
)
def test_no_forge_no_links(url: str | None) -> None:
    assert forge_from_remote(url) is None


@pytest.mark.parametrize(
    ("remote", "commit", "pull", "compare"),
    [
        (
            "git@github.com:owner/repo.git",
            "https://github.com/owner/repo/commit/",
            "[#12](https://github.com/owner/repo/pull/12)",
            "https://github.com/owner/repo/compare/v1.0.0...v1.1.0",
        ),
        (
            "https://gitlab.com/group/repo.git",
            "https://gitlab.com/group/repo/-/commit/",
            "[!12](https://gitlab.com/group/repo/-/merge_requests/12)",
            "https://gitlab.com/group/repo/-/compare/v1.0.0...v1.1.0",
        ),
    ],
)
def test_links_come_from_origin(
    proj: Repo, clock: Clock, remote: str, commit: str, pull: str, compare: str
) -> None:
    proj.git("remote", "add", "origin", remote)
    clock.commit(proj, "feat: first")
    clock.tag(proj, "v1.0.0")
    sha = clock.commit(proj, f"fix: a bug ({pull[1:4]})")
    clock.tag(proj, "v1.1.0")
    update_changelog(proj.path)
    md = proj.read("CHANGELOG.md")
    _, sections = parse_changelog(md)
    check_structure(md, ["1.1.0", "1.0.0"])
    assert sections[0].link == compare
    assert sections[1].link is None  # the first release has nothing to compare with
    assert sections[0].groups["Fixed"] == [f"A bug ({pull}) ([{sha[:7]}]({commit}{sha}))"]


# -- a project's own configuration wins ------------------------------------------------------
CUSTOM = """\
[changelog]
header = "# History\\n\\n"
body = \"\"\"
{% if version %}## {{ version }} ({{ timestamp | date(format="%Y-%m-%d") }})
{% for commit in commits %}* {{ commit.message }}
{% endfor %}{% endif %}
\"\"\"
trim = true

[git]
conventional_commits = true
commit_parsers = [{ message = "^chore\\\\(release\\\\)", skip = true }, { message = ".*", group = "all" }]
"""


def _custom_history(repo: Repo, clock: Clock) -> None:
    clock.commit(repo, "feat: one")
    clock.tag(repo, "v1.0.0")
    clock.commit(repo, "docs: two")
    clock.tag(repo, "v1.1.0")


def test_project_cliff_toml_wins(proj: Repo, clock: Clock) -> None:
    proj.commit("chore: our own git-cliff configuration", {"cliff.toml": CUSTOM})
    _custom_history(proj, clock)
    update_changelog(proj.path)
    md = proj.read("CHANGELOG.md")
    assert md.startswith("# History\n")
    assert "Keep a Changelog" not in md
    assert "## v1.1.0 (" in md and "* two" in md  # docs commits show: their parsers keep them
    assert "## v1.0.0 (" in md and "* one" in md


def test_pyproject_git_cliff_tables_win(tmp_path: Path, clock: Clock) -> None:
    table = tomlkit.parse(CUSTOM)
    pyproject = tomlkit.parse(
        '[project]\nname = "sample"\nversion = "1.2.3"\n\n[tool.nox-release]\n'
        'changelog-file = "docs/HISTORY.md"\n'
    )
    pyproject["tool"]["git-cliff"] = table  # type: ignore[index]
    repo = make_repo(tmp_path / "p", pyproject=tomlkit.dumps(pyproject))
    _custom_history(repo, clock)
    update_changelog(repo.path)
    md = repo.read("docs/HISTORY.md")
    assert md.startswith("# History\n") and "## v1.1.0 (" in md and "* two" in md


def test_a_broken_project_config_is_named(proj: Repo, clock: Clock) -> None:
    proj.commit("chore: broken", {"cliff.toml": '[changelog]\nbody = "{{ version"\n'})
    _custom_history(proj, clock)
    with pytest.raises(ChangelogError, match=r"git-cliff could not render.*cliff\.toml.*fix "):
        update_changelog(proj.path)
    assert not (proj.path / "CHANGELOG.md").exists()


# -- versions: nox-release computes them, pre-releases fold ----------------------------------
@pytest.mark.parametrize(
    ("fmt", "rc1", "rc2"),
    [("v{version}", "1.3.0rc1", "1.3.0rc2"), ("v{semver}", "1.3.0-rc.1", "1.3.0-rc.2")],
)
def test_prerelease_tags_fold_into_the_final(
    tmp_path: Path, clock: Clock, fmt: str, rc1: str, rc2: str
) -> None:
    repo = make_repo(
        tmp_path / "p", version="1.2.0", extra=f'[tool.nox-release]\ntag-format = "{fmt}"\n'
    )
    clock.commit(repo, "feat: the big feature")
    clock.tick()
    assert bump(repo.path, "minor", pre="rc").tag == f"v{rc1}"
    check_structure(repo.read("CHANGELOG.md"), [rc1])
    clock.commit(repo, "fix: found in rc1")
    clock.tick()
    bump(repo.path, "pre")
    md = repo.read("CHANGELOG.md")
    _, sections = parse_changelog(md)
    check_structure(md, [rc2, rc1])
    assert entries(sections[0]) == {"Fixed": ["Found in rc1"]}
    clock.commit(repo, "fix: found in rc2")
    clock.tick()
    before_final = repo.read("CHANGELOG.md")
    assert bump(repo.path, "final").tag == "v1.3.0"
    md = repo.read("CHANGELOG.md")
    _, sections = parse_changelog(md)
    # The rc sections already in the file stay byte for byte; the final lists what came after.
    check_structure(md, ["1.3.0", rc2, rc1])
    assert entries(sections[0]) == {"Fixed": ["Found in rc2"]}
    assert md.endswith(before_final[before_final.index("## [" + rc2) :])
    # A fresh run (no file yet) folds the pre-releases into the final.
    (repo.path / "CHANGELOG.md").unlink()
    update_changelog(repo.path)
    fresh = repo.read("CHANGELOG.md")
    check_structure(fresh, ["1.3.0"])
    assert entries(parse_changelog(fresh)[1][0]) == {
        "Added": ["The big feature"],
        "Fixed": ["Found in rc1", "Found in rc2"],
    }
    assert release_notes(repo.path, echo=lambda _t: None).startswith("## [1.3.0] - ")


def test_prerelease_sections_are_kept_when_not_folding(tmp_path: Path, clock: Clock) -> None:
    repo = make_repo(
        tmp_path / "p",
        version="1.3.0rc1",
        extra="[tool.nox-release]\nchangelog-fold-prereleases = false\n",
    )
    clock.commit(repo, "feat: in the rc")
    clock.tag(repo, "v1.3.0rc1")
    clock.commit(repo, "fix: after the rc")
    clock.tick()
    bump(repo.path, "final")
    md = repo.read("CHANGELOG.md")
    _, sections = parse_changelog(md)
    check_structure(md, ["1.3.0"])  # a first release section: from the rc, not folded
    assert entries(sections[0]) == {"Fixed": ["After the rc"]}
    (repo.path / "CHANGELOG.md").unlink()
    update_changelog(repo.path)
    md = repo.read("CHANGELOG.md")
    _, sections = parse_changelog(md)
    check_structure(md, ["1.3.0", "1.3.0rc1"])
    assert entries(sections[0]) == {"Fixed": ["After the rc"]}
    assert entries(sections[1]) == {"Added": ["In the rc"]}


def test_other_tags_are_not_releases(proj: Repo, clock: Clock) -> None:
    clock.commit(proj, "feat: one")
    clock.tag(proj, "v1.0.0")
    clock.commit(proj, "feat: two")
    clock.tag(proj, "docs-2024")  # another kind of tag
    clock.commit(proj, "fix: three")
    clock.tag(proj, "v1.1.0-RC1")  # matches tag-format, but not a version nox-release writes
    clock.commit(proj, "fix: four")
    clock.tag(proj, "v1.1.0")
    update_changelog(proj.path)
    md = proj.read("CHANGELOG.md")
    _, sections = parse_changelog(md)
    check_structure(md, ["1.1.0", "1.0.0"])
    assert entries(sections[0]) == {"Added": ["Two"], "Fixed": ["Three", "Four"]}


def test_tag_pattern_and_folding_rules() -> None:
    rx = re.compile(tag_pattern("release-{version}+x"))
    assert rx.match("release-1.2.0rc1+x") and not rx.match("release-1.2.0rc1+xy")
    assert not rx.match("docs-1.2.0") and not re.match(tag_pattern("v{semver}"), "v")
    releases = [
        (f"v{v}", Version(v)) for v in ("1.0.0", "1.1.0a1", "1.1.0rc1", "1.1.0", "1.2.0rc1")
    ]
    releases.append(("v1.1.0.post1.dev0", Version("1.1.0.post1.dev0")))
    assert folded_tags(releases) == {"v1.1.0a1", "v1.1.0rc1"}  # 1.2.0 is not released yet


# -- hand edits ------------------------------------------------------------------------------
def test_hand_edits_are_kept_and_only_missing_releases_added(proj: Repo, clock: Clock) -> None:
    history(proj, clock)
    update_changelog(proj.path)
    generated = proj.read("CHANGELOG.md")
    intro = "# Changelog\n\nOur own words about this project.\n\n<!-- keep -->\n\n"
    edited = intro + generated.split("\n## ", 1)[1].join(["## ", ""])
    edited = edited.replace(
        "### Added\n\n- First feature\n",
        "### Added\n\n- First feature, hand-polished\n\nA note written by a human.\n",
    )
    edited = edited.replace(
        "### Breaking changes\n", "Upgrade with care.\n\n### Breaking changes\n"
    )
    proj.commit("docs: edit the changelog", {"CHANGELOG.md": edited})
    assert update_changelog(proj.path) is None  # nothing missing: the file is left alone
    assert proj.read("CHANGELOG.md") == edited
    clock.commit(proj, "feat: shiny")
    clock.tag(proj, "v1.2.0")
    change = update_changelog(proj.path)
    assert change is not None
    md = proj.read("CHANGELOG.md")
    assert md.startswith(intro + "## [1.2.0] - ")
    new = md[len(intro) : md.index("## [1.1.0]")]
    assert "- Shiny" in new and "Drop Python" not in new and new.endswith("- Not released yet\n\n")
    assert md.endswith(edited[len(intro) :])  # every older byte as the human left it
    _, sections = parse_changelog(md)
    check_structure(md, ["1.2.0", "1.1.0", "1.0.0"])
    assert "Upgrade with care." in sections[1].text and "A note written by a human." in md


def test_hand_written_file_without_releases_gets_them_below(proj: Repo, clock: Clock) -> None:
    proj.commit("docs: start a changelog", {"CHANGELOG.md": "# Changes\r\n\r\nBy hand.\r\n"})
    clock.commit(proj, "feat: one")
    clock.tag(proj, "v1.0.0")
    update_changelog(proj.path)
    raw = (proj.path / "CHANGELOG.md").read_bytes()
    assert raw.startswith(b"# Changes\r\n\r\nBy hand.\r\n\r\n## [1.0.0] - ")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # the file's CRLF newlines are kept


@pytest.mark.parametrize(
    ("heading", "tag"),
    [
        ("## [1.1.0] - 2024-01-03", "v1.1.0"),
        ("## Version 1.1.0 (3 January 2024)", "v1.1.0"),
        ("# v1.1.0rc1", "v1.1.0rc1"),
        ("### [1.1.0-rc.1](https://x/compare/v1.0.0...v1.1.0-rc.1)", "v1.1.0rc1"),
        ("## Released 1.0.0.", "v1.0.0"),
        ("## 1.1.0rc2 (not a release)", None),
        ("## Upgrading from 11.1.0", None),
        ("Not a heading 1.0.0", None),
    ],
)
def test_which_heading_names_which_release(heading: str, tag: str | None) -> None:
    releases = [(f"v{v}", Version(v)) for v in ("1.0.0", "1.1.0rc1", "1.1.0")]
    found = release_sections([heading + "\n", "text\n"], releases)
    assert list(found) == ([tag] if tag else [])


def test_merge_keeps_every_section() -> None:
    releases = [(f"v{v}", Version(v)) for v in ("1.0.0", "1.1.0rc1", "1.1.0")]
    existing = (
        "# Log\n\n```\n## [1.1.0rc1] in a code block\n```\n\n"
        "## [1.1.0rc1](https://x/compare/v1.0.0...v1.1.0rc1)\n\n### Fixed\n\n- a\n\n"
        "## [1.0.0]\n\nold\n"
    )
    out = merge_changelog(existing, "## [1.1.0]\n\n- b\n", releases=releases)
    assert out == (
        "# Log\n\n```\n## [1.1.0rc1] in a code block\n```\n\n## [1.1.0]\n\n- b\n\n"
        "## [1.1.0rc1](https://x/compare/v1.0.0...v1.1.0rc1)\n\n### Fixed\n\n- a\n\n"
        "## [1.0.0]\n\nold\n"
    )


# -- preview and release notes ---------------------------------------------------------------
def test_preview_writes_nothing_and_shows_the_next_section(proj: Repo, clock: Clock) -> None:
    history(proj, clock)
    update_changelog(proj.path)
    proj.commit("docs: changelog", {})
    clock.commit(proj, "feat: coming soon (#7)")
    before = proj.snapshot()
    shown: list[str] = []
    text = preview_changelog(proj.path, "1.2.0", echo=shown.append)
    assert shown == [text]
    assert proj.snapshot() == before
    assert text.startswith("## [1.2.0] - ") and "# Changelog" not in text
    _, sections = parse_changelog(text)
    assert entries(sections[0]) == {"Added": ["Coming soon (#7)"], "Fixed": ["Not released yet"]}
    with pytest.raises(
        ChangelogError, match=r"1\.1\.0 is not after the newest release \(v1\.1\.0\)"
    ):
        preview_changelog(proj.path, "1.1.0")


def test_preview_folds_the_prereleases_of_the_version_shown(proj: Repo, clock: Clock) -> None:
    clock.commit(proj, "feat: one")
    clock.tag(proj, "v1.0.0")
    clock.commit(proj, "feat: in rc1")
    clock.tag(proj, "v2.0.0rc1")
    clock.commit(proj, "fix: after rc1")
    text = preview_changelog(proj.path, Version("2.0.0"), echo=lambda _t: None)
    _, sections = parse_changelog(text)
    assert [s.version for s in sections] == ["2.0.0"]
    assert entries(sections[0]) == {"Added": ["In rc1"], "Fixed": ["After rc1"]}


def test_preview_is_headed_with_the_auto_version(proj: Repo, clock: Clock) -> None:
    from nox_release.steps import decide as auto

    clock.commit(proj, "feat: one")
    clock.tag(proj, "v1.2.3")
    clock.commit(proj, "feat: a feature")
    from nox_release.adapters.project import Project

    expected = auto.decide(Project(proj.path)).version
    text = preview_changelog(proj.path, echo=lambda _t: None)
    assert text.startswith(f"## [{expected.pep440}] - ")


def test_release_notes_of_an_older_tag(proj: Repo, clock: Clock, tmp_path: Path) -> None:
    dates = history(proj, clock)
    newest = release_notes(proj.path, echo=lambda _t: None)
    assert newest.startswith(f"## [1.1.0] - {dates['v1.1.0']}\n")
    out = tmp_path / "notes" / "v1.0.0.md"
    text = release_notes(proj.path, "1.0.0", output=out)
    assert out.read_text() == text
    assert text == f"## [1.0.0] - {dates['v1.0.0']}\n\n### Added\n\n- First feature\n\n"
    assert release_notes(proj.path, "v1.0.0", echo=lambda _t: None) == text  # a tag works too
    with pytest.raises(ChangelogError, match=r"no release tag for '0\.9\.0'.*v1\.0\.0, v1\.1\.0"):
        release_notes(proj.path, "0.9.0")


def test_release_notes_of_a_prerelease_and_its_final(proj: Repo, clock: Clock) -> None:
    clock.commit(proj, "feat: one")
    clock.tag(proj, "v1.0.0")
    clock.commit(proj, "feat: two")
    clock.tag(proj, "v1.1.0rc1")
    clock.commit(proj, "fix: three")
    clock.tag(proj, "v1.1.0")
    quiet = {"echo": lambda _t: None}
    rc = parse_changelog(release_notes(proj.path, "1.1.0rc1", **quiet))[1]  # type: ignore[arg-type]
    final = parse_changelog(release_notes(proj.path, "1.1.0", **quiet))[1]  # type: ignore[arg-type]
    assert entries(rc[0]) == {"Added": ["Two"]}
    assert entries(final[0]) == {"Added": ["Two"], "Fixed": ["Three"]}


# -- inside the release ----------------------------------------------------------------------
def test_the_changelog_is_in_the_release_commit(proj: Repo, clock: Clock) -> None:
    history(proj, clock)
    update_changelog(proj.path)  # the history, written once
    proj.git("add", "CHANGELOG.md")
    proj.git("commit", "-q", "-m", "docs: the changelog")
    clock.tick()
    result = bump(proj.path, "minor")
    assert result.tag == "v1.2.0"
    assert "CHANGELOG.md" in proj.git("show", "--name-only", "--format=", "HEAD").splitlines()
    committed = proj.git("show", "v1.2.0:CHANGELOG.md") + "\n"
    assert committed == proj.read("CHANGELOG.md")
    _, sections = parse_changelog(committed)
    check_structure(committed, ["1.2.0", "1.1.0", "1.0.0"])
    assert entries(sections[0]) == {"Fixed": ["Not released yet"]}
    assert proj.status() == ""


def test_a_first_release_without_a_changelog_writes_its_own_section(
    proj: Repo, clock: Clock
) -> None:
    history(proj, clock)
    clock.tick()
    said: list[str] = []
    bump(proj.path, "minor", log=said.append)
    committed = proj.git("show", "v1.2.0:CHANGELOG.md") + "\n"
    _, sections = parse_changelog(committed)
    check_structure(committed, ["1.2.0"])  # not the history: that is the changelog session's
    assert entries(sections[0]) == {"Fixed": ["Not released yet"]}
    assert any("CHANGELOG.md is new and starts at v1.2.0" in line for line in said), said
    # The way the message gives to the whole history: remove the file, run the session.
    (proj.path / "CHANGELOG.md").unlink()
    update_changelog(proj.path)
    check_structure(proj.read("CHANGELOG.md"), ["1.2.0", "1.1.0", "1.0.0"])


def test_changelog_false_leaves_it_out(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", extra="[tool.nox-release]\nchangelog = false\n")
    bump(repo.path, "patch")
    assert not (repo.path / "CHANGELOG.md").exists()
    assert repo.git("show", "--name-only", "--format=", "HEAD") == "pyproject.toml"


@pytest.mark.parametrize(
    ("config", "error"),
    [
        # valid TOML, but git-cliff fails on the template
        ('[changelog]\nbody = "{{ version | no_such_filter }}"\n', ChangelogError),
        ("[changelog\nbody = 1\n", ConfigError),  # not even TOML
    ],
)
def test_a_git_cliff_failure_rolls_the_bump_back(
    proj: Repo, clock: Clock, config: str, error: type[Exception]
) -> None:
    history(proj, clock)
    proj.commit("chore: a broken changelog configuration", {"cliff.toml": config})
    proj.write("untracked.txt", "mine")
    before = proj.snapshot()
    with pytest.raises(error, match=r"cliff\.toml.*(fix|remove) "):
        bump(proj.path, "minor")
    assert proj.snapshot() == before
    assert proj.tags() == ["v1.0.0", "v1.1.0"]


def test_git_cliff_is_not_let_write_on_its_own(
    proj: Repo, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    history(proj, clock)
    monkeypatch.setenv("GIT_CLIFF_PREPEND", str(proj.path / "CHANGELOG.md"))
    before = proj.snapshot()
    with pytest.raises(ChangelogError, match=r"GIT_CLIFF_PREPEND is set.*unset"):
        bump(proj.path, "patch")
    assert proj.snapshot() == before


def test_update_dry_run_writes_nothing(proj: Repo, clock: Clock) -> None:
    history(proj, clock)
    before = proj.snapshot()
    lines: list[str] = []
    change = update_changelog(proj.path, dry_run=True, log=lines.append)
    assert change is not None and change.before is None
    assert "+++ b/CHANGELOG.md" in "\n".join(lines) and "+## [1.1.0] - " in "\n".join(lines)
    assert proj.snapshot() == before


# -- packaging and sessions ------------------------------------------------------------------
def test_the_default_config_ships_in_the_wheel(tmp_path: Path) -> None:
    tomlkit.parse(default_cliff_config())  # valid TOML
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "-o",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("nox_release/data/cliff.toml").decode() == default_cliff_config()


def test_sessions(proj: Repo, clock: Clock) -> None:
    history(proj, clock)
    proj.write(
        "noxfile.py",
        textwrap.dedent(
            f"""\
            import sys
            sys.path.insert(0, {str(ROOT / "src")!r})
            import nox_release
            nox_release.register()
            """
        ),
    )
    nox = [sys.executable, "-m", "nox", "--no-color", "-f", "noxfile.py", "-s"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*nox, *args], cwd=proj.path, capture_output=True, text=True)

    notes = run("release-notes", "--", "--version", "1.0.0")
    assert notes.returncode == 0, notes.stderr
    assert notes.stdout == release_notes(proj.path, "1.0.0", echo=lambda _t: None)
    preview = run("changelog", "--", "--preview", "--version", "2.0.0")
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith("## [2.0.0] - ") and "- Not released yet" in preview.stdout
    assert not (proj.path / "CHANGELOG.md").exists()
    bad = run("changelog", "--", "--version", "2.0.0")
    assert bad.returncode != 0 and "--version goes with --preview" in bad.stderr
    assert "Traceback" not in bad.stderr
    done = run("changelog")
    assert done.returncode == 0, done.stderr
    check_structure(proj.read("CHANGELOG.md"), ["1.1.0", "1.0.0"])


# -- files a user gets wrong: one sentence, no traceback -------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"# Changelog\n\n\xff\xfe caf\xe9\n"), r"not UTF-8.*save it as"),
        (lambda p: (p / "notes").mkdir(parents=True), r"is a folder.*changelog-file"),
    ],
    ids=["not-utf8", "a-folder"],
)
def test_an_unreadable_changelog_is_named(
    proj: Repo, clock: Clock, make: Callable[[Path], object], message: str
) -> None:
    history(proj, clock)
    path = proj.path / "CHANGELOG.md"
    make(path)
    for step in (lambda: update_changelog(proj.path), lambda: bump(proj.path, "minor")):
        before = proj.snapshot()
        with pytest.raises(ChangelogError, match=r"CHANGELOG\.md.*" + message) as info:
            step()
        assert "\n" not in str(info.value)
        assert proj.snapshot() == before
    assert proj.tags() == ["v1.0.0", "v1.1.0"]


def test_a_cliff_toml_that_is_not_utf8_is_named(proj: Repo, clock: Clock) -> None:
    history(proj, clock)
    (proj.path / "cliff.toml").write_bytes(b'[changelog]\nheader = "caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"cliff\.toml is not UTF-8.*(fix|remove) "):
        update_changelog(proj.path)
    assert not (proj.path / "CHANGELOG.md").exists()


@pytest.mark.parametrize("where", ["a-folder", "under-a-file"])
def test_release_notes_to_a_path_that_cannot_be_written(
    proj: Repo, clock: Clock, tmp_path: Path, where: str
) -> None:
    history(proj, clock)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "file.md").write_text("mine")
    target = out_dir if where == "a-folder" else out_dir / "file.md" / "notes.md"
    with pytest.raises(ChangelogError, match=r"cannot write the release notes to .*out.*: give "):
        release_notes(proj.path, output=target)
    assert sorted(p.name for p in out_dir.iterdir()) == ["file.md"]  # no temporary file left
    assert (out_dir / "file.md").read_text() == "mine"


def test_release_notes_replace_a_file_atomically(proj: Repo, clock: Clock, tmp_path: Path) -> None:
    history(proj, clock)
    out = tmp_path / "notes.md"
    out.write_text("old notes")
    out.chmod(0o640)
    link = tmp_path / "hard.md"
    link.hardlink_to(out)
    text = release_notes(proj.path, output=out)
    assert out.read_text() == text and text.startswith("## [1.1.0] - ")
    assert link.read_text() == "old notes"  # a new file renamed over the old one, not rewritten
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.md", "notes.md", "project"]
