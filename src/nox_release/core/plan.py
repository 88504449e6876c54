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

from nox_release.core.mdscan import TextLines
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


def _offset(text: str, index: int, known: int, at: int) -> int:
    """Where line ``index`` of ``text`` (breaks: ``\\n`` only) starts, walking from line ``known``,
    which starts at ``at`` (the text's length for the line past the last)."""
    while known > index:
        at = text.rfind("\n", 0, at - 1) + 1
        known -= 1
    while known < index:
        nl = text.find("\n", at)
        at = len(text) if nl < 0 else nl + 1
        known += 1
    return at


def _line(text: str, index: int, known: int, at: int) -> str:
    start = _offset(text, index, known, at)
    nl = text.find("\n", start)
    return text[start : len(text) if nl < 0 else nl + 1]


def _tail_anchor(text: str, shared: int) -> tuple[int, int]:
    """The first line starting in the last ``shared`` characters: its number and offset."""
    q = len(text) - shared
    if q == 0:
        return 0, 0
    nl = text.find("\n", q - 1)
    return 1 + text.count("\n", 0, q - 1), len(text) if nl < 0 else nl + 1


def _line_count_difference(before: str, after: str, first: int, shared: int) -> int:
    """How many more lines ``before`` has than ``after``, counted where they differ only."""
    cut = min(first, len(before) - shared, len(after) - shared)  # a prefix both have
    newlines = before.count("\n", cut, len(before) - shared) - after.count(
        "\n", cut, len(after) - shared
    )
    open_before = before[-1:] not in ("", "\n")  # a last line without a newline
    return newlines + open_before - (after[-1:] not in ("", "\n"))


def _plain_windows(before: str, after: str) -> tuple[str, str, int] | None:
    """:func:`_windows` for texts whose only line breaks are ``\\n`` and ``\\r\\n``, as
    :func:`_common_lines` finds them but with lines counted near the changes, not split:
    ``(old text, new text, first line)``; None for other texts."""
    if before == after or TextLines.of(before) is None or TextLines.of(after) is None:
        return None
    first = _first_difference(before, after)
    # The lines ending (in a newline) before the first difference are the same in both texts,
    # and no other: the line it is in (a last one without a newline too) differs.
    same = before.count("\n", 0, first)
    known = (same, before.rfind("\n", 0, first) + 1)  # where line `same` starts, in both
    shared = _first_difference(before, after, backwards=True)
    more = _line_count_difference(before, after, first, shared)
    old_tail, new_tail = _tail_anchor(before, shared), _tail_anchor(after, shared)
    # The old text's first line of the shared tail: after the shared head (_common_lines' limit).
    tail = max(old_tail[0], same + max(0, more))
    while _offset(before, tail, *old_tail) < len(before) and _line(
        before, tail, *old_tail
    ) != _line(after, tail - more, *new_tail):
        tail += 1
    start = max(0, same - _CONTEXT)
    at = _offset(before, start, *known)
    old_end = _offset(before, tail + _CONTEXT, *old_tail)
    new_end = _offset(after, tail - more + _CONTEXT, *new_tail)
    return before[at:old_end], after[at:new_end], start


def _windows(before: str, after: str) -> tuple[list[str], list[str], int]:
    """The lines of both texts from ``_CONTEXT`` lines above the first change to as many below
    the last (the rest is the same in both), and the number of the first."""
    fast = _plain_windows(before, after)
    if fast is not None:
        return fast[0].splitlines(keepends=True), fast[1].splitlines(keepends=True), fast[2]
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    same, tail = _common_lines(before, after, old, new)
    start = max(0, same - _CONTEXT)
    cut = max(0, tail - _CONTEXT)
    return old[start : len(old) - cut], new[start : len(new) - cut], start


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (difflib's rule)."""
    if stop - start == 1:
        return str(start + 1)
    return f"{start + (1 if stop > start else 0)},{stop - start}"


def _insertion(old: list[str], new: list[str]) -> tuple[int, int] | None:
    """``(same, tail)`` when the window ``new`` is the window ``old`` with lines added between
    its first ``same`` and its last ``tail`` lines (none changed); None otherwise."""
    if len(new) <= len(old):
        return None
    same = 0
    while same < len(old) and old[same] == new[same]:
        same += 1
    tail = 0
    while tail < len(old) - same and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return (same, tail) if same + tail == len(old) else None


def _insertion_hunk(head: str, old: list[str], new: list[str], start: int) -> str | None:
    """The one hunk of lines only added, written directly: difflib would compare every added
    line with the context first (a changelog section of 10,000 lines: milliseconds)."""
    found = _insertion(old, new)
    if found is None:
        return None
    same, tail = found
    hunk = f"@@ -{_range(start, start + len(old))} +{_range(start, start + len(new))} @@\n"
    lines = [" " + x for x in old[:same]]
    lines += ["+" + x for x in new[same : len(new) - tail]]
    lines += [" " + x for x in old[len(old) - tail :]]
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
        old, new, start = _windows(self.before or "", self.after)
        head = f"--- {'/dev/null' if self.before is None else 'a/' + rel}\n+++ b/{rel}\n"
        added = _insertion_hunk(head, old, new, start)
        if added is not None:
            return added
        lines = difflib.unified_diff(
            old,
            new,
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
