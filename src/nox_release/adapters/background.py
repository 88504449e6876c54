"""git readers started now and answered later: the caller works while git does (on another core)."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable

from nox_release._errors import GitError
from nox_release.adapters.git import Git, git_env

__all__ = ["start"]


def start(git: Git, *args: str) -> Callable[[], str]:
    """Start the reader ``git *args`` and go on; call the result (once or more) for what
    :meth:`Git.run` would return, or raise.

    The output goes to temporary files (read as :meth:`Git.run` reads its pipes), so git never
    waits for a reader: a long answer is written while the caller works on.
    """
    # Closed by the answer (or, never asked for, with the process's other objects).
    out = tempfile.TemporaryFile("w+")  # noqa: SIM115 - outlives this call
    err = tempfile.TemporaryFile("w+")  # noqa: SIM115 - outlives this call
    try:
        proc = subprocess.Popen(["git", *args], cwd=git.cwd, stdout=out, stderr=err, env=git_env())
    except FileNotFoundError:
        out.close()
        err.close()
        raise GitError("git is not installed or not on PATH: install git first.") from None
    answered: list[str | GitError] = []

    def answer() -> str:
        if not answered:
            with out, err:
                code = proc.wait()
                out.seek(0)
                err.seek(0)
                text = out.read()
                answered.append(git.failure(args, err.read() or text) if code != 0 else text)
        if isinstance(answered[0], GitError):
            raise answered[0]
        return answered[0].strip()

    return answer
