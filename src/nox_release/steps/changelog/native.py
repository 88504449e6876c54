"""The shipped changelog template without git-cliff: one streaming ``git log``, rendered in Python.

Used only with nox-release's own git-cliff configuration (a project's cliff.toml or
``[tool.git-cliff]`` goes to git-cliff), and only where the history is one git-cliff reads the
same way: a range that starts at a commit without a release tag, or a new release's tag asked
for a commit that has one, goes to git-cliff, and so does an independent package (git-cliff
picks its commits by path). The text is git-cliff's, byte for byte (see
:mod:`nox_release.core.cliffmd`).
"""

from __future__ import annotations

import itertools
import marshal
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

from nox_release.adapters.packages import cliff_paths
from nox_release.adapters.rangelog import range_records, taken_tee
from nox_release.adapters.worker import Worker, start_worker
from nox_release.core.cliffmd import DefaultTemplate, Entry, RenderedRelease
from nox_release.core.cliffrecords import entry_reader
from nox_release.core.rangeread import Record, read_records
from nox_release.steps.changelog.cliff import Cliff

__all__ = ["Native"]


_SHA = operator.itemgetter(1)


def _inside(batches: Iterable[list[Record]]) -> Iterator[list[Record]]:
    """The batches without their boundary commits (not of the range), and without empty ones."""
    for batch in batches:
        if "-" in map(operator.itemgetter(0), batch):
            batch = [r for r in batch if r[0] != "-"]
        if batch:
            yield batch


