"""The commits of one range, read by one streaming ``git log`` that the decision and the changelog share.

A release reads the commits since its previous tag twice: the version decision classifies them,
the changelog lists them. On 20,000 commits each ``git log`` costs about 0.2 s, so the first
reader may ask to *keep* what it read (:func:`range_commits` with ``keep=True``); a later reader
of the same range (the same commits, the same paths) gets the kept records without a second
``git log``. The key is made of commit ids, which never change, so a kept range cannot go stale.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

from nox_release.adapters.git import Chunks, Git
from nox_release.core.rangeread import Record, message_of, read_records

__all__ = [
    "LogCommit",
    "drop_tees",
    "prefetched",
    "range_commits",
    "range_ids",
    "range_records",
    "taken_tee",
]

#: Kept records stop growing past this many bytes of output: a whole long history is streamed.
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


def _key(end: str, since: str | None, paths: Sequence[str]) -> tuple[object, ...]:
    return ("range_records", end, since, tuple(paths))


def _args(end: str, since: str | None, paths: Sequence[str]) -> list[str]:
    rev = f"{since}..{end}" if since else end
    return ["log", "-z", "--boundary", "--format=%m%H %ct %P%n%B", rev, "--", *paths]


@contextmanager
def prefetched(
    git: Git, end: str, since: str | None, paths: Sequence[str] = ()
) -> Generator[None, None, None]:
    """Start the range's ``git log`` now, for :func:`range_records` to read within the block.

    git walks the history (0.1 s on 20,000 commits before its first line) while the block does
    other work; a reading not taken by the end of the block is stopped.
    """
    key = _key(end, since, paths)
    if key not in git.memo:
        git.memo[key] = git.chunks(_args(end, since, paths))
    try:
        yield
    finally:
        left = git.memo.get(key)
        if isinstance(left, Chunks):  # not read: stop git
            del git.memo[key]
            left.close()


def range_records(
    git: Git,
    end: str,
    since: str | None,
    paths: Sequence[str] = (),
    *,
    keep: bool = False,
    tee: Callable[[str], object] | None = None,
) -> Iterator[list[Record]]:
    """The records (:mod:`nox_release.core.rangeread`) of the commits reachable from ``end``
    and not from ``since``, newest first, then the boundary: in batches, as git prints them.

    ``end`` and ``since`` are commit ids (``since`` None: the whole history). ``paths``: git
    pathspecs that choose the commits. ``keep``: remember the records once read to the end, for
    the next reader of the same range. One ``git log -z --boundary`` unless kept records exist.
    ``tee``: given every piece of git's output as it is read (:func:`taken_tee` hands it to the
    next reader of the range).
    """
    key = _key(end, since, paths)
    kept = git.memo.get(key)
    if isinstance(kept, list):
        yield kept
        return
    started = git.memo.pop(key, None)
    pieces = started if isinstance(started, Chunks) else git.chunks(_args(end, since, paths))
    got: list[Record] | None = [] if keep else None
    size = 0
    if tee is not None:  # another reader of the same pieces, found again by taken_tee()
        git.memo[("tee", key)] = tee
    for text in pieces:
        if tee is not None:
            tee(text)
        batch = read_records(text)
        if got is not None:
            size += len(text)
            got = got if size < _KEEP_BYTES else None
            if got is not None:
                got.extend(batch)
        yield batch
    if got is not None:
        git.memo[key] = got


def range_commits(
    git: Git,
    end: str,
    since: str | None,
    paths: Sequence[str] = (),
    *,
    keep: bool = False,
) -> Iterator[LogCommit]:
    """The commits of :func:`range_records`, one :class:`LogCommit` each."""
    for batch in range_records(git, end, since, paths, keep=keep):
        for rec in batch:
            parents = tuple(rec[3].split())
            yield LogCommit(rec[1], int(rec[2] or 0), parents, message_of(rec), rec[0] == "-")


def range_ids(git: Git, end: str, since: str | None) -> tuple[set[str], set[str]]:
    """The ids of the commits of the range and of its boundary commits (:func:`range_records`)."""
    inside: set[str] = set()
    boundary: set[str] = set()
    for batch in range_records(git, end, since):
        for rec in batch:
            (boundary if rec[0] == "-" else inside).add(rec[1])
    return inside, boundary


def taken_tee(git: Git, end: str, since: str | None) -> object | None:
    """The ``tee`` the range's reading was given (:func:`range_records`), taken: or None."""
    return git.memo.pop(("tee", _key(end, since, ())), None)


def drop_tees(git: Git) -> None:
    """Every ``tee`` not taken, stopped (those that can be: a ``stop`` method)."""
    for key in [k for k in git.memo if isinstance(k, tuple) and k[:1] == ("tee",)]:
        stop = getattr(git.memo.pop(key), "stop", None)
        if callable(stop):
            stop()
