"""The changelog entries of :mod:`~nox_release.core.rangeread` records (pure: no I/O).

Most commits are a header line and a body that git-cliff never lists a line of: for those the
record's header, already split by the bulk reading, is the entry, without preprocessing and
parsing the message again (:func:`entry_reader`). Every other record is read by
:func:`~nox_release.core.cliffmd.entries_of`; a test compares the two on generated messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nox_release.core.cliffmd import (
    PARSERS_PATTERN,
    Entry,
    Preprocessors,
    entries_of,
    parser_group,
    shortcut,
)
from nox_release.core.rangeread import Record, message_of

__all__ = ["entry_reader", "record_entries"]

# A body line git-cliff may list (a parser's group, or "!"), as written or once a list item's
# bullet is gone: more lines match than are listed (those are read by entries_of).
_LISTED = re.compile(
    r"(?m)^(?:[ \t]*[*-][ \t]+)?(?:"
    + PARSERS_PATTERN.replace("(?P<p", "(?P<q")
    + r"|[A-Za-z][A-Za-z0-9_-]*(?:\([^()\n]+\))?!)"
)


_UNKNOWN = "\x00unknown"


def _header_only(body: str, links: str) -> bool:
    """Whether git-cliff lists only the header of a split message with this body (its header
    untouched by the preprocessors): no preprocessor makes a listed line of a body line (the
    forge's links, ``links``, could give a line ``remove(x) #1:`` the ``):`` it lacks), and no
    line is listed as written or as a list item's bullet leaves it."""
    if "BREAKING" in body or 'Revert "' in body or (links and any(c in body for c in links)):
        return False
    return ":" not in body or _LISTED.search(body) is None


def record_entries(record: Record, pre: Preprocessors) -> list[Entry]:
    """The entries of one record, with its commit id (:func:`entry_reader` for many)."""
    return entry_reader(pre)(record)


def entry_reader(pre: Preprocessors) -> Callable[[Record], list[Entry]]:
    """A reader of the entries of records, with their commit ids.

    With the shipped preprocessors, a record with none of their texts in it is read here as
    :func:`entries_of` reads it: split as a header with a body git-cliff lists no line of, it
    is its header alone (the header is git-cliff's too: a description after ``": "`` ending in
    a non-blank); not split and holding no ``:``, it lists nothing (every group's parser needs
    one). Any other goes through :func:`entries_of`.
    """

    def slow(record: Record) -> list[Entry]:
        sha = record[1]
        return [(*e, sha) for e in entries_of(message_of(record), pre)]

    fast = shortcut(pre)
    if fast is None:
        return slow
    need, links = fast
    # A header's group: its type, scope and "!" decide it (each parser needs the ":" that ends
    # them), but for nox-release's own split line, which its description decides.
    groups: dict[tuple[str, str, str], str | None] = {}

    def read(record: Record) -> list[Entry]:
        line, body = record[4], record[9]
        if not line:  # not split: without ":" (none a preprocessor adds) nothing is listed
            if ":" not in record[10] and need(record[10]) is None:
                return []
        elif need(line) is None and (body == "\n" or _header_only(body, links)):
            key = (record[5], record[6], record[7])
            group = groups.get(key, _UNKNOWN)
            if group is _UNKNOWN:
                group = parser_group(line)
                if record[5] != "nox-release":
                    groups[key] = group
            if group is None and record[7] != "!":
                return []
            return [(record[8], record[6] or None, record[7] == "!", group, record[1])]
        return slow(record)

    return read
