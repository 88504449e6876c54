"""Shared fixtures: real git repositories in temporary folders, isolated from the user's config."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{version}"
description = "A sample project."
requires-python = ">=3.8"
{extra}
"""


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every git call in a test sees only this config: a known identity, no signing, no hooks."""
    home = tmp_path_factory.mktemp("home")
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = Test Maintainer\n\temail = maintainer@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
        "[advice]\n\tdetachedHead = false\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(home))
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GITHUB_OUTPUT", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(var, raising=False)


class Repo:
    """A real git repository holding a sample project."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=False
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.strip()

    def write(self, rel: str, text: str) -> Path:
        path = self.path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def read(self, rel: str) -> str:
        return (self.path / rel).read_text()

    def commit(self, message: str, files: dict[str, str] | None = None) -> str:
        """Commit ``files`` (or an empty commit) with ``message``; return the commit id."""
        for rel, text in (files or {}).items():
            self.write(rel, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, rev: str = "HEAD") -> None:
        self.git("tag", "-a", "-m", name, name, rev)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def tags(self) -> list[str]:
        return self.git("tag", "--list").splitlines()

    def refs(self) -> str:
        return self.git("for-each-ref", "--format=%(refname) %(objectname)")

    def status(self) -> str:
        return self.git("status", "--porcelain=v1", "--untracked-files=all")

    def snapshot(self) -> dict[str, object]:
        """Everything a rollback must restore: refs, index, status and every file's bytes."""
        files = {
            str(p.relative_to(self.path)): p.read_bytes()
            for p in sorted(self.path.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(self.path).parts
        }
        return {
            "refs": self.refs(),
            "index": self.git("ls-files", "--stage"),
            "status": self.status(),
            "files": files,
        }


def make_repo(
    path: Path,
    *,
    name: str = "sample",
    version: str = "1.2.3",
    extra: str = "",
    files: dict[str, str] | None = None,
    pyproject: str | None = None,
) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    repo = Repo(path)
    repo.git("init", "-q")
    text = (
        pyproject
        if pyproject is not None
        else PYPROJECT.format(name=name, version=version, extra=textwrap.dedent(extra))
    )
    initial = {"pyproject.toml": text, ".gitignore": "dist/\n__pycache__/\n*.egg-info/\n"}
    initial.update(files or {})
    repo.commit("chore: initial commit", initial)
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A sample project at 1.2.3 with one commit."""
    return make_repo(tmp_path / "project")


@pytest.fixture
def chdir(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def go(path: Path) -> None:
        monkeypatch.chdir(path)

    yield go


def env_without(*names: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in names}
