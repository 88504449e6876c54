"""The commits of one range, read by one streaming ``git log`` that the decision and the changelog share.

A release reads the commits since its previous tag twice: the version decision classifies them,
the changelog lists them. On 20,000 commits each ``git log`` costs about 0.2 s, so the first
reader may ask to *keep* what it read (:func:`range_commits` with ``keep=True``); a later reader
of the same range (the same commits, the same paths) gets the kept records without a second
``git log``. The key is made of commit ids, which never change, so a kept range cannot go stale.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from nox_release.adapters.git import Git

__all__ = ["LogCommit", "range_commits"]

#: Kept records stop growing past this many bytes of messages: a whole long history is streamed.
_KEEP_BYTES = 64 << 20


class LogCommit(NamedTuple):
    """One commit as ``git log --boundary`` gives it (a tuple: cheap on 100,000 commits)."""

    sha: str
    time: int
    """Committer time, seconds since the epoch."""
    parents: tuple[str, ...]
    message: str
    boundary: bool
    """A commit just outside the range (``--boundary``): not one of its commits."""


def _parse(record: str) -> LogCommit | None:
    first, _, message = record.partition("\n")
    fields = first[1:].split(" ")
    if len(fields) < 2 or not first:
        return None  # not a record of this format (nothing git writes today)
    return LogCommit(fields[0], int(fields[1] or 0), tuple(fields[2:]), message, first[0] == "-")


def range_commits(
    git: Git,
    end: str,
    since: str | None,
    paths: Sequence[str] = (),
    *,
    keep: bool = False,
) -> Iterator[LogCommit]:
    """The commits reachable from ``end`` and not from ``since``, newest first, then the boundary.

    ``end`` and ``since`` are commit ids (``since`` None: the whole history). ``paths``: git
    pathspecs that choose the commits. ``keep``: remember the records once read to the end, for
    the next reader of the same range. One ``git log -z --boundary`` unless kept records exist.
    """
    key = ("range_commits", end, since, tuple(paths))
    kept = git.memo.get(key)
    if isinstance(kept, list):
        yield from kept
        return
    rev = f"{since}..{end}" if since else end
    args = ["log", "-z", "--boundary", "--format=%m%H %ct %P%n%B", rev, "--", *paths]
    got: list[LogCommit] | None = [] if keep else None
    size = 0
    for record in git.stream(args, "\x00"):
        commit = _parse(record)
        if commit is None:
            continue
        if got is not None:
            size += len(commit.message)
            got = got if size < _KEEP_BYTES else None
            if got is not None:
                got.append(commit)
        yield commit
    if got is not None:
        git.memo[key] = got
