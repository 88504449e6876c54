"""For the changelog tests: commits one day apart, and a structural reader of the Markdown."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pytest

from testkit.samples import Repo

#: Keep a Changelog groups in the order the default configuration renders them.
GROUP_ORDER = ("Breaking changes", "Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")

_RELEASE = re.compile(
    r"^## \[(?P<version>[^\]]+)\](?:\((?P<link>[^)]*)\))?(?: - (?P<date>\d{4}-\d{2}-\d{2}))?$"
)


class Clock:
    """Commits and tags one day apart (from 2024-01-01), so git-cliff orders tags without ties."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.when = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone.utc)
        self._set()

    def _set(self) -> None:
        stamp = f"{int(self.when.timestamp())} +0000"
        self.monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
        self.monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)

    def tick(self) -> str:
        """Move one day on; return the new day as YYYY-MM-DD."""
        self.when += dt.timedelta(days=1)
        self._set()
        return self.when.date().isoformat()

    def commit(self, repo: Repo, message: str, files: dict[str, str] | None = None) -> str:
        self.tick()
        return repo.commit(message, files)

    def tag(self, repo: Repo, name: str) -> str:
        """Tag HEAD (the tag dated like its commit); return the day."""
        repo.tag(name)
        return self.when.date().isoformat()


@dataclass
class Section:
    version: str
    date: str | None
    link: str | None
    groups: dict[str, list[str]] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)


def parse_changelog(md: str) -> tuple[list[str], list[Section]]:
    """The lines above the first release, and each release section with its groups."""
    preamble: list[str] = []
    sections: list[Section] = []
    group: list[str] | None = None
    for line in md.splitlines():
        m = _RELEASE.match(line)
        if m is not None:
            sections.append(Section(m.group("version"), m.group("date"), m.group("link")))
            group = None
            continue
        if not sections:
            preamble.append(line)
            continue
        section = sections[-1]
        if line.startswith("### "):
            name = line[4:].strip()
            assert name not in section.groups, f"group {name} twice in {section.version}"
            group = section.groups.setdefault(name, [])
        elif line.startswith("- ") and group is not None:
            group.append(line[2:])
        else:
            section.text.append(line)
    return preamble, sections


def check_structure(md: str, versions: list[str], *, dated: bool = True) -> list[Section]:
    """Assert the Keep a Changelog shape: the releases (newest first), dates, groups in order.

    Every release has one heading with a real date; each group is one of GROUP_ORDER, in that
    order, and non-empty; no entry comes from a ``chore(release)`` commit.
    """
    _, sections = parse_changelog(md)
    assert [s.version for s in sections] == versions
    for s in sections:
        if dated:
            assert s.date is not None, f"{s.version} has no date"
            dt.date.fromisoformat(s.date)
        assert list(s.groups), f"{s.version} has no group"
        assert all(g in GROUP_ORDER for g in s.groups), list(s.groups)
        order = [GROUP_ORDER.index(g) for g in s.groups]
        assert order == sorted(order), f"groups out of order in {s.version}: {list(s.groups)}"
        for entries in s.groups.values():
            assert entries, f"an empty group in {s.version}"
            for entry in entries:
                assert not entry.startswith("**release:**"), entry
                assert not re.match(r"^v?\d+\.\d+", entry), entry  # a release commit's subject
    assert "chore(release)" not in md
    return sections


def entries(section: Section) -> dict[str, list[str]]:
    """Group -> entries with links removed (``Foo ([#1](...)) ([abc](...))`` -> ``Foo (#1)``)."""
    out = {}
    for group, items in section.groups.items():
        cleaned = []
        for item in items:
            text = re.sub(r" \(\[[0-9a-f]{7}\]\([^)]*\)\)$", "", item)
            text = re.sub(r"\[([#!]\d+)\]\([^)]*\)", r"\1", text)
            cleaned.append(text)
        out[group] = cleaned
    return out
