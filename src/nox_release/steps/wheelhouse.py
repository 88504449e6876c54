"""A gathered wheelhouse: wheels for several platforms built elsewhere, one SBOM pair per wheel.

The checks of a gathered folder are :func:`nox_release.steps.verify.check_dist`'s (name, version
= tag, RECORD hashes, twine) plus its shape (:func:`nox_release.core.platforms.check_wheelhouse_shape`:
one sdist, one wheel per platform). The SBOM of a wheel for another platform is made by
installing it with ``uv pip install --python-platform`` (and ``--python-version``), which puts
that platform's dependencies into the environment cyclonedx-py reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename

from nox_release._errors import SbomError
from nox_release.adapters.dist import find_artifacts
from nox_release.adapters.project import Project
from nox_release.core.log import Log, quiet
from nox_release.core.platforms import uv_platform
from nox_release.steps.sbom import sbom
from nox_release.steps.sbom.step import SbomResult

__all__ = ["foreign_args", "wheelhouse_sbom"]


def foreign_args(wheel: Path) -> list[str] | None:
    """uv's options that install ``wheel`` here as on its own platform; None: it installs here."""
    tags = parse_wheel_filename(wheel.name)[3]
    if tags & set(sys_tags()):
        return None
    tag = sorted(tags, key=str)[0]
    platform = uv_platform(tag.platform)
    if platform is None:
        raise SbomError(
            f"{wheel.name} is for {tag.platform}, which uv cannot install for from here: make "
            "its SBOM on that platform (the matrix job that built it)"
        )
    args = ["--python-platform", platform]
    interpreter = tag.interpreter
    if interpreter[:2] in ("cp", "py") and len(interpreter) > 3:
        args += ["--python-version", f"{interpreter[2]}.{interpreter[3:]}"]
    return args


def wheelhouse_sbom(
    root: Project | Path | str,
    dist: Path | str,
    *,
    find_links: Sequence[Path | str] = (),
    no_index: bool = False,
    index_url: str | None = None,
    log: Log = quiet,
    dry_run: bool = False,
) -> list[SbomResult]:
    """CycloneDX and SPDX documents for every wheel in ``dist``, named for the wheel's file."""
    project = root if isinstance(root, Project) else Project(root)
    folder = Path(dist) if Path(dist).is_absolute() else project.root / dist
    wheels = [p for p in find_artifacts(folder) if p.name.endswith(".whl")]
    if not wheels:
        raise SbomError(f"{folder} holds no wheel: gather the built wheels there first")
    results = []
    for wheel in wheels:
        extra = foreign_args(wheel)
        results.append(
            sbom(
                project,
                dist=folder,
                wheel=wheel,
                find_links=find_links,
                no_index=no_index,
                index_url=index_url,
                installer_args=extra or (),
                installer="uv" if extra else "auto",
                embed=False,
                log=log,
                dry_run=dry_run,
            )
        )
    log(f"described {len(results)} wheel(s) of {folder}, one CycloneDX and SPDX pair each")
    return results
