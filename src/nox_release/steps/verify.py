"""The twine-check step: proof that what is in ``dist/`` is this release, intact and valid.

:func:`check_dist` is shared by ``twine-check``, ``sbom`` and ``publish``: every artifact's
metadata name and version equal the project's and, when HEAD carries a release tag, the tag's
(compared as PEP 440 versions, so ``v1.2.0-rc.1`` matches ``1.2.0rc1``); each file is intact
(:func:`check_integrity`: wheel RECORD hashes and sizes, sdist layout, file names that agree
with the metadata); and ``twine check --strict`` passes on all of them (:func:`twine_check_files`).
"""

from __future__ import annotations

import hashlib
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import ArtifactError, CommandError, ReleaseError
from nox_release.adapters.dist import Artifact, find_artifacts, read_metadata, same_name
from nox_release.adapters.history import release_tags_at
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, strip_ansi
from nox_release.core.log import Log, quiet
from nox_release.core.version import Version

__all__ = ["DistCheck", "check_dist", "check_integrity", "twine_check", "twine_check_files"]


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
    version = project.version()
    parsed: dict[Path, Version | None] = {}
    for a in artifacts:
        try:
            parsed[a.path] = Version.parse(a.version)
        except ReleaseError:
            parsed[a.path] = None
    for a in artifacts:
        if not same_name(a.name, project.name):
            raise ArtifactError(
                f"{a.path.name} is the distribution '{a.name}', expected '{project.name}' "
                f"(from {project.pyproject_path})."
            )
        if parsed[a.path] != version:
            raise ArtifactError(
                f"{a.path.name} has version {a.version}, expected {version.pep440} "
                f"(from {project.pyproject_path}): rebuild it."
            )
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
    if integrity:
        for a in artifacts:
            check_integrity(a)
    if twine:
        if runner is None:
            runner = SubprocessRunner(log=log, cwd=project.root)
        twine_check_files([a.path for a in artifacts], runner)
    return DistCheck(artifacts, version, tag)


# -- integrity --------------------------------------------------------------------------------
#: Hash algorithms a wheel RECORD may use (the wheel spec forbids md5 and sha1).
_WEAK_HASHES = frozenset({"md5", "sha1"})


def check_integrity(artifact: Artifact) -> None:
    """Raise :class:`ArtifactError` naming the file when an artifact is not intact.

    Wheels: the file name's name and version equal the metadata's; no member is stored twice;
    every member is listed in ``RECORD`` with a hash and size that match; every ``RECORD`` line
    names a member. Sdists: the file name's version equals the metadata's; every member lies in
    one top-level folder, which holds ``PKG-INFO`` and ``pyproject.toml``.
    """
    if artifact.kind == "wheel":
        _check_wheel(artifact)
    else:
        _check_sdist(artifact)


def _check_filename(artifact: Artifact, name: str, version: str) -> None:
    from packaging.version import InvalidVersion
    from packaging.version import Version as PV

    path = artifact.path
    if not same_name(name, artifact.name):
        raise ArtifactError(
            f"{path.name} is named for '{name}' but its metadata says '{artifact.name}': "
            "the file was renamed or edited by hand; rebuild it."
        )
    try:
        same = PV(version) == PV(artifact.version)
    except InvalidVersion:
        same = False
    if not same:
        raise ArtifactError(
            f"{path.name} is named for version {version} but its metadata says "
            f"{artifact.version}: the file was renamed or edited by hand; rebuild it."
        )


def _check_wheel(artifact: Artifact) -> None:
    # Written by hand: twine checks only the metadata, and neither pip nor uv verify RECORD
    # before installing; the `wheel` package does, but nox-release does not depend on it.
    import base64
    import csv
    import io

    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    path = artifact.path
    try:
        name, version, _build, _tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as exc:
        raise ArtifactError(f"{path.name} is not a valid wheel file name ({exc}).") from None
    _check_filename(artifact, name, str(version))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.filename.endswith("/")]
            names = [i.filename for i in infos]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ArtifactError(
                    f"{path.name} stores {dupes[0]} more than once: rebuild the wheel."
                )
            records = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
            if len(records) != 1:
                raise ArtifactError(f"{path.name} has no .dist-info/RECORD: rebuild the wheel.")
            record_name = records[0]
            dist_info = record_name.rsplit("/", 1)[0]
            text = zf.read(record_name).decode("utf-8")
            listed: dict[str, tuple[str, str]] = {}
            for row in csv.reader(io.StringIO(text)):
                if not row:
                    continue
                if len(row) != 3:
                    raise ArtifactError(
                        f"{path.name}: {record_name} has a malformed line {row!r}: "
                        "rebuild the wheel."
                    )
                listed[row[0]] = (row[1], row[2])
            unsigned = {record_name, f"{dist_info}/RECORD.jws", f"{dist_info}/RECORD.p7s"}
            for info in infos:
                member = info.filename
                if member in unsigned:
                    continue
                if member not in listed:
                    raise ArtifactError(
                        f"{path.name} holds {member}, which its RECORD does not list: the wheel "
                        "was edited after it was built; rebuild it."
                    )
                hash_field, size_field = listed[member]
                algo, _, expected = hash_field.partition("=")
                if (
                    not expected
                    or algo in _WEAK_HASHES
                    or algo not in hashlib.algorithms_guaranteed
                ):
                    raise ArtifactError(
                        f"{path.name}: RECORD gives {member} the hash '{hash_field}', not a "
                        "sha256 (or stronger) digest: rebuild the wheel."
                    )
                data = zf.read(info)
                found = (
                    base64.urlsafe_b64encode(hashlib.new(algo, data).digest())
                    .rstrip(b"=")
                    .decode("ascii")
                )
                if found != expected.rstrip("="):
                    raise ArtifactError(
                        f"{path.name}: {member} does not match its RECORD hash "
                        f"({algo}={found}, RECORD says {hash_field}): the wheel was edited after "
                        "it was built; rebuild it."
                    )
                if size_field and size_field != str(len(data)):
                    raise ArtifactError(
                        f"{path.name}: {member} is {len(data)} bytes, RECORD says {size_field}: "
                        "the wheel was edited after it was built; rebuild it."
                    )
            present = set(names)
            for member in listed:
                if member not in present and member not in unsigned:
                    raise ArtifactError(
                        f"{path.name}: RECORD lists {member}, which the wheel does not hold: "
                        "rebuild the wheel."
                    )
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, csv.Error) as exc:
        raise ArtifactError(f"{path.name} cannot be read ({exc}): rebuild it.") from None


def _check_sdist(artifact: Artifact) -> None:
    path = artifact.path
    stem = path.name[: -len(".tar.gz")]
    name, _, version = stem.rpartition("-")
    _check_filename(artifact, name, version)
    try:
        with tarfile.open(path, "r:gz") as tf:
            members = tf.getnames()
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise ArtifactError(f"{path.name} cannot be read ({exc}): rebuild it.") from None
    tops = {m.split("/", 1)[0] for m in members}
    bad = [m for m in members if m.startswith("/") or ".." in m.split("/")]
    if len(tops) != 1 or bad:
        raise ArtifactError(
            f"{path.name} does not hold everything in one top-level folder "
            f"({bad[0] if bad else ', '.join(sorted(tops))}): it is not a valid sdist; rebuild it."
        )
    top = tops.pop()
    for required in ("PKG-INFO", "pyproject.toml"):
        if f"{top}/{required}" not in members:
            raise ArtifactError(
                f"{path.name} has no {top}/{required}: an sdist must hold it; rebuild the sdist "
                "with a PEP 517 builder (uv build or python -m build)."
            )


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
