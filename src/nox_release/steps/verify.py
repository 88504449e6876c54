"""The twine-check step: proof that what is in ``dist/`` is this release, intact and valid.

:func:`check_dist` is shared by ``twine-check``, ``sbom`` and ``publish``: every artifact's
metadata name and version equal the project's and, when HEAD carries a release tag, the tag's
(compared as PEP 440 versions, so ``v1.2.0-rc.1`` matches ``1.2.0rc1``); each file is intact
(:func:`check_integrity`: wheel RECORD hashes and sizes, sdist layout, file names that agree
with the metadata); and ``twine check --strict`` passes on all of them (:func:`twine_check_files`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import ArtifactError, CommandError, ReleaseError
from nox_release.adapters.dist import Artifact, find_artifacts, read_metadata, same_name
from nox_release.adapters.history import release_tags_at
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, strip_ansi
from nox_release.core.log import Log, quiet
from nox_release.core.platforms import check_wheelhouse_shape
from nox_release.core.version import Version
from nox_release.steps.integrity import check_integrity

__all__ = ["DistCheck", "check_dist", "twine_check", "twine_check_files"]


@dataclass(frozen=True)
class DistCheck:
    """The result of :func:`check_dist`."""

    artifacts: tuple[Artifact, ...]
    version: Version
    tag: str | None


def check_dist(
    project: Project,
    dist: Path | None = None,
    *,
    require_tag: bool = False,
    integrity: bool = True,
    twine: bool = True,
    runner: Runner | None = None,
    log: Callable[[str], None] | None = None,
) -> DistCheck:
    """Check that ``dist`` holds exactly this release's artifacts, and return them.

    * there is at least one artifact, and all are of one version;
    * each artifact's metadata name and version equal the project's;
    * when HEAD carries a release tag, its version equals theirs (as PEP 440);
    * with ``require_tag``, HEAD must carry a release tag;
    * with ``integrity`` (default), each file is intact (:func:`check_integrity`);
    * with ``twine`` (default), ``twine check --strict`` passes on every artifact, run through
      ``runner`` (default: a :class:`SubprocessRunner` logging to ``log``).

    The cheap checks run first, twine last.
    """
    dist = dist if dist is not None else project.root / project.config.dist_dir
    artifacts = _read_artifacts(dist)
    version = project.version()
    parsed = _parsed_versions(artifacts)
    _check_project(project, artifacts, parsed, version)
    tag = _check_release_tag(project, artifacts, parsed, require_tag=require_tag)
    if integrity:
        for a in artifacts:
            check_integrity(a)
    if twine:
        if runner is None:
            runner = SubprocessRunner(log=log, cwd=project.root)
        twine_check_files([a.path for a in artifacts], runner)
    return DistCheck(artifacts, version, tag)


def _read_artifacts(dist: Path) -> tuple[Artifact, ...]:
    """The wheels and sdists in ``dist`` with their metadata: at least one, all of one version."""
    paths = find_artifacts(dist)
    if not paths:
        raise ArtifactError(f"{dist} holds no wheel or sdist: run the build session first.")
    artifacts = tuple(read_metadata(p) for p in paths)
    versions = sorted({a.version for a in artifacts})
    if len(versions) > 1:
        listing = ", ".join(f"{a.path.name} ({a.version})" for a in artifacts)
        raise ArtifactError(
            f"{dist} holds artifacts of more than one version ({listing}): rebuild so that it "
            "holds only this release."
        )
    check_wheelhouse_shape([p.name for p in paths], str(dist))
    return artifacts


def _parsed_versions(artifacts: tuple[Artifact, ...]) -> dict[Path, Version | None]:
    """Each artifact's metadata version as a :class:`Version` (None when it does not parse)."""
    parsed: dict[Path, Version | None] = {}
    for a in artifacts:
        try:
            parsed[a.path] = Version.parse(a.version)
        except ReleaseError:
            parsed[a.path] = None
    return parsed


def _check_project(
    project: Project,
    artifacts: tuple[Artifact, ...],
    parsed: dict[Path, Version | None],
    version: Version,
) -> None:
    """Each artifact's metadata name and version equal the project's."""
    for a in artifacts:
        if not same_name(a.name, project.name):
            raise ArtifactError(
                f"{a.path.name} is the distribution '{a.name}', expected '{project.name}' "
                f"(from {project.pyproject_path})."
            )
        if parsed[a.path] != version and not (project.tag_derived and not release_tags_at(project)):
            # (a tag-derived version between tags is the build tool's: the tag check covers it)
            raise ArtifactError(
                f"{a.path.name} has version {a.version}, expected {version.pep440} "
                f"(from {project.pyproject_path}): rebuild it."
            )


def _check_release_tag(
    project: Project,
    artifacts: tuple[Artifact, ...],
    parsed: dict[Path, Version | None],
    *,
    require_tag: bool,
) -> str | None:
    """The release tag on HEAD (None: none), whose version must equal the artifacts'."""
    fmt = project.config.tags
    release_tags = release_tags_at(project)
    for release_tag in release_tags:
        for a in artifacts:
            if release_tag.version != parsed[a.path]:
                raise ArtifactError(
                    f"{a.path.name} has version {a.version}, but HEAD carries the release tag "
                    f"{release_tag.name} ({release_tag.version.pep440}): rebuild from the "
                    "tagged commit."
                )
    tag = release_tags[0].name if release_tags else None
    if require_tag and tag is None:
        raise ArtifactError(
            f"HEAD carries no release tag of the form '{fmt.template}': these artifacts are not "
            "a tagged release (run a bump first, or pass --allow-untagged for a test index)."
        )
    return tag


# -- twine ------------------------------------------------------------------------------------
def twine_check_files(paths: list[Path], runner: Runner) -> None:
    """Run ``twine check --strict`` on ``paths`` (one process); raise naming each failing file."""
    import re
    import sys

    if not paths:
        return
    cmd = [sys.executable, "-m", "twine", "--no-color", "check", "--strict"]
    cmd += [str(p) for p in paths]
    try:
        # COLUMNS: twine prints through rich, which wraps long paths at the terminal's width.
        runner(*cmd, env={"NO_COLOR": "1", "COLUMNS": "100000"}, silent=True)
    except CommandError as exc:
        output = strip_ansi(exc.output or str(exc))
        failed: list[str] = []
        reasons: dict[str, list[str]] = {}
        current: str | None = None
        for line in output.splitlines():
            m = re.match(r"Checking (.+?): (PASSED|FAILED)(.*)$", line.strip())
            if m:
                current = Path(m.group(1)).name
                if m.group(2) == "FAILED" or "warning" in m.group(3).lower():
                    failed.append(current)
                    reasons[current] = []
                else:
                    current = None
            elif current is not None and current in reasons and line.strip():
                reasons[current].append(" ".join(line.split()))
        if not failed:
            raise
        detail = "; ".join(
            f"{f} ({' '.join(reasons[f]) or 'see the twine output'})" for f in failed
        )
        raise ArtifactError(
            f"twine check --strict failed for {detail}: fix the metadata in pyproject.toml "
            "(for a missing long description, set [project] readme) and rebuild."
        ) from None


# -- the twine-check step ----------------------------------------------------------------------
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
