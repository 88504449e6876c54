"""The changelog's fast heading scan gives what reading every line gave, on any text.

The oracle below is the line-by-line code the scan replaced, copied as it was; random Markdown
changelogs (ATX and setext headings, fences with headings inside, CRLF, odd line breaks, links
naming versions, [Unreleased], pre-releases, tags) are read by both.
"""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pytest

from nox_release._errors import ReleaseError
from nox_release.core import changelog
from nox_release.core.changelog import MAINTENANCE, Release
from nox_release.core.mdscan import atx, atx_headings, digit_heading_texts
from nox_release.core.version import Version

# -- the oracle: the line-by-line code, as it was ------------------------------------------------
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*\r?\n?$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[a-z]+://[^>]*>")


#: Words of a heading that can name a release: tag-like runs, and versions inside them
#: ("v1.2.0" -> "1.2.0"; a version may follow letters, never digits or "." "+" "-").
_WORD = re.compile(r"[\w.+!/-]+")
_VERSION_IN_WORD = re.compile(r"(?<![0-9.+-])[0-9][0-9A-Za-z.+!-]*")


def _release_names(releases: Iterable[Release]) -> dict[str, str]:
    """Every way a heading can name a release (tag, PEP 440, SemVer) -> its tag."""
    names: dict[str, str] = {}
    for tag, version in releases:
        names.setdefault(tag, tag)
        names.setdefault(version.pep440, tag)
        with contextlib.suppress(ReleaseError):
            names.setdefault(version.semver, tag)
    return names


def _named(text: str, names: Mapping[str, str]) -> list[str]:
    """The tags ``text`` names as whole words (``1.1.0`` does not name ``1.1.0rc1``)."""
    out = []
    for word in _WORD.finditer(text):
        candidates = [word.group(0)]
        candidates += [m.group(0) for m in _VERSION_IN_WORD.finditer(word.group(0))]
        for candidate in candidates:
            tag = names.get(candidate.rstrip(".+!-/"))
            if tag is not None:
                out.append(tag)
                break
    return out


@dataclass(frozen=True)
class _Section:
    tag: str
    start: int  # index of the heading line
    end: int  # index after the section's last line
    level: int


#: A setext underline: ``===`` (level 1) or ``---`` (level 2) under a line of text.
_UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*\r?\n?$")
_NOT_SETEXT = re.compile(r"^\s*$|^[ \t]{0,3}(?:[-*+>][ \t]|\||#|\d+[.)](?:[ \t]|$))")


def headings_ref(lines: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(line index, level, text)`` of each Markdown heading, ATX or setext, outside fences."""
    out: list[tuple[int, int, str]] = []
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = _HEADING.match(line)
        if m is not None:
            out.append((i, len(m.group(1)), _LINK_TARGET.sub("]", m.group(2))))
            continue
        u = _UNDERLINE.match(line)
        if u is not None and i > 0 and not _NOT_SETEXT.match(lines[i - 1]):
            if out and out[-1][0] == i - 1:
                continue
            level = 1 if u.group(1).startswith("=") else 2
            out.append((i - 1, level, _LINK_TARGET.sub("]", lines[i - 1].strip())))
    return out


def _section_ends(found: Sequence[tuple[int, int, str]], total: int) -> list[int]:
    """Where each heading's section ends: the next heading of the same or a higher level."""
    ends = [total] * len(found)
    open_: list[int] = []  # headings whose end is not found yet, levels increasing
    for n, (i, level, _) in enumerate(found):
        while open_ and found[open_[-1]][1] >= level:
            ends[open_.pop()] = i
        open_.append(n)
    return ends


def release_sections_ref(
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
    found_headings = headings_ref(lines) if found is None else found
    names = _release_names(releases)
    ends = _section_ends(found_headings, len(lines))
    out: dict[str, _Section] = {}
    for n, (i, level, text) in enumerate(found_headings):
        tag = next((t for t in _named(text, names) if t not in out), None)
        if tag is not None:
            out[tag] = _Section(tag, i, ends[n], level)
    return out


#: A version in a heading, whatever the tags: "1.2", "v1.2.3", "0.13.0.dev2", "[2.0.0-rc.1]".
_ANY_VERSION = re.compile(r"(?<![\w.+-])v?(\d+(?:\.\d+)+(?:[-.]?[A-Za-z]+[-.]?\d*)*)(?![\w.+-]*\d)")
_UNRELEASED = re.compile(r"\bunreleased\b", re.IGNORECASE)


def heading_version_ref(text: str) -> Version | None:
    """The version a release heading names, whatever its style, or None."""
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


def layout_ref(
    lines: Sequence[str], *, found: Sequence[tuple[int, int, str]] | None = None
) -> Layout:
    """The ``[Unreleased]`` heading, the first release heading and the newest version named."""
    found = headings_ref(lines) if found is None else found
    unreleased = first = None
    body: tuple[int, int] | None = None
    newest: Version | None = None
    for n, (i, _level, text) in enumerate(found):
        version = heading_version_ref(text)
        if version is None and _UNRELEASED.search(text) and unreleased is None and first is None:
            unreleased = i
            body_start = i + (
                2 if _UNDERLINE.match(lines[i + 1] if i + 1 < len(lines) else "") else 1
            )
            body = (body_start, _section_ends(found, len(lines))[n])
        if version is not None:
            first = i if first is None else first
            newest = version if newest is None or version > newest else newest
    return Layout(unreleased, body, first, newest)


def _fill_empty(text: str) -> str:
    """``text`` (a rendering, ``\\n`` newlines) with :data:`MAINTENANCE` under empty releases."""
    lines = text.split("\n")
    found = headings_ref([line + "\n" for line in lines])
    for n in reversed(range(len(found))):
        i, level, title = found[n]
        if heading_version_ref(title) is None:
            continue
        end = next((j for j, lv, _ in found[n + 1 :] if lv <= level), len(lines))
        start = i + 2 if i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1]) else i + 1
        if not any(line.strip() for line in lines[start:end]):
            lines[start:end] = ["", MAINTENANCE, ""] if end < len(lines) else ["", MAINTENANCE]
    return "\n".join(lines)


