"""nox-release's own sessions: tests, lint, benchmarks, and its own release sessions."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

# Dogfood: release this repository with the working copy's own sessions.
sys.path.insert(0, str(Path(__file__).parent / "src"))
import nox_release

nox.options.sessions = ["lint", "tests"]

nox_release.register()


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Run the test suite on two workers (install first: pip install -e '.[test,lint]')."""
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(venv_backend="none")
def lint(session: nox.Session) -> None:
    """ruff and mypy, both clean."""
    session.run(
        "python",
        "-m",
        "ruff",
        "check",
        "src",
        "tests",
        "testkit",
        "benchmarks",
        "demo",
        "noxfile.py",
    )
    session.run("python", "-m", "ruff", "format", "--check", "src")
    session.run("python", "-m", "mypy")


@nox.session(venv_backend="uv|virtualenv")
def demo(session: nox.Session) -> None:
    """The main job: a whole release of a sample project, published to a local pypiserver."""
    session.install("-e", ".", "pypiserver", "passlib", "hatchling")
    session.run("python", "demo/demo.py")


@nox.session(venv_backend="uv|virtualenv")
def bench(session: nox.Session) -> None:
    """Benchmarks: every benchmarks/bench_*.py prints its table (see benchmarks/README.md).

    ``nox -s bench -- bench_changelog --only 100k``: the scripts named, then their options.
    """
    session.install("-e", ".", *BENCH_PEERS)
    scripts = sorted(Path("benchmarks").glob("bench_*.py"))
    names = [a for a in session.posargs if not a.startswith("-")]
    options = session.posargs[len(names) :] if names else session.posargs
    wanted = [s for s in scripts if not names or s.stem in names]
    for script in wanted:
        session.run("python", str(script), *options)


#: Peer tools the benchmarks compare against, installed into the bench session's own environment.
BENCH_PEERS: list[str] = [
    # bench_publish: a local index and a sample build
    "pypiserver",
    "passlib",
    "uv",  # also bench_build: plain `uv build` next to the build step
    "hatchling",
    # bench_sbom: the sbom step's two installers (uv, and venv + pip as the fallback).
    "pip",
    # bench_auto and bench_changelog: the tools that decide a version from Conventional Commits
    # and write changelogs (git-cliff is a dependency of nox-release already).
    "commitizen",
    "python-semantic-release",
]
