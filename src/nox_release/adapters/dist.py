"""Built distributions on disk: which files are artifacts, their metadata, and their hashes."""

from __future__ import annotations

import hashlib
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

from nox_release._errors import ArtifactError, ConfigError
from nox_release.adapters.files import Transaction, real
from nox_release.adapters.git import Git

__all__ = [
    "CHECKSUMS",
    "STALE_DIR",
    "Artifact",
    "checked_dist",
    "checksums_text",
    "find_artifacts",
    "read_metadata",
    "same_name",
    "sha256_file",
    "sha256_stream",
    "write_checksums",
]

#: Where files already in ``dist/`` are moved before new artifacts arrive (hidden, so that
#: ``twine upload dist/*`` and :func:`find_artifacts` never see it).
STALE_DIR = ".stale"
CHECKSUMS = "SHA256SUMS"


@dataclass(frozen=True)
class Artifact:
    """One built distribution file and the metadata inside it."""

    path: Path
    kind: str  # "wheel" or "sdist"
    name: str  # metadata Name, as written
    version: str  # metadata Version, as written
    metadata: str  # the raw METADATA / PKG-INFO text


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


def _made_by_us(path: Path) -> bool:
    """A file nox-release puts into ``dist/``: an artifact, an SBOM, the checksums, the notes."""
    name = path.name
    return (
        _kind(path) is not None
        or name == CHECKSUMS
        or name.endswith((".cdx.json", ".spdx.json", ".notes.md"))
    )


def checked_dist(root: Path, dist_dir: str, git: Git) -> list[Path]:
    """``root/dist_dir`` may be written: inside the project (symlinks followed) but not the
    project itself, holding no tracked file and no file nox-release did not make. Returns the
    files there a new build moves aside (all of them are nox-release's own)."""
    dist, top = real(root / dist_dir), real(root)
    if dist == top or not dist.is_relative_to(top) or ".git" in dist.relative_to(top).parts:
        raise ConfigError(
            f"dist-dir '{dist_dir}' is {dist}, which is not a folder inside the project {top}: "
            'set dist-dir in [tool.nox-release] to a folder of its own, such as "dist"'
        )
    if not dist.is_dir():
        return []
    tracked = sorted(git.tracked([dist]))
    if tracked:
        raise ConfigError(
            f"dist-dir '{dist_dir}' holds files tracked by git ({', '.join(tracked[:3])}), which "
            'a build would move away: set dist-dir to a folder of its own, such as "dist"'
        )
    files = sorted(p for p in dist.iterdir() if p.is_file() and not p.name.startswith("."))
    foreign = [p.name for p in files if not _made_by_us(p)]
    if foreign:
        raise ConfigError(
            f"dist-dir '{dist_dir}' holds {', '.join(foreign[:3])}, which nox-release did not "
            "make and will not move: move it out, or set dist-dir to a folder of its own"
        )
    return files


def sha256_stream(stream: Any) -> str:
    """The hex sha256 of everything ``stream.read()`` gives (a file, an HTTP response)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    with path.open("rb") as fh:
        return sha256_stream(fh)


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


def same_name(a: str, b: str) -> bool:
    from packaging.utils import canonicalize_name

    return canonicalize_name(a) == canonicalize_name(b)


def checksums_text(paths: Iterable[Path], contents: Mapping[Path, bytes] | None = None) -> str:
    """``SHA256SUMS`` in ``sha256sum`` format for ``paths``; ``contents`` gives the bytes of
    files that are about to be replaced (the sbom step's embedded wheel), instead of the disk's."""
    lines = []
    for path in sorted(paths):
        data = contents.get(path) if contents is not None else None
        digest = hashlib.sha256(data).hexdigest() if data is not None else sha256_file(path)
        lines.append(f"{digest}  {path.name}\n")
    return "".join(lines)


def write_checksums(dist: Path, paths: list[Path] | None = None) -> Path:
    """Write ``dist/SHA256SUMS`` (``sha256sum`` format) for ``paths`` (default: the artifacts),
    atomically: a reader sees the old file or the new one, never a part."""
    out = dist / CHECKSUMS
    with Transaction() as txn:
        txn.write({out: checksums_text(paths if paths is not None else find_artifacts(dist))})
    return out
