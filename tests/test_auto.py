"""release-bump-auto against real git repositories: every rule of the issue, small histories."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nox_release import BumpError, GitError, Project, Version, bump_auto, decide
from nox_release.adapters.history import newest_release_tag
from testkit.samples import Repo, make_repo


def released(
    path: Path, version: str = "1.2.3", *, extra: str = "", tag: str | None = None
) -> Repo:
    """A sample project at ``version`` whose initial commit carries the release tag."""
    repo = make_repo(path, version=version, extra=extra)
    repo.tag(tag or f"v{version}")
    return repo


def version_of(repo: Repo, *, pre: str | None = None) -> str | None:
    decision = decide(repo.path, pre=pre)
    return decision.version.pep440 if decision.version else None


# -- what counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["fix: a bug"], "1.2.4"),
        (["docs: typo", "impr(cli): nicer output", "revert: undo x"], "1.2.4"),
        (["fix: a bug", "feat(api): a thing", "chore: tidy"], "1.3.0"),
        (["feat!: drop the old API", "fix: x"], "2.0.0"),
        (["fix: x\n\nA body\nover lines.\n\nBREAKING CHANGE: the flag is gone"], "2.0.0"),
        (["refactor: y\n\nBREAKING-CHANGE: hyphen form"], "2.0.0"),
        (["Update README", "WIP"], None),
    ],
)
def test_bump_from_the_commits_since_the_tag(
    tmp_path: Path, messages: list[str], expected: str | None
) -> None:
    repo = released(tmp_path / "p")
    for message in messages:
        repo.commit(message)
    assert version_of(repo) == expected


def test_non_conventional_commits_are_counted_not_decisive(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    for message in ["Update README", "fix: x", "oops", "feat!no colon"]:
        repo.commit(message)
    decision = decide(repo.path)
    assert decision.version == Version("1.2.4")
    assert decision.skipped == 3
    assert "3 not conventional (skipped)" in decision.summary()
    assert [c.header for c in decision.commits["patch"]] == ["fix: x"]


def test_only_commits_since_the_newest_reachable_release_tag_count(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", version="1.2.3")
    repo.commit("feat!: before every tag")
    repo.tag("v1.2.2")
    repo.commit("feat: before the newest tag")
    repo.tag("v1.2.3")
    repo.commit("fix: after it")
    repo.tag("docs-snapshot")  # not the tag format: ignored
    repo.tag("vnext")  # matches the glob v*, names no version: ignored
    repo.commit("fix: after a tag that is not a release tag")
    decision = decide(repo.path)
    assert decision.base_tag == "v1.2.3"
    assert decision.version == Version("1.2.4")
    assert [c.header for c in decision.commits["patch"]] == [
        "fix: after a tag that is not a release tag",
        "fix: after it",
    ]


def test_the_tag_format_is_configurable(tmp_path: Path) -> None:
    extra = '[tool.nox-release]\ntag-format = "release-{version}"\n'
    repo = released(tmp_path / "p", extra=extra, tag="release-1.2.3")
    repo.commit("feat!: before a tag of another format")
    repo.tag("v9.0.0")  # another format: ignored, the breaking change counts
    assert decide(repo.path).base_tag == "release-1.2.3"
    assert version_of(repo) == "2.0.0"


def test_semver_tags_are_read(tmp_path: Path) -> None:
    extra = '[tool.nox-release]\ntag-format = "v{semver}"\n'
    repo = released(tmp_path / "p", "1.3.0rc1", extra=extra, tag="v1.3.0-rc.1")
    repo.commit("fix: x")
    assert decide(repo.path).base_tag == "v1.3.0-rc.1"
    assert version_of(repo, pre="rc") == "1.3.0rc2"


def test_release_commits_never_count(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    repo.commit("chore(release): v1.2.3 again")
    decision = decide(repo.path)
    assert decision.version is None
    assert decision.release_commits == 1 and decision.skipped == 0


def test_no_tag_counts_every_commit_from_the_pyproject_version(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", version="0.3.1")  # "chore: initial commit" counts too
    decision = decide(repo.path)
    assert decision.base_tag is None
    assert decision.previous == Version("0.3.1")
    assert decision.version == Version("0.3.2")
    assert "since the first commit (no tag)" in decision.summary()
    repo.commit("feat: y")
    assert version_of(repo) == "0.4.0"


def test_files_behind_the_tag_start_from_the_tag(tmp_path: Path) -> None:
    """A tag made without bumping the files: the tag's version is the base (and it says so)."""
    repo = make_repo(tmp_path / "p", version="1.1.0")
    repo.tag("v1.2.3")
    repo.commit("feat: x")
    lines: list[str] = []
    result = bump_auto(repo.path, dry_run=True, log=lines.append)
    assert result.decision.previous == Version("1.2.3")
    assert result.version == Version("1.3.0")
    assert lines[1] == (
        "note: the version sources say 1.1.0, behind the release tag v1.2.3: "
        "the decision starts from 1.2.3"
    )
    assert '-version = "1.1.0"' in "\n".join(lines) and '+version = "1.3.0"' in "\n".join(lines)


