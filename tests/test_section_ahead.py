"""A long range's changelog entries, rendered by a worker process while the version is decided,
give the very section the one process renders; a worker that fails or is not started changes
nothing but the time."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import nox_release.steps.changelog.native as native
from nox_release.adapters.worker import start_worker
from nox_release.steps.auto import bump_auto
from nox_release.steps.changelog import update_changelog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from genrepo import generate

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None) -> Path:
    """3,000 commits since the newest of 4 tags: about 480 KB of log, worth a worker."""
    repo = generate(tmp_path_factory.mktemp("ahead") / "repo", 4_000, 3_000, 4)
    _git(repo, "remote", "remove", "origin")
    return repo


def _planned(repo: Path) -> list[str]:
    result = bump_auto(repo, dry_run=True)
    assert result.bump is not None
    return [c.after for c in result.bump.plan.changes]


def _count_workers(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    started: list[object] = []

    def counted(work):  # type: ignore[no-untyped-def]
        worker = start_worker(work)
        started.append(worker)
        return worker

    monkeypatch.setattr(native, "start_worker", counted)
    return started


@pytest.mark.parametrize("with_file", [False, True])
def test_the_workers_section_is_the_one_process_section(
    big: Path, monkeypatch: pytest.MonkeyPatch, with_file: bool
) -> None:
    if with_file:
        _git(big, "switch", "-q", "-c", "with-file")
        update_changelog(big)
        _git(big, "add", "CHANGELOG.md")
        _git(big, "commit", "-q", "-m", "docs: the changelog")
    try:
        started = _count_workers(monkeypatch)
        by_worker = _planned(big)
        assert len(started) == 1 and started[0] is not None  # a worker rendered it
        monkeypatch.setattr(native, "start_worker", lambda work: None)
        assert _planned(big) == by_worker
    finally:
        if with_file:
            _git(big, "switch", "-q", "main")


def test_a_failing_worker_leaves_the_section_to_the_walk(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(native, "start_worker", lambda work: None)
    expected = _planned(big)

    def broken(self: native.SectionAhead, pieces: Iterator[str]) -> bytes:
        raise RuntimeError("the worker breaks")

    monkeypatch.undo()
    monkeypatch.setattr(native.SectionAhead, "_work", broken)
    assert _planned(big) == expected


def test_a_release_tag_inside_the_range_is_left_to_the_walk(big: Path) -> None:
    """The worker's text is one release's: a boundary among its commits refuses it."""
    from nox_release.adapters.project import Project
    from nox_release.steps.changelog.cliff import Cliff

    with Cliff(Project(big), None, lambda m: None) as cliff:
        renderer = native.Native(cliff)
        ahead = renderer.section_ahead()
        ahead._worker = None  # no worker: no answer
        assert renderer._ahead(ahead, {}, "v9.0.0", "v1.3.0") == ""

        class Answered(native.SectionAhead):
            def answer(self) -> tuple[list[str], str]:
                return (["abc"], "\n### Added\n\n- X\n")

        answered = Answered(renderer, frozenset({"abc"}))
        assert renderer._ahead(answered, {"abc": "v2.0.0"}, "v9.0.0", "v1.3.0") == ""
        text = renderer._ahead(answered, {"def": "v2.0.0"}, "v9.0.0", "v1.3.0")
        assert text.startswith("## [9.0.0] - ") and text.endswith("### Added\n\n- X\n\n")


def test_a_worker_answers_what_it_was_fed_and_stops_when_asked() -> None:
    def joined(pieces: Iterator[str]) -> bytes:
        got = list(pieces)
        assert all(p.endswith("\x00") for p in got)  # cut after a separator, wherever read
        return "".join(got).encode()

    worker = start_worker(joined)
    assert worker is not None
    worker.feed("a\x00b")
    worker.feed("c\x00")
    assert worker.result() == b"a\x00bc\x00"
    assert worker.result() is None  # answered once
    failing = start_worker(lambda pieces: 1 / 0)  # type: ignore[arg-type,return-value]
    assert failing is not None and failing.result() is None
    idle = start_worker(lambda pieces: b"".join(p.encode() for p in pieces))
    assert idle is not None
    idle.stop()  # never fed: stopped and waited for
