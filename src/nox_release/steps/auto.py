"""``release-bump-auto``: release the version the Conventional Commits since the last tag call for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nox_release._errors import BumpError
from nox_release.adapters.ahead import release_git
from nox_release.core.log import Log, quiet

if TYPE_CHECKING:
    from nox_release.adapters.project import Project
    from nox_release.core.plan import StepHook
    from nox_release.core.version import Version
    from nox_release.steps.bump import BumpResult
    from nox_release.steps.decide import AutoDecision

__all__ = ["AutoResult", "bump_auto"]


@dataclass(frozen=True, eq=False)
class AutoResult:
    """What :func:`bump_auto` decided and (unless nothing was to be released) did."""

    decision: AutoDecision
    bump: BumpResult | None
    """The bump's result (``applied`` False with ``dry_run``); None: nothing to release."""

    @property
    def version(self) -> Version | None:
        """The version released (or planned); None: nothing to release."""
        return self.bump.version if self.bump is not None else self.decision.version


def bump_auto(
    root: Path | str = ".",
    *,
    pre: str | None = None,
    dry_run: bool = False,
    explain: bool = False,
    log: Log = quiet,
    before_step: StepHook | None = None,
) -> AutoResult:
    """Release the version the Conventional Commits since the last tag call for.

    Logs one summary line (and with ``explain`` the commits by effect). When nothing maps to a
    bump, it says so and changes nothing. Otherwise the bump goes through
    :func:`~nox_release.steps.bump.release_version`: every check before the first write, ``dry_run``
    prints the plan, and a failure leaves files and refs as they were.
    """
    git = release_git(root)  # git answers while the release's modules are imported
    from nox_release.adapters.history import drop_tag_commits
    from nox_release.adapters.project import Project
    from nox_release.adapters.rangelog import drop_tees

    project = Project(root, git=git)
    try:
        return _bump_auto(project, pre, dry_run, explain, log, before_step)
    finally:
        drop_tag_commits(project)  # readings started ahead and not taken (nothing released)
        drop_tees(git)
        git.forget()


def _bump_auto(
    project: Project,
    pre: str | None,
    dry_run: bool,
    explain: bool,
    log: Log,
    before_step: StepHook | None,
) -> AutoResult:
    from nox_release.steps.bump import prepare_release, release_version, settle
    from nox_release.steps.decide import decide

    finished = None if dry_run else settle(project, log)  # before the files are read
    ahead = lambda: prepare_release(project, dry_run=dry_run)  # noqa: E731
    decision = decide(project, pre=pre, meanwhile=ahead)
    if finished is not None:
        return AutoResult(decision, finished)
    if decision.total and decision.skipped == decision.total:
        since = f"since {decision.base_tag}" if decision.base_tag else "in the history"
        raise BumpError(
            f"none of the {decision.total} commits {since} is a Conventional Commit, so "
            "release-bump-auto cannot tell what they change: release explicitly with "
            "'nox -s release-bump-patch' (or release-bump-minor, release-bump-major)"
        )
    if decision.version is None:
        log(decision.summary() + "; nothing changed.")
        if explain and decision.total:
            for line in decision.explain():
                log(line)
        return AutoResult(decision, None)
    log(decision.summary())
    for note in decision.notes:
        log(f"note: {note}")
    if explain:
        for line in decision.explain():
            log(line)
    version = decision.version

    def compute(current: Version) -> Version:
        return version  # release_version checks it is above the files' version and every tag

    result = release_version(project, compute, dry_run=dry_run, log=log, before_step=before_step)
    return AutoResult(decision, result)