def _as_block(rendered: str, newline: str) -> str:
    """git-cliff's rendering as a block that ends in one blank line, in the file's newlines.

    A release with nothing to list gets one line that says so (:data:`MAINTENANCE`).
    """
    text = _fill_empty(rendered.replace("\r\n", "\n").strip("\n"))
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


def merge_changelog_ref(existing: str, rendered: str, *, releases: Sequence[Release] = ()) -> str:
    """``existing`` with ``rendered`` (the new releases, without header) inserted; nothing lost.

    The block goes above the newest release heading, whatever its style (one naming any of
    ``releases``, or any heading naming a version), below the intro and any ``[Unreleased]``
    heading, whose entries move into the new (newest) section. Without a release heading it goes
    at the end. Every other byte of the file stays as it was.
    """
    newline = "\r\n" if "\r\n" in existing else "\n"
    block = _as_block(rendered, newline)
    if not block:
        return existing
    lines = existing.splitlines(keepends=True)
    found = headings_ref(lines)
    lay = layout_ref(lines, found=found)
    starts = [s.start for s in release_sections_ref(lines, releases, found=found).values()]
    if lay.first_release is not None:
        starts.append(lay.first_release)
    if lay.unreleased is not None and lay.unreleased_body is not None:
        start, end = lay.unreleased_body
        entries = "".join(lines[start:end]).strip("\r\n")
        if entries.strip():
            block = _with_entries(block, entries, newline)
            return "".join(lines[:start]) + newline + block + "".join(lines[end:])
        return "".join(lines[:end]) + block + "".join(lines[end:])
    if starts:
        at = min(starts)
        return "".join(lines[:at]) + block + "".join(lines[at:])
    head = "".join(lines)
    head = head.rstrip("\r\n") + newline + newline if head.strip() else ""
    return head + block.rstrip("\r\n") + newline


# -- random changelogs ------------------------------------------------------------------------
VERSIONS = [
    "1.0.0", "1.2.3", "1.2.3rc1", "2.0.0b2", "0.13.0.dev2", "1.0.post1", "1.2", "3.0.0a1",
    "10.20.30", "1.2.4", "0.1.0", "2.0.0",
]  # fmt: skip
BREAKS = ["\u2028", "\r", "\x0c", "\x85", "\x0b", "\x1e", "\u2029"]


def _tag(rnd: random.Random, version: Version) -> str:
    style = rnd.choice(["v", "plain", "rel", "word"])
    if style == "word":
        return rnd.choice(["stable", "latest"])
    if style == "rel":
        return f"release-{version.pep440}"
    with contextlib.suppress(ReleaseError):
        return ("v" if style == "v" else "") + version.semver
    return version.pep440


