"""Markdown headings found fast: only lines that can be a fence, a heading or an underline are read.

A changelog can hold a hundred thousand lines of which a few thousand matter. The lines that can
open or close a fence, be an ATX heading or underline a setext heading are found with a few
regex scans of the joined text (each starts with a literal, which the engine looks for fast);
only they go through the line-by-line rules, with the same result as reading every line.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate

Heading = tuple[int, int, str]  # (line index, level, text)

_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_DIGIT = re.compile(r"\d")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[a-z]+://[^>]*>")
#: A setext underline: ``===`` (level 1) or ``---`` (level 2) under a line of text.
UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*\r?\n?$")
_NOT_SETEXT = re.compile(r"^\s*$|^[ \t]{0,3}(?:[-*+>][ \t]|\||#|\d+[.)](?:[ \t]|$))")

#: Line breaks of :meth:`str.splitlines` other than ``\n`` and ``\r\n`` (a lone ``\r`` too).
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_LONE_CR = re.compile(r"\r(?!\n)")


def atx(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of an ATX heading line, as ``^(#{1,6})[ \\t]+(.*?)[ \\t]*\\r?\\n?$``
    matches it (the lazy ``.*?`` of that regex tries every length: slow on long lines).

    The text runs from past the blanks after the hashes to before the longest end that the
    regex's tail can match: up to two newlines, a carriage return, blanks. It holds no newline.
    """
    rest = line.lstrip("#")
    level = len(line) - len(rest)
    if not 1 <= level <= 6 or rest[:1] not in (" ", "\t"):
        return None
    text = rest.lstrip(" \t")
    for _ in range(2):
        if text.endswith("\n"):
            text = text[:-1]
    if text.endswith("\r"):
        text = text[:-1]
    text = text.rstrip(" \t")
    return None if "\n" in text else (level, text)


def _unlinked(text: str) -> str:
    """``text`` without links' targets (only when it can hold one: the sub is the slow part)."""
    return _LINK_TARGET.sub("]", text) if "](" in text or "<" in text else text


class _Scanner:
    """The starts of the lines of ``joined`` (lines separated by ``sep``) worth reading.

    Read in windows that grow, so that a reader stopping early reads little.
    """

    def __init__(self, joined: str, sep: str, eol: str, *, heads: bool = True) -> None:
        self.joined, self.sep = joined, sep
        self.heads = re.compile(re.escape(sep) + "#") if heads else None
        self.others = [re.compile(c + r"[ \t]*+\r?" + eol) for c in "-=" if c in joined]
        self.fences = [re.compile(f) for f in ("```", "~~~") if f[0] in joined]

    def _line_start(self, pos: int) -> int:
        return self.joined.rfind(self.sep, 0, pos) + 1

    def _window(self, start: int, end: int) -> list[int]:
        """The candidates starting in ``[start, end)`` (``start``: a line's start)."""
        found = []
        if self.heads is not None:
            found = [m.end() - 1 for m in self.heads.finditer(self.joined, max(start - 1, 0), end)]
        extra = [
            self._line_start(m.start())
            for rx in self.others
            for m in rx.finditer(self.joined, start, end)
        ]
        for rx in self.fences:
            for m in rx.finditer(self.joined, start, end):
                line = self._line_start(m.start())
                if m.start() - line <= 3:
                    extra.append(line)
        if start == 0:
            extra.append(0)
        return sorted({*found, *extra}) if extra else found

    def starts(self) -> list[int]:
        """The offsets of every candidate line, in order, the first line's always."""
        return self._window(0, len(self.joined))

    def lines(self) -> Iterator[tuple[int, int]]:
        """``(line index, offset)`` of the candidate lines, in order, the first line always."""
        joined, sep = self.joined, self.sep
        index, at, start, size = 0, 0, 0, 1 << 14
        while start < len(joined) or start == 0:
            end = joined.find(sep, start + size)
            end = len(joined) if end < 0 else end + 1
            for line in self._window(start, end):
                index += joined.count(sep, at, line)
                at = line
                yield index, line
            start, size = end, size * 2
            if end >= len(joined):
                break


