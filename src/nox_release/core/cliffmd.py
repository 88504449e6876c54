"""The shipped git-cliff configuration's changelog, rendered in Python (pure: no I/O).

Mirrors ``data/cliff.toml`` as git-cliff 2 applies it: the ``commit_preprocessors`` on the whole
message, then (``split_commits``) each line preprocessed again and read as a Conventional Commit
the way git-cliff's parser reads it (looser than :func:`core.commits.parse_commit`: ``feat:x``
counts, ``Feat: x`` matches no parser), grouped by the ``commit_parsers`` (a breaking commit is
never skipped), and the Tera template's Markdown, byte for byte. A test renders generated
histories with both and compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from nox_release.core.commits import PREPROCESSOR_NEEDS, PREPROCESSORS, lines_with

__all__ = [
    "PARSERS_PATTERN",
    "DefaultTemplate",
    "Entry",
    "RenderedRelease",
    "entries_of",
    "parser_group",
    "shortcut",
]

# git-cliff's Conventional Commit header: a type (a letter, then letters, digits, "-", "_"), an
# optional non-empty scope, "!", ":", blanks, and a non-empty description.
_HEADER = re.compile(
    r"(?P<type>[A-Za-z][A-Za-z0-9_-]*)(?:\((?P<scope>[^()\n]+)\))?(?P<bang>!)?:[ \t]*(?P<desc>.+)"
)
_SKIP = None
#: ``commit_parsers`` of the shipped configuration, in order (first match wins): one regex of
#: anchored alternatives, tried in that order, the group's name giving the parser.
_GROUPS: tuple[str | None, ...] = (
    _SKIP,
    "<!-- 9 -->split",
    _SKIP,
    "<!-- 6 -->Security",
    "<!-- 6 -->Security",
    "<!-- 1 -->Added",
    "<!-- 2 -->Changed",
    "<!-- 3 -->Deprecated",
    "<!-- 4 -->Removed",
    "<!-- 5 -->Fixed",
    "<!-- 2 -->Changed",
)
_PARSERS = re.compile(
    "|".join(
        f"(?P<p{i}>{rx})"
        for i, rx in enumerate(
            [
                r"nox-release: split\Z",
                r"nox-release: split\n",
                r"chore\(release\)",
                r"security(?:\(.*\))?!?:",
                r"[a-z]+\(security\)!?:",
                r"feat(?:\([^()]+\))?!?:",
                r"(?:perf|refactor|impr)(?:\([^()]+\))?!?:",
                r"deprecat(?:e|ed|ion)(?:\(.*\))?!?:",
                r"remove(?:d)?(?:\(.*\))?!?:",
                r"fix(?:\([^()]+\))?!?:",
                r"revert(?:\([^()]+\))?!?:",
            ]
        )
    )
)
# The group of each parser by the index of its (only) capturing group, which lastindex gives.
_BY_INDEX: list[str | None] = [None] * (_PARSERS.groups + 1)
for _name, _index in _PARSERS.groupindex.items():
    _BY_INDEX[_index] = _GROUPS[int(_name[1:])]
#: Rust's ``char::is_whitespace`` (Tera's ``trim``), which Python's ``str.strip`` is not.
_WS = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_TAG = re.compile(r"<[^>]*>")


#: A preprocessor: its regex, the replacement, and texts one of which a match needs (empty:
#: not known, always run). The texts are tested first: most lines match no preprocessor.
Preprocessors = list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str], tuple[str, ...]]]
#: A listed entry: ``(description, scope, breaking, group, commit id)``.
Entry = tuple[str, str | None, bool | None, str | None, str]
_NEEDS = dict(zip(PREPROCESSORS, PREPROCESSOR_NEEDS, strict=True))
# The forge's link preprocessors (core.forge): "#12" / "!12" -> "[#12](<url>/12)".
_LEAD = r"(^|[^\[\w&/])"
_LINKS = (_LEAD + r"#([0-9]+)\b", _LEAD + r"!([0-9]+)\b")
_LINK_REPLACE = re.compile(r"\$\{1\}\[[#!]\$\{2\}\]\([^$\s()\\]*/\$\{2\}\)\Z")
# The same links found from their "#" (a fast search) with the lead looked behind, not taken:
# the lead of a match is never the end of the one before (digits), so the two are equal.
_FAST_LINKS = {
    p: re.compile(f"{p[len(_LEAD)]}(?<![\\[\\w&/]{p[len(_LEAD)]})([0-9]+)\\b") for p in _LINKS
}
_SPLIT = "nox-release: split\n\n"  # the shipped last preprocessor's line for a multi-line text
_SPLIT_WHOLE = ("split", None, False)  # how git-cliff reads a text that begins with it


class _Compiled(Preprocessors):
    """Compiled preprocessors, with what lets :func:`entries_of` skip work for them."""

    line_need: re.Pattern[str] | None
    """Any of the texts they need that fits in a line (None: one of them needs no text)."""
    shipped: bool
    """The shipped ones then the forge's links: only lines with ":" can be listed."""
    links: str
    """The texts the forge's links need (``#``, ``!``; empty: no links)."""


