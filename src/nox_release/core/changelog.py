"""The changelog's text (pure): which tags fold, git-cliff's tag pattern, a file's release sections.

Which tags are releases, and folding pre-releases into their final release
(``changelog-fold-prereleases``): the pre-release tags of a released final are given to git-cliff
as ``--ignore-tags``, which puts their commits into the final's section. Where the text goes:
the rendering of the releases a file lacks is inserted above the file's newest release, so
hand-written text above it and inside older sections stays byte for byte.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import itemgetter

from nox_release._errors import ReleaseError
from nox_release.core.mdscan import (
    UNDERLINE,
    ListLines,
    TextLines,
    digit_heading_texts,
    headings_of,
    walk,
)
from nox_release.core.tags import TagFormat
from nox_release.core.version import Version

__all__ = ["Release", "folded_tags", "merge_changelog", "tag_pattern"]


# -- which tags are releases, and which fold -------------------------------------------------
Release = tuple[str, Version]


def folded_tags(releases: Iterable[Release]) -> set[str]:
    """Pre-release tags whose final release is among ``releases``: their commits fold into it."""
    releases = list(releases)
    finals = {v for _, v in releases if not v.is_prerelease}
    out = set()
    for tag, version in releases:
        if version.is_prerelease and version.post is None:
            base = version.base
            if base in finals and version < base:
                out.add(tag)
    return out


def _rx(text: str) -> str:
    """``text`` as a literal in a (Rust) regex: escape only what is special there."""
    return re.sub(r"([\\.+*?()|\[\]{}^$#&~-])", r"\\\1", text)


def tag_pattern(template: str) -> str:
    """The ``--tag-pattern`` regex for a ``tag-format``: the tags it can produce, anchored.

    The same tags as :meth:`TagFormat.version_text` accepts, written for git-cliff's (Rust)
    regex engine rather than Python's.
    """
    head, tail = TagFormat(template).affixes
    return f"^{_rx(head)}[0-9][0-9A-Za-z.+!-]*{_rx(tail)}$"


def exact_pattern(tags: Iterable[str]) -> str | None:
    names = sorted(set(tags))
    return f"^(?:{'|'.join(_rx(t) for t in names)})$" if names else None


# -- finding the releases a changelog already has --------------------------------------------
_DIGIT = re.compile(r"\d")
#: A PEP 440 version whose SemVer form is itself ("1.2.3").
_PLAIN = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")


#: Words of a heading that can name a release: tag-like runs, and versions inside them
#: ("v1.2.0" -> "1.2.0"; a version may follow letters, never digits or "." "+" "-").
_WORD = re.compile(r"[\w.+!/-]+")
_VERSION_IN_WORD = re.compile(r"(?<![0-9.+-])[0-9][0-9A-Za-z.+!-]*")


def _release_names(releases: Iterable[Release]) -> dict[str, str]:
    """Every way a heading can name a release (tag, PEP 440, SemVer) -> its tag."""
    names: dict[str, str] = {}
    for tag, version in releases:
        names.setdefault(tag, tag)
        pep440 = version.pep440
        names.setdefault(pep440, tag)
        if _PLAIN.fullmatch(pep440) is None:
            with contextlib.suppress(ReleaseError):
                names.setdefault(version.semver, tag)
    return names


def _tags_have_digits(releases: Iterable[Release]) -> bool:
    """Whether every tag holds a digit, as every version does (so a name without one is none)."""
    return all(map(_DIGIT.search, map(itemgetter(0), releases)))


def _named(text: str, names: Mapping[str, str]) -> Iterator[str]:
    """The tags ``text`` names as whole words (``1.1.0`` does not name ``1.1.0rc1``)."""
    for word in _WORD.finditer(text):
        tag = names.get(word.group(0).rstrip(".+!-/"))
        if tag is None:
            for m in _VERSION_IN_WORD.finditer(word.group(0)):
                tag = names.get(m.group(0).rstrip(".+!-/"))
                if tag is not None:
                    break
        if tag is not None:
            yield tag


@dataclass(frozen=True)
class _Section:
    tag: str
    start: int  # index of the heading line
    end: int  # index after the section's last line
    level: int


def headings(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(line index, level, text)`` of each Markdown heading, ATX or setext, outside fences."""
    return headings_of(lines)


