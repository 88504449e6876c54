"""kill -9 at every step boundary of a release and of a bump: both ways out converge.

A driver process runs ``release -- minor --publish --push`` (or ``release-bump-minor``) against
a real pypiserver and a bare ``origin`` and kills itself (SIGKILL) at one step boundary
(``NOX_RELEASE_TEST_KILL_AT``, or a git hook). From a copy of what it left, ``release --
--abort`` restores the start (or, once the release has left the machine, refuses in one
sentence); from the original, ``release`` (resume) ends exactly as an uninterrupted run does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nox_release import ReleaseError
from nox_release.adapters.git import Git
from nox_release.adapters.index import read_project
from nox_release.pipeline.journal import Journal
from nox_release.pipeline.release import release
from nox_release.steps.auto import bump_auto
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
from testkit.samples import Repo, make_repo

pytestmark = pytest.mark.slow

#: Every step boundary of `release -- --publish --push`, in order: before each file write, the
#: staging, the commit and the tag, after the tag, before each pipeline step, after each step
#: that leaves the machine (the upload, the push) but before the journal records it, and before
#: the journal of the finished release is cleared. (After build, sbom or check and before the
#: journal records them is the same boundary as before the next step: those steps are redone.)
RELEASE_POINTS = (
    "write",
    "write CHANGELOG.md",
    "stage",
    "commit",
    "tag",
    "tagged",
    "build",
    "sbom",
    "check",
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


@pytest.mark.parametrize("point", BUMP_POINTS)
def test_bump_auto_killed_at_every_step_boundary_reruns_to_the_same_version(
    tmp_path: Path, point: str
) -> None:
    # The files a killed bump wrote hold its version: a re-run settles them before deciding,
    # so it releases 1.3.0 again, not 1.3.1 on top of the half-written 1.3.0.
    repo = sample(tmp_path / "kill", _name(point))
    head = repo.head()
    killed = drive(repo, "auto", kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    result = bump_auto(repo.path)
    assert result.version is not None and result.version.pep440 == "1.3.0"
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


# -- what resume and the pre-flight prove ---------------------------------------------------------
def _stop_at(step: str) -> Callable[[str], None]:
    def hook(at: str) -> None:
        if at == step:
            raise RuntimeError(f"injected failure at {at}")

    return hook


def test_resume_publishes_only_the_tags_tree(pypiserver: Index, tmp_path: Path) -> None:
    """Fixed the build and edited a source file too: resume refuses until the tree is the tag's."""
    name = "fault-dirty"
    repo = sample(tmp_path / "dirty", name)
    options = release_options(pypiserver)
    with pytest.raises(ReleaseError, match="stopped at step 'build'"):
        release(repo.path, **options, before_step=_stop_at("build"))  # type: ignore[arg-type]
    for rel in ("src/fault_dirty/feature.py", "src/fault_dirty/extra.py"):
        repo.write(rel, "X = 'not in the tag'\n")
        with pytest.raises(ReleaseError, match="differs from the release commit"):
            release(repo.path, **options)  # type: ignore[arg-type]
        assert read_project(pypiserver.simple, name, retries=0).files == {}
        repo.git("checkout", "--", ".")
        (repo.path / "src/fault_dirty/extra.py").unlink(missing_ok=True)
    release(repo.path, **options)  # type: ignore[arg-type]
    wheel = next((repo.path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("fault_dirty/feature.py") == b"X = 2\n"
        assert "fault_dirty/extra.py" not in zf.namelist()


def test_a_branch_behind_the_remote_is_refused_before_any_write(
    pypiserver: Index, tmp_path: Path
) -> None:
    name = "fault-behind"
    repo = sample(tmp_path / "behind", name)
    other = Repo(tmp_path / "teammate")
    Repo(tmp_path).git("clone", "-q", str(tmp_path / "behind-remote.git"), str(other.path))
    other.commit("fix: pushed first")
    other.git("push", "-q", "origin", "main")
    before = local_state(repo)
    with pytest.raises(ReleaseError, match="main is behind origin/main"):
        release(repo.path, **release_options(pypiserver))  # type: ignore[arg-type]
    assert local_state(repo) == before
    assert read_project(pypiserver.simple, name, retries=0).files == {}


def test_resume_after_credentials_in_the_url(
    pypiserver: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal keeps where the credentials came from, never them nor a redacted copy."""
    name = "fault-creds"
    repo = sample(tmp_path / "creds", name)
    url = pypiserver.url_with(USERNAME, PASSWORD)
    monkeypatch.delenv("TWINE_USERNAME")
    monkeypatch.delenv("TWINE_PASSWORD")
    options = release_options(pypiserver, repository=url)
    with pytest.raises(ReleaseError, match="stopped at step 'publish'"):
        release(repo.path, **options, before_step=_stop_at("publish"))  # type: ignore[arg-type]
    journal = (repo.path / ".git" / "nox-release" / "journal.json").read_text()
    assert PASSWORD not in journal and "***" not in journal and pypiserver.url in journal
    resume = release_options(pypiserver, repository=None)
    with pytest.raises(ReleaseError, match="give the same --repository again"):
        release(repo.path, **resume)  # type: ignore[arg-type]
    monkeypatch.setenv("TWINE_USERNAME", USERNAME)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    result = release(repo.path, **resume)  # type: ignore[arg-type]
    assert result.ran == ("publish", "push")
    assert len(read_project(pypiserver.simple, name, retries=0).files) == 2


# -- a full disk -----------------------------------------------------------------------------------
@contextlib.contextmanager
def _small_disk(path: Path, size: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` up, then free ``leave`` bytes."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


@pytest.mark.parametrize("free_kib", [4, 8, 12, 16, 24, 32])
def test_a_full_disk_never_leaves_a_half_release(tmp_path: Path, free_kib: int) -> None:
    """Whatever write fails, once space is back, abort (or a re-run) reaches a correct state."""
    with _small_disk(tmp_path / "disk", "2m") as disk:
        repo = make_repo(disk / "project")
        start = repo.snapshot()
        filler = _fill(disk, free_kib * 1024)
        try:
            bump(repo.path, "patch")
        except (ReleaseError, OSError):
            filler.unlink()
            release(repo.path, abort=True)
            assert repo.snapshot() == start
            bump(repo.path, "patch")  # and it works with space
        else:
            filler.unlink()
        assert repo.tags() == ["v1.2.4"] and repo.status() == ""