class TextLines:
    """The lines of a text whose only line breaks are ``\\n`` and ``\\r\\n``, read where needed.

    ``self[i]`` is ``text.splitlines(keepends=True)[i]`` for the lines :meth:`candidates` gave
    and the ones just before them; :meth:`offset` is where a line starts.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._known: dict[int, int] = {}  # line index -> offset

    @classmethod
    def of(cls, text: str) -> TextLines | None:
        """The lines of ``text``, or None when it holds another line break than ``\\n``."""
        if any(b in text for b in _OTHER_BREAKS):
            return None
        if "\r" in text and _LONE_CR.search(text):
            return None
        return cls(text)

    def candidates(self) -> Iterator[int]:
        for index, start in _Scanner(self.text, "\n", r"(?=\n|\Z)").lines():
            self._known[index] = start
            yield index

    def offset(self, index: int) -> int:
        """Where line ``index`` starts (the text's length past the last line)."""
        if index in self._known:
            return self._known[index]
        if index + 1 in self._known:  # the line above a known one
            return self.text.rfind("\n", 0, self._known[index + 1] - 1) + 1
        below = max((i for i in self._known if i < index), default=0)
        at = self._known.get(below, 0)
        for _ in range(index - below):
            nl = self.text.find("\n", at)
            if nl < 0:
                return len(self.text)
            at = nl + 1
        self._known[index] = at
        return at

    def exists(self, index: int) -> bool:
        return self.offset(index) < len(self.text)

    def __getitem__(self, index: int) -> str:
        start = self.offset(index)
        end = self.text.find("\n", start)
        return self.text[start : len(self.text) if end < 0 else end + 1]


class ListLines:
    """Lines given as a list, read as :class:`TextLines` reads a text."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines

    def offset(self, index: int) -> int:
        return sum(map(len, self.lines[:index]))

    def exists(self, index: int) -> bool:
        return index < len(self.lines)

    def __getitem__(self, index: int) -> str:
        return self.lines[index]


#: :func:`atx` of each line of a NUL-separated run: its hashes and text, or nothing. The text is
#: the longest run that does not end in a blank or newline, nor in a carriage return the end of
#: the line can follow: the shortest one the regex's lazy ``.*?`` can take.
_ATX_ALL = re.compile(
    r"(#{1,6})[ \t]++((?:[^\n\x00]*(?:[^ \t\r\n\x00]|\r(?!\n?\n?\x00)))?)[ \t]*\r?\n?\n?\x00"
    r"|[^\x00]*\x00"
)
#: :data:`_LINK_TARGET` kept inside one text of a NUL-separated run.
_LINK_TARGET_IN_RUN = re.compile(r"\]\([^)\x00]*\)|<[a-z]+://[^>\x00]*>")


def atx_headings(lines: Sequence[str], indices: Sequence[int]) -> list[Heading]:
    """``(line index, level, text without links' targets)`` of the lines at ``indices`` that
    :func:`atx` reads as headings, read in one pass (no line holds a NUL; a line's break may be
    left out)."""
    if not indices:
        return []
    found = _ATX_ALL.findall("\x00".join([lines[i] for i in indices]) + "\x00")
    titles = _LINK_TARGET_IN_RUN.sub("]", "\x00".join([t for _, t in found])).split("\x00")
    return [(i, len(h), t) for i, (h, _), t in zip(indices, found, titles, strict=True) if h]


def headings_of(lines: Sequence[str]) -> list[Heading]:
    """``(line index, level, text)`` of each heading of ``lines``, ATX or setext, outside fences."""
    if not lines:
        return []
    heads = [i for i, line in enumerate(lines) if line[:1] == "#"]
    others = _others(lines)
    if "\x00" in "".join([lines[i] for i in heads]):
        return list(walk(lines, range(len(lines))))
    found = atx_headings(lines, heads)
    if not others or (others == [0] and not _FENCE.match(lines[0])):
        return found  # ATX headings only (and a first line that changes nothing)
    parsed = {i: (level, text) for i, level, text in found}
    return list(walk(lines, heapq.merge(heads, [i for i in others if i not in parsed]), parsed))


#: An ATX heading's line that holds a digit (from its hashes on), after the break before it.
_DIGIT_HEAD_LINE = re.compile(r"\n(#[^\n]*\d[^\n]*)")


def _atx_only(text: str) -> bool:
    """Whether the headings of ``text`` are its ATX heading lines alone, as :func:`headings_of`
    reads its lines: only ``\\n`` and ``\\r\\n`` breaks, no NUL, and no line but the first
    that can open a fence or underline a heading (the candidates :class:`TextLines` reads)."""
    if "\x00" in text or TextLines.of(text) is None or _FENCE.match(text):
        return False
    return _Scanner(text, "\n", r"(?=\n|\Z)", heads=False).starts() == [0]


def digit_heading_texts(text: str) -> list[str] | None:
    """The texts (links' targets removed) of the headings of ``text`` whose line holds a digit
    (a superset of those whose text does), in order, read without splitting the text: for a
    text with ATX headings only (see :func:`_atx_only`), the usual changelog. None for another
    text: read :func:`headings_of` its lines."""
    if not _atx_only(text):
        return None
    lines = _DIGIT_HEAD_LINE.findall(text)
    first = text[: text.find("\n")] if "\n" in text else text
    if first[:1] == "#" and _DIGIT.search(first):
        lines.insert(0, first)
    return [t for _, _, t in atx_headings(lines, range(len(lines)))]


def _others(lines: Sequence[str]) -> list[int]:
    """The lines that can open a fence or underline a heading (a superset), and the first one.

    Lines are joined with NULs; a NUL inside a line makes more candidates, never fewer.
    """
    scan = _Scanner("\x00".join(lines) + "\x00", "\x00", r"\n?\n?\x00", heads=False)
    starts = scan.starts()
    if starts == [0]:
        return [0]
    lengths = list(accumulate(map(len, lines)))

    def end(index: int) -> int:  # past the line's NUL
        return lengths[index] + index + 1

    every = range(len(lines))
    return sorted({bisect_right(every, start, key=end) for start in starts})


def walk(
    lines: Sequence[str] | TextLines | ListLines,
    indices: Iterable[int],
    parsed: Mapping[int, tuple[int, str]] | None = None,
) -> Iterator[Heading]:
    """``(line index, level, text)`` of each heading, ATX or setext, outside fences, in order.

    ``indices``: every line that can be a fence, a heading or an underline, ascending (the
    others change nothing); ``parsed``: the ATX headings among them, when read already.
    """
    in_fence = False
    last = -2  # the line of the last heading
    for i in indices:
        line = lines[i]
        if line[:1] != "#" and _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if line[:1] == "#":
            found = atx(line) if parsed is None else parsed.get(i)
            if found is not None:
                last = i
                yield i, found[0], found[1] if parsed is not None else _unlinked(found[1])
                continue
        u = UNDERLINE.match(line)
        if u is not None and i > 0 and not _NOT_SETEXT.match(lines[i - 1]):
            if last == i - 1:
                continue
            last = i - 1
            level = 1 if u.group(1).startswith("=") else 2
            yield i - 1, level, _unlinked(lines[i - 1].strip())
