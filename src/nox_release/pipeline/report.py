"""What a release tells: the dry run's plan, the summary, the files made, GITHUB_OUTPUT."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from nox_release._errors import ReleaseError
from nox_release.adapters.credentials import redact_url
from nox_release.adapters.dist import find_artifacts, sha256_file
from nox_release.adapters.project import Project
from nox_release.core.log import Log
from nox_release.core.output import artifact_line, push_command
from nox_release.core.paths import relpath
from nox_release.core.version import Version
from nox_release.pipeline.journal import STEPS, Journal
from nox_release.steps.bump import BumpResult, changed
from nox_release.steps.publish import PublishResult

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
    for p in project.released():
        log(
            f"build: {p.name} {version.pep440} (sdist and wheel) into "
            f"{relpath(p.root / p.config.dist_dir, project.root)}"
        )
        log(f"sbom: {p.name}-{version.pep440}.cdx.json and .spdx.json")
        log("check: twine check --strict, RECORD, name/version = tag")
        if "publish" in steps:
            log(f"publish: to {redact_url(repository or p.config.repository)}")
    if "push" in steps:
        log(f"$ {push_command(project.config.remote, project.git.branch() or 'HEAD', tag)}")
    log(f"steps: {' -> '.join(steps)}")


def released_files(project: Project) -> tuple[list[Path], list[Path]]:
    """The distributions and the SBOMs in the dist folders of the released projects."""
    artifacts: list[Path] = []
    sboms: list[Path] = []
    for p in project.released():
        dist = p.root / p.config.dist_dir
        artifacts += find_artifacts(dist)
        sboms += sorted(dist.glob("*.cdx.json")) + sorted(dist.glob("*.spdx.json"))
    return artifacts, sboms


#: How the summary says a step was not asked for.
_PAST = {"validate": "validated", "publish": "published", "push": "pushed"}

#: Steps the summary leaves out when the release has nothing for them to do.
_OPTIONAL = {"validate"}


def summary(
    project: Project,
    journal: Journal,
    ran: Sequence[str],
    artifacts: Sequence[Path],
    sboms: Sequence[Path],
    steps: Sequence[str],
    outcomes: Mapping[str, Sequence[object]] | None = None,
) -> str:
    """The release's summary, one screen: per step (done now, done earlier, not asked) what it
    did or, for publish and push, how to do it; the artifacts with size and sha256."""
    outcomes = outcomes or {}
    bumped = [o for o in outcomes.get("bump", ()) if isinstance(o, BumpResult)]
    versions = f"{bumped[0].previous.pep440} -> " if bumped else ""
    rows = [f"release {project.name} {versions}{journal.version} (tag {journal.tag})"]
    for step in STEPS:
        if step in _OPTIONAL and step not in steps and step not in journal.done:
            continue
        state = (
            "done now"
            if step in ran
            else "done earlier"
            if step in journal.done
            else f"not {_PAST[step]}"
            if step not in steps
            else "not done"
        )
        lines = _step_details(project, journal, step, artifacts, sboms, outcomes) or [""]
        rows.append(f"  {step:<8} {state:<12} {lines[0]}".rstrip())
        rows += [f"  {'':<8} {'':<12} {line}" for line in lines[1:]]
    return "\n".join(rows)


def _step_details(
    project: Project,
    journal: Journal,
    step: str,
    artifacts: Sequence[Path],
    sboms: Sequence[Path],
    outcomes: Mapping[str, Sequence[object]],
) -> list[str]:
    """What one step of the summary says."""
    if step == "bump":
        bumped = [o for o in outcomes.get("bump", ()) if isinstance(o, BumpResult)]
        files = f"{len(changed(bumped[0].plan))} files changed, " if bumped else ""
        return [f"{files}commit {journal.commit[:12]}, tag {journal.tag}"]
    if step == "build":
        width = max((len(p.name) for p in artifacts), default=0)
        return [
            artifact_line(p.name.ljust(width), p.stat().st_size, sha256_file(p)) for p in artifacts
        ]
    if step == "sbom":
        return [f"{p.name}{_components(p)}" for p in sboms]
    if step == "check":
        return [f"twine check --strict, RECORD hashes, name and version = tag {journal.tag}"]
    if step == "validate":
        count = len(project.config.validate)
        return [
            f"{count} command{'s' if count != 1 else ''} against the wheel in a fresh environment"
        ]
    if step == "publish":
        return _publish_details(journal, outcomes)
    command = push_command(project.config.remote, journal.branch, journal.tag)
    if step in journal.steps:
        return [f"{journal.branch} and {journal.tag} to {project.config.remote}"]
    return [f"to push: {command}"]


def _publish_details(journal: Journal, outcomes: Mapping[str, Sequence[object]]) -> list[str]:
    published = [o for o in outcomes.get("publish", ()) if isinstance(o, PublishResult)]
    if published:
        return [
            f"{len(r.uploaded)} sent, {len(r.skipped)} skipped (already there), verified: "
            f"{r.plan.target.shown}"
            for r in published
        ]
    if "publish" in journal.steps:
        return []
    return ["to publish: nox -s publish (or nox -s release -- --publish)"]


def _components(path: Path) -> str:
    """``": N components"`` of a CycloneDX document (the package and its dependencies)."""
    if not path.name.endswith(".cdx.json"):
        return ""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    count = len(doc.get("components", [])) + 1
    return f": {count} component{'' if count == 1 else 's'}"


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
