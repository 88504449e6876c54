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
    """Run the test suite (install first: pip install -e '.[test,lint]')."""
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(venv_backend="none")
def lint(session: nox.Session) -> None:
    """ruff and mypy, both clean."""
    session.run("python", "-m", "ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("python", "-m", "ruff", "format", "--check", "src")
    session.run("python", "-m", "mypy")


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Benchmarks: prints a table (see benchmarks/README.md)."""
    session.run("python", "benchmarks/run.py", *session.posargs)
