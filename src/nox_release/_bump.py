"""The bump step: check everything, plan the edits, then write, commit and tag in one go."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import BumpError, GitError, VersionError, VersionSourceError
from ._log import Log, quiet
from ._plan import FileChange, Plan, StepHook, apply_plan, read_text
from ._project import Project
from ._version import Part, Version

__all__ = [
    "BumpResult",
    "ReleaseTag",
    "bump",
    "check_versions",
    "first_reachable",
    "iter_release_tags",
    "newest_release_tag",
    "plan_release_commit",
    "preflight",
    "release_tags",
    "release_version",
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


@dataclass(frozen=True)
class ReleaseTag:
    """A tag that follows ``tag-format``: its name and the version it names."""

    name: str
    version: Version

    @property
    def ref(self) -> str:
        """The full ref name (unambiguous where a branch has the same name)."""
        return f"refs/tags/{self.name}"


# The epoch and release numbers at the start of a version: enough to order tags without parsing.
_RELEASE_PREFIX = re.compile(r"(?:(\d+)!)?(\d+(?:\.\d+)*)")


def iter_release_tags(project: Project) -> Iterator[ReleaseTag]:
    """Every tag of ``tag-format``, highest version first (reachability not checked).

    One ``git for-each-ref`` call that reads ref names only (no tag object, no history), so it
    costs the same on 10 tags and on 2,000. Tags that do not follow the format are left out.
    Versions are parsed lazily: the tags are grouped by epoch and release numbers (PEP 440's
    first sort keys) and only the groups reached are parsed and ordered exactly.
    """
    fmt = project.config.tags
    out = project.git.run("for-each-ref", "--format=%(refname:strip=2)", f"refs/tags/{fmt.glob}")
    groups: dict[tuple[int, tuple[int, ...]], list[str]] = {}
    for name in out.splitlines():
        text = fmt.version_text(name)
        m = _RELEASE_PREFIX.match(text) if text is not None else None
        if m is None:
            continue
        release = tuple(int(p) for p in m.group(2).split("."))
        while len(release) > 1 and release[-1] == 0:  # 1.2 == 1.2.0 in PEP 440
            release = release[:-1]
        groups.setdefault((int(m.group(1) or 0), release), []).append(name)
    for key in sorted(groups, reverse=True):
        tags = []
        for name in groups[key]:
            version = fmt.parse(name)
            if version is not None:
                tags.append(ReleaseTag(name, version))
        tags.sort(key=lambda t: (t.version, t.name), reverse=True)
        yield from tags


def release_tags(project: Project) -> list[ReleaseTag]:
    """Every tag of ``tag-format`` as a list, highest version first (see iter_release_tags)."""
    return list(iter_release_tags(project))


#: How many of the highest tags are checked one by one before one walk over all history.
_ANCESTOR_CHECKS = 8


def first_reachable(
    project: Project, tags: Iterable[ReleaseTag], rev: str = "HEAD"
) -> ReleaseTag | None:
    """The first of ``tags`` (highest version first) whose commit is reachable from ``rev``.

    ``git tag --merged`` walks the whole history from ``rev`` whatever the tags (0.55 s on
    100,000 commits). Here the highest tags are checked with ``git merge-base --is-ancestor``,
    which stops at the tag (the usual case: the highest tag is reachable); only when several
    higher tags are not (a maintenance branch far behind ``main``) does one ``--merged`` walk
    decide for the rest.
    """
    git = project.git
    candidates = iter(tags)
    for tag in itertools.islice(candidates, _ANCESTOR_CHECKS):
        if git.ok("merge-base", "--is-ancestor", tag.ref, rev):
            return tag
    merged: set[str] | None = None
    for tag in candidates:
        if merged is None:
            merged = set(git.tags(project.config.tags.glob, merged=rev))
        if tag.name in merged:
            return tag
    return None


def newest_release_tag(project: Project, rev: str = "HEAD") -> tuple[str, Version] | None:
    """The highest-versioned tag of ``tag-format`` reachable from ``rev``, or None."""
    tag = first_reachable(project, release_tags(project), rev)
    return None if tag is None else (tag.name, tag.version)


def check_repository(project: Project, *, detached_ok: bool = False) -> None:
    """The repository state every mutating step starts from: a commit, a branch, a clean tree.

    ``detached_ok`` accepts a detached HEAD (publish: CI checks out the release tag that way).
    """
    git = project.git
    git.toplevel()
    if git.head() is None:
        raise GitError(
            f"the repository at {project.root} has no commit yet: commit the project first."
        )
    if not detached_ok and git.branch() is None:
        raise GitError(
            "HEAD is detached: check out the branch to release from (for example 'git switch main')."
        )
    dirty = git.dirty_files()
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise GitError(
            f"the working tree has uncommitted changes ({shown}): commit or stash them first."
        )


def preflight(project: Project, version: Version, tag: str) -> list[str]:
    """Every check a release of ``version`` as ``tag`` must pass before its first write.

    Returns warnings (things that could not be checked); raises for anything that fails.
    """
    from ._branches import check_branch_rule

    check_repository(project)
    check_branch_rule(project.git.branch(), project.config.release_branch_format, version)
    warnings: list[str] = []
    if project.git.tag_exists(tag):
        raise BumpError(
            f"tag {tag} already exists: released tags are never moved, deleted or overwritten; "
            "bump to a later version."
        )
    same = next((t for t in iter_release_tags(project) if t.version == version), None)
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
    remote = project.config.remote
    on_remote = project.git.remote_has_tag(remote, tag)
    if on_remote:
        raise BumpError(
            f"tag {tag} already exists on the remote '{remote}': fetch it ('git fetch --tags "
            f"{remote}') and bump to a later version."
        )
    if on_remote is None and project.git.remote_url(remote) is not None:
        warnings.append(
            f"could not reach the remote '{remote}': tag {tag} was checked locally only."
        )
    return warnings


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
        commit_message=_fill(cfg.commit_message, version, tag, previous),
        tag=tag,
        tag_message=_fill(cfg.tag_message, version, tag, previous),
        sign_tag=cfg.sign_tags,
        notes=(f"{project.name}: {previous.pep440} -> {version.pep440} (tag {tag})",),
    )


#: Extra files a release commit carries (the changelog); set by the changelog step.
ExtraChanges = Callable[[Project, Version, str], tuple[FileChange, ...]]


def _changelog_changes(project: Project, version: Version, tag: str) -> tuple[FileChange, ...]:
    if not project.config.changelog:
        return ()
    from ._changelog import release_changelog_changes

    return release_changelog_changes(project, version, tag)


def release_version(
    project: Project,
    compute: Callable[[Version], Version],
    *,
    dry_run: bool = False,
    log: Log = quiet,
    before_step: StepHook | None = None,
    extra: ExtraChanges | None = _changelog_changes,
) -> BumpResult:
    """Check, plan and (unless ``dry_run``) apply the release of ``compute(current)``."""
    check_repository(project)
    previous = project.version()
    version = compute(previous)
    if not version > previous:
        raise BumpError(f"{version.pep440} is not greater than the current {previous.pep440}.")
    tag = project.config.tags.render(version)
    warnings = preflight(project, version, tag)
    for warning in warnings:
        log(f"warning: {warning}")
    extra_changes = extra(project, version, tag) if extra is not None else ()
    plan = plan_release_commit(project, previous, version, extra=extra_changes)
    if dry_run:
        log(plan.render())
        return BumpResult(previous, version, tag, plan, applied=False, warnings=tuple(warnings))
    commit = apply_plan(plan, project.git, before_step=before_step)
    log(f"released {project.name} {version.pep440}: commit {commit and commit[:12]}, tag {tag}")
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
    compute = _computer(part, pre)
    return release_version(
        Project(root), compute, dry_run=dry_run, log=log, before_step=before_step
    )


def _computer(part: str, pre: str | None) -> Callable[[Version], Version]:
    if part in ("major", "minor", "patch"):
        p: Part = part  # type: ignore[assignment]
        return lambda v: v.bump(p, pre)
    if part == "pre":
        return lambda v: v.bump_pre(pre)
    if part == "final":
        return lambda v: v.finalize()
    if part == "post":
        return lambda v: v.bump_post()
    raise BumpError(f"'{part}' is not a bump: use major, minor, patch, pre, final or post.")


def release_tags_at(project: Project, rev: str = "HEAD") -> list[ReleaseTag]:
    """The tags of ``tag-format`` that point at ``rev``."""
    fmt = project.config.tags
    parsed = ((name, fmt.parse(name)) for name in project.git.tags_at(rev))
    return [ReleaseTag(name, v) for name, v in parsed if v is not None]


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
