"""The bump step: check everything, plan the edits, then write, commit and tag in one go."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from nox_release._errors import BumpError, ReleaseError, VersionError, VersionSourceError
from nox_release.adapters.apply import apply_plan, check_plan
from nox_release.adapters.files import read_text
from nox_release.adapters.history import (
    check_repository,
    drop_tag_commits,
    iter_release_tags,
    newest_release_tag,
    release_tags_at,
    start_tag_commits,
)
from nox_release.adapters.intent import recover
from nox_release.adapters.lock import ReleaseLock
from nox_release.adapters.project import Project
from nox_release.core.branches import check_branch_rule
from nox_release.core.channels import check_channel
from nox_release.core.log import Log, quiet
from nox_release.core.output import bump_line, push_command
from nox_release.core.paths import relpath
from nox_release.core.plan import FileChange, Plan, StepHook
from nox_release.core.version import Part, Version
from nox_release.steps.changelog.ahead import prepare_changelog
from nox_release.steps.changelog.section import release_changelog_changes

__all__ = [
    "BumpResult",
    "bump",
    "changed",
    "check_release",
    "check_versions",
    "computer",
    "plan_release_commit",
    "prepare_release",
    "release_version",
    "remote_warnings",
    "settle",
]


@dataclass(frozen=True)
class BumpResult:
    """What a bump did (or, with ``dry_run``, would do)."""

    previous: Version
    version: Version
    tag: str
    plan: Plan
    applied: bool
    commit: str | None = None
    warnings: tuple[str, ...] = field(default=())


def check_release(project: Project, version: Version, tag: str, *, dry_run: bool = False) -> None:
    """Every local check a release of ``version`` as ``tag`` passes before its first write:
    repository, branch rules, tags (the remote's answer: :func:`remote_warnings`). A ``dry_run``
    accepts uncommitted changes."""
    check_repository(project, dirty_ok=dry_run)
    branch = project.git.branch()
    check_branch_rule(branch, project.config.release_branch_format, version)
    check_channel(branch, project.config.prerelease_branches, version)
    if project.git.tag_exists(tag):
        raise BumpError(
            f"tag {tag} already exists: released tags are never moved, deleted or overwritten; "
            "bump to a later version."
        )
    tags = iter_release_tags(project)
    highest = next(tags, None)
    if highest is None or version > highest.version:
        return  # above every tag, it is none of them and above the reachable ones (no walk)
    same = next((t for t in chain((highest,), tags) if t.version == version), None)
    if same is not None:
        raise BumpError(
            f"{version.pep440} is already tagged as {same.name}: released versions are never "
            "reused; bump to a later version."
        )
    newest = newest_release_tag(project)
    if newest is not None and not version > newest[1]:
        raise BumpError(
            f"{version.pep440} is not greater than {newest[1].pep440}, the newest release tag "
            f"({newest[0]}) reachable from HEAD: released versions are never reused."
        )


def prepare_release(project: Project, *, dry_run: bool = False) -> Callable[[str], object] | None:
    """Read ahead what a release of ``project`` needs whatever its version: the version
    sources and, for a dry run, the repository's state and the tags' commits; returns the
    reader of the range's pieces that renders the changelog's entries meanwhile (a dry run with
    the shipped changelog configuration), or None.

    Called while git walks the history for the version decision (``decide``'s ``meanwhile``),
    on the other core. Read-only: git's answers are remembered until something is written or
    the release lock is taken (which a release that is not a dry run takes next: so it asks
    git nothing here), and a failure is left for the checks to raise, in their order.
    """
    try:
        project.version()
        if not dry_run:
            return None
        check_repository(project, dirty_ok=True)
        project.git.dirty_files()
        if project.config.changelog and not project.git.is_shallow():
            return prepare_changelog(project)
    except ReleaseError:
        pass
    return None


def remote_warnings(project: Project, tag: str, on_remote: bool | None) -> list[str]:
    """The remote's answer about ``tag`` (``Git.remote_has_tag``): raises when it has it."""
    remote = project.config.remote
    if on_remote:
        raise BumpError(
            f"tag {tag} already exists on the remote '{remote}': fetch it ('git fetch --tags "
            f"{remote}') and bump to a later version."
        )
    if on_remote is None and project.git.remote_url(remote) is not None:
        return [f"could not reach the remote '{remote}': tag {tag} was checked locally only."]
    return []


class _Asked:
    """``git ls-remote`` for the tag in a thread of its own, while the changelog is rendered."""

    def __init__(self, project: Project, tag: str) -> None:
        self._answer: list[bool | None] = []
        self._thread = threading.Thread(
            target=lambda: self._answer.append(
                project.git.remote_has_tag(project.config.remote, tag)
            ),
            daemon=True,  # an error elsewhere does not wait for a slow remote
        )
        self._thread.start()

    def result(self) -> bool | None:
        self._thread.join()
        return self._answer[0] if self._answer else None


def _fill(template: str, version: Version, tag: str, previous: Version) -> str:
    try:
        semver = version.semver
    except VersionError:
        semver = version.pep440
    return (
        template.replace("{tag}", tag)
        .replace("{version}", version.pep440)
        .replace("{semver}", semver)
        .replace("{previous}", previous.pep440)
    )


def version_changes(project: Project, version: Version) -> list[FileChange]:
    """The edits that write ``version`` into every source (several sources per file compose)."""
    by_path: dict[Path, str] = {}
    before: dict[Path, str] = {}
    for source in project.sources():
        if source.path not in by_path:
            before[source.path] = read_text(source.path)
            by_path[source.path] = before[source.path]
        by_path[source.path] = source.write(by_path[source.path], version)
    changes = [FileChange(p, before[p], by_path[p]) for p in by_path]
    for change in changes:  # a source must really have changed, or the files would lie
        if change.before == change.after:
            raise VersionSourceError(f"writing {version.pep440} left {change.path} unchanged.")
    return changes


def plan_release_commit(
    project: Project,
    previous: Version,
    version: Version,
    *,
    extra: tuple[FileChange, ...] = (),
) -> Plan:
    """The plan of a release commit: every version source, ``extra`` edits, commit and tag."""
    cfg = project.config
    tag = cfg.tags.render(version)
    changes = (*version_changes(project, version), *extra)
    return Plan(
        root=project.git.toplevel(),
        changes=tuple(changes),
        # A tag-derived version with no changelog to write is released by the tag alone.
        commit_message=_fill(cfg.commit_message, version, tag, previous) if changes else None,
        tag=tag,
        tag_message=_fill(cfg.tag_message, version, tag, previous),
        sign_tag=cfg.sign_tags,
        notes=(f"{project.name}: {previous.pep440} -> {version.pep440} (tag {tag})",),
    )


#: Extra files a release commit carries (the changelog); set by the changelog step.
ExtraChanges = Callable[[Project, Version, str, Log], tuple[FileChange, ...]]


def _changelog_changes(
    project: Project, version: Version, tag: str, log: Log
) -> tuple[FileChange, ...]:
    if not project.config.changelog:
        return ()
    if project.git.is_shallow():
        raise BumpError(
            "this is a shallow clone, so the changelog section of the release cannot be complete: "
            "fetch the history ('git fetch --unshallow'), or set changelog = false"
        )
    return release_changelog_changes(project, version, tag, log=log)


def release_version(
    project: Project,
    compute: Callable[[Version], Version],
    *,
    dry_run: bool = False,
    log: Log = quiet,
    before_step: StepHook | None = None,
    extra: ExtraChanges | None = _changelog_changes,
) -> BumpResult:
    """Check, plan and (unless ``dry_run``) apply the release of ``compute(current)``.

    Not a dry run: under the repository lock, after settling a bump a kill interrupted (one
    committed but not tagged is finished, and that is the result; written files are put back).
    """
    if dry_run:
        return _release_version(project, compute, True, log, before_step, extra)
    with ReleaseLock(project.git, "bump"):
        finished = settle(project, log)
        if finished is not None:
            return finished
        return _release_version(project, compute, False, log, before_step, extra)


def settle(project: Project, log: Log = quiet) -> BumpResult | None:
    """Settle a bump a kill interrupted, under the lock: the files it wrote are put back, and
    one committed but not tagged is finished (that result is returned). Refused while a release
    is paused. Run before reading the version: the files may hold the interrupted bump's.
    """
    with ReleaseLock(project.git, "bump"):
        _refuse_during_release(project)
        if recover(project.git, finish=True) != "finished":
            return None
        version = project.version()
        tag = project.config.tags.render(version)
        log(f"finished the interrupted release of {version.pep440}: tagged {tag}")
        return BumpResult(version, version, tag, Plan(root=project.root), True, project.git.head())


def _refuse_during_release(project: Project) -> None:
    """A bump while a release is paused (its journal kept for resume or abort) is refused."""
    journal = project.git.state_dir() / "journal.json"
    if not journal.is_file():
        return
    try:
        tag = str(json.loads(journal.read_text(encoding="utf-8")).get("tag", "?"))
    except (OSError, ValueError, AttributeError):
        tag = "?"
    raise BumpError(
        f"the release of {tag} is in progress (stopped before it finished): finish it with "
        "'nox -s release' or undo it with 'nox -s release -- --abort', then bump"
    )


def _release_version(
    project: Project,
    compute: Callable[[Version], Version],
    dry_run: bool,
    log: Log,
    before_step: StepHook | None,
    extra: ExtraChanges | None,
) -> BumpResult:
    check_repository(project, dirty_ok=dry_run)
    if extra is _changelog_changes and project.config.changelog:
        start_tag_commits(project)  # git reads the tags while the release is checked
    try:
        return _checked_release(project, compute, dry_run, log, before_step, extra)
    finally:
        drop_tag_commits(project)  # the changelog took it, unless something failed first


def _checked_release(
    project: Project,
    compute: Callable[[Version], Version],
    dry_run: bool,
    log: Log,
    before_step: StepHook | None,
    extra: ExtraChanges | None,
) -> BumpResult:
    dirty = project.git.dirty_files() if dry_run else []
    if dirty:
        log(
            f"warning: uncommitted changes ({', '.join(dirty[:5])}): a dry run shows the plan "
            "anyway, the release itself needs them committed"
        )
    project.check_tag_format()
    previous = project.version()
    for note in project.notes:
        log(f"detected: {note}")
    if project.tag_derived:
        log(
            f"detected: the version comes from git tags ({project.detection.scm}): no file is written"
        )
    for warning in project.warnings:
        log(f"warning: {warning}")
    version = compute(previous)
    if not version > previous:
        raise BumpError(f"{version.pep440} is not greater than the current {previous.pep440}.")
    tag = project.config.tags.render(version)
    check_release(project, version, tag, dry_run=dry_run)
    asked = _Asked(project, tag)
    extra_changes = extra(project, version, tag, log) if extra is not None else ()
    warnings = remote_warnings(project, tag, asked.result())
    for warning in warnings:
        log(f"warning: {warning}")
    plan = plan_release_commit(project, previous, version, extra=extra_changes)
    check_plan(plan, project.git)
    if dry_run:
        log(plan.render())
        return BumpResult(previous, version, tag, plan, applied=False, warnings=tuple(warnings))
    commit = apply_plan(plan, project.git, before_step=before_step)
    log(bump_line(project.name, previous.pep440, version.pep440, changed(plan), commit, tag))
    branch = project.git.branch() or "HEAD"
    log(f"not pushed: to push, run '{push_command(project.config.remote, branch, tag)}'")
    return BumpResult(previous, version, tag, plan, True, commit, tuple(warnings))


def bump(
    root: Path | str = ".",
    part: str = "patch",
    *,
    pre: str | None = None,
    dry_run: bool = False,
    log: Log = quiet,
    before_step: StepHook | None = None,
) -> BumpResult:
    """Bump ``part`` (``major``, ``minor``, ``patch``, ``pre``, ``final`` or ``post``).

    For ``pre``, ``pre`` names the kind to move to (None: advance the number); for the
    others it starts a pre-release of that kind. Everything is checked before the first write;
    on failure nothing is left changed.
    """
    compute = computer(part, pre)
    return release_version(
        Project(root), compute, dry_run=dry_run, log=log, before_step=before_step
    )


def computer(part: str, pre: str | None) -> Callable[[Version], Version]:
    if part in ("major", "minor", "patch"):
        p: Part = part  # type: ignore[assignment]
        return lambda v: v.bump(p, pre)
    if part == "pre":
        return lambda v: v.bump_pre(pre)
    if part == "final":
        return lambda v: v.finalize()
    if part == "post":
        return lambda v: v.bump_post()
    raise BumpError(
        f"'{part}' is not a bump: use major, minor, patch, pre, final, post or an exact version "
        "such as 2.0.3"
    )


def changed(plan: Plan) -> list[str]:
    """The files a plan changes, relative to the project."""
    return [relpath(c.path, plan.root) for c in plan.changes if c.before != c.after]


def check_versions(root: Path | str = ".") -> tuple[Version, str | None]:
    """``release-check``: every source agrees and, when HEAD carries a release tag, equals it.

    Returns the version and the release tag on HEAD (or None); raises naming what disagrees.
    """
    project = Project(root)
    version = project.version()
    releases = release_tags_at(project)
    for tag in releases:
        if tag.version != version:
            raise VersionSourceError(
                f"HEAD carries the release tag {tag.name} ({tag.version}) but the version sources "
                f"say {version.pep440}: the tag and the files must name the same version."
            )
    return version, (releases[0].name if releases else None)
