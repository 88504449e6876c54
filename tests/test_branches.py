"""Maintenance branches: patch-only there, and cutting one while main starts the next cycle."""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release import BumpError, GitError, Version, bump
from nox_release.core.branches import maintenance_line
from nox_release.steps.branches import release_branch
from testkit.samples import Repo, make_repo

NO_CHANGELOG = "[tool.nox-release]\nchangelog = false\n"


@pytest.mark.parametrize(
    ("branch", "fmt", "line"),
    [
        ("2.0", "{major}.{minor}", (2, 0)),
        ("v2.0.x", "v{major}.{minor}.x", (2, 0)),
        ("main", "{major}.{minor}", None),
        ("v2.0.x", "{major}.{minor}", None),
        ("2.0.1", "{major}.{minor}", None),
        (None, "{major}.{minor}", None),
    ],
)
def test_maintenance_line(branch: str | None, fmt: str, line: tuple[int, int] | None) -> None:
    assert maintenance_line(branch, fmt) == line


@pytest.fixture
def released(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "p", version="2.0.0", extra=NO_CHANGELOG)
    repo.tag("v2.0.0")
    repo.commit("feat: next thing on main")
    return repo


def test_release_branch_cuts_branch_and_starts_next_cycle(released: Repo) -> None:
    tagged = released.git("rev-parse", "v2.0.0^{commit}")
    result = release_branch(str(released.path))
    assert result.branch == "2.0" and result.next_version == Version("2.1.0a1")
    assert released.git("rev-parse", "refs/heads/2.0") == tagged
    assert 'version = "2.1.0a1"' in released.read("pyproject.toml")
    assert (
        released.git("log", "-1", "--format=%s")
        == "chore(release): start 2.1.0a1 after cutting 2.0"
    )
    assert released.tags() == ["v2.0.0"]  # the next cycle is not a release
    assert released.git("branch", "--show-current") == "main"


def test_release_branch_formats_and_dev_cycle(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        version="3.1.0",
        extra=NO_CHANGELOG + ('release-branch-format = "v{major}.{minor}.x"\nnext-cycle = "dev"\n'),
    )
    repo.tag("v3.1.0")
    result = release_branch(str(repo.path))
    assert result.branch == "v3.1.x" and result.next_version == Version("3.2.0.dev0")
    assert repo.git("branch", "--list", "v3.1.x") != ""


def test_release_branch_dry_run_writes_nothing(released: Repo) -> None:
    before = released.snapshot()
    lines: list[str] = []
    release_branch(str(released.path), dry_run=True, log=lines.append)
    assert "$ git branch 2.0 v2.0.0^{commit}" in lines
    assert any('+version = "2.1.0a1"' in line for line in lines)
    assert released.snapshot() == before


def test_release_branch_refusals(released: Repo) -> None:
    release_branch(str(released.path))
    with pytest.raises(GitError, match="branch 2.0 already exists"):
        release_branch(str(released.path), from_tag="v2.0.0")
    with pytest.raises(BumpError, match="no such release tag"):
        release_branch(str(released.path), from_tag="v9.0.0")


def test_release_branch_failure_removes_the_branch(released: Repo) -> None:
    hook = released.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = released.snapshot()
    with pytest.raises(GitError):
        release_branch(str(released.path))
    assert released.snapshot() == before


def test_only_patch_releases_on_a_maintenance_branch(released: Repo) -> None:
    release_branch(str(released.path))
    released.git("switch", "-q", "2.0")
    with pytest.raises(
        BumpError, match=r"branch 2\.0 is the maintenance branch of 2\.0: only patch"
    ):
        bump(released.path, "minor")
    with pytest.raises(BumpError, match="not 3.0.0"):
        bump(released.path, "major")
    assert bump(released.path, "patch", pre="rc").version == Version("2.0.1rc1")
    assert bump(released.path, "final").version == Version("2.0.1")
    with pytest.raises(BumpError, match="is itself a maintenance branch"):
        release_branch(str(released.path))


def test_auto_bump_refuses_a_feature_on_a_maintenance_branch(released: Repo) -> None:
    from nox_release import bump_auto

    release_branch(str(released.path))
    released.git("switch", "-q", "2.0")
    released.commit("fix: a backported fix")
    assert bump_auto(released.path, dry_run=True).version == Version("2.0.1")  # type: ignore[union-attr]
    released.commit("feat: a feature does not belong here")
    before = released.snapshot()
    with pytest.raises(
        BumpError, match=r"branch 2\.0 is the maintenance branch of 2\.0.*not 2\.1\.0"
    ):
        bump_auto(released.path)
    assert released.snapshot() == before
