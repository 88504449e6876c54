"""The session registry and the argument parsing every session shares."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from nox_release._errors import ReleaseError

__all__ = [
    "SESSIONS",
    "HelpShown",
    "Session",
    "SessionSpec",
    "parse",
    "parser_for",
    "pre_kinds",
    "registered",
]

Session = Any  # nox.Session, imported lazily


@dataclass(frozen=True)
class SessionSpec:
    name: str
    func: Callable[[Session, Path], None]
    doc: str


SESSIONS: list[SessionSpec] = []


def registered(name: str, doc: str) -> Callable[[Callable[[Session, Path], None]], Any]:
    def deco(func: Callable[[Session, Path], None]) -> Callable[[Session, Path], None]:
        SESSIONS.append(SessionSpec(name, func, doc))
        return func

    return deco


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the session can fail with one sentence."""

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split()).removeprefix("usage: ")
        raise ReleaseError(f"{self.prog}: {message} (usage: {usage})")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise HelpShown(message or "")


class HelpShown(Exception):
    """``--help`` was printed (by argparse, on stdout): the session ends, successfully."""


def parser_for(name: str, doc: str) -> _Parser:
    return _Parser(prog=f"nox -s {name} --", description=doc, add_help=True)


def parse(session: Session, parser: _Parser) -> argparse.Namespace:
    """The session's posargs; ``--help`` raises :class:`HelpShown` after printing the help."""
    return parser.parse_args(list(session.posargs))


def pre_kinds() -> list[str]:
    return ["alpha", "beta", "rc", "dev", "a", "b"]
