"""The shipped template rendered in Python is git-cliff's text, byte for byte."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from nox_release.adapters.project import Project
from nox_release.core.log import quiet
from nox_release.steps.changelog.cliff import Cliff
from nox_release.steps.changelog.native import Native
from testkit.samples import make_repo, pyproject_toml

IDENT = "N <n@example.invalid>"
HEADS = [
    "feat: add {w}",
    "fix(api): mend {w}",
    "docs: explain {w}",
    "perf(core)!: speed {w}",
    "refactor: move {w}",
    "chore: tidy {w}",
    "Update README for {w}",
    "feat:{w} without a space",
    "Feat: capital {w}",
    "fix_it: underscore {w}",
    "feat(a b,c): odd scope {w}",
    "security: close {w} (#12)",
    "fix(security): guard {w}",
    "deprecated: old {w}",
    "removed(cli)!: drop {w}",
    "impr: better {w}",
    "chore(release): v{w}",
    "docs!: breaking docs {w}",
    "feat(): empty scope {w}",
    "test: cover {w}",
    "revert: undo {w}",
    "feat: ünïcode {w} ß",
]
BODIES = [
    "",
    "\n\nsome body about {w}\nover two lines",
    "\n\nBREAKING CHANGE: {w} is gone\nand more",
    "\n\nBREAKING-CHANGE: {w}",
    "\n\n* feat(x): squashed {w}\n* fix: squashed fix\n* docs: squashed docs\n- perf: dash bullet",
    "\nfix: second header line {w}",
    "\n\nRefs: #4{w}",
    "\r\n\r\nfeat: crlf body {w}",
]


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def _history(path: Path, releases: int) -> Path:
    """``releases`` tagged releases of 0-5 commits of every kind, pre-releases, reverts, strays."""
    rng = random.Random(15)
    out: list[bytes] = []
    n = 0

    def add(message: str) -> None:
        nonlocal n
        n += 1
        when = 1_600_000_000 + 3600 * n
        out.append(b"commit refs/heads/main\nmark :%d\n" % n)
        out.append(f"author {IDENT} {when} +0000\ncommitter {IDENT} {when} +0000\n".encode())
        out.append(_data(message) + (b"from :%d\n" % (n - 1) if n > 1 else b""))
        if n == 1:
            text = pyproject_toml("native", "2.0.0", backend=None)
            out.append(b"M 100644 inline pyproject.toml\n" + _data(text))
        out.append(b"\n")

    def tag(name: str, annotated: bool) -> None:
        if annotated:
            out.append(
                f"tag {name}\nfrom :{n}\ntagger {IDENT} {1_700_000_000 + n} +0000\n".encode()
            )
            out.append(_data(f"Release {name}\n"))
        else:
            out.append(f"reset refs/tags/{name}\nfrom :{n}\n\n".encode())

    add("chore: start")
    for k in range(releases):
        version = f"1.{k // 10}.{k % 10}"
        for i in range(rng.choice([0, 1, 1, 2, 3, 5]) if k else 1):
            word = f"w{k}.{i}"
            head = rng.choice(HEADS).format(w=word)
            if rng.random() < 0.05:
                head = f'Revert "{rng.choice(HEADS[:3]).format(w=word)}"'
            add(head + rng.choice(BODIES).format(w=word))
            if k % 40 == 7 and i == 0:
                tag(f"v{version}rc1", annotated=True)
        if k % 40 == 9:
            tag(f"v{version}rc2", annotated=False)  # on the final's commit: folded, hides it
        if k == 33:
            tag("v9-not-a-version", annotated=False)
        tag(f"v{version}", annotated=k % 2 == 0)
    add("docs: unreleased docs only")
    add("fix: unreleased fix\n\n* feat: unreleased squashed feature")
    path.mkdir()
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", str(path)], check=True)
    stream = b"".join(out) + b"done\n"
    subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=path, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=path, check=True)
    return path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _history(tmp_path_factory.mktemp("native") / "repo", 320)


def _both(
    repo: Path, rev_range: str | None, *, tag: str | None, strip: str | None, fold: bool
) -> tuple[str, str]:
    with Cliff(Project(repo), None, quiet) as cliff:
        assert Native.usable(cliff)
        releases = cliff.releases()
        ignore = cliff.strays() | ({t for t, v in releases if v.is_prerelease} if fold else set())
        parts: list[str] = []
        native = Native(cliff).render(rev_range, parts.append, tag=tag, ignore=ignore, strip=strip)
        assert native, "the shipped template fell back to git-cliff"
        return "".join(parts), cliff.render(rev_range, tag=tag, ignore=ignore, strip=strip)


def _commit(repo: Path, rev: str) -> str:
    return Project(repo).git.run("rev-parse", f"{rev}^{{commit}}").strip()


@pytest.mark.parametrize("remote", ["", "https://github.com/o/r.git", "https://gitlab.com/g/r"])
@pytest.mark.parametrize("fold", [True, False], ids=["folded", "pre-releases"])
def test_the_whole_history_is_git_cliffs_text(
    history: Path, tmp_path: Path, remote: str, fold: bool
) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(history), str(repo)], check=True)
    if remote:
        subprocess.run(["git", "remote", "set-url", "origin", remote], cwd=repo, check=True)
    else:
        subprocess.run(["git", "remote", "remove", "origin"], cwd=repo, check=True)
    native, cliff = _both(repo, _commit(repo, "v1.31.9"), tag=None, strip=None, fold=fold)
    assert native == cliff
    assert native.count("\n## [") > 250
    assert ("/commit/" in native) == bool(remote)
    for text in ("Breaking changes", "### Security", "### Deprecated", "Revert"):
        assert text in native
    assert "- Split" not in native  # a body line that is no Conventional Commit is left out


@pytest.mark.parametrize(
    ("since", "end", "tag", "strip"),
    [
        ("v1.20.0", "v1.31.9", None, "all"),  # the releases a changelog lacks
        ("v1.31.9", "HEAD", "v1.32.0", "all"),  # a release being made
        ("v1.31.9", "HEAD", "v1.32.0", None),
        (None, "HEAD", "v1.32.0", "footer"),  # a first release over the whole history
        ("v1.4.9", "v1.8.0", None, "header"),  # pre-releases and a stray inside
        ("v1.31.7", "v1.31.9", None, "all"),  # two tags on one commit (v1.31.8, v1.31.9)
    ],
)
def test_a_range_is_git_cliffs_text(
    history: Path, since: str | None, end: str, tag: str | None, strip: str | None
) -> None:
    last = _commit(history, end) if end != "HEAD" else "HEAD"
    rev_range = f"{_commit(history, since)}..{last}" if since else None
    for fold in (True, False):
        native, cliff = _both(history, rev_range, tag=tag, strip=strip, fold=fold)
        assert native == cliff
        assert native.strip()


def test_a_projects_own_configuration_is_not_rendered_natively(
    history: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(history), str(repo)], check=True)
    (repo / "cliff.toml").write_text('[changelog]\nbody = "{{ version }}"\n')
    with Cliff(Project(repo), None, quiet) as cliff:
        assert not Native.usable(cliff)


def test_an_oldest_release_with_nothing_to_list_is_shown(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p")  # one commit, "chore: initial commit": nothing to list
    for strip in (None, "all"):
        native, cliff = _both(repo.path, None, tag="v1.2.4", strip=strip, fold=True)
        assert native == cliff
        assert "## [1.2.4] - " in native