def _section_ends(found: Sequence[tuple[int, int, str]], total: int) -> list[int]:
    """Where each heading's section ends: the next heading of the same or a higher level."""
    ends = [total] * len(found)
    open_: list[int] = []  # headings whose end is not found yet, levels increasing
    for n, (i, level, _) in enumerate(found):
        while open_ and found[open_[-1]][1] >= level:
            ends[open_.pop()] = i
        open_.append(n)
    return ends


def _section_end(found: Sequence[tuple[int, int, str]], n: int, total: int) -> int:
    """Where heading ``n``'s section ends (as :func:`_section_ends` says, for one heading)."""
    level = found[n][1]
    for j in range(n + 1, len(found)):
        if found[j][1] <= level:
            return found[j][0]
    return total


def named_releases(texts: Sequence[str], releases: Sequence[Release]) -> dict[str, int]:
    """The releases the heading ``texts`` name, each with the number of the first text that
    does: see :func:`release_sections`, which says where their sections end."""
    if not texts:
        return {}
    names = _release_names(releases)
    digits_only = _tags_have_digits(releases)  # then a text without one names no release
    out: dict[str, int] = {}
    digits = compress(count(), map(_DIGIT.search, texts)) if digits_only else None
    for n in range(len(texts)) if digits is None else digits:
        tag = next((t for t in _named(texts[n], names) if t not in out), None)
        if tag is not None:
            out[tag] = n
    return out


def release_heading_texts(text: str) -> list[str]:
    """The texts of the headings of ``text`` that can name a version, or a release whose tag
    holds a digit (every tag of a ``tag-format`` does), in order: every heading whose text holds
    a digit (some others too), as :func:`named_releases` and :func:`heading_version` read them.
    The file is split into lines only when it must be."""
    if not text:
        return []
    texts = digit_heading_texts(text)
    if texts is None:
        texts = [title for _, _, title in headings(text.splitlines(keepends=True))]
    return texts


def release_sections(
    lines: Sequence[str],
    releases: Sequence[Release],
    *,
    found: Sequence[tuple[int, int, str]] | None = None,
) -> dict[str, _Section]:
    """The first heading of each release in ``lines`` and where its section ends.

    A heading belongs to a release when its text (links' targets removed, so that a compare
    link naming the previous release does not count) names the tag or the version as a whole
    word. The section runs to the next heading of the same or a higher level. ``found``: the
    :func:`headings` of ``lines``, when they are known already.
    """
    found_headings = headings(lines) if found is None else found
    return {
        tag: _Section(
            tag,
            found_headings[n][0],
            _section_end(found_headings, n, len(lines)),
            found_headings[n][1],
        )
        for tag, n in named_releases([t for _, _, t in found_headings], releases).items()
    }


#: A version in a heading, whatever the tags: "1.2", "v1.2.3", "0.13.0.dev2", "[2.0.0-rc.1]".
_ANY_VERSION = re.compile(r"(?<![\w.+-])v?(\d+(?:\.\d+)+(?:[-.]?[A-Za-z]+[-.]?\d*)*)(?![\w.+-]*\d)")
_UNRELEASED = re.compile(r"\bunreleased\b", re.IGNORECASE)


def heading_version(text: str) -> Version | None:
    """The version a release heading names, whatever its style, or None."""
    if _DIGIT.search(text) is None:
        return None
    for m in _ANY_VERSION.finditer(text):
        with contextlib.suppress(ReleaseError):
            return Version.parse(m.group(1).rstrip(".-"))
    return None


@dataclass(frozen=True)
class Layout:
    """Where a changelog's releases start: its ``[Unreleased]`` heading and newest release."""

    unreleased: int | None  # index of the [Unreleased] heading line
    unreleased_body: tuple[int, int] | None  # its entries' lines
    first_release: int | None  # index of the first release heading
    newest: Version | None  # the highest version any heading names


def layout(lines: Sequence[str], *, found: Sequence[tuple[int, int, str]] | None = None) -> Layout:
    """The ``[Unreleased]`` heading, the first release heading and the newest version named."""
    found = headings(lines) if found is None else found
    unreleased = first = None
    body: tuple[int, int] | None = None
    newest: Version | None = None
    for n, (i, _level, text) in enumerate(found):
        version = heading_version(text)
        if version is None and _UNRELEASED.search(text) and unreleased is None and first is None:
            unreleased = i
            body_start = i + (
                2 if UNDERLINE.match(lines[i + 1] if i + 1 < len(lines) else "") else 1
            )
            body = (body_start, _section_ends(found, len(lines))[n])
        if version is not None:
            first = i if first is None else first
            newest = version if newest is None or version > newest else newest
    return Layout(unreleased, body, first, newest)


