"""A plan's diff finds the changed lines from the characters the texts share, exactly as a line by
line comparison would (line breaks of every kind, chunk edges)."""

from __future__ import annotations

import difflib
import random

import pytest

import nox_release.core.plan as plan
from nox_release.core.plan import FileChange

PIECES = ["a", "b", "\n", "\r", "\r\n", "\u2028", "x\n", "\n\n", "é"]


def line_by_line(before: str, after: str) -> tuple[int, int]:
    """The reference: equal lines counted from the start, then from the end."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    same = 0
    while same < min(len(old), len(new)) and old[same] == new[same]:
        same += 1
    tail = 0
    while tail < min(len(old), len(new)) - same and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return same, tail


def _text(rnd: random.Random, most: int) -> str:
    return "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, most)))


@pytest.mark.parametrize("chunk", [1, 3, 1 << 16])
def test_common_lines_match_a_line_by_line_comparison(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(plan, "_CHUNK", chunk)
    rnd = random.Random(chunk)
    for _ in range(4000):
        head, tail = _text(rnd, 8), _text(rnd, 8)
        before = head + tail
        after = head + _text(rnd, 4) + tail if rnd.random() < 0.6 else _text(rnd, 12)
        old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
        assert plan._common_lines(before, after, old, new) == line_by_line(before, after)


def test_a_section_added_on_top_of_a_long_changelog_diffs_only_the_top(tmp_path):
    body = "".join(f"## [1.{i}.0] - 2026-01-01\n\n- change {i}\n\n" for i in range(3000))
    before = "# Changelog\n\n" + body
    after = "# Changelog\n\n## [2.0.0] - 2026-12-04\n\n- new\n\n" + body
    diff = FileChange(tmp_path / "CHANGELOG.md", before, after).diff(tmp_path)
    lines = diff.splitlines()
    assert len(lines) < 20 and sum(ln.startswith("@@") for ln in lines) == 1
    added = [ln for ln in lines if ln.startswith("+") and not ln.startswith("+++")]
    assert len(added) == 4 and "+## [2.0.0] - 2026-12-04" in added and "+- new" in added


PLAIN_PIECES = ["a", "b", "\n", "\r\n", "x\n", "\n\n", "é", "ab\n"]


def windows_by_splitting(before: str, after: str) -> tuple[list[str], list[str], int]:
    """The reference: both texts split whole, the shared lines found by _common_lines."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    same, tail = plan._common_lines(before, after, old, new)
    start, cut = max(0, same - 3), max(0, tail - 3)
    return old[start : len(old) - cut], new[start : len(new) - cut], start


@pytest.mark.parametrize("chunk", [1, 3, 1 << 16])
def test_windows_of_plain_texts_are_the_ones_splitting_finds(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(plan, "_CHUNK", chunk)
    rnd = random.Random(chunk + 7)
    fast = 0
    for _ in range(6000):
        pieces = [rnd.choice(PLAIN_PIECES) for _ in range(rnd.randint(0, 30))]
        before = "".join(pieces)
        edited = list(pieces)
        for _ in range(rnd.randint(0, 3)):
            at = rnd.randint(0, len(edited))
            if rnd.random() < 0.5 or not edited[at:]:
                edited[at:at] = [rnd.choice(PLAIN_PIECES) for _ in range(rnd.randint(1, 4))]
            else:
                del edited[at : at + rnd.randint(1, 3)]
        after = "".join(edited)
        found = plan._plain_windows(before, after)
        if found is not None:
            fast += 1
            old, new, start = found
            got = (old.splitlines(keepends=True), new.splitlines(keepends=True), start)
            assert got == windows_by_splitting(before, after), (before, after)
        assert plan._windows(before, after) == windows_by_splitting(before, after)
    assert fast > 4000


def test_texts_with_other_line_breaks_are_split_whole() -> None:
    for before, after in [("a\rb\n", "a\rc\n"), ("a\u2028b", "a\u2028c"), ("x\n", "x\n")]:
        assert plan._plain_windows(before, after) is None
        assert plan._windows(before, after) == windows_by_splitting(before, after)


def _applied(before: str, diff: str) -> str:
    """``before`` with the one hunk of ``diff`` applied (lines as ``splitlines`` cuts them)."""
    old = before.splitlines(keepends=True)
    lines = diff.splitlines(keepends=True)[2:]
    start = int(lines[0].split()[1][1:].split(",")[0])
    count = lines[0].split()[1].split(",")
    start = start - 1 if len(count) == 1 or int(count[1]) else start
    body = lines[1:]
    kept = [x[1:] for x in body if x[0] in " -"]
    assert [x.rstrip("\n") for x in old[start : start + len(kept)]] == [
        x.rstrip("\n") for x in kept
    ]
    added = [x[1:] for x in body if x[0] in " +"]
    return "".join(old[:start]) + "".join(added) + "".join(old[start + len(kept) :])


@pytest.mark.parametrize("seed", range(4))
def test_lines_only_added_diff_as_difflib_does(tmp_path, seed: int) -> None:
    """One hunk of added lines is written without difflib: the same text as difflib's where no
    line can be aligned two ways, and a diff that gives the new text in any case."""
    rnd = random.Random(seed)
    words = [f"{w}\n" for w in "abcdefgh"]
    for _ in range(3000):
        distinct = rnd.random() < 0.5
        size = rnd.randint(0, len(words) if distinct else 12)
        old = rnd.sample(words, size) if distinct else [rnd.choice(words) for _ in range(size)]
        at = rnd.randint(0, len(old))
        fresh = [f"new {i}\n" for i in range(rnd.randint(1, 8))]
        added = fresh if rnd.random() < 0.7 else [rnd.choice([*words, *fresh]) for _ in fresh]
        before, after = "".join(old), "".join(old[:at] + added + old[at:])
        change = FileChange(tmp_path / "f", before if old or rnd.random() < 0.5 else None, after)
        diff = change.diff(tmp_path)
        assert _applied(before, diff).rstrip("\n") == after.rstrip("\n"), (before, after, diff)
        if added is fresh and distinct:  # no line to align two ways
            kw = {"fromfile": "/dev/null" if change.before is None else "a/f", "tofile": "b/f"}
            expected = "".join(difflib.unified_diff(old, old[:at] + added + old[at:], **kw))
            assert diff == expected, (before, after)
