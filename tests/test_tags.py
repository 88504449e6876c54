"""Release tags: the fast paths (plain ``X.Y.Z`` read without the general checks, tags grouped
and ordered by their numbers) give exactly what the general parsing and sorting give."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nox_release import VersionError
from nox_release.core import version as version_module
from nox_release.core.tags import ReleaseTag, TagFormat, newest_first
from nox_release.core.version import Version


@contextmanager
def general_parsing() -> Iterator[None]:
    """Versions parsed without the plain ``X.Y.Z`` shortcut (the general path only)."""
    with mock.patch.object(version_module, "PLAIN", re.compile(r"(?!)")):
        yield


def outcome(text: str) -> tuple[object, ...]:
    """Everything a parsed version shows, or the refusal's message."""
    try:
        v = Version(text)
    except VersionError as exc:
        return ("refused", str(exc))
    try:
        semver = v.semver
    except VersionError as exc:
        semver = str(exc)
    return (v.pep440, semver, v.release, v.pre, v.post, v.dev, hash(v), repr(v), v)


def exact(names: list[str], fmt: TagFormat) -> list[ReleaseTag]:
    """The tags of ``fmt``, every one parsed the general way, sorted by version then name."""
    found = []
    with general_parsing():
        for name in names:
            text = fmt.version_text(name)
            if text is None:
                continue
            try:
                found.append(ReleaseTag(name, Version(text)))
            except VersionError:
                continue
    return sorted(found, key=lambda t: (t.version, t.name), reverse=True)


ARABIC_THREE = "\u0663"  # a digit to str.isdigit and to \d, not to [0-9]
numbers = st.integers(min_value=0, max_value=12).map(str) | st.sampled_from(
    ["00", "01", ARABIC_THREE]
)
suffixes = st.sampled_from(
    [
        *["", "", "", "rc1", "a2", "b1", ".dev0", ".post1", ".post1.dev2", "rc1.dev1"],
        *["-rc.1", "-alpha.2", "-beta.1", "-dev.0", "+post.1", "+build.5", "+local", "-RC.1"],
        *[".0", ".0.0", "x", "..1", " ", "\n"],
    ]
)


@st.composite
def version_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(numbers, min_size=1, max_size=4))
    epoch = draw(st.sampled_from(["", "", "", "1!", "0!"]))
    return epoch + ".".join(parts) + draw(suffixes)


EDGES = [
    "1.2.3",
    "0.0.0",
    "01.2.3",
    "1.02.3",
    "1.2.03",
    "1.2",
    "1.2.0",
    "1.2.0.0",
    "1!1.2.3",
    "1.2.3rc1",
    "1.2.3-rc.1",
    "1.2.3.post1",
    "1.2.3+post.1",
    "1.2.3+local",
    "1.2.3\n",
    ARABIC_THREE + ".2.3",
    "1.2." + ARABIC_THREE,
    "10.20.30",
    "",
]


@pytest.mark.parametrize("text", EDGES)
def test_a_plain_version_reads_as_the_general_parsing_reads_it(text: str) -> None:
    with general_parsing():
        expected = outcome(text)
    assert outcome(text) == expected


@given(version_texts())
def test_any_version_text_reads_as_the_general_parsing_reads_it(text: str) -> None:
    with general_parsing():
        expected = outcome(text)
    assert outcome(text) == expected


FORMATS = ["v{version}", "{version}", "v{semver}", "release/{version}-final"]


@st.composite
def tag_lists(draw: st.DrawFn) -> tuple[list[str], TagFormat]:
    fmt = TagFormat(draw(st.sampled_from(FORMATS)))
    head, tail = fmt.affixes
    wrap = st.sampled_from([(head, tail), (head, tail), ("v", ""), ("", ""), ("x", "")])
    names = []
    for text in draw(st.lists(version_texts() | st.sampled_from(EDGES), max_size=25)):
        before, after = draw(wrap)
        names.append(before + text + after)
    return list(dict.fromkeys(names)), fmt


@given(tag_lists())
def test_tags_are_ordered_as_an_exact_sort_orders_them(case: tuple[list[str], TagFormat]) -> None:
    names, fmt = case
    assert list(newest_first(names, fmt)) == exact(names, fmt)


def test_equal_versions_are_ordered_by_name() -> None:
    names = ["v1.2", "v1.2.0", "v1.2.0.0", "v1.2.1", "v1.2.0rc1", "v1.2.0-rc.1", "v1!0.1.0"]
    fmt = TagFormat("v{version}")
    got = [t.name for t in newest_first(names, fmt)]
    assert got == [t.name for t in exact(names, fmt)]
    assert got == ["v1!0.1.0", "v1.2.1", "v1.2.0.0", "v1.2.0", "v1.2", "v1.2.0rc1", "v1.2.0-rc.1"]
