"""The release journal (what a release in progress has finished) and the one-release lock.

Both live in the git directory (``.git/nox-release/``), so they are never committed, survive a
failed run, and belong to one clone.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType

from nox_release._errors import ReleaseError
from nox_release.adapters.files import write_atomic
from nox_release.adapters.git import Git

__all__ = ["STEPS", "Journal", "ReleaseLock", "state_dir"]

#: The steps of a release, in order; publish and push only when asked for.
STEPS = ("bump", "build", "sbom", "check", "validate", "publish", "push")


def state_dir(git: Git) -> Path:
    """Where the journal and the lock live (:meth:`Git.state_dir`)."""
    return git.state_dir()


@dataclass
class Journal:
    """A release in progress: its version and tag, where it started, the steps finished."""

    version: str
    tag: str
    branch: str
    previous_head: str
    commit: str = ""
    steps: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    repository: str | None = None  # where publish goes (credentials redacted)
    index_url: str | None = None
    package: str | None = None  # an independent package released alone (release --package)
    path: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, git: Git) -> Journal | None:
        path = state_dir(git) / "journal.json"
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
            if not isinstance(data, dict):
                raise TypeError("not a JSON object")
            journal = cls(**{k: v for k, v in data.items() if k != "path"})
            unknown = set(journal.steps) - set(STEPS) or set(journal.done) - set(journal.steps)
            if unknown or "check" not in journal.steps or "bump" not in journal.steps:
                raise ValueError(f"unexpected steps {sorted(unknown) or journal.steps}")
        except (OSError, ValueError, TypeError) as exc:
            raise ReleaseError(
                f"the release journal {path} is unreadable ({exc}): delete it to start over."
            ) from None
        journal.path = path
        return journal

    def save(self, git: Git) -> None:
        self.path = state_dir(git) / "journal.json"
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        write_atomic(self.path, json.dumps(data, indent=2) + "\n")

    def mark(self, git: Git, step: str) -> None:
        if step not in self.done:
            self.done.append(step)
        self.save(git)

    def clear(self, git: Git) -> None:
        path = state_dir(git) / "journal.json"
        if path.exists():
            path.unlink()


def _number(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ReleaseLock:
    """Only one release at a time in a repository; a second one is told who holds the lock.

    A lock left by a process that no longer runs on this host is taken over.
    """

    def __init__(self, git: Git, what: str = "release") -> None:
        self.path = state_dir(git) / "lock"
        self.what = what
        self.held = False

    def __enter__(self) -> ReleaseLock:
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.time(),
            "what": self.what,
        }
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder is None and not self._abandoned():
                    raise ReleaseError(
                        f"another release is starting in this repository (the lock {self.path} "
                        "is being written): wait for it, or delete the file if no release runs."
                    ) from None
                if holder is not None and not self._stale(holder):
                    since = time.strftime(
                        "%Y-%m-%d %H:%M:%S", time.localtime(_number(holder.get("since")))
                    )
                    raise ReleaseError(
                        f"another {holder.get('what', 'release')} is running in this repository "
                        f"(pid {holder.get('pid')} on {holder.get('host')}, since {since}): wait for it to "
                        f"finish, or delete {self.path} if that process is gone."
                    ) from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as fh:
                json.dump(me, fh)
            self.held = True
            return self
        raise ReleaseError(f"could not take the release lock {self.path}: try again.")

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
            holder.get("host") == socket.gethostname() and isinstance(pid, int) and not _alive(pid)
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False