def _needs(pattern: str, replace: str) -> tuple[str, ...]:
    known = _NEEDS.get((pattern, replace))
    if known is not None:
        return known
    if "#([0-9]+)" in pattern:  # the forge's issue and merge request links
        return ("#",)
    if "!([0-9]+)" in pattern:
        return ("!",)
    return ()


_REF = re.compile(r"\$\{(\d+)\}|\$(\d+)")


def _replacer(rx: re.Pattern[str], replace: str) -> str | Callable[[re.Match[str]], str]:
    """``replace`` with its ``$1`` / ``${1}`` groups: re's template (slow, in Python), or the
    same text joined by a function when no backslash makes the template mean more."""
    pieces = _REF.split(replace)
    texts = pieces[0::3]
    groups = [int(a or b) for a, b in zip(pieces[1::3], pieces[2::3], strict=True)]
    if "\\" in replace or any(g > rx.groups for g in groups):
        return _REF.sub(lambda m: rf"\g<{m.group(1) or m.group(2)}>", replace)
    if not groups:
        return replace
    first, rest = texts[0], list(zip(groups, texts[1:], strict=True))

    def expand(m: re.Match[str]) -> str:
        out = first
        for group, text in rest:
            out += (m[group] or "") + text
        return out

    return expand


def _compile(preprocessors: Iterable[tuple[str, str]]) -> Preprocessors:
    out = _Compiled()
    given = list(preprocessors)
    for pattern, replace in given:
        if pattern in _LINKS and _LINK_REPLACE.match(replace):  # ${1}[#${2}](...${2})
            fast = replace[len("${1}") :].replace("${2}", "${1}")
            rx = _FAST_LINKS[pattern]
            out.append((rx, _replacer(rx, fast), _needs(pattern, replace)))
        else:
            rx = re.compile(pattern)
            out.append((rx, _replacer(rx, replace), _needs(pattern, replace)))
    needs = [n for _, _, ns in out for n in ns if "\n" not in n]
    known = all(ns for _, _, ns in out)
    out.line_need = re.compile("|".join(map(re.escape, needs))) if known and needs else None
    extra = given[len(PREPROCESSORS) :]
    out.shipped = (
        out.line_need is not None
        and tuple(given[: len(PREPROCESSORS)]) == PREPROCESSORS
        and all(p in _LINKS and _LINK_REPLACE.match(r) for p, r in extra)
    )
    out.links = "".join(sorted({n for p, r in extra for n in _needs(p, r)}))
    return out


def _process(text: str, pre: Preprocessors) -> str:
    for rx, repl, needs in pre:
        if needs:
            for need in needs:
                if need in text:
                    break
            else:
                continue
        text = rx.sub(repl, text)
    return text


def _conv(line: str) -> tuple[str, str | None, bool] | None:
    """``(description, scope, breaking)`` when git-cliff reads ``line`` as conventional."""
    m = _HEADER.match(line)
    if m is None:
        return None
    _, scope, bang, desc = m.groups()
    return (desc, scope, bang is not None) if desc.strip(" \t") else None


def _group(message: str, breaking: bool) -> tuple[bool, str | None]:
    """``(kept, group)`` by the parsers: a skipped commit is kept when it breaks."""
    m = _PARSERS.match(message)
    if m is None:  # the last parser, '.*', skips
        return breaking, None
    group = _BY_INDEX[m.lastindex or 0]
    return (group is not None or breaking), group


def entries_of(
    message: str, pre: Preprocessors
) -> list[tuple[str, str | None, bool | None, str | None]]:
    """The entries ``(description, scope, breaking, group)`` one commit gives, in line order.

    As git-cliff does it: the whole (trimmed, preprocessed) message is parsed and grouped
    first; then each line, which keeps the whole message's reading when it is not conventional
    itself; a line that is not a Conventional Commit (``fixes x``, a one-line ``fix typo``) matches
    no group and is left out, as the version decision leaves it out.
    """
    text = message.strip(_WS)
    if isinstance(pre, _Compiled) and pre.shipped and pre.line_need is not None:
        if pre.line_need.search(text) is None:
            if "\n" in text:  # only the split applies, to the text and to none of its lines
                return _split_entries(text, pre, False)
            whole = _conv(text)  # no preprocessor applies to the text nor to its one line
            kept, group = _group(text, bool(whole and whole[2]))
            return ([(*whole, group) if whole else (text, None, None, group)]) if kept else []
        split = len(PREPROCESSORS) - 1  # the split: a line of its own before a multi-line text
        text = _process(text, pre[:split])
        if "\n" in text:  # the links after it change no line break: read the lines of the rest
            return _split_entries(_process(text, pre[split + 1 :]), pre, True)
        text = _process(text, pre[split:])
    else:
        text = _process(text, pre)
    return _entries(text, pre)


_Read = list[tuple[str, str | None, bool | None, str | None]]


