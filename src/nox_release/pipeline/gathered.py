"""The release of a gathered wheelhouse: the tag exists, the wheels were built elsewhere.

The tag job has bumped, tagged and pushed; a build matrix made one wheel per platform at the
tag; this checks the gathered folder, describes every wheel, validates the one that installs
here and publishes the set. Every step is idempotent (publish skips what the index has), so a
failed run is simply run again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nox_release._errors import ReleaseError
from nox_release.adapters.project import Project
from nox_release.core.log import Log, quiet
from nox_release.steps.publish import publish as publish_step
from nox_release.steps.validate import validate
from nox_release.steps.verify import DistCheck, twine_check
from nox_release.steps.wheelhouse import wheelhouse_sbom

__all__ = ["release_gathered"]


def release_gathered(
    root: Path | str,
    dist: Path | str,
    *,
    publish: bool | None = None,
    repository: str | None = None,
    index_url: str | None = None,
    find_links: Sequence[Path | str] = (),
    no_index: bool = False,
    yes: bool = True,
    dry_run: bool = False,
    log: Log = quiet,
) -> DistCheck:
    """check (the tag on HEAD required) -> sbom per wheel -> validate -> publish (when asked)."""
    project = Project(root)
    folder = Path(dist) if Path(dist).is_absolute() else project.root / dist
    steps = ["check", "sbom", "validate"] + (
        ["publish"] if (project.config.publish if publish is None else publish) else []
    )
    checked = twine_check(project, dist=folder, require_tag=True, log=log)
    if dry_run:
        log(f"would run on {folder} ({checked.tag}): {' -> '.join(steps)}")
        return checked
    try:
        step = "sbom"
        wheelhouse_sbom(project, folder, find_links=find_links, no_index=no_index, log=log)
        step = "validate"
        validate(project, dist=folder, find_links=find_links, no_index=no_index, log=log)
        if "publish" in steps:
            step = "publish"
            publish_step(
                project, repository=repository, index_url=index_url, dist=folder, yes=yes, log=log
            )
    except ReleaseError as exc:
        raise ReleaseError(
            f"the release of the gathered {folder} ({checked.tag}) stopped at step '{step}': "
            f"{exc} -- fix that and run it again (every step is safe to repeat)"
        ) from None
    log(f"released the gathered {folder} ({checked.tag}): {' -> '.join(steps)}")
    return checked
