"""What a change to the repository is about to do, recorded before its first write.

:func:`~nox_release.adapters.apply.apply_plan` writes ``.git/nox-release/intent.json`` (the
branch and HEAD it started from, each planned file's original bytes as a git blob, the commit
message and the tag) before it writes a file, and removes it once the plan is applied or rolled
back. After a kill -9, :func:`recover` reads git's state against it: a commit made but not tagged
is finished (the tag is made) or undone (the branch moves back by compare-and-swap); files
written but not committed are put back. Also the test-only fault hook, :func:`fault_point`.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nox_release._errors import ReleaseError
from nox_release.adapters.files import real, write_atomic
from nox_release.adapters.git import Git
from nox_release.adapters.signals import shielded
from nox_release.core.paths import relpath
from nox_release.core.plan import Plan

__all__ = ["Intent", "fault_point", "recover"]

#: The test-only environment hook: the process kills itself (SIGKILL) at this step boundary.
KILL_AT = "NOX_RELEASE_TEST_KILL_AT"


def fault_point(step: str) -> None:
    """SIGKILL this process when ``NOX_RELEASE_TEST_KILL_AT`` names ``step`` (tests only)."""
    at = os.environ.get(KILL_AT)
    if at and (step == at or step.startswith(at + " ")):
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Intent:
    """A plan being applied: where it started and how to tell or undo each of its steps."""

    branch: str | None
    head: str | None
    files: dict[str, str | None] = field(default_factory=dict)  # path -> original blob / None
    commit_message: str | None = None
    tag: str | None = None
    tag_message: str = ""
    sign_tag: bool = False

    @staticmethod
    def path(git: Git) -> Path:
        return git.state_dir() / "intent.json"

    @classmethod
    def record(cls, plan: Plan, git: Git) -> Intent:
        """The intent of ``plan``, saved (the originals stored as blobs) before any write."""
        root = real(git.toplevel())
        targets = [real(c.path) for c in plan.changes]
        existing = [p for p in targets if p.exists()]
        blobs = dict(zip(existing, git.store_blobs(existing), strict=True))
        intent = cls(
            git.branch(),
            git.head(),
            {relpath(p, root): blobs.get(p) for p in targets},
            plan.commit_message,
            plan.tag,
            plan.tag_message,
            plan.sign_tag,
        )
        write_atomic(cls.path(git), json.dumps(asdict(intent), indent=2) + "\n")
        return intent

    @classmethod
    def load(cls, git: Git) -> Intent | None:
        path = cls.path(git)
        if not path.exists():
            return None
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError) as exc:
            raise ReleaseError(
                f"the record of an interrupted change {path} is unreadable ({exc}): check "
                "'git status' and 'git log', then delete it"
            ) from None

    @classmethod
    def clear(cls, git: Git) -> None:
        """Forget the intent, and any original a killed transaction kept (``originals/``)."""
        for kept in (git.state_dir() / "originals").glob("*"):
            kept.unlink(missing_ok=True)
        cls.path(git).unlink(missing_ok=True)


def _committed(git: Git, intent: Intent) -> bool:
    """Whether HEAD is the commit the intent was about to make."""
    head = git.head()
    return (
        intent.commit_message is not None
        and head is not None
        and head != intent.head
        and git.branch() == intent.branch
        and git.parent(head) == intent.head
        and git.message(head).strip() == intent.commit_message.strip()
    )


def _restore_files(git: Git, intent: Intent) -> None:
    """Put each planned file back as it was, out of the index too, and drop half-written temps."""
    root = real(git.toplevel())
    for rel, blob in intent.files.items():
        path = root / rel
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            tmp.unlink(missing_ok=True)
        if blob is None:
            path.unlink(missing_ok=True)
        elif not path.exists() or git.store_blobs([path]) != [blob]:
            write_atomic(path, git.blob(blob))
    if intent.files and intent.head is not None:
        git.unstage([root / rel for rel in intent.files])


def recover(git: Git, *, finish: bool) -> str | None:
    """Settle a change interrupted by a kill: finish it (``finish``: make the missing tag) or
    undo it. Returns what was done ("finished", "undone"), None when nothing was interrupted;
    raises when HEAD moved elsewhere since (the user decides)."""
    intent = Intent.load(git)
    if intent is None:
        return None
    with shielded():
        head = git.head()
        if _committed(git, intent):
            assert head is not None and intent.head is not None and intent.branch is not None
            tag = intent.tag
            tagged = tag is not None and git.tag_exists(tag) and git.tag_target(tag) == head
            if finish or tagged:
                if tag is not None and not tagged:
                    git.create_tag(tag, intent.tag_message, sign=intent.sign_tag)
                Intent.clear(git)
                return "finished"
            git.rewind(intent.branch, intent.head, head, "undo an interrupted release commit")
        elif head == intent.head:
            _restore_files(git, intent)
        else:
            raise ReleaseError(
                f"a change nox-release was making (from {str(intent.head)[:12]} on "
                f"{intent.branch}) was interrupted, and HEAD has moved to {str(head)[:12]} since: "
                f"check {', '.join(intent.files) or 'the files'}, then delete {Intent.path(git)}"
            )
        Intent.clear(git)
        return "undone"