def test_files_ahead_of_the_tag_start_from_the_files(tmp_path: Path) -> None:
    """The next cycle (release-branch moves main to X.(Y+1).0a1, untagged) is kept."""
    repo = released(tmp_path / "p", "1.2.0")
    repo.commit(
        "chore: next cycle",
        {"pyproject.toml": repo.read("pyproject.toml").replace("1.2.0", "1.3.0a1")},
    )
    repo.commit("fix: x")
    assert decide(repo.path).previous == Version("1.3.0a1")
    assert version_of(repo, pre="alpha") == "1.3.0a2"
    assert version_of(repo) == "1.3.0"


def test_highest_reachable_tag_on_a_maintenance_branch(tmp_path: Path) -> None:
    """Higher tags on main are not reachable from the branch: more than the quick checks."""
    repo = released(tmp_path / "p", "1.2.0")
    repo.git("switch", "-q", "-c", "1.2")
    repo.commit("fix: on the branch", {"pyproject.toml": repo.read("pyproject.toml")})
    repo.git("switch", "-q", "main")
    for minor in range(3, 13):  # ten releases on main, none reachable from the branch
        repo.commit(f"feat: {minor}")
        repo.tag(f"v1.{minor}.0")
    repo.git("switch", "-q", "1.2")
    decision = decide(repo.path)
    assert decision.base_tag == "v1.2.0"
    assert decision.version == Version("1.2.1")
    assert [c.header for c in decision.commits["patch"]] == ["fix: on the branch"]
    assert newest_release_tag(Project(repo.path)) == (
        "v1.2.0",
        Version("1.2.0"),
    )


def test_tag_on_a_release_branch_merged_back(tmp_path: Path) -> None:
    """git-flow: the tag's only child in the range is a merge; merges themselves do not count."""
    repo = make_repo(tmp_path / "p", version="1.2.3")
    repo.git("switch", "-q", "-c", "release")
    repo.commit("feat!: before the release")
    repo.tag("v1.2.3")
    repo.git("switch", "-q", "main")
    repo.commit("fix: on main meanwhile")
    repo.git("merge", "-q", "--no-ff", "-m", "feat!: a merge message is not a decision", "release")
    repo.commit("fix: after the merge")
    decision = decide(repo.path)
    assert decision.base_tag == "v1.2.3"
    assert decision.merges == 1
    assert decision.version == Version("1.2.4")
    assert sorted(c.header for c in decision.commits["patch"]) == [
        "fix: after the merge",
        "fix: on main meanwhile",
    ]


# -- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "messages", "expected"),
    [
        ('feat = "patch"', ["feat: x"], "1.2.4"),
        ('deps = "minor"', ["deps: bump y"], "1.3.0"),
        ('docs = "none"\nchore = "none"', ["docs: x", "chore: y"], None),
        ('docs = "none"', ["docs!: even breaking"], None),
        ('wip = "none"', ["wip: x", "fix: y"], "1.2.4"),
    ],
)
def test_commit_types(
    tmp_path: Path, types: str, messages: list[str], expected: str | None
) -> None:
    repo = released(tmp_path / "p", extra=f"[tool.nox-release.commit-types]\n{types}\n")
    for message in messages:
        repo.commit(message)
    assert version_of(repo) == expected


@pytest.mark.parametrize(
    ("moz", "message", "expected"),
    [
        (False, "feat!: breaking", "0.5.0"),
        (False, "feat: feature", "0.5.0"),
        (False, "fix: fix", "0.4.3"),
        (True, "feat!: breaking", "1.0.0"),
        (True, "feat: feature", "0.5.0"),
    ],
)
def test_before_one_zero(tmp_path: Path, moz: bool, message: str, expected: str) -> None:
    extra = f"[tool.nox-release]\nmajor-on-zero = {'true' if moz else 'false'}\n"
    repo = released(tmp_path / "p", "0.4.2", extra=extra)
    repo.commit(message)
    decision = decide(repo.path)
    assert decision.version == Version(expected)
    if not moz and message.startswith("feat!"):
        assert decision.effect == "major" and decision.part == "minor"
        assert "major-on-zero = true bumps major" in decision.summary()


