"""Carry out a :class:`~nox_release.core.plan.Plan`: write the files, commit and tag, or nothing.

On any failure (a file that cannot be written, a git hook that rejects the commit, a tag that
cannot be created, or an exception from the ``before_step`` seam the tests use) the files (through
the one :class:`~nox_release.adapters.files.Transaction`), the index and the refs are put back
exactly as they were (a second Ctrl-C does not interrupt that), then the error is re-raised.
Before the first write: :func:`check_plan`, the repository lock, and the intent record that lets
a run killed mid-way be finished or undone (:mod:`nox_release.adapters.intent`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import ConfigError, GitError, ReleaseError
from nox_release.adapters.files import Transaction, real
from nox_release.adapters.git import Git
from nox_release.adapters.intent import Intent, fault_point
from nox_release.adapters.lock import ReleaseLock
from nox_release.adapters.signals import shielded
from nox_release.core.paths import relpath
from nox_release.core.plan import Plan, StepHook

__all__ = ["apply_plan", "check_plan", "inside"]


@dataclass
class _Progress:
    """How far :func:`apply_plan` got; read by the rollback, which trusts git over it."""

    step: str = ""
    tag_attempted: bool = False
    tag_existed: bool = False


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, every symlink followed, lies in ``root`` (also followed)."""
    return real(path).is_relative_to(real(root))


def check_plan(plan: Plan, git: Git) -> None:
    """Refuse, before any write, a plan that would write outside the repository (symlinks
    followed), over an untracked or ignored file, over a file changed since it was planned, or
    make a tag git does not accept."""
    root = real(plan.root)
    for change in plan.changes:
        target = real(change.path)
        if not target.is_relative_to(root) or (root / ".git") in (target, *target.parents):
            raise ConfigError(
                f"{change.path} resolves to {target}, outside the repository {root}: "
                "nox-release writes only inside the project; fix the setting that names it"
            )
        now = target.read_bytes().decode("utf-8", "replace") if target.exists() else None
        if now != change.before:
            raise ReleaseError(
                f"{relpath(target, root)} changed while the release was being planned: run it again"
            )
    if plan.commit_message is not None:
        top = real(git.toplevel())
        rels = [relpath(real(c.path), top) for c in plan.changes]
        tracked = git.tracked([top / r for r in rels])
        untracked = [r for r in rels if os.path.lexists(top / r) and r not in tracked]
        if untracked:
            raise GitError(
                f"{untracked[0]} is not tracked by git, and the release would overwrite and commit "
                "it: commit it first, or move it away"
            )
        ignored = git.ignored([top / r for r in rels if r not in tracked])
        if ignored:
            raise GitError(
                f"{relpath(Path(ignored[0]), top)} is ignored by git (a .gitignore rule), so the release commit could "
                "not include it: remove the rule, or choose another file in the configuration"
            )
    if plan.tag is not None and not git.valid_tag_name(plan.tag):
        raise ConfigError(
            f"'{plan.tag}' is not a tag name git accepts (see 'git check-ref-format'): change "
            "'tag-format' in [tool.nox-release]"
        )


def apply_plan(plan: Plan, git: Git, *, before_step: StepHook | None = None) -> str | None:
    """Under the repository lock: :func:`check_plan`, record the intent, then apply the plan."""
    with ReleaseLock(git, "change"):
        check_plan(plan, git)
        Intent.record(plan, git)
        return _apply_plan(plan, git, before_step)


def _apply_plan(plan: Plan, git: Git, before_step: StepHook | None) -> str | None:
    """Write the files, commit and tag; on any failure undo everything and raise.

    Expects the checks (clean tree, on a branch, tag free) to have passed. Returns the new
    commit id, or None when the plan makes no commit. A failure that is not already a
    :class:`ReleaseError` (an OSError from a full disk, say) is raised as one that names the
    step; Ctrl-C is rolled back too, and re-raised as it is.
    """
    seam = before_step or (lambda _step: None)

    def hook(step: str) -> None:
        fault_point(step)
        seam(step)

    head, branch = git.head(), git.branch()
    backups = git.state_dir() / "originals"  # outside the work tree: a kill -9 leaves no litter
    backups.mkdir(exist_ok=True)
    txn = Transaction(backups)
    for change in plan.changes:  # every planned file comes back, whoever touched it meanwhile
        txn.protect(change.path, change.path.read_bytes() if change.path.exists() else None)
    progress = _Progress()
    try:
        _apply(plan, git, txn, hook, progress)
    except BaseException as exc:
        with shielded():
            problems = _undo_refs(git, plan, head, branch, progress) + txn.undo()
            if not problems:  # else kept: the next run finishes the undo (intent.recover)
                Intent.clear(git)
        if problems:
            raise ReleaseError(
                f"{progress.step} failed ({exc}) -- and the rollback could not finish: "
                f"{'; '.join(problems)}"
            ) from exc
        if isinstance(exc, Exception) and not isinstance(exc, ReleaseError):
            raise ReleaseError(
                f"{progress.step} failed ({exc}); nothing was changed: the files, the index and "
                "the refs are as they were."
            ) from exc
        raise
    txn.keep()
    Intent.clear(git)
    return git.head() if plan.commit_message is not None else None


def _apply(plan: Plan, git: Git, txn: Transaction, hook: StepHook, progress: _Progress) -> None:
    for change in plan.changes:
        progress.step = f"write {relpath(change.path, plan.root)}"
        hook(progress.step)
        txn.mkdir(change.path.parent)
        txn.write({change.path: change.after})
    if plan.commit_message is not None:
        progress.step = "stage"
        hook(progress.step)
        git.add([real(c.path) for c in plan.changes])
        progress.step = "commit"
        hook(progress.step)
        git.commit(plan.commit_message)
    if plan.tag is not None:
        progress.step = "tag"
        hook(progress.step)
        progress.tag_existed = git.tag_exists(plan.tag)
        progress.tag_attempted = True
        git.create_tag(plan.tag, plan.tag_message, sign=plan.sign_tag)
        fault_point("tagged")


def _undo_refs(
    git: Git, plan: Plan, head: str | None, branch: str | None, progress: _Progress
) -> list[str]:
    """Put tag, branch and index back; return what could not be undone.

    It asks git where HEAD and the tag are rather than trusting flags, so an interrupt between
    a git command and the bookkeeping after it is undone as well.
    """
    problems: list[str] = []
    current = git.head()
    moved = current is not None and current != head
    if progress.tag_attempted and not progress.tag_existed and plan.tag is not None:
        try:
            # Only the tag this run created (it did not exist just before), at this run's commit.
            if git.tag_exists(plan.tag) and git.tag_target(plan.tag) in (current, head):
                git.delete_tag(plan.tag)
        except GitError as exc:
            problems.append(str(exc))
    try:
        if moved and head is not None and branch is not None and git.branch() == branch:
            assert current is not None
            git.move_branch(branch, head, current, "roll back")
        if head is not None and plan.commit_message is not None:
            git.unstage([c.path for c in plan.changes])
    except GitError as exc:
        problems.append(str(exc))
    return problems
