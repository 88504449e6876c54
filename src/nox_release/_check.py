"""The twine-check step: proof that what is in ``dist/`` is this release, intact and valid."""

from __future__ import annotations

from pathlib import Path

from ._artifacts import DistCheck, check_dist
from ._log import Log, quiet
from ._project import Project
from ._runner import Runner

__all__ = ["twine_check"]


def twine_check(
    project: Project | Path | str = ".",
    *,
    dist: Path | str | None = None,
    require_tag: bool = False,
    runner: Runner | None = None,
    log: Log = quiet,
) -> DistCheck:
    """Check every artifact in ``dist`` (default: the ``dist-dir``) and report.

    One version only, name and version equal to the project's and to the release tag on HEAD
    (required with ``require_tag``), wheel RECORD hashes and sdist layout intact, and
    ``twine check --strict`` clean. Raises :class:`~nox_release.ArtifactError` naming the file.
    """
    if not isinstance(project, Project):
        project = Project(project)
    where = Path(dist) if dist is not None else None
    if where is not None and not where.is_absolute():
        where = project.root / where
    result = check_dist(project, where, require_tag=require_tag, runner=runner, log=log)
    for artifact in result.artifacts:
        log(f"ok {artifact.path.name}: {artifact.name} {artifact.version}, intact, twine --strict")
    log(
        f"{len(result.artifacts)} artifact(s) of {project.name} {result.version.pep440}"
        + (f" match the release tag {result.tag}" if result.tag else " (no release tag on HEAD)")
    )
    return result
