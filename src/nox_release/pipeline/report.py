"""What a release tells: the dry run's plan, the summary, the files made, GITHUB_OUTPUT."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from nox_release._errors import ReleaseError
from nox_release.adapters.credentials import redact_url
from nox_release.adapters.dist import find_artifacts
from nox_release.adapters.project import Project
from nox_release.core.log import Log
from nox_release.core.paths import relpath
from nox_release.core.version import Version
from nox_release.pipeline.journal import Journal
from nox_release.pipeline.preflight import released_projects

__all__ = ["github_output", "log_plan", "released_files", "summary"]


def log_plan(
    project: Project,
    version: Version,
    tag: str,
    steps: Sequence[str],
    repository: str | None,
    log: Log,
) -> None:
    """The dry run's account of the steps after the bump."""
    for p in released_projects(project):
        log(
            f"build: {p.name} {version.pep440} (sdist and wheel) into "
            f"{relpath(p.root / p.config.dist_dir, project.root)}"
        )
        log(f"sbom: {p.name}-{version.pep440}.cdx.json and .spdx.json")
        log("check: twine check --strict, RECORD, name/version = tag")
        if "publish" in steps:
            log(f"publish: to {redact_url(repository or p.config.repository)}")
    if "push" in steps:
        log(
            f"$ git push --atomic {project.config.remote} "
            f"refs/heads/{project.git.branch()} refs/tags/{tag}"
        )
    log(f"steps: {' -> '.join(steps)}")


def released_files(project: Project) -> tuple[list[Path], list[Path]]:
    """The distributions and the SBOMs in the dist folders of the released projects."""
    artifacts: list[Path] = []
    sboms: list[Path] = []
    for p in released_projects(project):
        dist = p.root / p.config.dist_dir
        artifacts += find_artifacts(dist)
        sboms += sorted(dist.glob("*.cdx.json")) + sorted(dist.glob("*.spdx.json"))
    return artifacts, sboms


def summary(
    project: Project,
    journal: Journal,
    ran: Sequence[str],
    artifacts: Sequence[Path],
    sboms: Sequence[Path],
    steps: Sequence[str],
) -> str:
    """The release's summary: each step (done now, done earlier, skipped) and the files made."""
    rows = [f"release {journal.version} (tag {journal.tag}) of {project.name}"]
    for step in steps:
        state = "done now" if step in ran else "done earlier" if step in journal.done else "skipped"
        rows.append(f"  {step:<8} {state}")
    for path in [*artifacts, *sboms]:
        rows.append(f"  -> {relpath(path, project.root)}")
    return "\n".join(rows)


def github_output(
    version: Version,
    tag: str,
    artifacts: Sequence[Path],
    sboms: Sequence[Path],
    notes: Path | None = None,
) -> None:
    """Append the release's outputs to the ``GITHUB_OUTPUT`` file, when there is one."""
    try:
        _write_github_output(version, tag, artifacts, sboms, notes)
    except OSError as exc:
        raise ReleaseError(
            f"the release of {version.pep440} is complete, but GITHUB_OUTPUT "
            f"({os.environ.get('GITHUB_OUTPUT')}) could not be written: {exc}."
        ) from None


def _write_github_output(
    version: Version,
    tag: str,
    artifacts: Sequence[Path],
    sboms: Sequence[Path],
    notes: Path | None,
) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    lines = [
        f"version={version.pep440}",
        f"tag={tag}",
        f"prerelease={'true' if version.is_prerelease else 'false'}",
        f"artifacts={json.dumps([str(p) for p in artifacts])}",
        f"sboms={json.dumps([str(p) for p in sboms])}",
    ]
    wheels = [str(p) for p in artifacts if p.name.endswith(".whl")]
    sdists = [str(p) for p in artifacts if p.name.endswith(".tar.gz")]
    if wheels:
        lines.append(f"wheel={wheels[0]}")
    if sdists:
        lines.append(f"sdist={sdists[0]}")
    if notes is not None:
        lines.append(f"notes-file={notes}")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
