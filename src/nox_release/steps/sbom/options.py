"""The sbom step's options, resolved against the configuration and checked before any work."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nox_release._errors import SbomError
from nox_release.adapters.dist import CHECKSUMS, find_artifacts
from nox_release.adapters.files import real
from nox_release.adapters.history import head_epoch
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, find_uv
from nox_release.core.log import Log
from nox_release.steps.sbom.installer import Installer, choose_installer, is_uv_lock, lock_file
from nox_release.steps.sbom.wheel import pick_wheel, wheel_stem
from nox_release.steps.verify import check_dist

#: Called with ("cyclonedx", the document as a dict) and ("spdx", the spdx-tools Document) just
#: before each is validated: the seam through which the tests make a document invalid.
ValidateHook = Callable[[str, Any], None]


@dataclass(frozen=True)
class SbomOptions:
    """The keyword options of :func:`sbom`, resolved against the project's configuration."""

    project: Project
    embed: bool
    lock: str | Path | None  # as given or configured; checked against the disk later
    dist: Path
    index_args: tuple[str, ...]  # where packages come from, for the installer
    secrets: tuple[str, ...]  # credentials in index_args, never shown
    installer: str  # auto, uv or pip; checked later
    runner: Runner
    log: Log
    dry_run: bool
    before_validate: ValidateHook | None
    wheel: Path | None = None  # one wheel of a wheelhouse; documents named for the wheel file


@dataclass(frozen=True)
class SbomTarget:
    """The checked wheel, what describes it and the files that will be written."""

    wheel: Path
    name: str
    version: str
    stem: str  # <name>-<version> as the wheel's .dist-info spells it
    lock: Path | None
    installer: Installer
    epoch: int | None
    cyclonedx: Path
    spdx: Path
    sums: Path
    rewrite_sums: bool  # the build step's SHA256SUMS; the wheel's hash changes


# -- resolving the options -----------------------------------------------------------------------


def lock_option(project: Project, lock: str | Path | bool | None) -> str | Path | None:
    """``lock``, else the ``sbom-lock`` key; False: no lock even if the key is set."""
    value = project.config.sbom_lock if lock is None else (None if lock is False else lock)
    if lock is None and isinstance(value, str):
        where = real(project.root / value)
        if not where.is_relative_to(real(project.root)):
            raise SbomError(
                f"sbom-lock '{value}' in [tool.nox-release] is {where}, outside the project: "
                "name a lock file inside it, such as 'uv.lock'"
            )
    if value is True:
        raise SbomError("lock=True names no file: pass the path of uv.lock or a requirements file.")
    return value or None


def redact_secrets(options: SbomOptions) -> None:
    """Have the runner hide the credentials too, when it is one that can."""
    run = options.runner
    if options.secrets and isinstance(run, SubprocessRunner):
        run.redact.extend(s for s in options.secrets if s not in run.redact)


def _epoch(project: Project) -> int | None:
    """``SOURCE_DATE_EPOCH``, else the HEAD commit's time, else None (documents then differ)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is not None and raw.strip():
        if not raw.strip().isdigit():
            raise SbomError(
                f"SOURCE_DATE_EPOCH is {raw!r}, not a number of seconds since 1970: "
                "set it to an integer (for example $(git log -1 --format=%ct)) or unset it."
            )
        return int(raw)
    return head_epoch(project) if project.git.head() is not None else None


# -- checking ------------------------------------------------------------------------------------


def check_inputs(options: SbomOptions) -> SbomTarget:
    """Every check before the first write (and before the environment is made)."""
    project, dist = options.project, options.dist
    if not any(p.name.endswith(".whl") for p in find_artifacts(dist)):
        pick_wheel(dist, [])  # no wheel: say so before judging the rest of dist/
    # twine check --strict is the twine-check step's business; the SBOM needs the right wheel.
    checked = check_dist(project, dist, twine=False)
    wheels = [a.path for a in checked.artifacts if a.kind == "wheel"]
    wheel = options.wheel if options.wheel in wheels else pick_wheel(dist, wheels)
    artifact = next(a for a in checked.artifacts if a.path == wheel)
    lock = lock_file(project, options.lock) if options.lock else None
    installer = choose_installer(options.installer)
    if lock is not None and is_uv_lock(lock) and find_uv() is None:
        raise SbomError(f"{lock} is a uv lock file and needs uv to be read: install uv.")
    epoch = _epoch(project)
    stem = wheel_stem(wheel)
    named = wheel.name.removesuffix(".whl") if options.wheel is not None else stem
    sums = dist / CHECKSUMS
    return SbomTarget(
        wheel=wheel,
        name=artifact.name,
        version=artifact.version,
        stem=stem,
        lock=lock,
        installer=installer,
        epoch=epoch,
        cyclonedx=dist / f"{named}.cdx.json",
        spdx=dist / f"{named}.spdx.json",
        sums=sums,
        rewrite_sums=options.embed and sums.is_file(),
    )
