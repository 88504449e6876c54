"""What a mutating step will do, computed before anything is written (pure).

A :class:`Plan` says which files change and how, the commit message and the tag. It renders as
unified diffs and git commands for ``--dry-run``;
:func:`nox_release.adapters.apply.apply_plan` carries it out, all or nothing.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nox_release.core.paths import relpath

__all__ = ["FileChange", "Plan", "StepHook"]

#: Called with the name of each step just before it runs ("write <path>", "stage", "commit",
#: "tag"): the seam through which tests inject a failure at every step.
StepHook = Callable[[str], None]


@dataclass(frozen=True)
class FileChange:
    """A file's content before (None: the file does not exist yet) and after."""

    path: Path
    before: str | None
    after: str

    def diff(self, root: Path) -> str:
        rel = relpath(self.path, root)
        old = (self.before or "").splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        lines = difflib.unified_diff(
            old,
            new,
            fromfile="/dev/null" if self.before is None else f"a/{rel}",
            tofile=f"b/{rel}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class Plan:
    """Everything a mutating step will do, computed before anything is written."""

    root: Path
    changes: tuple[FileChange, ...] = ()
    commit_message: str | None = None
    tag: str | None = None
    tag_message: str = ""
    sign_tag: bool = False
    notes: tuple[str, ...] = field(default=())

    def commands(self) -> list[list[str]]:
        """The git commands :func:`apply_plan` runs, in order."""
        cmds: list[list[str]] = []
        if self.commit_message is not None:
            paths = [relpath(c.path, self.root) for c in self.changes]
            cmds.append(["git", "add", "--", *paths])
            cmds.append(["git", "commit", "-m", self.commit_message])
        if self.tag is not None:
            cmds.append(
                ["git", "tag", "-s" if self.sign_tag else "-a", "-m", self.tag_message, self.tag]
            )
        return cmds

    def render(self) -> str:
        """The plan as a reviewer reads it: notes, unified diffs, then the git commands."""
        parts = [f"# {note}\n" for note in self.notes]
        parts += [c.diff(self.root) for c in self.changes if c.before != c.after]
        parts += ["$ " + shlex.join(cmd) + "\n" for cmd in self.commands()]
        return "".join(parts)
