"""Existing changelogs are the user's: outside the new section they stay byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release import BumpError, ChangelogError, Version, bump
from nox_release.core.changelog import heading_version, layout, merge_changelog
from testkit.samples import Repo, make_repo

NEW = "## [1.3.0] - 2024-02-01\n\n### Fixed\n\n- A fix\n"
INTRO = "# Changelog\n\nAll notable changes.\n\n"

STYLES = {
    "keep-a-changelog": "## [1.2.3] - 2024-01-01\n\n- old\n\n## [1.2.2] - 2023-12-01\n\n- older\n",
    "parenthesised-date": "## 1.2.3 (2024-01-01)\n\n- old\n\n## 1.2.2 (2023-12-01)\n\n- older\n",
    "v-prefixed": "## v1.2.3\n\n* old\n\n## v1.2.2\n\n* older\n",
    "setext": "1.2.3 (2024-01-01)\n------------------\n\n- old\n\n1.2.2\n-----\n\n- older\n",
    "dev-version": "## 0.13.0.dev2\n\n- old\n\n## 0.13.0.dev1\n\n- older\n",
    "version-word": "## Version 1.2.3\n\nReleased 2024-01-01\n\n- old\n",
}


@pytest.mark.parametrize("style", list(STYLES))
def test_new_section_goes_above_the_newest_release_whatever_its_style(style: str) -> None:
    existing = INTRO + STYLES[style]
    out = merge_changelog(existing, NEW)  # no tag names any heading: found by their versions
    assert out == INTRO + NEW + "\n" + STYLES[style]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_unreleased_entries_move_into_the_new_section(newline: str) -> None:
    existing = (
        INTRO + "## [Unreleased]\n\n### Added\n\n- Hand-written entry\n\n"
        "## [1.2.3] - 2024-01-01\n\n- old\n\n[unreleased]: https://x/compare/v1.2.3...HEAD\n"
    ).replace("\n", newline)
    out = merge_changelog(existing, NEW)
    assert out == (
        INTRO + "## [Unreleased]\n\n## [1.3.0] - 2024-02-01\n\n### Added\n\n- Hand-written entry"
        "\n\n### Fixed\n\n- A fix\n\n## [1.2.3] - 2024-01-01\n\n- old\n\n"
        "[unreleased]: https://x/compare/v1.2.3...HEAD\n"
    ).replace("\n", newline)


def test_an_empty_unreleased_heading_stays_above_the_new_section() -> None:
    existing = INTRO + "## Unreleased\n\n## 1.2.3\n\n- old\n"
    assert (
        merge_changelog(existing, NEW)
        == INTRO + "## Unreleased\n\n" + NEW + "\n## 1.2.3\n\n- old\n"
    )


def test_a_file_without_releases_gets_the_section_below_its_intro() -> None:
    assert merge_changelog(INTRO, NEW) == INTRO + NEW
    assert merge_changelog("", NEW) == NEW


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("[1.2.3] - 2024-01-01", "1.2.3"),
        ("v2.0.0-rc.1", "2.0.0rc1"),
        ("0.13.0.dev2", "0.13.0.dev2"),
        ("Version 3.1.0", "3.1.0"),
        ("1.2.3 (2024-01-01)", "1.2.3"),
        ("Upgrading from the old API", None),
        ("Unreleased", None),
    ],
)
def test_heading_versions(text: str, version: str | None) -> None:
    found = heading_version(text)
    assert (found.pep440 if found else None) == version


def test_setext_rule_after_a_paragraph_is_a_heading_but_not_after_a_blank_line() -> None:
    lines = "Intro\n\n---\n\n1.0.0\n=====\n".splitlines(keepends=True)
    lay = layout(lines)
    assert lay.first_release == 4 and lay.newest == Version("1.0.0")


# -- through a real bump ------------------------------------------------------------------------
HAND_WRITTEN = (
    "# Changelog\n\nWritten by hand.\n\n## 1.0.0\n\n- The big one.\n\n"
    "## 1.0.0rc1\n\n- A candidate.\n\n## 0.9.0\n\n- Early days.\n"
)


@pytest.fixture
def released(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "p", version="1.0.0", files={"CHANGELOG.md": HAND_WRITTEN})
    for tag in ("v0.9.0", "v1.0.0rc1", "v1.0.0"):
        repo.commit(f"docs: towards {tag}")
        repo.tag(tag)
    repo.commit("fix: a bug after 1.0.0")
    return repo


def test_a_bump_keeps_every_hand_written_section(released: Repo) -> None:
    result = bump(released.path, "patch", dry_run=True)
    (change,) = [c for c in result.plan.changes if c.path.name == "CHANGELOG.md"]
    assert change.after is not None
    head = "# Changelog\n\nWritten by hand.\n\n## [1.0.1] - "
    assert change.after.startswith(head) and change.after.endswith(HAND_WRITTEN[len(INTRO) - 3 :])
    new = change.after[
        len("# Changelog\n\nWritten by hand.\n\n") : change.after.index("## 1.0.0\n")
    ]
    assert "A bug after 1.0.0" in new and "towards" not in new
    assert change.after.replace(new, "") == HAND_WRITTEN


def test_a_restructuredtext_changelog_is_refused_before_any_write(tmp_path: Path) -> None:
    rst = "Changes\n=======\n\nVersion 1.0.0\n-------------\n\n- Old.\n"
    repo = make_repo(
        tmp_path / "p",
        version="1.0.0",
        extra='[tool.nox-release]\nchangelog-file = "CHANGES.rst"\n',
        files={"CHANGES.rst": rst},
    )
    repo.tag("v1.0.0")
    repo.commit("fix: a bug")
    before = repo.snapshot()
    with pytest.raises(
        ChangelogError, match=r"CHANGES\.rst is reStructuredText.*changelog = false"
    ):
        bump(repo.path, "patch")
    assert repo.snapshot() == before


# -- the commits that decide the version are the ones the changelog lists ----------------------
def test_squash_merges_and_multi_line_headers_decide_and_are_listed(tmp_path: Path) -> None:
    from nox_release.steps.auto import bump_auto

    repo = make_repo(tmp_path / "p", version="1.0.0", files={"CHANGELOG.md": HAND_WRITTEN})
    repo.tag("v1.0.0")
    repo.commit("Update the docs")  # not conventional
    repo.commit("Squashed commit of the following:\n\n* feat: parse TOML\n* docs: typo\n")
    repo.commit("fix: a\nfix(io): b")
    repo.commit('Revert "chore: try something"\n\nThis reverts commit 0123.')
    result = bump_auto(repo.path, dry_run=True)
    assert result.version == Version("1.1.0")  # the squashed feat decides
    assert result.decision.skipped == 1
    assert result.bump is not None
    (change,) = [c for c in result.bump.plan.changes if c.path.name == "CHANGELOG.md"]
    new = change.after[: change.after.index("## 1.0.0\n")]
    for entry in ("- Parse TOML", "- A", "- **io:** B", '- Revert "chore: try something"'):
        assert entry in new
    assert "Typo" not in new and "Update the docs" not in new


def test_a_history_without_conventional_commits_is_refused_by_the_auto_bump(
    tmp_path: Path,
) -> None:
    from nox_release.steps.auto import bump_auto

    repo = make_repo(tmp_path / "p", version="1.0.0")
    repo.tag("v1.0.0")
    for message in ("Update README", "Fix the thing", "Squashed commit of the following:\n\n* x"):
        repo.commit(message)
    with pytest.raises(
        BumpError, match=r"none of the 3 commits since v1\.0\.0 .*'nox -s release-bump-patch'"
    ):
        bump_auto(repo.path, dry_run=True)


def test_a_maintenance_release_gets_one_line_not_an_empty_section(released: Repo) -> None:
    released.commit("docs: only docs")
    released.git("reset", "-q", "--hard", "HEAD~2")  # drop the fix, keep a docs-only history
    released.commit("docs: only docs")
    result = bump(released.path, "patch", dry_run=True)
    (change,) = [c for c in result.plan.changes if c.path.name == "CHANGELOG.md"]
    assert "\n\n- Maintenance release: no user-facing changes.\n\n## 1.0.0\n" in change.after
