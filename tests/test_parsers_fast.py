"""The two commit-message readers give exactly what their plain line-by-line versions give."""

from __future__ import annotations

import re

import pytest

from nox_release.core.cliffmd import DefaultTemplate, Preprocessors, entries_of
from nox_release.core.commits import (
    PREPROCESSOR_NEEDS,
    PREPROCESSORS,
    ConventionalCommit,
    lines_with,
    parse_commit,
    parse_message,
)
from testkit.messages import GENREPO, GIVEN, MESSAGES

# ---- the oracle: core/commits.py's parse_message as it was, line by line ---------------------

_C_HEADER = re.compile(
    r"(?P<type>[A-Za-z][A-Za-z0-9_-]*)"
    r"(?:\((?P<scope>[^()\r\n]+)\))?"
    r"(?P<bang>!)?"
    r": +(?P<description>\S[^\n]*)"
)
_C_BREAKING = re.compile(r"^BREAKING[ -]CHANGE:(?:[ \t]+(?P<note>.*)|[ \t]*$)", re.MULTILINE)
_C_COMPILED = tuple(
    (re.compile(rx), re.sub(r"\$(\d+)", r"\\g<\1>", repl), needs)
    for (rx, repl), needs in zip(PREPROCESSORS, PREPROCESSOR_NEEDS, strict=True)
)


def _c_parse_commit(message: str, sha: str = "") -> ConventionalCommit | None:
    text = message.lstrip() if message[:1].isspace() else message
    m = _C_HEADER.match(text)
    if m is None:
        return None
    ctype, scope, bang, description = m.groups()
    newline = m.end()
    header = text[:newline].rstrip()
    description = description.rstrip()
    breaking = bang is not None
    note: str | None = None
    if newline < len(text) and "BREAKING" in text:
        footer = _C_BREAKING.search(text, newline + 1)
        if footer is not None:
            breaking = True
            note = (footer.group("note") or "").strip() or None
    return ConventionalCommit(ctype.lower(), scope, description, breaking, header, sha, note)


def _c_preprocess(text: str) -> str:
    for rx, repl, needs in _C_COMPILED:
        for need in needs:
            if need in text:
                text = rx.sub(repl, text)
                break
    return text


def oracle_parse_message(message: str, sha: str = "") -> list[ConventionalCommit]:
    text = _c_preprocess(message.strip().replace("\r\n", "\n"))
    if not text.startswith("nox-release: split\n"):
        commit = _c_parse_commit(text, sha)
        return [] if commit is None else [commit]
    out = []
    for line in text.split("\n")[2:]:
        commit = _c_parse_commit(_c_preprocess(line), sha) if line.strip() else None
        if commit is not None:
            out.append(commit)
    return out


# ---- the oracle: core/cliffmd.py's entries_of as it was, line by line -----------------------

