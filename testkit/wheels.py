"""Copies of a wheel with its members changed, to damage it or to give it another version."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["rewrite_wheel", "wheel_of_version"]


def _record(files: dict[str, bytes], record_name: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for member, data in files.items():
        if member == record_name:
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([member, f"sha256={digest}", str(len(data))])
    writer.writerow([record_name, "", ""])
    return out.getvalue().encode()


def rewrite_wheel(
    src: Path,
    dst: Path,
    edit: Callable[[dict[str, bytes]], dict[str, bytes]],
    *,
    fix_record: bool,
) -> Path:
    """Copy a wheel with its members changed by ``edit``; ``fix_record`` rewrites RECORD to match."""
    with zipfile.ZipFile(src) as zf:
        files = {info.filename: zf.read(info) for info in zf.infolist()}
    files = edit(files)
    if fix_record:
        record = next(n for n in files if n.endswith(".dist-info/RECORD"))
        files[record] = _record(files, record)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in files.items():
            zf.writestr(member, data)
    return dst


def wheel_of_version(src: Path, dist: Path, old: str, new: str) -> Path:
    """A valid wheel of the same project but version ``new`` (RECORD fixed), in ``dist``."""

    def edit(files: dict[str, bytes]) -> dict[str, bytes]:
        out = {}
        for member, data in files.items():
            member = member.replace(f"-{old}.dist-info/", f"-{new}.dist-info/")
            if member.endswith(".dist-info/METADATA"):
                data = data.replace(f"Version: {old}\n".encode(), f"Version: {new}\n".encode())
            out[member] = data
        return out

    return rewrite_wheel(src, dist / src.name.replace(old, new), edit, fix_record=True)
