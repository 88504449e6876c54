"""A forked child process that reads the pieces its parent sends and answers once (Linux).

The second core of a release's machine is idle while Python reads a long ``git log``: a worker
forked from the running process (so it has everything already imported and computed) reads the
same pieces and does its share, and the parent takes the answer when it gets there. Where fork
is not the safe choice (not Linux, other threads running) no worker starts and the caller does
the work itself; a worker that fails answers nothing, and the caller does it then.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

from nox_release.adapters.drain import cut_pieces

__all__ = ["Worker", "start_worker"]

#: The pipe the parent writes into, where the system lets it be this large.
_PIPE_SIZE = 1 << 20


def _reads(fd: int) -> Iterator[bytes]:
    while chunk := os.read(fd, _PIPE_SIZE):
        yield chunk


def _serve(work: Callable[[Iterator[str]], bytes], source: int, answer: int) -> None:
    """The child: ``work`` on what comes in, its answer out, then gone (no cleanup of the
    parent's objects, no atexit handlers: they are the parent's)."""
    code = 1
    try:
        data = work(cut_pieces(_reads(source), b"\x00"))
        view = memoryview(data)
        while view:
            view = view[os.write(answer, view) :]
        code = 0
    finally:
        os._exit(code)


class Worker:
    """A running worker: :meth:`feed` it, then :meth:`result` (or :meth:`stop`)."""

    def __init__(self, pid: int, source: int, answer: int) -> None:
        self._pid, self._source, self._answer = pid, source, answer
        self._done = self._broken = False

    def feed(self, text: str) -> None:
        """Send ``text`` (the child reads as fast as it works); nothing when it has failed."""
        if self._broken:
            return
        view = memoryview(text.encode("utf-8", "surrogatepass"))
        try:
            while view:
                view = view[os.write(self._source, view) :]
        except OSError:  # the child is gone: its answer will be None
            self._broken = True

    def result(self) -> bytes | None:
        """The child's answer, once everything is sent; None when it failed."""
        if self._done:
            return None
        self._done = True
        os.close(self._source)
        parts = []
        while chunk := os.read(self._answer, _PIPE_SIZE):
            parts.append(chunk)
        os.close(self._answer)
        try:
            _, status = os.waitpid(self._pid, 0)
        except ChildProcessError:  # reaped by someone else: its answer cannot be trusted
            return None
        return b"".join(parts) if os.waitstatus_to_exitcode(status) == 0 else None

    def stop(self) -> None:
        """Not needed after all: the child is stopped and waited for."""
        if not self._done:
            self._done = True
            os.close(self._source)
            os.close(self._answer)
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)


def start_worker(work: Callable[[Iterator[str]], bytes]) -> Worker | None:
    """Fork a worker that runs ``work`` on the pieces :meth:`Worker.feed` sends; None where
    no worker is started (see the module's docs)."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return None
    source_read, source_write = os.pipe()
    answer_read, answer_write = os.pipe()
    try:
        import fcntl

        fcntl.fcntl(source_write, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, AttributeError, OSError):
        pass
    try:
        pid = os.fork()
    except OSError:
        for fd in (source_read, source_write, answer_read, answer_write):
            os.close(fd)
        return None
    if pid == 0:  # the child
        os.close(source_write)
        os.close(answer_read)
        _serve(work, source_read, answer_write)
    os.close(source_read)
    os.close(answer_write)
    return Worker(pid, source_write, answer_read)