def _title(rnd: random.Random, v: Version) -> str:
    semver = v.pep440
    with contextlib.suppress(ReleaseError):
        semver = v.semver
    return rnd.choice(
        [
            f"[{v.pep440}](https://x.org/compare/v0.1.0...v{v.pep440}) - 2024-01-0{rnd.randint(1, 9)}",
            f"v{semver}",
            f"{v.pep440} (2024-01-01)",
            f"Version {semver}",
            f"<https://x.org/v{v.pep440}> notes",
            f"[{semver}]",
            f"release-{v.pep440}  ",
            f"{v.pep440}-stable and more",
        ]
    )


def _block(rnd: random.Random) -> list[str]:
    """A few lines of one kind."""
    v = Version(rnd.choice(VERSIONS))
    kind = rnd.randrange(14)
    if kind == 0:
        return [rnd.choice(["#", "##", "###", "#######", "  ##", "#\t"]) + " " + _title(rnd, v)]
    if kind == 1:
        return [_title(rnd, v), rnd.choice(["---", "===", "  ----  ", "-", "=\t", "- - -"])]
    if kind == 2:
        return [rnd.choice(["## [Unreleased]", "Unreleased", "# unreleased changes", "## Next"])]
    if kind == 3:
        return [rnd.choice(["### Added", "#### Fixed", "#no space", "##", "# x #  ", "# a \r"])]
    if kind == 4:
        fence = rnd.choice(["```", "~~~", "   ```python", "    ```", "``` ", "\t~~~"])
        inner = ["## " + _title(rnd, v), "text", "---"][: rnd.randint(0, 3)]
        return [fence, *inner, *([fence] if rnd.random() < 0.8 else [])]
    if kind == 5:
        return [rnd.choice(["- item", "* item", "1. item", "> quote", "| a |", "2) x"])]
    if kind == 6:
        return ["", rnd.choice(["---", "===", "-", "   ", "\t"])]
    if kind == 7:
        return [f"- See [{v.pep440}](https://x.org/v{v.pep440}) and <https://x.org/{v.pep440}>"]
    if kind == 8:
        return ["Paragraph text", rnd.choice(["---", "====", "-- -", "----- \t"])]
    if kind == 9:
        return [rnd.choice(["# Changelog", "Changelog", "All notable changes."])]
    return [rnd.choice(["", "text", "  indented", "- x", "", "1.2.3", "---"])]


def random_changelog(rnd: random.Random, blocks: int) -> str:
    lines = [line for _ in range(blocks) for line in _block(rnd)]
    newline = "\r\n" if rnd.random() < 0.25 else "\n"
    breaks = [newline] * len(lines)
    if lines and rnd.random() < 0.2:  # a few odd line breaks (and a lone "\r")
        for _ in range(rnd.randint(1, 3)):
            breaks[rnd.randrange(len(breaks))] = rnd.choice(BREAKS)
    text = "".join(line + brk for line, brk in zip(lines, breaks, strict=True))
    return text if rnd.random() < 0.8 else text.rstrip("\r\n")


def random_releases(rnd: random.Random) -> list[Release]:
    chosen = rnd.sample(VERSIONS, rnd.randint(0, len(VERSIONS)))
    return [(_tag(rnd, v), v) for v in map(Version, chosen)]


RENDERED = [
    "## [9.9.9] - 2026\n\n### Added\n\n- x\n",
    "## 9.9.9\n",
    "9.9.9\n-----\n\n- y\n\n## 9.9.8\n",
    "",
]


def _sections(found: Mapping[str, object]) -> dict[str, tuple[object, ...]]:
    return {tag: (s.tag, s.start, s.end, s.level) for tag, s in found.items()}  # type: ignore[attr-defined]


def assert_same(text: str, releases: list[Release], rendered: str) -> None:
    lines = text.splitlines(keepends=True)
    found = changelog.headings(lines)
    assert found == headings_ref(lines)
    got = changelog.release_sections(lines, releases, found=found)
    assert _sections(got) == _sections(release_sections_ref(lines, releases))
    assert _sections(changelog.release_sections(lines, releases)) == _sections(got)
    lay, ref = changelog.layout(lines), layout_ref(lines)
    assert (lay.unreleased, lay.unreleased_body, lay.first_release, lay.newest) == (
        ref.unreleased,
        ref.unreleased_body,
        ref.first_release,
        ref.newest,
    )
    for _, _, title in found:
        assert changelog.heading_version(title) == heading_version_ref(title)
    assert_same_texts(text, lines)
    merged = changelog.merge_changelog(text, rendered, releases=releases)
    assert merged == merge_changelog_ref(text, rendered, releases=releases)


