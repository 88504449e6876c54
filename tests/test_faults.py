"""kill -9 at every step boundary of a release and of a bump: both ways out converge.

A driver process runs ``release -- minor --publish --push`` (or ``release-bump-minor``) against
a real pypiserver and a bare ``origin`` and kills itself (SIGKILL) at one step boundary
(``NOX_RELEASE_TEST_KILL_AT``, or a git hook). From a copy of what it left, ``release --
--abort`` restores the start (or, once the release has left the machine, refuses in one
sentence); from the original, ``release`` (resume) ends exactly as an uninterrupted run does.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from nox_release import ReleaseError
from nox_release.adapters.git import Git
from nox_release.pipeline.journal import Journal
from nox_release.pipeline.release import release
from nox_release.steps.bump import bump
from testkit.faults import (
    clone_state,
    drive,
    end_state,
    local_state,
    normalised,
    release_options,
    sample,
)
from testkit.publish import PASSWORD, USERNAME, Index
from testkit.samples import Repo

pytestmark = pytest.mark.slow

#: Every step boundary of `release -- --publish --push`, in order: before each file write, the
#: staging, the commit and the tag, after the tag, before and after each pipeline step, and
#: before the journal of the finished release is cleared.
RELEASE_POINTS = (
    "write",
    "write CHANGELOG.md",
    "stage",
    "commit",
    "tag",
    "tagged",
    "build",
    "after build",
    "sbom",
    "after sbom",
    "check",
    "after check",
    "publish",
    "after publish",
    "push",
    "after push",
    "finish",
)
#: Past these, the release has left the machine: abort refuses.
LEFT_THE_MACHINE = ("after publish", "push", "after push", "finish")
BUMP_POINTS = ("write", "write CHANGELOG.md", "stage", "commit", "tag", "tagged")


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWINE_USERNAME", USERNAME)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    for var in ("TWINE_REPOSITORY", "TWINE_REPOSITORY_URL", "CI", "GITHUB_OUTPUT"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def baseline(
    pypiserver: Index, tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None
) -> str:
    """The end state of one uninterrupted release (made once per module and worker)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TWINE_USERNAME", USERNAME)
        mp.setenv("TWINE_PASSWORD", PASSWORD)
        mp.delenv("GITHUB_OUTPUT", raising=False)
        repo = sample(tmp_path_factory.mktemp("baseline") / "base", "fault-base")
        release(repo.path, **release_options(pypiserver))  # type: ignore[arg-type]
        return normalised(end_state(repo, pypiserver, "fault-base"), "fault-base")


def _name(point: str) -> str:
    return "fault-" + point.replace(" ", "-").replace(".", "-").lower()


@pytest.mark.parametrize("point", RELEASE_POINTS)
def test_release_killed_at_every_step_boundary_resumes_or_aborts(
    pypiserver: Index, tmp_path: Path, baseline: str, point: str
) -> None:
    name = _name(point)
    repo = sample(tmp_path / "kill", name)
    start = local_state(repo)
    killed = drive(repo, "release", release_options(pypiserver), kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # Way out 1, on a copy: abort restores the start, or refuses once the release left.
    copy = clone_state(repo, tmp_path / "abort")
    if point in LEFT_THE_MACHINE:
        with pytest.raises(ReleaseError, match="cannot be undone; finish it"):
            release(copy.path, abort=True)
    else:
        release(copy.path, abort=True)
        assert local_state(copy) == start
        assert Journal.load(Git(copy.path)) is None
    # Way out 2: resume ends exactly as an uninterrupted release.
    release(repo.path, **release_options(pypiserver))  # type: ignore[arg-type]
    assert normalised(end_state(repo, pypiserver, name), name) == baseline


def _bumped(repo: Repo, start: str) -> None:
    """The end state of an uninterrupted `release-bump-minor` from ``start``."""
    assert repo.tags() == ["v1.2.3", "v1.3.0"]
    assert repo.git("tag", "--points-at", "HEAD") == "v1.3.0"
    assert repo.git("rev-parse", "HEAD^") == start
    assert repo.git("log", "-1", "--format=%s") == "chore(release): v1.3.0"
    assert repo.status() == ""
    assert 'version = "1.3.0"' in repo.read("pyproject.toml")
    assert "## [1.3.0]" in repo.read("CHANGELOG.md") or "1.3.0" in repo.read("CHANGELOG.md")
    assert sorted(p.name for p in (repo.path / ".git" / "nox-release").rglob("*.json")) == []


@pytest.mark.parametrize("point", BUMP_POINTS)
def test_bump_killed_at_every_step_boundary_reruns_or_aborts(tmp_path: Path, point: str) -> None:
    repo = sample(tmp_path / "kill", _name(point))
    start, head = local_state(repo), repo.head()
    killed = drive(repo, "minor", kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    copy = clone_state(repo, tmp_path / "abort")
    release(copy.path, abort=True)
    if point == "tagged":  # the bump had finished: nothing to undo, only its record to drop
        _bumped(copy, head)
    else:
        assert local_state(copy) == start
    # A plain re-run of the bump finishes the interrupted one (or redoes it): one release.
    bump(repo.path, "minor")
    _bumped(repo, head)


def _hook(repo: Repo, name: str, body: str) -> None:
    hook = repo.path / ".git" / "hooks" / name
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(0o755)


@pytest.mark.parametrize(
    ("hook", "committed"), [("pre-commit", False), ("post-commit", True)]
)
def test_a_git_hook_that_kills_nox_mid_bump(
    pypiserver: Index, tmp_path: Path, baseline: str, hook: str, committed: bool
) -> None:
    """A hook kills the release between the files and the commit, or the commit and the tag:
    abort undoes it, resume finishes it (one tag, on the release commit, pushed)."""
    name = f"fault-hook-{hook}"
    repo = sample(tmp_path / "kill", name)
    start = local_state(repo)
    _hook(repo, hook, 'kill -9 "$DRIVER_PID"\nexit 1\n')
    killed = drive(repo, "release", release_options(pypiserver))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    (repo.path / ".git" / "hooks" / hook).unlink()
    assert (repo.git("log", "-1", "--format=%s") == "chore(release): v1.3.0") is committed
    copy = clone_state(repo, tmp_path / "abort")
    release(copy.path, abort=True)
    assert local_state(copy) == start
    release(repo.path, **release_options(pypiserver))  # type: ignore[arg-type]
    assert normalised(end_state(repo, pypiserver, name), name) == baseline