def _day(seconds: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


#: How much of a range's log is read before a worker is worth its fork (about 1,500 commits).
_WORTH = 256 << 10


class SectionAhead:
    """A release's changelog entries, read by a worker process from the pieces of the
    version decision's ``git log`` while the decision reads them (a ``tee`` of
    :func:`~nox_release.adapters.rangelog.range_records`): the release's section is then the
    heading and the worker's text, when no release tag lies inside the range. A short range is
    left to the one process (a fork costs more than its commits)."""

    def __init__(self, native: Native, tagged: frozenset[str]) -> None:
        self._native, self._tagged = native, tagged
        self._held: list[str] = []
        self._size = 0
        self._worker: Worker | None = None
        self._off = False

    def __call__(self, text: str) -> None:
        if self._off:
            return
        if self._worker is not None:
            self._worker.feed(text)
            return
        self._held.append(text)
        self._size += len(text)
        if self._size >= _WORTH:
            worker = self._worker = start_worker(self._work)
            self._off = worker is None
            if worker is not None:
                for held in self._held:
                    worker.feed(held)
            self._held = []

    def _work(self, pieces: Iterable[str]) -> bytes:
        """In the worker: the tagged commits met, and the entries' text (oldest first)."""
        read = entry_reader(self._native._pre)
        found: list[list[Entry]] = []
        tagged: list[str] = []
        for text in pieces:
            for record in read_records(text):
                if record[0] == "-":
                    continue
                if record[1] in self._tagged:
                    tagged.append(record[1])
                entries = read(record)
                if entries:
                    found.append(entries)
        entries = [e for got in reversed(found) for e in got]
        return marshal.dumps((tagged, self._native.template.groups(entries)))

    def answer(self) -> tuple[list[str], str] | None:
        """The worker's ``(tagged commits, text)``; None: no worker, or it failed."""
        data = None if self._worker is None else self._worker.result()
        try:
            tagged, text = marshal.loads(data) if data else (None, None)
        except (ValueError, EOFError, TypeError):
            return None
        return (tagged, text) if isinstance(tagged, list) and isinstance(text, str) else None

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()


class Native:
    """The shipped template rendered in Python for one :class:`Cliff` (its tags, links, config)."""

    def __init__(self, cliff: Cliff) -> None:
        self.cliff = cliff
        data = cliff.config.data
        changelog = data.get("changelog", {})
        pre = data.get("git", {}).get("commit_preprocessors", [])
        self._pre = DefaultTemplate().preprocessors(
            (str(p["pattern"]), str(p.get("replace", ""))) for p in pre
        )
        env = cliff.env
        self.template = DefaultTemplate(
            commit_url=env["NOX_RELEASE_COMMIT_URL"],
            compare_url=env["NOX_RELEASE_COMPARE_URL"],
            prefix=env["NOX_RELEASE_TAG_PREFIX"],
            suffix=env["NOX_RELEASE_TAG_SUFFIX"],
            header=str(changelog.get("header", "")),
            footer=str(changelog.get("footer", "")),
        )

    @staticmethod
    def usable(cliff: Cliff) -> bool:
        """Whether the project renders with the shipped configuration (else: git-cliff)."""
        if not cliff.config.default or cliff.config.data.get("git", {}).get("ignore_tags"):
            return False
        # A package of its own: git-cliff's --include-path / --exclude-path choose its commits.
        return not cliff_paths(cliff.project)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile(self.cliff.pattern)

    def _boundaries(self, ignore: frozenset[str]) -> dict[str, str]:
        """Commit -> the release tag that ends a release there (pattern matched, not ignored).

        Of two tags on one commit git-cliff keeps the last by name (its tag map is keyed by
        commit), and an ignored one there hides the other: ``v1.0.0rc1`` (folded) and
        ``v1.0.0`` on one commit make no release boundary, as in git-cliff.
        """
        winner: dict[str, str] = {}
        for tag, commit in self.cliff.commit_map.items():
            if self._pattern.search(tag) and (commit not in winner or tag > winner[commit]):
                winner[commit] = tag
        return {c: t for c, t in winner.items() if t not in ignore}

    def render(
        self,
        rev_range: str | None,
        sink: Callable[[str], object],
        *,
        tag: str | None = None,
        ignore: Iterable[str] = (),
        strip: str | None = None,
    ) -> bool:
        """What ``git-cliff [rev_range] --tag --ignore-tags --strip`` writes, passed to ``sink``.

        Newest release first, one piece per release. False (nothing passed): git-cliff must
        render this one.
        """
        tags = self._boundaries(frozenset(ignore))
        since, _, end = (rev_range or "").rpartition("..")
        asked = [f"{end or 'HEAD'}^{{commit}}", *([f"{since}^{{commit}}"] if since else [])]
        git = self.cliff.project.git
        ids = git.run("rev-parse", *asked).split()
        head = ids[0]
        if tag is not None and head in tags:
            return False  # git-cliff warns and keeps the tag there: not ours to guess
        previous_of_oldest: str | None = None
        if since:
            previous_of_oldest = tags.get(ids[1])
            if previous_of_oldest is None:
                return False
        ahead = taken_tee(git, head, ids[1] if since else None)
        batches = _inside(range_records(git, head, ids[1] if since else None))
        first = next(batches, None)
        if first is None:  # an empty range: git-cliff makes up an [Unreleased] section
            return False
        if strip not in ("header", "all"):
            sink(self.template.header)
        done = ""
        if isinstance(ahead, SectionAhead):
            done = self._ahead(ahead, tags, tag, previous_of_oldest)
            ahead.stop()  # answered, or not needed
        if done:
            sink(done)
        else:
            self._walk(itertools.chain([first], batches), tags, tag, previous_of_oldest, sink)
        if strip not in ("footer", "all"):
            sink(self.template.footer + "\n")
        return True

    def _ahead(
        self, ahead: SectionAhead, tags: dict[str, str], tag: str | None, previous: str | None
    ) -> str:
        """The one release's text from the worker: "" where the walk must render it (no
        worker's answer, a release tag inside the range, no new or previous release)."""
        got = ahead.answer() if tag is not None and previous is not None else None
        if got is None or any(commit in tags for commit in got[0]):
            return ""
        release = RenderedRelease(tag, _day(time.time()), previous)
        return self.template.heading(release) + got[1] + "\n"

    def section_ahead(self) -> SectionAhead:
        """A reader of the next range's pieces for the release's section (:class:`SectionAhead`)."""
        return SectionAhead(self, frozenset(self._boundaries(frozenset())))

    def _walk(
        self,
        batches: Iterable[list[Record]],
        tags: dict[str, str],
        tag: str | None,
        previous_of_oldest: str | None,
        sink: Callable[[str], object],
    ) -> None:
        """Releases newest first as ``git log`` meets their tags; each passed on when finished.

        A release with nothing to list is left out, but for the oldest (git-cliff shows it: its
        previous release, made up, has no commits either). A batch without a tag belongs to the
        release at hand whole.
        """
        current: RenderedRelease | None = None
        commits: list[list[Entry]] = []  # the current release's, newest first
        held: RenderedRelease | None = None  # finished, passed on once a older one is
        read = entry_reader(self._pre)
        for batch in batches:
            if current is not None and tags.keys().isdisjoint(map(_SHA, batch)):
                commits.extend(filter(None, map(read, batch)))
                continue
            for record in batch:
                version = tags.get(record[1])
                if version is not None:
                    if current is not None:
                        current.previous = version
                        held = self._finish(current, commits, held, sink)
                    day = _day(int(record[2] or 0))
                    current, commits = RenderedRelease(version, day, None), []
                elif current is None:
                    current = RenderedRelease(tag, _day(time.time()), None)
                found = read(record)
                if found:
                    commits.append(found)
        if current is not None:
            current.previous = previous_of_oldest
            held = self._finish(current, commits, held, sink)
        if held is not None:  # the oldest: shown even with nothing to list, as git-cliff does
            sink(self.template.body(held))

    def _finish(
        self,
        release: RenderedRelease,
        commits: list[list[Entry]],
        held: RenderedRelease | None,
        sink: Callable[[str], object],
    ) -> RenderedRelease:
        """Pass ``held`` on (it is not the oldest), and hold ``release`` with its entries."""
        if held is not None and held.entries:
            sink(self.template.body(held))
        release.entries = [e for found in reversed(commits) for e in found]
        return release