# -- pre-releases: the table of docs/auto.md on real tags -----------------------------------------


@pytest.mark.parametrize(
    ("current", "message", "pre", "expected"),
    [
        ("1.2.3", "feat: x", "rc", "1.3.0rc1"),
        ("1.2.3", "fix: x", "alpha", "1.2.4a1"),
        ("1.3.0rc1", "fix: x", "rc", "1.3.0rc2"),
        ("1.3.0rc1", "feat: x", "rc", "1.3.0rc2"),
        ("1.3.0rc1", "feat!: x", "rc", "2.0.0rc1"),
        ("1.3.0a2", "fix: x", "rc", "1.3.0rc1"),
        ("1.3.0.dev1", "fix: x", "dev", "1.3.0.dev2"),
        ("1.2.4rc1", "feat: x", "rc", "1.3.0rc1"),
        ("1.3.0rc2", "fix: x", None, "1.3.0"),
        ("1.3.0rc2", "feat: x", None, "1.3.0"),
        ("1.3.0rc2", "feat!: x", None, "2.0.0"),
        ("1.3.0rc2", "Update README", None, None),
    ],
)
def test_pre_release_rules(
    tmp_path: Path, current: str, message: str, pre: str | None, expected: str | None
) -> None:
    repo = released(tmp_path / "p", current)
    repo.commit(message)
    assert version_of(repo, pre=pre) == expected


def test_a_pre_release_is_never_moved_back(tmp_path: Path) -> None:
    repo = released(tmp_path / "p", "1.3.0rc1")
    repo.commit("fix: x")
    before = repo.snapshot()
    with pytest.raises(BumpError, match="cannot move back to alpha"):
        bump_auto(repo.path, pre="alpha")
    assert repo.snapshot() == before


def test_nothing_since_a_pre_release_points_at_release_bump_final(tmp_path: Path) -> None:
    repo = released(tmp_path / "p", "1.3.0rc2")
    assert "run release-bump-final" in decide(repo.path).summary()


