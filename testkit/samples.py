"""Sample projects in real git repositories, for the tests, the benchmarks and the demo.

:func:`pyproject_toml` writes the ``pyproject.toml`` of a hatchling or setuptools project,
:func:`init_repo` puts files into a new repository with one commit, :func:`commit` and
:func:`tag` go on from there, optionally at a fixed date; :class:`Repo` wraps the same for the
tests. Only the standard library and ``git`` are needed (the demo's environment has no pytest).
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "EPOCH",
    "GITIGNORE",
    "Repo",
    "commit",
    "git",
    "init_repo",
    "make_repo",
    "make_sample",
    "pyproject_toml",
    "tag",
    "write_files",
]

#: A commit date far from "now" (2001-09-09T01:46:40Z), so that any wall-clock time leaking into
#: an artifact shows.
EPOCH = 1_000_000_000

GITIGNORE = "dist/\n__pycache__/\n*.egg-info/\n"

_BACKENDS = {
    "hatchling": ("hatchling", "hatchling.build"),
    "setuptools": ("setuptools>=70.1", "setuptools.build_meta"),
}


def pyproject_toml(
    name: str = "sample",
    version: str = "1.2.3",
    *,
    backend: str | None = "hatchling",
    description: str | None = "A sample project.",
    readme: bool = False,
    license: str | None = None,
    requires_python: str | None = ">=3.8",
    dependencies: list[str] | None = None,
    tail: str = "",
) -> str:
    """A ``pyproject.toml``: build system (none if ``backend`` is None), ``[project]``, ``tail``."""
    text = ""
    if backend is not None:
        requires, build_backend = _BACKENDS[backend]
        text += f'[build-system]\nrequires = ["{requires}"]\nbuild-backend = "{build_backend}"\n\n'
    text += f'[project]\nname = "{name}"\nversion = "{version}"\n'
    fields = {
        "description": None if description is None else f'"{description}"',
        "readme": '"README.md"' if readme else None,
        "license": None if license is None else f'"{license}"',
        "requires-python": None if requires_python is None else f'"{requires_python}"',
        "dependencies": None
        if dependencies is None
        else "[" + ", ".join(f'"{d}"' for d in dependencies) + "]",
    }
    text += "".join(f"{key} = {value}\n" for key, value in fields.items() if value is not None)
    return text + tail


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Write each relative path's text under ``root``, making folders as needed."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _dated(env: Mapping[str, str] | None, date: int | None) -> Mapping[str, str] | None:
    if date is None:
        return env
    stamp = f"@{date} +0000"
    dates = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return {**(os.environ if env is None else env), **dates}


def git(path: Path, *args: str, env: Mapping[str, str] | None = None, check: bool = True) -> str:
    """Run ``git args`` in ``path``; its output, stripped (a failure raises with git's stderr)."""
    proc = subprocess.run(
        ["git", *args], cwd=path, env=env, capture_output=True, text=True, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


def commit(
    path: Path,
    message: str,
    files: Mapping[str, str] | None = None,
    *,
    date: int | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """Commit ``files`` (or nothing) with ``message``, dated ``date`` if given; the commit id."""
    _commit(path, message, files, _dated(env, date))
    return git(path, "rev-parse", "HEAD", env=env)


def _commit(
    path: Path, message: str, files: Mapping[str, str] | None, env: Mapping[str, str] | None
) -> None:
    write_files(path, files or {})
    git(path, "add", "-A", env=env)
    git(path, "commit", "-q", "--allow-empty", "-m", message, env=env)


def tag(
    path: Path,
    name: str,
    rev: str = "HEAD",
    *,
    message: str | None = None,
    date: int | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """An annotated tag ``name`` (its message ``name`` unless given) on ``rev``."""
    git(path, "tag", "-a", "-m", message or name, name, rev, env=_dated(env, date))


def init_repo(
    path: Path,
    files: Mapping[str, str],
    *,
    message: str = "chore: initial commit",
    date: int | None = None,
    env: Mapping[str, str] | None = None,
) -> Path:
    """A new repository at ``path`` (branch ``main``) holding ``files`` in one commit."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "-c", "init.defaultBranch=main", "init", "-q", env=env)
    _commit(path, message, files, _dated(env, date))
    return path


class Repo:
    """A real git repository holding a sample project."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.path, *args, check=check)

    def write(self, rel: str, text: str) -> Path:
        write_files(self.path, {rel: text})
        return self.path / rel

    def read(self, rel: str) -> str:
        return (self.path / rel).read_text()

    def commit(self, message: str, files: dict[str, str] | None = None) -> str:
        """Commit ``files`` (or an empty commit) with ``message``; return the commit id."""
        return commit(self.path, message, files)

    def tag(self, name: str, rev: str = "HEAD") -> None:
        tag(self.path, name, rev)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def tags(self) -> list[str]:
        return self.git("tag", "--list").splitlines()

    def refs(self) -> str:
        return self.git("for-each-ref", "--format=%(refname) %(objectname)")

    def status(self) -> str:
        return self.git("status", "--porcelain=v1", "--untracked-files=all")

    def snapshot(self) -> dict[str, object]:
        """Everything a rollback must restore: refs, index, status and every file's bytes.

        Python's byte-code caches (``__pycache__``, written by the interpreter that imports the
        noxfile unless ``PYTHONDONTWRITEBYTECODE`` is set) are not the tool's writes.
        """
        skip = {".git", "__pycache__"}
        files = {
            str(p.relative_to(self.path)): p.read_bytes()
            for p in sorted(self.path.rglob("*"))
            if p.is_file() and not skip.intersection(p.relative_to(self.path).parts)
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
    date: int | None = None,
) -> Repo:
    """A hatchling project ``name`` at ``version`` (``extra`` ends its pyproject), committed."""
    text = pyproject
    if text is None:
        text = pyproject_toml(name, version, tail=textwrap.dedent(extra) + "\n")
    initial = {"pyproject.toml": text, ".gitignore": GITIGNORE, **(files or {})}
    return Repo(init_repo(path, initial, date=date))


def make_sample(
    path: Path,
    *,
    backend: str = "hatchling",
    name: str = "sample",
    version: str = "1.2.3",
    readme: bool = True,
    build_backend: str | None = None,
) -> Repo:
    """A project with a package and (optionally) a README, committed at :data:`EPOCH`.

    The hatchling project names its package folder; ``build_backend`` replaces the backend's
    name (to make the build fail).
    """
    module = name.replace("-", "_")
    tail = f'\n[tool.hatch.build.targets.wheel]\npackages = ["src/{module}"]\n'
    text = pyproject_toml(
        name, version, backend=backend, readme=readme, tail=tail if backend == "hatchling" else ""
    )
    if build_backend is not None:
        text = text.replace(f'"{_BACKENDS[backend][1]}"', f'"{build_backend}"')
    files = {f"src/{module}/__init__.py": f'"""The sample."""\n\n__version__ = "{version}"\n'}
    if readme:
        files["README.md"] = f"# {name}\n\nA sample project for the build tests.\n"
    return make_repo(path, pyproject=text, files=files, date=EPOCH)
