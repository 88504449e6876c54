"""Run a step on every project a release ships: the root package and its lockstep packages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from nox_release.adapters.project import Project

__all__ = ["on_released"]

T = TypeVar("T")


def on_released(
    root: Path | str, step: Callable[..., T], *, dist: str | None = None, **options: Any
) -> list[T]:
    """``step(project, **options)`` for the root (when a package) and each lockstep package.

    With ``dist`` (a gathered folder of artifacts) the step runs once, on ``root``, for that
    folder: the folder holds one project's files, whatever the layout of the repository.
    """
    if dist is not None:
        return [step(root, dist=dist, **options)]
    return [step(project, **options) for project in Project(root).released()]
