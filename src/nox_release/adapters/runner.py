"""How steps run external tools: anything with nox's ``session.run`` call shape.

A step takes a ``runner``: ``runner(*args, env=None, silent=True)`` runs a command and returns its
output (nox's ``session.run`` satisfies this). :class:`SubprocessRunner` is the default, used in
tests and in the sessions (so that failures become one-sentence :class:`CommandError`s and
secrets can be redacted before anything is printed).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Protocol

from nox_release._errors import CommandError
from nox_release.adapters.progress import progress
from nox_release.core.output import command_name, tool_tail

__all__ = [
    "Runner",
    "SubprocessRunner",
    "find_uv",
    "redacting",
    "scrub",
    "secret_forms",
    "strip_ansi",
    "tool",
]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences (colours, cursor moves) of tools' output."""
    return _ANSI.sub("", text)


def secret_forms(secret: str | None) -> list[str]:
    """A secret as given and as it appears percent-encoded in a URL (empty for no secret)."""
    if not secret:
        return []
    from urllib.parse import quote

    return sorted({secret, quote(secret, safe="")}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***`` (longest first, so that a secret that
    contains another is hidden whole)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def redacting(log: Callable[[str], None], secrets: Iterable[str]) -> Callable[[str], None]:
    """``log``, with :func:`scrub` applied to every message."""
    hidden = [s for s in secrets if s]
    if not hidden:
        return log

    def scrubbed(message: str) -> None:
        log(scrub(message, hidden))

    return scrubbed


class Runner(Protocol):
    def __call__(
        self,
        *args: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
        silent: bool = True,
    ) -> Any: ...


class SubprocessRunner:
    """Run commands with :mod:`subprocess`; output is returned, failures raise CommandError.

    ``log`` receives each command line (``session.log`` under nox); ``redact`` lists strings
    (tokens, passwords) replaced by ``***`` in everything logged or raised; ``cwd`` is the
    working directory.
    """

    def __init__(
        self,
        *,
        log: Callable[[str], None] | None = None,
        redact: Iterable[str] = (),
        cwd: Path | str | None = None,
    ) -> None:
        self.log = log
        self.redact = [s for s in redact if s]
        self.cwd = cwd

    def scrub(self, text: str) -> str:
        return scrub(text, self.redact)

    def _progress(self, argv: list[str]) -> AbstractContextManager[None]:
        """Progress of a long command, when this runner reports to a log."""
        if self.log is None:
            return nullcontext()
        return progress(command_name(argv), self.log)

    def __call__(
        self,
        *args: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
        silent: bool = True,
    ) -> str:
        argv = [os.fspath(a) for a in args]
        if self.log is not None:
            self.log(self.scrub(shlex.join(argv)))
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        try:
            with self._progress(argv):
                proc = subprocess.run(
                    argv,
                    cwd=self.cwd,
                    env=full_env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    check=False,
                )
        except FileNotFoundError:
            raise CommandError(f"{argv[0]} is not installed or not on PATH") from None
        output = self.scrub(proc.stdout)
        if proc.returncode != 0:
            # The whole output goes with the error (shown by --verbose), not into the log.
            raise CommandError(
                f"{command_name(argv)} failed (exit code {proc.returncode}): {tool_tail(output)}",
                returncode=proc.returncode,
                output=output,
            )
        if not silent and output and self.log is not None:
            self.log(output.rstrip())
        return output


def tool(name: str) -> str:
    """The path of a console script installed with nox-release (next to its interpreter)."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise CommandError(
            f"{name} is not installed: it comes with nox-release ('pip install nox-release')."
        )
    return found


def find_uv() -> str | None:
    """The ``uv`` executable next to the running interpreter, else on ``PATH``, else None."""
    here = Path(sys.executable).parent / ("uv.exe" if os.name == "nt" else "uv")
    if here.is_file():
        return str(here)
    return shutil.which("uv")
