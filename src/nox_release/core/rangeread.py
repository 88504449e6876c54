"""The records of a ``git log -z --boundary --format=%m%H %ct %P%n%B`` output, read in bulk (pure).

A release reads every commit since its previous tag twice (the version decision classifies
them, the changelog lists them): 20,000 commits on a large project. Reading each record with a
few Python calls costs more than git takes to print it, so :func:`read_records` splits a whole
chunk of output with ONE regular expression, in C: each record becomes a tuple of strings, and a
message that is one Conventional Commit header, followed by nothing or by a body with no ``:``
(most commits), arrives already split into its type, scope, ``!`` and description. The readers
(:func:`tally_records` for the decision, :func:`nox_release.core.cliffmd.record_entries` for
the changelog) read such a record without parsing it again and hand every other one to the
message parsers (:func:`~nox_release.core.commits.parse_message`,
:func:`~nox_release.core.cliffmd.entries_of`), so both give exactly what those give (a test
compares them on generated messages).

Written by hand: git prints the records, and no library reads this format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from nox_release.core.commits import (
    EFFECTS,
    ConventionalCommit,
    Effect,
    commit_effect,
    is_release_commit,
    parse_commit,
    parse_message,
)

__all__ = [
    "BODY",
    "DESC",
    "LINE",
    "MARK",
    "PARENTS",
    "SCOPE",
    "SHA",
    "TIME",
    "TYPE",
    "Record",
    "Tally",
    "is_merge",
    "message_of",
    "read_records",
    "tally_records",
]

#: One record: ``(mark, sha, time, parents, line, type, scope, bang, desc, body, other)``.
#: ``mark`` is ``-`` for a boundary commit; ``parents`` the text after the time (`` p1 p2``).
#: When the message is a header line (``line``: ``type(scope)!: desc``, no blank at its end)
#: then nothing but a body (``body``, from the line break on, possibly empty), those fields are
#: set and ``other`` is empty; otherwise ``type`` is empty and ``other`` is the whole message.
Record = tuple[str, str, str, str, str, str, str, str, str, str, str]
MARK, SHA, TIME, PARENTS, LINE, TYPE, SCOPE, BANG, DESC, BODY, OTHER = range(11)

# The header is core.commits' (type, scope without parentheses or line breaks, "!", ": ", a
# description from a non-blank to the line's last non-blank) ending its line: a line with
# blanks at its end is not split here (the parsers trim it their own ways).
_RECORD = re.compile(
    r"([-<>])([^ \n\x00]+) ([^ \n\x00]*)([^\n\x00]*)\n"
    r"(?:"
    r"(([A-Za-z][A-Za-z0-9_-]*)(?:\(([^()\r\n\x00]+)\))?(!?): +([^\s\x00](?:[^\n\x00]*[^\s\x00])?))"
    r"((?:\n[^\x00]*)?)\x00"
    r"|([^\x00]*)\x00"
    r")"
)


def _slow(record: str) -> Record | None:
    """One record read field by field (only when the regular expression missed one)."""
    first, _, message = record.partition("\n")
    fields = first[1:].split(" ", 2)
    if len(fields) < 2 or not first or first[0] not in "-<>":
        return None  # not a record of this format (nothing git writes today)
    parents = " " + fields[2] if len(fields) > 2 else ""
    return (first[0], fields[0], fields[1], parents, "", "", "", "", "", "", message)


def read_records(text: str) -> list[Record]:
    """The records of ``text``: whole records, each ended by NUL (the last one may not be)."""
    if text and not text.endswith("\x00"):
        text += "\x00"
    found: list[Record] = _RECORD.findall(text)
    if len(found) == text.count("\x00"):
        return found
    # Something git does not write today: read each record by itself.
    parts = text.split("\x00")
    if parts and not parts[-1]:
        parts.pop()
    return [r for r in map(_slow, parts) if r is not None]


def message_of(record: Record) -> str:
    """The whole commit message of ``record``."""
    return record[LINE] + record[BODY] if record[TYPE] else record[OTHER]


def is_merge(record: Record) -> bool:
    """Whether the commit has more than one parent."""
    return record[PARENTS].count(" ") > 1


def _header_only(body: str, counted: re.Pattern[str]) -> bool:
    """Whether a split record's message reads as its header alone for the version decision
    (its header holding no ``BREAKING``, which a preprocessor rewrites): no preprocessor can
    make a commit of a body line, and none is a commit that counts (``counted``: see
    :func:`counted_lines`), which a ``:`` in it alone does not make (``Refs: #12``)."""
    if not body or body.isspace():
        return True
    if "BREAKING" in body or 'Revert "' in body:
        return False
    return ":" not in body or counted.search(body) is None


@lru_cache(maxsize=8)
def counted_lines(types: frozenset[str]) -> re.Pattern[str]:
    """A line that may be a commit the decision counts: a header whose type (any case) is one
    of ``types``, or any header with ``!``; indented, or a list item (which a preprocessor
    unwraps). More lines match than count (no description is required): those are parsed."""
    known = "|".join(sorted(map(re.escape, types), key=len, reverse=True)) or "(?!)"
    scope = r"(?:\([^()\n]*\))?"
    return re.compile(
        rf"(?mi)^[^\S\n]*(?:[*-][ \t]+)?(?:(?:{known}){scope}!?|[a-z][a-z0-9_-]*{scope}!):"
    )


def _may_hold_commits(message: str) -> bool:
    """False when no line of ``message`` can be a Conventional Commit: no ``:``, and no
    preprocessor that makes one (``Revert "``, ``BREAKING``)."""
    return ":" in message or "BREAKING" in message or 'Revert "' in message


@dataclass
class Tally:
    """The decision's reading of a range: Conventional Commits by effect, and the rest."""

    groups: dict[Effect, list[ConventionalCommit]] = field(
        default_factory=lambda: {e: [] for e in EFFECTS}
    )
    skipped: int = 0
    release_commits: int = 0
    merges: int = 0
    boundary: set[str] = field(default_factory=set)


_new = tuple.__new__


def tally_records(records: Iterable[Record], types: Mapping[str, Effect], tally: Tally) -> None:
    """Classify ``records`` into ``tally``, as :func:`_classify` does with each message.

    Boundary commits are noted, merges counted (their messages are generated; the commits they
    merge are read anyway), a header-only record (:func:`_header_only`) is one commit without
    parsing its message again, and one that cannot hold a commit is skipped unread.
    """
    groups = tally.groups
    # each type as written: its lower-case form and its list without and with "!"
    # (commit_effect: a type mapped to "none" stays so when breaking; an unknown one breaks)
    seen: dict[str, tuple[str, tuple[list[ConventionalCommit], list[ConventionalCommit]]]] = {}
    counted = counted_lines(frozenset(types))
    for mark, sha, _, parents, line, ctype, scope, bang, desc, body, other in records:
        if mark == "-":
            tally.boundary.add(sha)
        elif parents.count(" ") > 1:
            tally.merges += 1
        elif ctype and (body == "\n" or _header_only(body, counted)) and "BREAKING" not in line:
            known = seen.get(ctype)
            if known is None:
                known = seen[ctype] = _lists(ctype, types, groups)
            breaking = bang == "!"
            commit = _new(
                ConventionalCommit, (known[0], scope or None, desc, breaking, line, sha, None)
            )
            if scope and known[0] == "chore" and is_release_commit(commit):
                tally.release_commits += 1
            else:
                known[1][breaking].append(commit)
        elif ctype or _may_hold_commits(other):
            _classify(line + body if ctype else other, sha, types, tally)
        else:
            tally.skipped += 1


def _lists(
    ctype: str, types: Mapping[str, Effect], groups: dict[Effect, list[ConventionalCommit]]
) -> tuple[str, tuple[list[ConventionalCommit], list[ConventionalCommit]]]:
    lower = ctype.lower()
    effect = types.get(lower)
    plain: Effect = effect or "none"
    breaking: Effect = "none" if effect == "none" else "major"
    return lower, (groups[plain], groups[breaking])


def _classify(message: str, sha: str, types: Mapping[str, Effect], tally: Tally) -> None:
    """One message's commits into ``tally``: those the type map knows (or breaking ones); a
    header of no effect counts as ``none``; no Conventional Commit at all is skipped."""
    entries = parse_message(message, sha)  # the lines the changelog lists too
    known = [c for c in entries if c.type in types or c.breaking]
    if not known and parse_commit(message) is not None:  # a header of no effect
        known = entries[:1]
    if not known:
        tally.skipped += 1
    elif any(is_release_commit(c) for c in known):
        tally.release_commits += 1
    else:
        for c in known:
            tally.groups[commit_effect(c, types)].append(c)
