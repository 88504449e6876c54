"""What a mutating step will do, computed before anything is written (pure).

A :class:`Plan` says which files change and how, the commit message and the tag. It renders as
unified diffs and git commands for ``--dry-run``;
:func:`nox_release.adapters.apply.apply_plan` carries it out, all or nothing.
"""

from __future__ import annotations

import difflib
import re
import shlex
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from nox_release.core.paths import relpath

__all__ = ["FileChange", "Plan", "StepHook"]

#: Called with the name of each step just before it runs ("write <path>", "stage", "commit",
#: "tag"): the seam through which tests inject a failure at every step.
StepHook = Callable[[str], None]


_CONTEXT = 3
_HUNK = re.compile(r"([-+])(\d+)")


_CHUNK = 1 << 16


def _first_difference(a: str, b: str, *, backwards: bool = False) -> int:
    """How many characters ``a`` and ``b`` share at their start (or end): compared in chunks."""

    def part(text: str, start: int, stop: int) -> str:  # counted from the start (or the end)
        return text[len(text) - stop : len(text) - start] if backwards else text[start:stop]

    n = min(len(a), len(b))
    at = 0
    while at < n:  # the first chunk that differs ...
        size = min(_CHUNK, n - at)
        if part(a, at, at + size) != part(b, at, at + size):
            break
        at += size
    else:
        return n
    low, high = 0, size  # ... then halved: `low` characters equal, `high` not
    while high - low > 1:
        mid = (low + high) // 2
        if part(a, at, at + mid) == part(b, at, at + mid):
            low = mid
        else:
            high = mid
    return at + low


def _common_lines(before: str, after: str, old: list[str], new: list[str]) -> tuple[int, int]:
    """How many lines ``old`` and ``new`` (the texts' lines) share at the start and at the end.

    From the characters they share (compared in C), not line by line in Python: a changelog of
    150,000 lines with a section added on top costs a few milliseconds.
    """
    ends = list(accumulate(map(len, old)))
    same = bisect_right(ends, _first_difference(before, after))
    while same and (same > len(new) or old[same - 1] != new[same - 1]):
        same -= 1  # the line that ends where the texts part ("\r" then "\n" or not)
    shared = _first_difference(before, after, backwards=True)
    limit = min(len(old), len(new)) - same
    starts = [0, *ends[:-1]]
    tail = min(len(old) - bisect_left(starts, len(before) - shared), limit)
    while tail and old[-tail] != new[-tail]:
        tail -= 1
    return same, tail


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (difflib's rule)."""
    if stop - start == 1:
        return str(start + 1)
    return f"{start + (1 if stop > start else 0)},{stop - start}"


def _insertion(
    new_file: bool, rel: str, old: list[str], new: list[str], at: tuple[int, int, int, int]
) -> str:
    """The one hunk of lines added between ``same`` lines and ``tail`` lines (context from
    ``start`` to ``cut`` lines from the end): what difflib writes, without comparing the
    added lines with anything (a changelog section of 10,000 lines costs nothing)."""
    start, same, tail, cut = at
    head = f"--- {'/dev/null' if new_file else 'a/' + rel}\n+++ b/{rel}\n"
    hunk = f"@@ -{_range(start, len(old) - cut)} +{_range(start, len(new) - cut)} @@\n"
    lines = [" " + x for x in old[start:same]]
    lines += ["+" + x for x in new[same : len(new) - tail]]
    lines += [" " + x for x in old[len(old) - tail : len(old) - cut]]
    return head + hunk + "".join(x if x.endswith("\n") else x + "\n" for x in lines)


@dataclass(frozen=True)
class FileChange:
    """A file's content before (None: the file does not exist yet) and after."""

    path: Path
    before: str | None
    after: str

    def diff(self, root: Path) -> str:
        """The unified diff, computed over the changed region only (with its context).

        A long file (a changelog of thousands of releases) with a new section on top is
        compared line by line only where it changed: the same text, without the quadratic cost.
        """
        rel = relpath(self.path, root)
        old = (self.before or "").splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        same, tail = _common_lines(self.before or "", self.after, old, new)
        start = max(0, same - _CONTEXT)
        cut = max(0, tail - _CONTEXT)
        if same + tail == len(old) < len(new):  # lines added, none changed: one hunk
            return _insertion(self.before is None, rel, old, new, (start, same, tail, cut))
        lines = difflib.unified_diff(
            old[start : len(old) - cut],
            new[start : len(new) - cut],
            fromfile="/dev/null" if self.before is None else f"a/{rel}",
            tofile=f"b/{rel}",
            n=_CONTEXT,
        )
        out = []
        for line in lines:
            if start and line.startswith("@@ "):
                line = _HUNK.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + start}", line)
            out.append(line if line.endswith("\n") else line + "\n")
        return "".join(out)


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
