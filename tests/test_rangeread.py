"""The bulk reading of a range's git log gives what reading each message by itself gives."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from nox_release._errors import GitError
from nox_release.adapters.git import Git
from nox_release.adapters.rangelog import prefetched, range_commits, range_ids, range_records
from nox_release.core.cliffmd import DefaultTemplate, entries_of
from nox_release.core.cliffrecords import entry_reader
from nox_release.core.commits import type_map
from nox_release.core.rangeread import (
    Record,
    Tally,
    _classify,
    is_merge,
    message_of,
    read_records,
    tally_records,
)
from testkit.messages import BODY, GENREPO, GIVEN, LINES, MESSAGES

PRE = {name: DefaultTemplate().preprocessors(given) for name, given in GIVEN.items()}
TYPES = {
    "default": type_map(),
    "custom": type_map({"deps": "patch", "docs": "none", "wip": "minor", "Refs": "patch"}),
}


def _extra() -> list[str]:
    """Headers followed by bodies of one trailer or list item each (and by blanks)."""
    heads = [x for x in LINES if x and not x[0].isspace()][:60]
    out = [f"{h}\n\n{b}\n" for h in heads for b in BODY]
    out += (
        [f"{h}\n" for h in heads] + [f"{h}\n\n\n" for h in heads] + [f"{h} \n\nx\n" for h in heads]
    )
    return out


CORPUS = MESSAGES + GENREPO + _extra()


def _log_text(messages: list[str], seed: int = 1) -> tuple[str, list[tuple[str, str, str, str]]]:
    """A ``git log -z --boundary --format=%m%H %ct %P%n%B`` text of ``messages``, and each
    record's (mark, sha, time, parents)."""
    rng = random.Random(seed)
    fields = []
    pieces = []
    for i, message in enumerate(messages):
        sha = f"{rng.getrandbits(160):040x}"
        mark = "-" if rng.random() < 0.02 else ">"
        parents = "".join(
            f" {rng.getrandbits(160):040x}" for _ in range(rng.choice([0, 1, 1, 1, 2]))
        )
        time = str(1_600_000_000 + i)
        fields.append((mark, sha, time, parents))
        pieces.append(f"{mark}{sha} {time}{parents}\n{message.replace(chr(0), '')}\x00")
    return "".join(pieces), fields


@pytest.fixture(scope="module")
def records() -> list[Record]:
    text, _ = _log_text(CORPUS)
    return read_records(text)


def test_every_record_is_read_with_its_fields_and_whole_message() -> None:
    text, fields = _log_text(CORPUS)
    got = read_records(text)
    assert len(got) == len(CORPUS)
    for rec, message, (mark, sha, time, parents) in zip(got, CORPUS, fields, strict=True):
        assert (rec[0], rec[1], rec[2], rec[3]) == (mark, sha, time, parents)
        assert message_of(rec) == message.replace("\x00", "")
        assert is_merge(rec) == (parents.count(" ") > 1)
    assert sum(1 for r in got if r[5]) > len(got) // 3  # the header shortcut is taken often


def test_pieces_cut_at_any_record_read_the_same() -> None:
    text, _ = _log_text(CORPUS[:800], seed=2)
    whole = read_records(text)
    ends = [i + 1 for i, c in enumerate(text) if c == "\x00"]
    rng = random.Random(3)
    cuts = sorted(rng.sample(ends[:-1], 40))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert [r for p in pieces for r in read_records(p)] == whole
    assert read_records(text.rstrip("\x00")) == whole  # the last record without its NUL


def test_a_record_the_expression_misses_is_read_field_by_field() -> None:
    text = ">abc 12 p1\nfeat: x\n\x00odd record\x00>def 13\nfix: y\x00"
    got = read_records(text)
    assert [(r[0], r[1], r[2], message_of(r)) for r in got] == [
        (">", "abc", "12", "feat: x\n"),
        (">", "def", "13", "fix: y"),
    ]


@pytest.mark.parametrize("types", sorted(TYPES))
def test_the_tally_is_each_message_classified_alone(records: list[Record], types: str) -> None:
    mapping = TYPES[types]
    expected = Tally()
    for rec in records:
        if rec[0] == "-":
            expected.boundary.add(rec[1])
        elif is_merge(rec):
            expected.merges += 1
        else:
            _classify(message_of(rec), rec[1], mapping, expected)
    got = Tally()
    half = len(records) // 2
    tally_records(records[:half], mapping, got)  # in batches, as git prints them
    tally_records(records[half:], mapping, got)
    assert got == expected
    assert all(got.groups.values())  # every effect was met


