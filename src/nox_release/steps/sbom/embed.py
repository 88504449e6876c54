"""The wheel rewrite for ``--embed``: the SBOM under ``.dist-info/sboms/`` (PEP 770), a new RECORD.

Written by hand: no dependency of nox-release offers it (``wheel``'s Python API is not public).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import zipfile
from pathlib import Path

from nox_release._errors import SbomError
from nox_release.steps.sbom.wheel import dist_info_name

__all__ = ["embed_sbom"]


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def embed_sbom(wheel: Path, filename: str, data: bytes) -> bytes:
    """The bytes of ``wheel`` with ``data`` at ``<dist-info>/sboms/<filename>`` (PEP 770).

    Every other entry is copied as it is (content, timestamps, permissions); an SBOM of the same
    name is replaced; RECORD is written anew from the actual contents (sha256 and size of every
    file, RECORD itself unhashed). The same input gives the same bytes.
    """
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(wheel) as src:
            dist_info = dist_info_name(src, wheel)
            record_name = f"{dist_info}/RECORD"
            target = f"{dist_info}/sboms/{filename}"
            infos = src.infolist()
            record_info = next((i for i in infos if i.filename == record_name), None)
            metadata_info = src.getinfo(f"{dist_info}/METADATA")
            rows: list[tuple[str, str, str]] = []
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in infos:
                    if info.filename in (record_name, target):
                        continue
                    content = src.read(info)
                    dst.writestr(info, content)
                    if not info.is_dir():
                        rows.append((info.filename, _record_hash(content), str(len(content))))
                sbom_info = zipfile.ZipInfo(target, date_time=metadata_info.date_time)
                sbom_info.compress_type = zipfile.ZIP_DEFLATED
                sbom_info.external_attr = metadata_info.external_attr or (0o644 << 16)
                dst.writestr(sbom_info, data)
                rows.append((target, _record_hash(data), str(len(data))))
                rows.append((record_name, "", ""))
                text = io.StringIO()
                csv.writer(text, lineterminator="\n").writerows(rows)
                if record_info is None:
                    record_info = zipfile.ZipInfo(record_name, date_time=metadata_info.date_time)
                    record_info.compress_type = zipfile.ZIP_DEFLATED
                    record_info.external_attr = metadata_info.external_attr
                dst.writestr(record_info, text.getvalue().encode("utf-8"))
    except (OSError, zipfile.BadZipFile) as exc:
        raise SbomError(f"{wheel} cannot be read ({exc}): rebuild it.") from None
    return out.getvalue()