def test_a_pre_release_walk_through_real_bumps(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    repo.commit("feat: new")
    assert bump_auto(repo.path, pre="rc").version == Version("1.3.0rc1")
    repo.commit("fix: in the candidate")
    assert bump_auto(repo.path, pre="rc").version == Version("1.3.0rc2")
    repo.commit("fix: another")
    result = bump_auto(repo.path)
    assert result.version == Version("1.3.0")
    assert result.decision.base_tag == "v1.3.0rc2"
    assert repo.tags() == ["v1.2.3", "v1.3.0", "v1.3.0rc1", "v1.3.0rc2"]
    assert 'version = "1.3.0"' in repo.read("pyproject.toml")


# -- the session's behaviour: apply, dry run, nothing to release, explain -------------------------


def test_applies_through_the_bump_machinery(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    repo.commit("feat: x")
    lines: list[str] = []
    result = bump_auto(repo.path, log=lines.append)
    assert result.bump is not None and result.bump.applied
    assert repo.git("log", "-1", "--format=%s") == "chore(release): v1.3.0"
    assert repo.git("rev-parse", "v1.3.0^{commit}") == repo.head()
    assert lines[0] == "1 commit since v1.2.3: 1 minor -> minor: 1.2.3 -> 1.3.0"
    assert repo.status() == ""
    assert decide(repo.path).version is None  # the release commit itself never counts


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    repo.commit("fix: x")
    before = repo.snapshot()
    lines: list[str] = []
    result = bump_auto(repo.path, dry_run=True, log=lines.append)
    assert result.bump is not None and not result.bump.applied
    out = "\n".join(lines)
    assert '+version = "1.2.4"' in out and "$ git tag -a -m 'Release v1.2.4' v1.2.4" in out
    assert repo.snapshot() == before


def test_failure_in_the_middle_leaves_everything_as_it_was(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    repo.commit("fix: x")
    before = repo.snapshot()

    def fail(step: str) -> None:
        if step == "tag":
            raise GitError("injected failure before the tag")

    with pytest.raises(GitError, match="injected"):
        bump_auto(repo.path, before_step=fail)
    assert repo.snapshot() == before


def test_nothing_to_release_says_so_in_one_line(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    repo.commit("Update README")
    repo.commit("wip: half done")  # conventional, of a type that maps to nothing
    repo.write("pyproject.toml", repo.read("pyproject.toml") + "\n")  # dirty: still no error
    before = repo.snapshot()
    lines: list[str] = []
    result = bump_auto(repo.path, log=lines.append)
    assert result.bump is None and result.version is None
    assert lines == [
        "nothing to release: no commit maps to a bump (2 commits since v1.2.3: "
        "1 no effect, 1 not conventional (skipped)); nothing changed."
    ]
    assert repo.snapshot() == before


def test_explain_lists_the_deciding_commits_by_effect(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    fix = repo.commit("fix: small")
    feat = repo.commit("feat(api): big\n\nBREAKING CHANGE: the old call is gone")
    repo.commit("style: spaces")
    repo.commit("no convention here")
    lines: list[str] = []
    bump_auto(repo.path, dry_run=True, explain=True, log=lines.append)
    start = lines.index("commits by effect (the strongest decides):")
    assert (
        lines[start + 1 : start + 7]
        == [
            "breaking (1)  <- decides:",
            f"  {feat[:12]} feat(api)!: big (the old call is gone)",  # as the changelog lists it
            "patch (2):",
            f"  {repo.git('rev-parse', 'HEAD~1')[:12]} style: spaces",
            f"  {fix[:12]} fix: small",
            "not conventional, skipped: 1",
        ]
    )


def test_decide_accepts_a_project_and_is_read_only(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    repo.commit("feat: x")
    before = repo.snapshot()
    decision = decide(Project(repo.path))
    assert (decision.previous, decision.version, decision.part) == (
        Version("1.2.3"),
        Version("1.3.0"),
        "minor",
    )
    assert repo.snapshot() == before


def test_repository_without_commits(tmp_path: Path) -> None:
    path = tmp_path / "p"
    path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    (path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1.0.0"\n')
    with pytest.raises(GitError, match="no commit yet"):
        decide(path)


# -- shallow clones ------------------------------------------------------------------------------


def _clone(origin: Repo, dest: Path, *args: str) -> Repo:
    subprocess.run(
        ["git", "clone", "-q", *args, origin.path.as_uri(), str(dest)],
        check=True,
        capture_output=True,
    )
    return Repo(dest)


def test_shallow_clone_without_the_tag_names_the_fix(tmp_path: Path) -> None:
    origin = released(tmp_path / "origin")
    for n in range(3):
        origin.commit(f"fix: {n}")
    clone = _clone(origin, tmp_path / "clone", "--depth", "1", "--no-tags")
    with pytest.raises(GitError, match=r"shallow clone .* 'git fetch --tags --unshallow'"):
        decide(clone.path)
    clone.git("fetch", "-q", "--tags", "--unshallow")
    assert decide(clone.path).version == Version("1.2.4")


def test_shallow_clone_deep_enough_is_fine(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", version="1.2.3")
    origin.commit("feat!: before the tag, beyond the clone's depth")
    origin.commit("fix: released")
    origin.tag("v1.2.3")
    origin.commit("feat: x")
    clone = _clone(origin, tmp_path / "clone", "--depth", "2")
    assert clone.git("rev-parse", "--is-shallow-repository") == "true"
    assert decide(clone.path).version == Version("1.3.0")


# -- the nox session -----------------------------------------------------------------------------


def test_session_nothing_to_release_exits_0(tmp_path: Path) -> None:
    repo = released(tmp_path / "p")
    src = Path(__file__).resolve().parents[1] / "src"
    repo.write(
        "noxfile.py",
        textwrap.dedent(
            f"""\
            import sys
            sys.path.insert(0, {str(src)!r})
            import nox_release
            nox_release.register()
            """
        ),
    )
    repo.commit("wip: half done")
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "release-bump-auto", "--", "--explain"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "nothing to release: no commit maps to a bump (1 commit since v1.2.3" in proc.stderr
    assert "Traceback" not in proc.stderr
    repo.commit("fix: now there is")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nox",
            "-s",
            "release-bump-auto",
            "--",
            "--pre",
            "beta",
            "--dry-run",
        ],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "-> patch: 1.2.3 -> 1.2.4b1" in proc.stderr
    assert repo.tags() == ["v1.2.3"]
