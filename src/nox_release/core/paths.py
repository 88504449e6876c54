"""How paths are shown: relative to the project, with forward slashes (pure)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["relpath"]


def relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` in POSIX form, or ``path`` as it is when it lies outside."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
