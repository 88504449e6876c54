"""Many releases at once: git-cliff over bounded batches of release ranges, two at a time, in order.

git-cliff's cost grows faster than the history it is given (minutes and gigabytes for the whole of
100,000 commits), while its text for a run of releases depends only on their commits and on the
release tag before them. So a long run of releases is cut at release tags into batches of a
bounded number of commits, each rendered by one git-cliff run (two in parallel), and the texts
are passed on newest first as they are ready: the header comes with the newest batch, the footer
with the oldest, and the whole is the text one git-cliff run over the whole range gives.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nox_release.core.log import Log, quiet
from nox_release.steps.changelog.cliff import Cliff
from nox_release.steps.changelog.native import Native

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["render_releases"]

#: A release of at least this many commits is rendered alone: git-cliff walks the whole history
#: once when a range holds two releases or more (0.5 s on 100,000 commits), never for one.
ALONE = 100
#: Smaller releases are rendered together, this many at least (else one by one) ...
MIN_GROUP = 16
#: ... and at most this many releases and commits.
BATCH_RELEASES = 250
BATCH_COMMITS = 5_000
#: Runs of git-cliff at the same time: it uses one core.
WORKERS = max(1, min(2, os.cpu_count() or 1))
#: Fewer releases than this are rendered one by one, without counting their commits.
_FEW = MIN_GROUP


@dataclass(frozen=True)
class Batch:
    """One git-cliff run: ``rev_range``, the tag of unreleased commits, what to strip."""

    rev_range: str | None  # None: the whole history to HEAD
    tag: str | None
    strip: str | None
    cut: bool = False  # a range cut out of the whole: Cliff.batch_config


def _sizes(cliff: Cliff, ends: Sequence[str], since: str | None) -> list[int]:
    """How many commits each release has (oldest first), from one ``git rev-list`` walk.

    The count is by position in the walk (newest first by date): exact for a linear history,
    an estimate with merges, which is all batching needs.
    """
    wanted = set(ends[:-1])
    where: dict[str, int] = {}
    count = 0
    rev = [ends[-1], *([f"^{since}"] if since else [])]
    for count, commit in enumerate(cliff.project.git.stream(["rev-list", *rev, "--"], "\n"), 1):
        if commit in wanted:
            where.setdefault(commit, count - 1)
    positions = [*(where.get(c, 0) for c in ends[:-1]), 0]
    sizes = []
    for i, position in enumerate(positions):
        older = positions[i - 1] if i else count
        sizes.append(max(1, older - position))
    return sizes


def plan_batches(
    ends: Sequence[str],
    sizes: Sequence[int],
    since: str | None,
    *,
    tag: str | None,
    whole: bool,
) -> list[Batch]:
    """The git-cliff runs for releases ending at ``ends`` (oldest first), newest run first.

    ``since``: the commit before the first release (None: the start of history); ``tag``: the
    name of the last release when it is not tagged yet; ``whole``: the text keeps git-cliff's
    header and footer (else only the releases' sections).
    """
    groups: list[tuple[int, int]] = []  # (first, last) release indices, newest group first
    last = len(ends) - 1
    while last >= 0:
        first, commits = last, sizes[last]
        while (
            sizes[last] < ALONE
            and first > 0
            and sizes[first - 1] < ALONE
            and last - first + 1 < BATCH_RELEASES
            and commits + sizes[first - 1] <= BATCH_COMMITS
        ):
            first -= 1
            commits += sizes[first]
        if last - first + 1 < MIN_GROUP:
            first = last  # too few to pay for git-cliff's walk: one by one
        groups.append((first, last))
        last = first - 1
    batches = []
    for n, (first, last) in enumerate(groups):
        start = ends[first - 1] if first else since
        # git-cliff takes a commit alone as "its history", but not HEAD: None says that.
        end = ends[last]
        rev_range = f"{start}..{end}" if start else (None if end == "HEAD" else end)
        newest, oldest = n == 0, n == len(groups) - 1
        if not whole:
            strip: str | None = "all"
        else:
            strip = {(True, True): None, (True, False): "footer", (False, True): "header"}.get(
                (newest, oldest), "all"
            )
        batches.append(Batch(rev_range, tag if last == len(ends) - 1 else None, strip, not oldest))
    return batches


class _Block:
    """What ``as_block(text).rstrip("\\n") + "\\n"`` makes of the whole text, chunk by chunk."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self._started = False
        self._held = ""  # newlines at the end so far: written only if text follows

    def __call__(self, chunk: str) -> None:
        chunk = chunk.replace("\r\n", "\n")
        if not self._started:
            chunk = chunk.lstrip("\n")
        body = chunk.rstrip("\n")
        if body:
            self._write(self._held + body)
            self._started = True
            self._held = chunk[len(body) :]
        else:
            self._held += chunk

    def close(self) -> bool:
        """End the text with one newline; False when there was no text at all."""
        if self._started:
            self._write("\n")
        return self._started


def render_releases(
    cliff: Cliff,
    ends: Sequence[str],
    since: str | None,
    sink: Callable[[str], object],
    *,
    tag: str | None = None,
    ignore: Iterable[str] = (),
    whole: bool = True,
    log: Log = quiet,
) -> None:
    """Render the releases ending at ``ends`` (oldest first) and pass the text to ``sink``.

    In pieces, newest first; their concatenation is git-cliff's text for the whole range (see
    :func:`plan_batches` for the arguments). Memory holds one piece at a time. With the
    shipped configuration the text comes from one streaming pass in Python (:mod:`.native`).
    """
    if Native.usable(cliff):
        start = since or ""
        end = ends[-1]
        rev_range = f"{start}..{end}" if start else (None if end == "HEAD" else end)
        strip = None if whole else "all"
        if Native(cliff).render(rev_range, sink, tag=tag, ignore=ignore, strip=strip):
            return
    sizes = _sizes(cliff, ends, since) if len(ends) >= _FEW else [1] * len(ends)
    batches = plan_batches(ends, sizes, since, tag=tag, whole=whole)
    ignored = frozenset(ignore)
    if len(batches) > 1:
        log(f"rendering {len(ends)} releases in {len(batches)} git-cliff runs")
    cut = cliff.batch_config if len(batches) > 1 else None
    from concurrent.futures import ThreadPoolExecutor  # only for git-cliff runs: 6 ms

    pool = ThreadPoolExecutor(max_workers=WORKERS)
    try:
        futures: list[Future[Path]] = [
            pool.submit(
                cliff.render_file,
                b.rev_range,
                tag=b.tag,
                ignore=ignored,
                strip=b.strip,
                config=cut if b.cut else None,
            )
            for b in batches
        ]
        for future in futures:
            path = future.result()
            if path.exists():
                sink(path.read_text(encoding="utf-8"))
                path.unlink()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def render_text(
    cliff: Cliff,
    ends: Sequence[str],
    since: str | None,
    *,
    tag: str | None = None,
    ignore: Iterable[str] = (),
    whole: bool = True,
    log: Log = quiet,
) -> str:
    """:func:`render_releases` into one string."""
    parts: list[str] = []
    render_releases(cliff, ends, since, parts.append, tag=tag, ignore=ignore, whole=whole, log=log)
    return "".join(parts)


def render_into(
    cliff: Cliff,
    ends: Sequence[str],
    write: Callable[[str], object],
    *,
    ignore: Iterable[str] = (),
    log: Log = quiet,
) -> bool:
    """A whole changelog file of the releases ending at ``ends``, written through ``write``.

    The text is what the file gets from one git-cliff run (trimmed to end in one newline).
    Returns False when git-cliff wrote nothing.
    """
    block = _Block(write)
    render_releases(cliff, ends, None, block, ignore=ignore, whole=True, log=log)
    return block.close()
