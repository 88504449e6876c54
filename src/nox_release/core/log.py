"""How steps report: a ``log`` callable (``session.log`` under nox, ``print``, a list's append)."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Log", "quiet"]

#: What every step takes to report progress, warnings and plans.
Log = Callable[[str], None]


def quiet(_msg: str) -> None:
    """The default ``log``: say nothing."""
