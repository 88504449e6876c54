"""``release-branch``: cut the maintenance branch of a release while main starts the next cycle."""

from __future__ import annotations

from dataclasses import dataclass

from nox_release._errors import BumpError, GitError
from nox_release.adapters.apply import apply_plan
from nox_release.adapters.history import check_repository, first_reachable, iter_release_tags
from nox_release.adapters.project import Project
from nox_release.core.branches import branch_name, maintenance_line
from nox_release.core.log import Log, quiet
from nox_release.core.plan import Plan
from nox_release.core.version import Version
from nox_release.steps.bump import plan_release_commit

__all__ = ["BranchResult", "release_branch"]


@dataclass(frozen=True)
class BranchResult:
    branch: str
    base_tag: str
    next_version: Version | None
    plan: Plan | None
    applied: bool


def _base_tag(project: Project, from_tag: str | None) -> tuple[str, Version]:
    fmt = project.config.tags
    if from_tag is not None:
        version = fmt.parse(from_tag)
        if version is None or not project.git.tag_exists(from_tag):
            raise BumpError(f"--from {from_tag}: no such release tag of the form '{fmt.template}'.")
        return from_tag, version

    def cut_point(version: Version) -> bool:  # a final X.Y.0
        return (
            not version.is_prerelease
            and version.post is None
            and (len(version.release) < 3 or version.release[2] == 0)
        )

    found = first_reachable(
        project, (t for t in iter_release_tags(project) if cut_point(t.version))
    )
    best = None if found is None else (found.name, found.version)
    if best is None:
        raise BumpError(
            f"no X.Y.0 release tag of the form '{fmt.template}' is reachable from HEAD: release "
            "X.Y.0 first, or name the tag with --from."
        )
    return best


@dataclass(frozen=True)
class _Cut:
    """The maintenance branch to cut: its name, and the release tag and commit it starts at."""

    name: str
    tag: str
    target: str
    major: int
    minor: int
    from_branch: str | None


def _check(project: Project, from_tag: str | None) -> _Cut:
    """The branch to cut, once the repository, the current branch and the new name allow it."""
    cfg = project.config
    check_repository(project)
    current_branch = project.git.branch()
    if maintenance_line(current_branch, cfg.release_branch_format) is not None:
        raise BumpError(
            f"branch {current_branch} is itself a maintenance branch: cut release branches from "
            "the main branch."
        )
    tag, base = _base_tag(project, from_tag)
    if len(base.release) < 2:
        raise BumpError(f"{tag} names {base.pep440}, which has no minor number.")
    major, minor = base.release[0], base.release[1]
    name = branch_name(cfg.release_branch_format, major, minor)
    if not project.git.valid_branch_name(name):
        raise BumpError(f"release-branch-format gives '{name}', which is not a valid branch name.")
    if project.git.branch_tip(name) is not None:
        raise GitError(f"branch {name} already exists: the maintenance branch of {tag} is cut.")
    return _Cut(name, tag, project.git.tag_target(tag), major, minor, current_branch)


def _plan_next_cycle(project: Project, cut: _Cut) -> tuple[Version | None, Plan | None]:
    """The next cycle's version and the commit that starts it; (None, None) with ``"none"``."""
    cfg = project.config
    if cfg.next_cycle == "none":
        return None, None
    current = project.version()
    next_release = (cut.major, cut.minor + 1, 0)
    if cfg.next_cycle == "alpha":
        next_version = Version.from_parts(next_release, pre=("alpha", 1))
    else:
        next_version = Version.from_parts(next_release, dev=0)
    if not next_version > current:
        raise BumpError(
            f"the files already say {current.pep440}, not below {next_version.pep440}: the next "
            'cycle has started; set next-cycle = "none" to only cut the branch.'
        )
    base_plan = plan_release_commit(project, current, next_version, extra=())
    plan = Plan(
        root=base_plan.root,
        changes=base_plan.changes,
        commit_message=f"chore(release): start {next_version.pep440} after cutting {cut.name}",
        notes=(
            f"branch {cut.name} at {cut.tag} ({cut.target[:12]})",
            f"{project.name}: {current.pep440} -> {next_version.pep440} (no tag: not a release)",
        ),
    )
    return next_version, plan


def _show(cut: _Cut, plan: Plan | None, log: Log) -> None:
    """The dry run: the branch command and the next cycle's commit."""
    log(f"$ git branch {cut.name} {cut.tag}^{{commit}}")
    if plan is not None:
        log(plan.render())


def _apply(
    project: Project, cut: _Cut, next_version: Version | None, plan: Plan | None, log: Log
) -> None:
    """Create the branch, then commit the next cycle; a failed commit deletes the branch."""
    project.git.create_branch(cut.name, cut.target)
    try:
        if plan is not None:
            apply_plan(plan, project.git)
    except BaseException:
        project.git.delete_branch(cut.name)
        raise
    log(
        f"created branch {cut.name} at {cut.tag}"
        + (f"; {cut.from_branch} now at {next_version.pep440}" if next_version else "")
    )


def release_branch(
    root: str = ".",
    *,
    from_tag: str | None = None,
    dry_run: bool = False,
    log: Log = quiet,
) -> BranchResult:
    """Cut the maintenance branch of the newest ``X.Y.0`` release and start the next cycle.

    Creates branch ``release-branch-format`` at the tag and, on the current branch, moves the
    version to ``X.(Y+1).0a1`` (``next-cycle = "alpha"``), ``X.(Y+1).0.dev0`` (``"dev"``) or
    leaves it (``"none"``) in one commit. All or nothing: a failed commit deletes the new branch.
    """
    project = Project(root)
    cut = _check(project, from_tag)
    next_version, plan = _plan_next_cycle(project, cut)
    if dry_run:
        _show(cut, plan, log)
        return BranchResult(cut.name, cut.tag, next_version, plan, applied=False)
    _apply(project, cut, next_version, plan, log)
    return BranchResult(cut.name, cut.tag, next_version, plan, applied=True)
