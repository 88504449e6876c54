"""The session registry and the argument parsing every session shares."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from nox_release._errors import ReleaseError

__all__ = ["SESSIONS", "Session", "SessionSpec", "parse", "parser_for", "pre_kinds", "registered"]

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
        raise ReleaseError(f"{self.prog}: {message} (usage: {self.format_usage().strip()})")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _HelpShown(message or "")


class _HelpShown(Exception):
    pass


def parser_for(name: str, doc: str) -> _Parser:
    return _Parser(prog=f"nox -s {name} --", description=doc, add_help=True)


def parse(session: Session, parser: _Parser) -> argparse.Namespace:
    try:
        return parser.parse_args(list(session.posargs))
    except _HelpShown:
        session.log(parser.format_help())
        session.skip("help shown")
        raise  # session.skip raises; this line is never reached


def pre_kinds() -> list[str]:
    return ["alpha", "beta", "rc", "dev", "a", "b"]