_M_HEADER = re.compile(
    r"(?P<type>[A-Za-z][A-Za-z0-9_-]*)(?:\((?P<scope>[^()\n]+)\))?(?P<bang>!)?:[ \t]*(?P<desc>.+)"
)
_M_GROUPS: tuple[str | None, ...] = (
    None,
    "<!-- 9 -->split",
    None,
    "<!-- 6 -->Security",
    "<!-- 6 -->Security",
    "<!-- 1 -->Added",
    "<!-- 2 -->Changed",
    "<!-- 3 -->Deprecated",
    "<!-- 4 -->Removed",
    "<!-- 5 -->Fixed",
    "<!-- 2 -->Changed",
)
_M_PARSERS = re.compile(
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
_M_WS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_Entry = tuple[str, str | None, bool | None, str | None]


def _m_needs(pattern: str, replace: str) -> tuple[str, ...]:
    known = dict(zip(PREPROCESSORS, PREPROCESSOR_NEEDS, strict=True)).get((pattern, replace))
    if known is not None:
        return known
    if "#([0-9]+)" in pattern:
        return ("#",)
    if "!([0-9]+)" in pattern:
        return ("!",)
    return ()


def _m_compile(preprocessors: list[tuple[str, str]]) -> Preprocessors:
    out: Preprocessors = []
    for pattern, replace in preprocessors:
        repl = re.sub(r"\$\{(\d+)\}|\$(\d+)", lambda m: rf"\g<{m.group(1) or m.group(2)}>", replace)
        out.append((re.compile(pattern), repl, _m_needs(pattern, replace)))
    return out


def _m_process(text: str, pre: Preprocessors) -> str:
    for rx, repl, needs in pre:
        if needs:
            for need in needs:
                if need in text:
                    break
            else:
                continue
        text = rx.sub(repl, text)
    return text


def _m_conv(line: str) -> tuple[str, str | None, bool] | None:
    m = _M_HEADER.match(line)
    if m is None or not m.group("desc").strip(" \t"):
        return None
    return m.group("desc"), m.group("scope"), m.group("bang") is not None


def _m_group(message: str, breaking: bool) -> tuple[bool, str | None]:
    m = _M_PARSERS.match(message)
    if m is None:
        return breaking, None
    group = _M_GROUPS[int(str(m.lastgroup)[1:])]
    return (group is not None or breaking), group


def oracle_entries_of(message: str, pre: Preprocessors) -> list[_Entry]:
    text = _m_process(message.strip(_M_WS), pre)
    whole = _m_conv(text)
    if not _m_group(text, bool(whole and whole[2]))[0]:
        return []
    out: list[_Entry] = []
    for raw in text.split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line:
            continue
        line = _m_process(line, pre)
        conv = _m_conv(line) or whole
        kept, group = _m_group(line, bool(conv and conv[2]))
        if kept:
            out.append((*conv, group) if conv else (line, None, None, group))
    return out


# ---- the messages compared: testkit.messages ------------------------------------------------

PRE = {name: DefaultTemplate().preprocessors(given) for name, given in GIVEN.items()}
ORACLE_PRE = {name: _m_compile(given) for name, given in GIVEN.items()}


@pytest.mark.parametrize("messages", [MESSAGES, GENREPO], ids=["tricky", "genrepo"])
def test_parse_message_is_the_line_by_line_reading(messages: list[str]) -> None:
    for message in messages:
        assert parse_message(message, "abc") == oracle_parse_message(message, "abc"), message


@pytest.mark.parametrize("messages", [MESSAGES, GENREPO], ids=["tricky", "genrepo"])
def test_parse_commit_reads_a_whole_message_as_before(messages: list[str]) -> None:
    for message in messages:
        assert parse_commit(message, "abc") == _c_parse_commit(message, "abc"), message


def test_lines_with_gives_the_lines_holding_a_mark_in_order() -> None:
    assert lines_with("a: 1\nb\n: c\r\nd:", ":") == ["a: 1", ": c\r", "d:"]
    assert lines_with("none here", ":") == []
    for message in MESSAGES:
        assert lines_with(message, ": ") == [x for x in message.split("\n") if ": " in x]


@pytest.mark.parametrize("name", sorted(PRE))
@pytest.mark.parametrize("messages", [MESSAGES, GENREPO], ids=["tricky", "genrepo"])
def test_entries_of_is_the_line_by_line_reading(messages: list[str], name: str) -> None:
    pre = PRE[name]
    plain = list(pre)  # a plain list: no shortcut known for it
    for message in messages:
        expected = oracle_entries_of(message, ORACLE_PRE[name])
        assert entries_of(message, pre) == expected, message
        assert entries_of(message, plain) == expected, message


def test_the_messages_cover_what_the_readers_find() -> None:
    found = [c for m in MESSAGES for c in oracle_parse_message(m)]
    kinds = {(c.type, c.breaking, c.breaking_note is not None) for c in found}
    assert {("feat", False, False), ("breaking", True, False), ("feat", True, False)} <= kinds
    assert any(c.description.endswith("(renamed)") for c in found)  # a footer joined its header
    assert {"revert", "perf", "refs"} <= {c.type for c in found}
    groups = {e[3] for m in MESSAGES for e in oracle_entries_of(m, PRE["github"])}
    assert {"<!-- 1 -->Added", "<!-- 6 -->Security", "<!-- 4 -->Removed", None} <= groups


def test_the_shortcuts_are_taken_for_the_shipped_preprocessors_and_the_forges_links() -> None:
    assert [PRE[name].shipped for name in GIVEN]  # type: ignore[attr-defined] == [True] * 3 + [False] * 3
    assert PRE["github"][-1][0].pattern.startswith("#")  # the links are found from their "#"