def _split_entries(text: str, pre: _Compiled, process: bool) -> _Read:
    """The entries of the lines of a split text (the shipped preprocessors, forge links).

    git-cliff reads the whole text as ``nox-release: split`` and lists each line its parsers
    group: only a line with ":", or with ``Revert "`` that a preprocessor turns into one, can be.
    """
    out: _Read = []
    if process and 'Revert "' in text:
        lines = [raw for raw in text.split("\n") if ":" in raw or 'Revert "' in raw]
    else:
        lines = lines_with(text, ":")
    need = pre.line_need if process else None  # a line with none of its texts is left as it is
    for raw in lines:
        line = raw[:-1] if raw.endswith("\r") else raw
        if need is not None and need.search(line) is not None:
            line = _process(line, pre)
        conv = _conv(line) or _SPLIT_WHOLE
        kept, group = _group(line, conv[2])
        if kept:
            out.append((*conv, group))
    return out


def _entries(text: str, pre: Preprocessors) -> _Read:
    """The entries of a preprocessed text, every line read again."""
    whole = _conv(text)
    if not _group(text, bool(whole and whole[2]))[0]:
        return []
    out: _Read = []
    for raw in text.split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line:
            continue
        line = _process(line, pre)
        conv = _conv(line) or whole
        kept, group = _group(line, bool(conv and conv[2]))
        if kept:  # without a reading "breaking" is unset (None): the template shows it nowhere
            out.append((*conv, group) if conv else (line, None, None, group))
    return out


def parser_group(line: str) -> str | None:
    """The group of the first of the shipped ``commit_parsers`` that matches ``line`` (None:
    none does, or it skips)."""
    m = _PARSERS.match(line)
    return None if m is None else _BY_INDEX[m.lastindex or 0]


def shortcut(pre: Preprocessors) -> tuple[Callable[[str], object], str] | None:
    """For the shipped preprocessors (with the forge's links): a search for any text one of
    them needs, and the texts the links need (``#``, ``!``); None for any other."""
    if isinstance(pre, _Compiled) and pre.shipped and pre.line_need is not None:
        return pre.line_need.search, pre.links
    return None


#: The shipped ``commit_parsers`` as one expression (alternatives in order).
PARSERS_PATTERN = _PARSERS.pattern


def _trim(text: str) -> str:
    return text.strip(_WS)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _trim_start(text: str, prefix: str) -> str:
    while prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    return text


def _trim_end(text: str, suffix: str) -> str:
    while suffix and text.endswith(suffix):
        text = text[: -len(suffix)]
    return text


@dataclass
class RenderedRelease:
    """One release's data for the template: version (None: unreleased), date, previous tag."""

    version: str | None
    date: str
    previous: str | None
    entries: list[tuple[str, str | None, bool | None, str | None, str]] = field(
        default_factory=list
    )
    """``(description, scope, breaking, group, commit id)``, oldest first."""


@dataclass(frozen=True)
class DefaultTemplate:
    """The shipped template with nox-release's environment (links, tag affixes)."""

    commit_url: str = ""
    compare_url: str = ""
    prefix: str = ""
    suffix: str = ""
    header: str = ""
    footer: str = ""
    extra_preprocessors: tuple[tuple[str, str], ...] = ()

    def preprocessors(self, base: Iterable[tuple[str, str]]) -> Preprocessors:
        """The compiled ``commit_preprocessors``: ``base`` then the forge's."""
        return _compile([*base, *self.extra_preprocessors])

    def _entry(self, item: tuple[str, str | None, bool | None, str | None, str]) -> str:
        desc, scope, _, _, sha = item
        line = "- " + (f"**{scope}:** " if scope else "")
        line += _upper_first(_trim(desc.split("\n", 1)[0]))
        if self.commit_url:
            line += f" ([{sha[:7]}]({self.commit_url}/{sha}))"
        return line

    def body(self, release: RenderedRelease) -> str:
        """One release's section, as the Tera template renders it."""
        return self.heading(release) + self.groups(release.entries) + "\n"

    def heading(self, release: RenderedRelease) -> str:
        """A release's heading line (its version, the compare link, the date)."""
        if release.version is None:
            return "## [Unreleased]\n"
        shown = _trim_end(_trim_start(release.version, self.prefix), self.suffix)
        if self.compare_url and release.previous:
            link = f"{self.compare_url}/{release.previous}...{release.version}"
            return f"## [{shown}]({link}) - {release.date}\n"
        return f"## [{shown}] - {release.date}\n"

    def groups(self, entries: list[Entry]) -> str:
        """A release's entries under their groups' headings (breaking changes first)."""
        out = ""
        breaking = [e for e in entries if e[2] is True]
        if breaking:
            out += "\n### Breaking changes\n\n" + "\n".join(map(self._entry, breaking)) + "\n"
        groups: dict[str, list[Entry]] = {}
        for e in entries:
            if e[2] is False:
                groups.setdefault(e[3] or "", []).append(e)
        for group in sorted(groups):
            title = _trim(_TAG.sub("", group))
            out += f"\n### {title}\n\n" + "\n".join(map(self._entry, groups[group])) + "\n"
        return out
