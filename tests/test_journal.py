"""The one-release lock and the journal, on a real repository and real processes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nox_release import ReleaseError
from nox_release.adapters.git import Git
from nox_release.pipeline.journal import Journal, ReleaseLock, state_dir
from testkit.samples import Repo


def test_second_release_is_told_who_holds_the_lock(repo: Repo) -> None:
    git = Git(repo.path)
    # A real second process holds the lock while this one tries.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\n"
                "from nox_release.adapters.git import Git\n"
                "from nox_release.pipeline.journal import ReleaseLock\n"
                f"with ReleaseLock(Git({str(repo.path)!r})):\n"
                "    print('held', flush=True)\n"
                "    sys.stdin.readline()\n"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ReleaseError) as info, ReleaseLock(git):
            pass
        assert f"pid {holder.pid}" in str(info.value)
        assert "another release is running in this repository" in str(info.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    with ReleaseLock(git):  # released on exit: free again
        pass
    assert not (state_dir(git) / "lock").exists()


def test_stale_lock_of_a_dead_process_is_taken_over(repo: Repo) -> None:
    git = Git(repo.path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    import socket

    (state_dir(git) / "lock").write_text(
        json.dumps(
            {"pid": int(dead.stdout), "host": socket.gethostname(), "since": 0, "what": "release"}
        )
    )
    with ReleaseLock(git) as lock:
        assert lock.held


def test_journal_round_trip_lives_in_the_git_dir(repo: Repo) -> None:
    git = Git(repo.path)
    assert Journal.load(git) is None
    j = Journal(
        version="1.2.4",
        tag="v1.2.4",
        branch="main",
        previous_head=repo.head(),
        steps=["bump", "build", "sbom", "check"],
    )
    j.mark(git, "bump")
    loaded = Journal.load(git)
    assert loaded is not None and loaded.done == ["bump"] and loaded.tag == "v1.2.4"
    assert repo.status() == ""  # never in the work tree
    loaded.clear(git)
    assert Journal.load(git) is None


def test_corrupt_journal_is_named(repo: Repo) -> None:
    git = Git(repo.path)
    (state_dir(git) / "journal.json").write_text("{not json")
    with pytest.raises(ReleaseError, match="journal.json is unreadable"):
        Journal.load(git)


@pytest.mark.parametrize(
    "content",
    [
        "[]",
        '{"version": "1.0.0"}',
        '{"version": "1.0.0", "tag": "v1.0.0", "branch": "main",'
        ' "previous_head": "x", "steps": ["bump", "check", "launch"]}',
    ],
)
def test_damaged_journal_is_named_not_a_traceback(repo: Repo, content: str) -> None:
    git = Git(repo.path)
    (state_dir(git) / "journal.json").write_text(content)
    with pytest.raises(ReleaseError, match="journal.json is unreadable.*delete it"):
        Journal.load(git)


def test_a_lock_being_written_is_held_and_a_malformed_one_is_named(repo: Repo) -> None:
    git = Git(repo.path)
    lock = state_dir(git) / "lock"
    lock.write_text("")  # another process created it and has not written it yet
    with pytest.raises(ReleaseError, match="another release is starting"), ReleaseLock(git):
        pass
    lock.write_text('{"pid": 1, "since": "yesterday"}')  # no host, odd time: still one sentence
    with (
        pytest.raises(ReleaseError, match="another release is running.*pid 1 on None"),
        ReleaseLock(git),
    ):
        pass