#: What a release whose commits are all maintenance (docs, tests, CI...) says, so that no
#: release has an empty section.
MAINTENANCE = "- Maintenance release: no user-facing changes."


def fill_empty(text: str) -> str:
    """``text`` (a rendering, ``\\n`` newlines) with :data:`MAINTENANCE` under empty releases."""
    lines = text.split("\n")
    found = headings([line + "\n" for line in lines])
    for n in reversed(range(len(found))):
        i, level, title = found[n]
        if heading_version(title) is None:
            continue
        end = next((j for j, lv, _ in found[n + 1 :] if lv <= level), len(lines))
        start = i + 2 if i + 1 < len(lines) and UNDERLINE.match(lines[i + 1]) else i + 1
        if not any(line.strip() for line in lines[start:end]):
            lines[start:end] = ["", MAINTENANCE, ""] if end < len(lines) else ["", MAINTENANCE]
    return "\n".join(lines)


def as_block(rendered: str, newline: str) -> str:
    """git-cliff's rendering as a block that ends in one blank line, in the file's newlines.

    A release with nothing to list gets one line that says so (:data:`MAINTENANCE`).
    """
    text = fill_empty(rendered.replace("\r\n", "\n").strip("\n"))
    if not text:
        return ""
    text += "\n\n"
    return text.replace("\n", newline) if newline != "\n" else text


def _with_entries(block: str, entries: str, newline: str) -> str:
    """``block`` with hand-written ``entries`` right under its first heading."""
    head, _, rest = block.partition(newline)
    filler = newline + MAINTENANCE + newline
    if rest.startswith(filler):  # the hand-written entries say what the release holds
        rest = rest[len(filler) :]
    return head + newline + newline + entries + newline + rest


def _insertion(
    lines: TextLines | ListLines, found: Iterable[tuple[int, int, str]], releases: Sequence[Release]
) -> tuple[int, int | None, bool] | None:
    """Where the block goes: ``(start, end, True)``: the ``[Unreleased]`` entries' lines (end
    None: the last line); ``(at, None, False)``: above line ``at``; None: at the end.

    Only the headings down to the first one naming a version are read (and, below an
    ``[Unreleased]`` heading, down to the end of its section): :func:`layout` and
    :func:`release_sections` give the same on the whole file.
    """
    names: dict[str, str] | None = None
    digits_only = _tags_have_digits(releases)
    named = None
    heads = iter(found)
    for i, level, text in heads:
        if heading_version(text) is not None:
            return (i if named is None else named), None, False
        if _UNRELEASED.search(text):
            underlined = lines.exists(i + 1) and UNDERLINE.match(lines[i + 1]) is not None
            end = next((j for j, lv, _ in heads if lv <= level), None)
            return i + (2 if underlined else 1), end, True
        if named is None and (not digits_only or _DIGIT.search(text) is not None):
            names = _release_names(releases) if names is None else names
            named = i if next(_named(text, names), None) is not None else None
    return None if named is None else (named, None, False)


def merge_changelog(existing: str, rendered: str, *, releases: Sequence[Release] = ()) -> str:
    """``existing`` with ``rendered`` (the new releases, without header) inserted; nothing lost.

    The block goes above the newest release heading, whatever its style (one naming any of
    ``releases``, or any heading naming a version), below the intro and any ``[Unreleased]``
    heading, whose entries move into the new (newest) section. Without a release heading it goes
    at the end. Every other byte of the file stays as it was.
    """
    newline = "\r\n" if "\r" in existing and "\r\n" in existing else "\n"
    block = as_block(rendered, newline)
    if not block:
        return existing
    text_lines = TextLines.of(existing)
    lines: TextLines | ListLines
    if text_lines is not None:
        lines, found = text_lines, walk(text_lines, text_lines.candidates())
    else:
        listed = existing.splitlines(keepends=True)
        lines, found = ListLines(listed), iter(headings_of(listed))
    where = _insertion(lines, found, releases)
    if where is None:
        head = existing.rstrip("\r\n") + newline + newline if existing.strip() else ""
        return head + block.rstrip("\r\n") + newline
    first, last, unreleased = where
    at = lines.offset(first)
    if not unreleased:
        return existing[:at] + block + existing[at:]
    end = len(existing) if last is None else lines.offset(last)
    entries = existing[at:end].strip("\r\n")
    if entries.strip():
        return existing[:at] + newline + _with_entries(block, entries, newline) + existing[end:]
    return existing[:end] + block + existing[end:]
