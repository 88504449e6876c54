"""A git process with a large pipe: git writes far ahead of its reader instead of waiting."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from pathlib import Path

from nox_release._errors import GitError

__all__ = ["Chunks", "Drain", "Started", "cut_pieces", "run_git"]

#: The pipe git writes into, where the system lets it be this large (Linux): about 6,000
#: commits' messages, so git is rarely held back while the reader parses what came before.
_PIPE_SIZE = 1 << 20


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower system limit
        pass


class Drain:
    """A git process whose output is read in the largest pieces at hand (iterate it)."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        try:
            self.proc = subprocess.Popen(
                argv,
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                bufsize=0,  # unbuffered: each read returns what git has written so far
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH: install git first.") from None
        assert self.proc.stdout is not None
        self._fd = self.proc.stdout.fileno()
        _widen(self._fd)
        self.result: tuple[int, str] | None = None

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = os.read(self._fd, _PIPE_SIZE)
            if not chunk:
                return
            yield chunk

    def close(self, *, kill: bool) -> tuple[int, str]:
        """Stop git if ``kill``, wait for it: its exit code and standard error (once: a
        second call gives what the first did)."""
        if self.result is not None:
            return self.result
        if kill and self.proc.poll() is None:
            self.proc.kill()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        err = self.proc.stderr.read().decode("utf-8", "replace") if self.proc.stderr else ""
        if self.proc.stderr:
            self.proc.stderr.close()
        self.result = (self.proc.wait(), err)
        return self.result


def cut_pieces(chunks: Iterable[bytes], sep: bytes) -> Iterator[str]:
    """``chunks`` decoded in pieces that end just after a ``sep`` (the last one may not)."""
    buf = b""
    for chunk in chunks:
        buf += chunk
        cut = buf.rfind(sep) + len(sep)
        if cut >= len(sep):
            # a separator never ends inside a UTF-8 sequence: the cut decodes alone
            yield buf[:cut].decode("utf-8", "replace")
            buf = buf[cut:]
    if buf:
        yield buf.decode("utf-8", "replace")


class Chunks(Iterator[str]):
    """The pieces of one git output (``Git.chunks``), each ending just after a separator (the
    last may not); :meth:`close` stops git, read or not. ``failure`` makes the error of a git
    that exits non-zero."""

    def __init__(
        self,
        drain: Drain,
        args: Sequence[str],
        sep: str,
        failure: Callable[[Sequence[str], str], GitError],
    ) -> None:
        self._drain = drain
        self._pieces = self._read(args, sep.encode(), failure)

    def __next__(self) -> str:
        return next(self._pieces)

    def close(self) -> None:
        """Stop git (when it has not finished) and the reading."""
        self._pieces.close()
        self._drain.close(kill=True)

    def _read(
        self, args: Sequence[str], bsep: bytes, failure: Callable[[Sequence[str], str], GitError]
    ) -> Generator[str, None, None]:
        finished = False
        try:
            yield from cut_pieces(self._drain, bsep)
            finished = True
        finally:
            code, err = self._drain.close(kill=not finished)
            if finished and code != 0:
                raise failure(args, err)


def run_git(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float | None
) -> tuple[int, str, str]:
    """Run git to its end: its exit code, standard output and standard error (text)."""
    try:
        proc = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH: install git first.") from None
    except subprocess.TimeoutExpired:
        shown = " ".join(argv)
        raise GitError(f"'{shown}' did not answer within {timeout} s.") from None
    return proc.returncode, proc.stdout, proc.stderr


class Started:
    """A short git reader started now and answered later (:meth:`result`): its output goes to
    temporary files, so git never waits for the caller, who works on meanwhile."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str]) -> None:
        self._out = tempfile.TemporaryFile("w+b")  # noqa: SIM115 - closed by result()
        self._err = tempfile.TemporaryFile("w+b")  # noqa: SIM115 - closed by result()
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                argv, cwd=cwd, stdout=self._out, stderr=self._err, env=env
            )
        except FileNotFoundError:
            self._proc = None  # said by result(), as a plain run would
        self._result: tuple[int, str, str] | None = None

    def result(self) -> tuple[int, str, str]:
        """git's exit code, standard output and standard error (waited for once)."""
        if self._result is None:
            if self._proc is None:
                raise GitError("git is not installed or not on PATH: install git first.")
            with self._out, self._err:
                code = self._proc.wait()
                self._out.seek(0)
                self._err.seek(0)
                # as subprocess.run(text=True) reads them: universal newlines
                out = self._out.read().decode("utf-8", "replace").replace("\r\n", "\n")
                err = self._err.read().decode("utf-8", "replace").replace("\r\n", "\n")
            self._result = (code, out.replace("\r", "\n"), err.replace("\r", "\n"))
        return self._result

    def cancel(self) -> None:
        """Not needed after all: git is stopped (if still running) and waited for."""
        if self._result is None and self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            self._out.close()
            self._err.close()
            self._result = (-1, "", "")