@pytest.mark.parametrize("name", sorted(PRE))
def test_the_entries_are_each_message_read_alone(records: list[Record], name: str) -> None:
    pre = PRE[name]
    read = entry_reader(pre)
    plain = entry_reader(list(pre))  # no shortcut known for a plain list
    for rec in records:
        expected = [(*e, rec[1]) for e in entries_of(message_of(rec), pre)]
        assert read(rec) == expected, message_of(rec)
        assert plain(rec) == expected, message_of(rec)


# -- the adapter: one real git log --------------------------------------------------------------
def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return done.stdout.decode()  # not text=True: its universal newlines rewrite "\r"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None) -> Path:
    """A repository whose commits carry the corpus' first messages, with a merge and a tag."""
    repo = tmp_path_factory.mktemp("range")
    _git(repo, "init", "-q", "-b", "main")
    for i, message in enumerate(CORPUS[:150]):
        text = message.replace("\x00", "").strip() or f"empty {i}"
        _git(repo, "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-m", text)
        if i == 20:
            _git(repo, "tag", "v1.0.0")
            _git(repo, "switch", "-q", "-c", "side")
            _git(repo, "commit", "-q", "--allow-empty", "-m", "fix: on the side")
            _git(repo, "switch", "-q", "main")
            _git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side")
    return repo


def test_the_range_is_git_logs_records(history: Path) -> None:
    git = Git(history)
    head = _git(history, "rev-parse", "HEAD").strip()
    since = _git(history, "rev-parse", "v1.0.0").strip()
    ids = _git(history, "log", "--format=%H", f"{since}..{head}").split()
    commits = list(range_commits(git, head, since, keep=True))
    assert [c.sha for c in commits if not c.boundary] == ids
    assert {c.sha for c in commits if c.boundary} == {since}
    assert sum(len(c.parents) > 1 for c in commits) == 1
    for c in commits:
        assert c.message == _git(history, "log", "-1", "--format=%B", c.sha)[:-1]
    inside, boundary = range_ids(git, head, since)  # the kept records: no second git log
    assert inside == set(ids) and boundary == {since}


def test_a_prefetched_reading_is_the_one_read_and_an_unread_one_is_stopped(history: Path) -> None:
    git = Git(history)
    head = _git(history, "rev-parse", "HEAD").strip()
    plain = [r for batch in range_records(git, head, None) for r in batch]
    with prefetched(git, head, None):
        assert any(type(v).__name__ == "Chunks" for v in git.memo.values())
        got = [r for batch in range_records(git, head, None) for r in batch]
    assert got == plain and not git.memo
    with prefetched(git, head, None):
        chunks = next(iter(git.memo.values()))
    assert not git.memo
    assert chunks._drain.result is not None  # type: ignore[attr-defined]  # git has ended


def test_a_failing_git_log_is_one_sentence(history: Path) -> None:
    with pytest.raises(GitError, match="failed in"):
        list(range_records(Git(history), "0" * 40, None))


def test_answers_read_ahead_are_what_git_says_then_and_are_dropped_by_a_write(
    history: Path,
) -> None:
    git = Git(history)
    asked = ("rev-parse", "HEAD")
    git.read_ahead(asked, ("status", "--porcelain=v1", "--untracked-files=no"), ("log", "-1"))
    assert git.knows(*asked) and not git.knows("rev-parse", "HEAD~1")
    head = _git(history, "rev-parse", "HEAD").strip()
    assert git.run(*asked, remember=True) == head  # taken: the same answer as a run now
    assert git.run("status", "--porcelain=v1", "--untracked-files=no", remember=True) == ""
    git.read_ahead(("rev-parse", "--verify", "no-such-ref"))
    with pytest.raises(GitError, match="no-such-ref"):
        git.run("rev-parse", "--verify", "no-such-ref", remember=True)
    git.read_ahead(("rev-parse", "-q", "--verify", "no-such-ref"))
    assert git.run("rev-parse", "-q", "--verify", "no-such-ref", check=False, remember=True) == ""
    git.run("tag", "ahead-test")  # a write: what was read ahead and not taken is dropped
    assert not git.knows("log", "-1") and not git.knows(*asked)
    _git(history, "tag", "-d", "ahead-test")
