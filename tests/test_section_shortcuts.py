"""A release's section planning reads less: what it finds is what the whole reading finds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hypothesis import given
from hypothesis import strategies as st

from nox_release.core.changelog import (
    Release,
    folded_tags,
    headings,
    named_releases,
    release_sections,
)
from nox_release.core.version import Version
from nox_release.steps.changelog.section import _previous

VERSIONS = [
    "0.9.0", "1.0.0rc1", "1.0.0", "1.0.1", "1.1.0a1", "1.1.0b2", "1.1.0rc1", "1.1.0", "1.1.0.post1",
    "1.1.1.dev0", "1.2.0.dev3", "1.2.0rc1", "1.2.0rc1.post1", "2.0.0a1", "2.0.0", "2.0.0.post2",
]  # fmt: skip


def previous_by_reading_all(
    newest_first: Sequence[Release], present: Mapping[str, object], new: Release, fold: bool
) -> Release | None:
    """The planning's previous release as it was found before: every tag compared or folded."""
    if present:
        return max(((t, v) for t, v in newest_first if t in present), key=lambda r: r[1])
    folds = folded_tags([*newest_first, new]) if fold else set()
    return next((r for r in newest_first if r[0] not in folds and r[1] < new[1]), None)


@st.composite
def plannings(draw: st.DrawFn) -> tuple[list[Release], dict[str, object], Release, bool]:
    chosen = draw(st.lists(st.sampled_from(VERSIONS), unique=True, max_size=12))
    releases = [(f"v{v}", Version(v)) for v in chosen]
    again = draw(st.lists(st.sampled_from(chosen), max_size=3)) if chosen else []
    releases += [(f"v{v}-again", Version(v)) for v in again]
    newest_first = sorted(set(releases), key=lambda r: (r[1], r[0]), reverse=True)
    new_text = draw(st.sampled_from(VERSIONS))
    new = (f"v{new_text}-new", Version(new_text))
    shown = draw(st.lists(st.sampled_from(newest_first), max_size=4)) if newest_first else []
    return newest_first, {t: None for t, _ in shown}, new, draw(st.booleans())


@given(plannings())
def test_the_previous_release_is_the_one_every_tag_gives(
    case: tuple[list[Release], dict[str, object], Release, bool],
) -> None:
    newest_first, present, new, fold = case
    assert _previous(newest_first, present, new, fold) == previous_by_reading_all(*case)


HEADINGS = [
    "# Changelog",
    "## [Unreleased]",
    "## [1.1.0] - 2024-01-01",
    "## v1.0.0 and v1.1.0",
    "### Added",
    "## 1.0.0rc1",
    "## [2.0.0-alpha.1](https://example.org/compare/v1.1.0...v2.0.0a1)",
    "Setext 1.1.0\n---",
    "## 0.9",
]


@given(st.lists(st.sampled_from(HEADINGS), max_size=10), st.sets(st.sampled_from(VERSIONS)))
def test_the_named_releases_are_the_sections_keys(heads: list[str], chosen: set[str]) -> None:
    lines = "\n\n".join(heads).splitlines(keepends=True)
    releases = sorted(((f"v{v}", Version(v)) for v in chosen), key=lambda r: r[1])
    found = headings(lines)
    sections = release_sections(lines, releases, found=found)
    named = named_releases([t for _, _, t in found], releases)
    assert list(named) == list(sections)
    assert all(found[n][0] == sections[tag].start for tag, n in named.items())
