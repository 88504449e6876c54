"""The one lock of a repository: a release, a bump, a changelog update or a branch cut at a time.

It lives in the git directory (``.git/nox-release/lock``), holds the holder's pid, host and
what it runs, and is taken over when that process is gone (exited, or a zombie) on this host.
Re-entrant within one process: a release that bumps does not wait for itself.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from types import TracebackType

from nox_release._errors import ReleaseError
from nox_release.adapters.git import Git

__all__ = ["ReleaseLock"]

_HELD: dict[Path, int] = {}  # lock files this process holds, and how many times


def _number(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs: exists, and is not a zombie waiting for its parent."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (macOS): the signal's answer stands
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


class ReleaseLock:
    """Only one mutating nox-release session at a time in a repository; a second one is told
    who holds the lock. A lock left by a process that no longer runs on this host is taken over.
    """

    def __init__(self, git: Git, what: str = "release") -> None:
        self.git = git
        self.path = git.state_dir() / "lock"
        self.what = what
        self.held = False

    def __enter__(self) -> ReleaseLock:
        self.git.forget()  # what was read before the lock may have moved since
        if self.path in _HELD:  # this process holds it already
            _HELD[self.path] += 1
            self.held = True
            return self
        me = {
            "pid": os.getpid(),
            "host": os.uname().nodename,
            "since": time.time(),
            "what": self.what,
        }
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                self._refuse_unless_stale()
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as fh:
                json.dump(me, fh)
            _HELD[self.path] = 1
            self.held = True
            return self
        raise ReleaseError(f"could not take the release lock {self.path}: try again")

    def _refuse_unless_stale(self) -> None:
        holder = self._holder()
        if holder is None and not self._abandoned():
            raise ReleaseError(
                f"another release is starting in this repository (the lock {self.path} "
                "is being written): wait for it, or delete the file if no release runs"
            )
        if holder is not None and not self._stale(holder):
            since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(_number(holder.get("since"))))
            raise ReleaseError(
                f"another {holder.get('what', 'release')} is running in this repository "
                f"(pid {holder.get('pid')} on {holder.get('host')}, since {since}): wait for it "
                f"to finish, or delete {self.path} if that process is gone"
            )

    def _abandoned(self) -> bool:
        """An unreadable lock left for more than a minute: its writer died mid-write."""
        try:
            return time.time() - self.path.stat().st_mtime > 60
        except OSError:
            return True

    def _holder(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and "pid" in data else None

    @staticmethod
    def _stale(holder: dict[str, object]) -> bool:
        pid = holder.get("pid")
        return (
            holder.get("host") == os.uname().nodename and isinstance(pid, int) and not _alive(pid)
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.held:
            return
        self.held = False
        _HELD[self.path] -= 1
        if _HELD[self.path] == 0:
            del _HELD[self.path]
            self.path.unlink(missing_ok=True)
