"""The sessions as a user runs them: a real ``nox`` on a three-line noxfile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testkit.samples import Repo, make_repo

NOXFILE = "import nox_release\n\nnox_release.register()\n"
ALL = [
    "release-bump-patch",
    "release-bump-minor",
    "release-bump-major",
    "release-bump-pre",
    "release-bump-final",
    "release-bump-post",
    "release-check",
]


def nox(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nox", "--no-color", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Repo:
    return make_repo(
        tmp_path / "p",
        files={"noxfile.py": NOXFILE},
        extra="[tool.nox-release]\nchangelog = false\n",
    )


def test_three_lines_list_every_session(project: Repo) -> None:
    out = nox(project, "-l").stdout
    for name in ALL:
        assert f"- {name} -> " in out  # listed, and not a default session


def test_plain_nox_releases_nothing(project: Repo) -> None:
    before = project.snapshot()
    nox(project)
    assert project.snapshot() == before


def test_bump_patch_dry_run_then_real(project: Repo) -> None:
    before = project.snapshot()
    dry = nox(project, "-s", "release-bump-patch", "--", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert '+version = "1.2.4"' in dry.stderr
    assert project.snapshot() == before
    real = nox(project, "-s", "release-bump-patch")
    assert real.returncode == 0, real.stderr
    assert project.tags() == ["v1.2.4"]
    check = nox(project, "-s", "release-check")
    assert check.returncode == 0 and "version 1.2.4 matches tag v1.2.4" in check.stderr


def test_pre_release_sessions(project: Repo) -> None:
    assert nox(project, "-s", "release-bump-minor", "--", "--pre", "alpha").returncode == 0
    assert nox(project, "-s", "release-bump-pre").returncode == 0
    assert nox(project, "-s", "release-bump-pre", "--", "rc").returncode == 0
    assert nox(project, "-s", "release-bump-final").returncode == 0
    assert project.tags() == ["v1.3.0", "v1.3.0a1", "v1.3.0a2", "v1.3.0rc1"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-s", "release-bump-patch", "--", "--pre", "preview"], "invalid choice: 'preview'"),
        (["-s", "release-bump-final"], "1.2.3 is already a final release"),
        (["-s", "release-bump-pre", "--", "alpha", "extra"], "unrecognized arguments: extra"),
    ],
)
def test_user_errors_are_one_sentence_without_traceback(
    project: Repo, args: list[str], expected: str
) -> None:
    before = project.snapshot()
    result = nox(project, *args)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert project.snapshot() == before


def test_dirty_tree_fails_cleanly(project: Repo) -> None:
    project.write("pyproject.toml", project.read("pyproject.toml") + "# local edit\n")
    result = nox(project, "-s", "release-bump-minor")
    assert result.returncode != 0
    assert "uncommitted changes (pyproject.toml): commit or stash them first." in result.stderr
    assert "Traceback" not in result.stderr
    assert project.tags() == []


def test_release_check_fails_on_mismatch(project: Repo) -> None:
    project.tag("v1.2.5")
    result = nox(project, "-s", "release-check")
    assert result.returncode != 0
    assert "HEAD carries the release tag v1.2.5 (1.2.5) but the version sources say 1.2.3" in (
        result.stderr
    )


def test_register_prefix_and_exclude(project: Repo) -> None:
    project.commit(
        "chore: custom noxfile",
        {
            "noxfile.py": (
                "import nox_release\n\n"
                "names = nox_release.register(prefix='rel-', exclude=['release-bump-major'])\n"
                "assert 'rel-release-bump-patch' in names\n"
            )
        },
    )
    out = nox(project, "-l").stdout
    assert "- rel-release-bump-patch -> " in out
    assert "release-bump-major" not in out
    assert "- release-bump-patch" not in out


def test_register_rejects_unknown_names(project: Repo) -> None:
    project.commit(
        "chore: bad noxfile",
        {
            "noxfile.py": (
                "import nox_release\n\nnox_release.register(exclude=['release-bump-mayor'])\n"
            )
        },
    )
    result = nox(project, "-l")
    assert result.returncode != 0
    assert "unknown session(s) release-bump-mayor" in result.stderr


def test_help(project: Repo) -> None:
    result = nox(project, "-s", "release-bump-minor", "--", "--help")
    assert "--pre {alpha,beta,rc,dev,a,b}" in result.stderr
    assert project.tags() == []
