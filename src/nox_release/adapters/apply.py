"""Carry out a :class:`~nox_release.core.plan.Plan`: write the files, commit and tag, or nothing.

On any failure (a file that cannot be written, a git hook that rejects the commit, a tag that
cannot be created, or an exception from the ``before_step`` seam the tests use) the files (through
the one :class:`~nox_release.adapters.files.Transaction`), the index and the refs are put back
exactly as they were, then the error is re-raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from nox_release._errors import GitError, ReleaseError
from nox_release.adapters.files import Transaction
from nox_release.adapters.git import Git
from nox_release.core.paths import relpath
from nox_release.core.plan import Plan, StepHook

__all__ = ["apply_plan"]


@dataclass
class _Progress:
    """How far :func:`apply_plan` got; read by the rollback, which trusts git over it."""

    step: str = ""
    tag_attempted: bool = False
    tag_existed: bool = False


def apply_plan(plan: Plan, git: Git, *, before_step: StepHook | None = None) -> str | None:
    """Write the files, commit and tag; on any failure undo everything and raise.

    Expects the checks (clean tree, on a branch, tag free) to have passed. Returns the new
    commit id, or None when the plan makes no commit. A failure that is not already a
    :class:`ReleaseError` (an OSError from a full disk, say) is raised as one that names the
    step; Ctrl-C is rolled back too, and re-raised as it is.
    """
    hook = before_step or (lambda _step: None)
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
        problems = _undo_refs(git, plan, head, branch, progress) + txn.undo()
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
        git.add([c.path for c in plan.changes])
        progress.step = "commit"
        hook(progress.step)
        git.commit(plan.commit_message)
    if plan.tag is not None:
        progress.step = "tag"
        hook(progress.step)
        progress.tag_existed = git.tag_exists(plan.tag)
        progress.tag_attempted = True
        git.create_tag(plan.tag, plan.tag_message, sign=plan.sign_tag)


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
