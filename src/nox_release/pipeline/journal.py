"""The release journal (what a release in progress has finished) and the one-release lock.

Both live in the git directory (``.git/nox-release/``), so they are never committed, survive a
failed run, and belong to one clone.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nox_release._errors import ReleaseError
from nox_release.adapters.files import write_atomic
from nox_release.adapters.git import Git
from nox_release.adapters.lock import ReleaseLock

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
    repository: str | None = None  # where publish goes, without any credentials
    index_url: str | None = None
    package: str | None = None  # an independent package released alone (release --package)
    credentials: str | None = None  # where the publish credentials came from (never a secret)
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
