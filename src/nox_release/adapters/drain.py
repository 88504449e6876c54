"""A git process whose output a thread reads ahead, so that git never waits for its reader."""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from nox_release._errors import GitError

__all__ = ["Drain"]

#: How much output the thread holds before the process waits (in pieces of up to 256 KiB).
_AHEAD = 16


class Drain:
    """A git process whose output a thread reads ahead into a bounded queue (iterate it)."""

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
        self.queue: queue.Queue[bytes] = queue.Queue(maxsize=_AHEAD)
        self.stopped = False
        self.result: tuple[int, str] | None = None
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            try:
                chunk = out.read(1 << 18)
            except (OSError, ValueError):  # closed by close(): git was stopped
                chunk = b""
            while True:  # a full queue: wait, unless the reader stopped listening
                try:
                    self.queue.put(chunk, timeout=0.05)
                    break
                except queue.Full:
                    if self.stopped:
                        return
            if not chunk:
                return

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = self.queue.get()
            if not chunk:
                return
            yield chunk

    def close(self, *, kill: bool) -> tuple[int, str]:
        """Stop git if ``kill``, wait for it: its exit code and standard error (once: a
        second call gives what the first did)."""
        if self.result is not None:
            return self.result
        self.stopped = True
        if kill and self.proc.poll() is None:
            self.proc.kill()
        self.thread.join()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        err = self.proc.stderr.read().decode("utf-8", "replace") if self.proc.stderr else ""
        if self.proc.stderr:
            self.proc.stderr.close()
        self.result = (self.proc.wait(), err)
        return self.result
