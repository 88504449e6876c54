"""Progress of long commands: no silence longer than a few seconds while a tool runs."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from nox_release.core.log import Log

__all__ = ["EVERY", "FIRST", "on_terminal", "progress"]

#: Seconds of silence before a running command is first mentioned.
FIRST = 2.0
#: Seconds between the plain "still running" lines (CI, or output that is not a terminal).
EVERY = 5.0


_STILL = "still running"


def progress_only(log: Log) -> Log:
    """``log`` for the progress lines and warnings only: for a step whose other output (a plan
    shown again, each command line) is not wanted, but whose silence would be too long."""

    def forward(message: str) -> None:
        if message.startswith("warning: ") or f": {_STILL} (" in message:
            log(message)

    return forward


def on_terminal() -> bool:
    """True when a line may be rewritten in place: both outputs are terminals, ``CI`` unset."""
    if os.environ.get("CI"):
        return False
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (ValueError, OSError):
        return False


@contextmanager
def progress(
    label: str,
    log: Log,
    *,
    first: float = FIRST,
    every: float = EVERY,
    terminal: bool | None = None,
) -> Iterator[None]:
    """While the body runs longer than ``first`` seconds, say so: on a terminal the elapsed time
    on one line rewritten each second (cleared at the end), else a plain ``log`` line
    ``"<label>: still running (N s)"`` every ``every`` seconds."""
    done = threading.Event()
    start = time.monotonic()
    tty = on_terminal() if terminal is None else terminal

    def tick() -> None:
        if done.wait(first):
            return
        while True:
            elapsed = f"{time.monotonic() - start:.0f} s"
            if tty:
                sys.stderr.write(f"\r\x1b[K{label} ... {elapsed}")
                sys.stderr.flush()
            else:
                log(f"{label}: {_STILL} ({elapsed})")
            if done.wait(1.0 if tty else every):
                break
        if tty:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    thread = threading.Thread(target=tick, name=f"progress: {label}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
