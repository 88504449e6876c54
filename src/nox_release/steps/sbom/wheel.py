"""The built wheels: the one to describe, and the name of its ``.dist-info`` folder."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from nox_release._errors import SbomError


def pick_wheel(dist: Path, wheels: Sequence[Path]) -> Path:
    """The wheel to describe: the only one, or the best one this interpreter can install."""
    if not wheels:
        raise SbomError(
            f"{dist} holds no wheel: run the build session first ('nox -s build'); "
            "the SBOM describes the built wheel."
        )
    if len(wheels) == 1:
        return wheels[0]
    from packaging.tags import sys_tags
    from packaging.utils import parse_wheel_filename

    rank = {tag: i for i, tag in enumerate(sys_tags())}
    best: tuple[int, Path] | None = None
    for wheel in wheels:
        tags = parse_wheel_filename(wheel.name)[3]
        score = min((rank[t] for t in tags if t in rank), default=None)
        if score is not None and (best is None or score < best[0]):
            best = (score, wheel)
    if best is None:
        names = ", ".join(w.name for w in wheels)
        raise SbomError(
            f"none of the wheels in {dist} ({names}) installs on this interpreter "
            f"({sys.executable}): run the sbom session on a platform they support."
        )
    return best[1]


def dist_info_name(zf: zipfile.ZipFile, wheel: Path) -> str:
    names = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
    if len(names) != 1:
        raise SbomError(f"{wheel} has no single .dist-info/METADATA: rebuild it.")
    return names[0].split("/", 1)[0]


def wheel_stem(wheel: Path) -> str:
    """``<name>-<version>`` exactly as the wheel's ``.dist-info`` folder spells it."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            return dist_info_name(zf, wheel).removesuffix(".dist-info")
    except (OSError, zipfile.BadZipFile) as exc:
        raise SbomError(f"{wheel} cannot be read ({exc}): rebuild it.") from None
