"""Integrity of one artifact file: wheel RECORD hashes and sizes, sdist layout, file names.

Written by hand: twine checks only the metadata, and neither pip nor uv verify RECORD before
installing; the ``wheel`` package does, but nox-release does not depend on it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import tarfile
import zipfile

from nox_release._errors import ArtifactError
from nox_release.adapters.dist import Artifact, same_name

__all__ = ["check_integrity"]

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
    """The name and version in the file name equal the metadata's."""
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


# -- wheels -----------------------------------------------------------------------------------
def _check_wheel(artifact: Artifact) -> None:
    """The wheel's file name, then its members against its RECORD and RECORD against them."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    path = artifact.path
    try:
        name, version, _build, _tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as exc:
        raise ArtifactError(f"{path.name} is not a valid wheel file name ({exc}).") from None
    _check_filename(artifact, name, str(version))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _wheel_members(zf, path.name)
            names = [i.filename for i in infos]
            record_name, listed = _read_record(zf, names, path.name)
            dist_info = record_name.rsplit("/", 1)[0]
            unsigned = {record_name, f"{dist_info}/RECORD.jws", f"{dist_info}/RECORD.p7s"}
            for info in infos:
                if info.filename not in unsigned:
                    _check_member(zf, info, listed, path.name)
            _check_record_complete(listed, set(names), unsigned, path.name)
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError, csv.Error) as exc:
        raise ArtifactError(f"{path.name} cannot be read ({exc}): rebuild it.") from None


def _wheel_members(zf: zipfile.ZipFile, filename: str) -> list[zipfile.ZipInfo]:
    """The wheel's files (folders left out); raise when one is stored twice."""
    infos = [i for i in zf.infolist() if not i.filename.endswith("/")]
    names = [i.filename for i in infos]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ArtifactError(f"{filename} stores {dupes[0]} more than once: rebuild the wheel.")
    return infos


def _read_record(
    zf: zipfile.ZipFile, names: list[str], filename: str
) -> tuple[str, dict[str, tuple[str, str]]]:
    """The ``.dist-info/RECORD`` member's name and its rows: path -> (hash, size)."""
    records = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
    if len(records) != 1:
        raise ArtifactError(f"{filename} has no .dist-info/RECORD: rebuild the wheel.")
    record_name = records[0]
    text = zf.read(record_name).decode("utf-8")
    listed: dict[str, tuple[str, str]] = {}
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if len(row) != 3:
            raise ArtifactError(
                f"{filename}: {record_name} has a malformed line {row!r}: rebuild the wheel."
            )
        listed[row[0]] = (row[1], row[2])
    return record_name, listed


def _check_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    listed: dict[str, tuple[str, str]],
    filename: str,
) -> None:
    """One member is listed in RECORD with a strong hash, and its hash and size match."""
    member = info.filename
    if member not in listed:
        raise ArtifactError(
            f"{filename} holds {member}, which its RECORD does not list: the wheel "
            "was edited after it was built; rebuild it."
        )
    hash_field, size_field = listed[member]
    algo, _, expected = hash_field.partition("=")
    if not expected or algo in _WEAK_HASHES or algo not in hashlib.algorithms_guaranteed:
        raise ArtifactError(
            f"{filename}: RECORD gives {member} the hash '{hash_field}', not a "
            "sha256 (or stronger) digest: rebuild the wheel."
        )
    data = zf.read(info)
    found = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode("ascii")
    if found != expected.rstrip("="):
        raise ArtifactError(
            f"{filename}: {member} does not match its RECORD hash "
            f"({algo}={found}, RECORD says {hash_field}): the wheel was edited after "
            "it was built; rebuild it."
        )
    if size_field and size_field != str(len(data)):
        raise ArtifactError(
            f"{filename}: {member} is {len(data)} bytes, RECORD says {size_field}: "
            "the wheel was edited after it was built; rebuild it."
        )


def _check_record_complete(
    listed: dict[str, tuple[str, str]], present: set[str], unsigned: set[str], filename: str
) -> None:
    """Every RECORD row names a member the wheel holds."""
    for member in listed:
        if member not in present and member not in unsigned:
            raise ArtifactError(
                f"{filename}: RECORD lists {member}, which the wheel does not hold: "
                "rebuild the wheel."
            )


# -- sdists -----------------------------------------------------------------------------------
def _check_sdist(artifact: Artifact) -> None:
    """The sdist's file name, and every member in one top-level folder with the required files."""
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
