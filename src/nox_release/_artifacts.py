"""Artifacts in ``dist/``: what they are, and proof that they are the release.

:func:`check_dist` is shared by ``twine-check``, ``sbom`` and ``publish``: every artifact's
metadata name and version equal the project's and, when HEAD carries a release tag, the tag's
(compared as PEP 440 versions, so ``v1.2.0-rc.1`` matches ``1.2.0rc1``).
"""

from __future__ import annotations

import tarfile
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from ._errors import ReleaseError
from ._project import Project
from ._version import Version

__all__ = ["Artifact", "DistCheck", "check_dist", "find_artifacts", "read_metadata"]


class ArtifactError(ReleaseError):
    """An artifact is missing, unreadable, or not the release it claims to be."""


@dataclass(frozen=True)
class Artifact:
    """One built distribution file and the metadata inside it."""

    path: Path
    kind: str  # "wheel" or "sdist"
    name: str  # metadata Name, as written
    version: str  # metadata Version, as written
    metadata: str  # the raw METADATA / PKG-INFO text


@dataclass(frozen=True)
class DistCheck:
    """The result of :func:`check_dist`."""

    artifacts: tuple[Artifact, ...]
    version: Version
    tag: str | None


def _kind(path: Path) -> str | None:
    if path.name.endswith(".whl"):
        return "wheel"
    if path.name.endswith((".tar.gz", ".zip")):
        return "sdist"
    return None


def find_artifacts(dist: Path) -> list[Path]:
    """The wheels and sdists directly in ``dist`` (sorted), ignoring SBOMs, sums and the rest."""
    if not dist.is_dir():
        return []
    return sorted(p for p in dist.iterdir() if p.is_file() and _kind(p) is not None)


def read_metadata(path: Path) -> Artifact:
    """Open a wheel or sdist and read its core metadata; raise naming the file if it cannot."""
    kind = _kind(path)
    try:
        if kind == "wheel":
            with zipfile.ZipFile(path) as zf:
                names = [
                    n
                    for n in zf.namelist()
                    if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
                ]
                if len(names) != 1:
                    raise ArtifactError(f"{path} has no .dist-info/METADATA: it is not a wheel.")
                text = zf.read(names[0]).decode("utf-8")
        elif kind == "sdist" and path.name.endswith(".tar.gz"):
            with tarfile.open(path, "r:gz") as tf:
                members = [
                    m
                    for m in tf.getmembers()
                    if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")
                ]
                if len(members) != 1:
                    raise ArtifactError(f"{path} has no top-level PKG-INFO: it is not an sdist.")
                fh = tf.extractfile(members[0])
                assert fh is not None
                text = fh.read().decode("utf-8")
        else:
            raise ArtifactError(f"{path} is neither a wheel nor a .tar.gz sdist.")
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path} cannot be read ({exc}): rebuild it.") from None
    headers = HeaderParser().parsestr(text)
    name, version = headers.get("Name"), headers.get("Version")
    if not name or not version:
        raise ArtifactError(f"{path} has metadata without Name or Version: rebuild it.")
    return Artifact(path, kind, str(name), str(version), text)


def _same_name(a: str, b: str) -> bool:
    from packaging.utils import canonicalize_name

    return canonicalize_name(a) == canonicalize_name(b)


def check_dist(
    project: Project,
    dist: Path | None = None,
    *,
    require_tag: bool = False,
) -> DistCheck:
    """Check that ``dist`` holds exactly this release's artifacts, and return them.

    * there is at least one artifact, and all are of one version;
    * each artifact's metadata name and version equal the project's;
    * when HEAD carries a release tag, its version equals theirs (as PEP 440);
    * with ``require_tag``, HEAD must carry a release tag.
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
    for a in artifacts:
        if not _same_name(a.name, project.name):
            raise ArtifactError(
                f"{a.path.name} is the distribution '{a.name}', expected '{project.name}' "
                f"(from {project.pyproject_path})."
            )
        if not _parses(a.version) or Version.parse(a.version) != version:
            raise ArtifactError(
                f"{a.path.name} has version {a.version}, expected {version.pep440} "
                f"(from {project.pyproject_path}): rebuild it."
            )
    fmt = project.config.tags
    tagged = [(t, fmt.parse(t)) for t in project.git.tags_at("HEAD")]
    release_tags = [(t, v) for t, v in tagged if v is not None]
    for tag_name, tag_version in release_tags:
        for a in artifacts:
            if tag_version != Version.parse(a.version):
                raise ArtifactError(
                    f"{a.path.name} has version {a.version}, but HEAD carries the release tag "
                    f"{tag_name} ({tag_version.pep440}): rebuild from the tagged commit."
                )
    tag = release_tags[0][0] if release_tags else None
    if require_tag and tag is None:
        raise ArtifactError(
            f"HEAD carries no release tag of the form '{fmt.template}': these artifacts are not "
            "a tagged release (run a bump first, or pass --allow-untagged for a test index)."
        )
    return DistCheck(artifacts, version, tag)


def _parses(text: str) -> bool:
    try:
        Version.parse(text)
    except ReleaseError:
        return False
    return True
