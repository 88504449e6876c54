"""Ctrl-C and the rollbacks: a second interrupt must not cut an undo short."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

__all__ = ["shielded"]


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Ctrl-C cannot interrupt the block (a rollback): a SIGINT that arrives is held back and
    raised as KeyboardInterrupt once the block is done (unless it is leaving by an exception)."""
    try:
        previous = signal.getsignal(signal.SIGINT)
        caught: list[int] = []
        signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    except ValueError:  # not the main thread: signals go to the main thread anyway
        yield
        return
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and not failed:
            raise KeyboardInterrupt