_DIGIT = re.compile(r"\d")


def assert_same_texts(text: str, lines: Sequence[str]) -> bool:
    """The heading texts read without splitting: those of the headings with a digit, at least.

    True when they were read from the text itself (ATX headings only)."""
    ref = headings_ref(lines)
    with_digits = [t for t in changelog.release_heading_texts(text) if _DIGIT.search(t)]
    assert with_digits == [t for _, _, t in ref if _DIGIT.search(t)]
    fast = digit_heading_texts(text)
    if fast is not None:
        assert fast == [t for i, _, t in ref if _DIGIT.search(lines[i])]
    return fast is not None


def test_an_atx_only_changelog_is_read_without_splitting() -> None:
    fast = 0
    for seed in range(200):
        rnd = random.Random(seed)
        blocks = [_block(rnd) for _ in range(60)]
        lines = [
            line
            for block in blocks
            for line in block
            if not any(c in line for c in ("-", "=", "```", "~~~")) or line.startswith("#")
        ]
        newline = rnd.choice(["\n", "\r\n"])
        text = "".join(line + newline for line in lines)
        text = text if rnd.random() < 0.8 else text.rstrip("\r\n")
        fast += assert_same_texts(text, text.splitlines(keepends=True))
    assert fast > 100


@pytest.mark.parametrize(
    "text",
    [
        "# Changelog\n\n## Release \u0663\n\n- x\n",  # a digit, not an ASCII one
        "## [1.0.0](https://x.org/v1.0.0)\r\n\r\n## See <https://x.org/2>\r\n",
        "# 1.0.0",
        "## 1.0.0\n```\n## 2.0.0\n```\n",
        "## a\n1.0.0\n---\n",
    ],
)
def test_heading_texts_of_edge_cases(text: str) -> None:
    assert_same_texts(text, text.splitlines(keepends=True))


@pytest.mark.parametrize("seed", range(300))
def test_the_scan_reads_a_random_changelog_as_the_line_by_line_code_did(seed: int) -> None:
    rnd = random.Random(seed)
    text = random_changelog(rnd, rnd.randint(0, 40))
    assert_same(text, random_releases(rnd), rnd.choice(RENDERED))


def test_the_scan_reads_a_large_changelog_as_the_line_by_line_code_did() -> None:
    rnd = random.Random(2026)
    text = random_changelog(rnd, 20_000)
    assert text.count("\n") > 20_000
    for rendered in RENDERED[:2]:
        assert_same(text, random_releases(rnd), rendered)


@pytest.mark.parametrize("seed", range(100))
def test_headings_of_any_list_of_strings_are_the_line_by_line_ones(seed: int) -> None:
    rnd = random.Random(seed)
    pieces = ["#", "# ", "## 1.0", "\n", "\r", "\x00", "---", "===", "```", " ", "\t", "x", "1.2.3"]
    lines = ["".join(rnd.choices(pieces, k=rnd.randint(0, 6))) for _ in range(rnd.randint(0, 30))]
    assert changelog.headings(lines) == headings_ref(lines)


@pytest.mark.parametrize("seed", range(20))
def test_an_atx_heading_is_read_as_its_regex_reads_it(seed: int) -> None:
    rnd = random.Random(seed)
    pieces = ["#", " ", "\t", "\r", "\n", "a", "1", "\x0b", "](", ")", "<http://", ">"]
    lines = ["".join(rnd.choices(pieces, k=rnd.randint(0, 14))) for _ in range(2000)]
    expected = []
    for n, line in enumerate(lines):
        m = _HEADING.match(line)
        assert atx(line) == ((len(m.group(1)), m.group(2)) if m else None)
        if m is not None:
            expected.append((n, len(m.group(1)), _LINK_TARGET.sub("]", m.group(2))))
    assert atx_headings(lines, range(len(lines))) == expected


def test_a_heading_named_only_by_a_digitless_tag_is_found() -> None:
    lines = ["# Changelog\n", "\n", "## stable\n", "\n", "- x\n"]
    found = changelog.release_sections(lines, [("stable", Version("1.0.0"))])
    assert found["stable"].start == 2 and found["stable"].end == 5
    releases = [("stable", Version("1.0.0"))]
    merged = changelog.merge_changelog("".join(lines), "## 1.1.0\n", releases=releases)
    assert merged == f"# Changelog\n\n## 1.1.0\n\n{MAINTENANCE}\n\n## stable\n\n- x\n"
    assert merged == merge_changelog_ref("".join(lines), "## 1.1.0\n", releases=releases)
