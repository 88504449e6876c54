"""Races and signals: one mutating session at a time, compare-and-swap refs, and a second Ctrl-C
that cannot cut a rollback short; on real git and real processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nox_release import ReleaseError
from nox_release.pipeline.release import release
from nox_release.steps.bump import bump
from testkit.faults import release_options, sample
from testkit.publish import PASSWORD, USERNAME, Index
from testkit.samples import Repo, make_repo

_BUMP = "import sys\nfrom nox_release.steps.bump import bump\nbump(sys.argv[1], sys.argv[2])\n"


def _bump_process(repo: Repo, part: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _BUMP, str(repo.path), part],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_bump_during_a_release_is_refused(
    pypiserver: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWINE_USERNAME", USERNAME)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    repo = sample(tmp_path / "busy", "race-busy")
    answers: list[tuple[int, str]] = []

    def meanwhile(step: str) -> None:
        if step == "build":  # another process bumps while the release builds
            proc = _bump_process(repo, "patch")
            _out, err = proc.communicate()
            answers.append((proc.returncode, err))

    result = release(repo.path, **release_options(pypiserver, before_step=meanwhile))  # type: ignore[arg-type]
    assert answers and answers[0][0] != 0
    assert "another release is running in this repository" in answers[0][1]
    assert result.tag == "v1.3.0" and repo.tags() == ["v1.2.3", "v1.3.0"]
    assert repo.git("tag", "--points-at", "HEAD") == "v1.3.0" and repo.status() == ""


def test_a_bump_while_a_release_is_paused_is_refused(
    pypiserver: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWINE_USERNAME", USERNAME)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    repo = sample(tmp_path / "paused", "race-paused")

    def fail(step: str) -> None:
        if step == "build":
            raise OSError("the build machine went away")

    with pytest.raises(ReleaseError, match="stopped at step 'build'"):
        release(repo.path, **release_options(pypiserver, before_step=fail))  # type: ignore[arg-type]
    paused = repo.snapshot()
    with pytest.raises(ReleaseError, match=r"release of v1\.3\.0 is in progress.*--abort"):
        bump(repo.path, "patch")
    assert repo.snapshot() == paused and repo.tags() == ["v1.2.3", "v1.3.0"]
    result = release(repo.path, **release_options(pypiserver))  # type: ignore[arg-type]
    assert result.tag == "v1.3.0" and repo.tags() == ["v1.2.3", "v1.3.0"]


def test_a_second_bump_waits_its_turn(repo: Repo) -> None:
    start = repo.head()
    answers: list[tuple[int, str]] = []

    def meanwhile(step: str) -> None:
        if step == "tag":  # committed, not tagged yet: another bump tries to go on from here
            proc = _bump_process(repo, "minor")
            answers.append((proc.wait(), proc.communicate()[1]))

    bump(repo.path, "patch", before_step=meanwhile)
    assert answers[0][0] != 0 and "another bump is running" in answers[0][1]
    assert repo.tags() == ["v1.2.4"] and repo.git("rev-parse", "HEAD^") == start
    bump(repo.path, "minor")  # its turn now
    assert repo.tags() == ["v1.2.4", "v1.3.0"]


@pytest.mark.parametrize("run", range(3))
def test_two_bumps_at_once_lose_no_commit(tmp_path: Path, run: int) -> None:
    repo = make_repo(tmp_path / "race")
    start = repo.head()
    procs = [_bump_process(repo, "patch"), _bump_process(repo, "minor")]
    codes = [p.wait() for p in procs]
    for p in procs:
        p.communicate()
    made = repo.tags()
    assert 1 <= len(made) == codes.count(0)
    # Every tag is on its own release commit, all on main, in one line from the start.
    history = repo.git("rev-list", f"{start}..main").splitlines()
    assert len(history) == len(made)
    for tag in made:
        assert repo.git("rev-parse", f"{tag}^{{commit}}") in history
    assert repo.status() == ""


_INTERRUPTED = """
import os, signal, sys
os.environ["DRIVER_PID"] = str(os.getpid())
from nox_release.steps.bump import bump
armed = sys.argv[2]

def step(name):
    if name == "tag":  # the first Ctrl-C: after the commit, before the tag
        open(armed, "w").close()
        os.kill(os.getpid(), signal.SIGINT)

try:
    bump(sys.argv[1], "minor", before_step=step)
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_a_second_ctrl_c_does_not_cut_the_rollback_short(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "sigint")
    armed = tmp_path / "armed"
    start = repo.snapshot()
    hook = repo.path / ".git" / "hooks" / "reference-transaction"
    # The second Ctrl-C arrives while the rollback moves the branch back.
    hook.write_text(
        f'#!/bin/sh\nif [ "$1" = prepared ] && [ -f "{armed}" ]; then\n'
        f'  rm -f "{armed}"; kill -INT "$DRIVER_PID"; sleep 0.2\nfi\nexit 0\n'
    )
    hook.chmod(0o755)
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED, str(repo.path), str(armed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 130, proc.stderr
    assert not armed.exists()  # the second Ctrl-C was sent
    hook.unlink()
    assert repo.snapshot() == start


def test_a_branch_moves_only_from_where_it_was(repo: Repo) -> None:
    """Compare-and-swap: a rewind from a commit the branch no longer points at changes nothing."""
    from nox_release.adapters.git import Git

    first = repo.head()
    second = repo.commit("fix: two", {"a.txt": "2\n"})
    third = repo.commit("fix: three", {"a.txt": "3\n"})  # someone moved main on meanwhile
    with pytest.raises(ReleaseError):
        Git(repo.path).rewind("main", first, second, "roll back")
    assert repo.head() == third and repo.read("a.txt") == "3\n" and repo.status() == ""
    Git(repo.path).rewind("main", second, third, "roll back")
    assert repo.head() == second and repo.read("a.txt") == "2\n" and repo.status() == ""


def test_a_lock_held_by_a_zombie_is_taken_over(repo: Repo) -> None:
    """The holder exited but its parent never reaped it: the pid exists, the process does not."""
    import json
    import socket
    import time

    from nox_release.adapters.git import Git
    from nox_release.adapters.lock import ReleaseLock

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    for _ in range(200):  # until it has exited (a zombie: not reaped yet)
        stat = Path(f"/proc/{child.pid}/stat")
        if not stat.exists() or stat.read_text().rpartition(")")[2].split()[0] == "Z":
            break
        time.sleep(0.05)
    git = Git(repo.path)
    (git.state_dir() / "lock").write_text(
        json.dumps({"pid": child.pid, "host": socket.gethostname(), "since": 0, "what": "bump"})
    )
    try:
        with ReleaseLock(git) as lock:
            assert lock.held
    finally:
        child.wait()
