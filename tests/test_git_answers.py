"""git asked fewer times, or sooner: the answers are the ones the separate, waited-for calls give."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nox_release import ConfigError, GitError
from nox_release.adapters.git import Git
from nox_release.adapters.history import (
    drop_tag_commits,
    start_tag_commits,
    tag_commits,
    tag_commits_soon,
)
from nox_release.adapters.project import Project
from testkit.samples import make_repo


def _answers(git: Git) -> tuple[object, ...]:
    """What toplevel, head and is_shallow say (or the error each raises)."""
    out: list[object] = []
    for ask in (git.toplevel, git.head, git.is_shallow):
        try:
            out.append(ask())
        except GitError as exc:
            out.append(str(exc))
    return tuple(out)


def _unborn(path: Path) -> Path:
    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.mark.parametrize("where", ["work tree", "subfolder", "no commit", "git dir", "outside"])
def test_preload_answers_as_the_three_questions_do(tmp_path: Path, where: str) -> None:
    if where == "no commit":
        cwd = _unborn(tmp_path / "p")
    elif where == "outside":
        cwd = tmp_path / "nowhere"
        cwd.mkdir()
    else:
        repo = make_repo(tmp_path / "p")
        cwd = {
            "work tree": repo.path,
            "subfolder": repo.path / "sub",
            "git dir": repo.path / ".git",
        }[where]
        cwd.mkdir(exist_ok=True)
    expected = _answers(Git(cwd))
    preloaded = Git(cwd)
    preloaded.preload()
    assert _answers(preloaded) == expected


def test_preload_leaves_known_answers_alone(tmp_path: Path) -> None:
    git = Git(make_repo(tmp_path / "p").path)
    git.head()
    git.preload()  # one of the three is known: nothing asked
    assert ("rev-parse", "--show-toplevel") not in git._answers


def test_a_reader_started_ahead_answers_as_run_does(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p")
    repo.tag("v1.2.3")
    git = Git(repo.path)
    args = ("for-each-ref", "--format=%(refname)%00%(objectname)", "refs/tags")
    git.read_ahead(args)
    assert git.run(*args, remember=True) == Git(repo.path).run(*args) == git.run(*args)
    with pytest.raises(GitError) as ran:
        git.run("rev-parse", "--verify", "nothing-here")
    for _ in range(2):
        git.read_ahead(("rev-parse", "--verify", "nothing-here"))
        with pytest.raises(GitError) as started:
            git.run("rev-parse", "--verify", "nothing-here", remember=True)
        assert str(started.value) == str(ran.value)


def test_tag_commits_started_early_are_the_same(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p")
    repo.tag("v1.2.3")
    repo.git("tag", "-a", "-m", "of a tag", "v1.2.3-outer", "v1.2.3")
    repo.git("tag", "tree", "HEAD^{tree}")
    project = Project(repo.path)
    assert tag_commits_soon(project)() == tag_commits(project)


def test_tag_commits_started_before_are_taken_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p")
    repo.tag("v1.2.3")
    project = Project(repo.path)
    start_tag_commits(project)
    assert tag_commits_soon(project)() == tag_commits(project)
    assert not project.git._ahead  # taken
    drop_tag_commits(project)  # nothing left: nothing to wait for
    start_tag_commits(project)
    drop_tag_commits(project)
    assert not project.git._ahead  # taken


def test_a_format_whose_tags_hold_a_slash_is_still_checked_against_the_others(
    tmp_path: Path,
) -> None:
    # git's "*" does not match "/": the format's own tags do not answer for the whole listing.
    repo = make_repo(tmp_path / "p", extra='[tool.nox-release]\ntag-format = "rel/v{version}"\n')
    repo.tag("rel/v1.2.3")
    repo.tag("v1.0.0")
    with pytest.raises(ConfigError, match="matches none of this repository's tags"):
        Project(repo.path).check_tag_format()


def test_a_format_with_its_own_tags_passes_the_check(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p")
    repo.tag("v1.2.3")
    repo.tag("1.0.0")
    Project(repo.path).check_tag_format()
