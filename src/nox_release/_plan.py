"""Plan, then apply: file edits and git refs, all or nothing.

A :class:`Plan` says which files change and how, the commit message and the tag. It renders as
unified diffs and git commands for ``--dry-run``. :func:`apply_plan` writes it; on any failure
(a file that cannot be written, a git hook that rejects the commit, a tag that cannot be created,
or an exception from the ``before_step`` seam the tests use) it puts the files, the index and the
refs back exactly as they were, then re-raises.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shlex
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import GitError, ReleaseError
from ._git import Git

__all__ = ["FileChange", "Plan", "apply_plan", "read_text", "write_atomic"]

#: Called with the name of each step just before it runs ("write <path>", "stage", "commit",
#: "tag"): the seam through which tests inject a failure at every step.
StepHook = Callable[[str], None]


@dataclass(frozen=True)
class FileChange:
    """A file's content before (None: the file does not exist yet) and after."""

    path: Path
    before: str | None
    after: str

    def diff(self, root: Path) -> str:
        rel = _rel(self.path, root)
        old = (self.before or "").splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        lines = difflib.unified_diff(
            old,
            new,
            fromfile="/dev/null" if self.before is None else f"a/{rel}",
            tofile=f"b/{rel}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class Plan:
    """Everything a mutating step will do, computed before anything is written."""

    root: Path
    changes: tuple[FileChange, ...] = ()
    commit_message: str | None = None
    tag: str | None = None
    tag_message: str = ""
    sign_tag: bool = False
    notes: tuple[str, ...] = field(default=())

    def commands(self) -> list[list[str]]:
        """The git commands :func:`apply_plan` runs, in order."""
        cmds: list[list[str]] = []
        if self.commit_message is not None:
            paths = [_rel(c.path, self.root) for c in self.changes]
            cmds.append(["git", "add", "--", *paths])
            cmds.append(["git", "commit", "-m", self.commit_message])
        if self.tag is not None:
            cmds.append(
                ["git", "tag", "-s" if self.sign_tag else "-a", "-m", self.tag_message, self.tag]
            )
        return cmds

    def render(self) -> str:
        """The plan as a reviewer reads it: notes, unified diffs, then the git commands."""
        parts = [f"# {note}\n" for note in self.notes]
        parts += [c.diff(self.root) for c in self.changes if c.before != c.after]
        parts += ["$ " + shlex.join(cmd) + "\n" for cmd in self.commands()]
        return "".join(parts)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def read_text(path: Path) -> str:
    """A file's text exactly as stored: UTF-8, newlines (CRLF too) untouched."""
    return path.read_bytes().decode("utf-8")


def _default_mode() -> int:
    """What ``open()`` gives a new file: 0o666 less the process umask (mkstemp gives 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename, keeping its permission bits.

    A new file gets the permissions ``open()`` would give it.
    """
    data = text.encode("utf-8")
    mode = path.stat().st_mode & 0o7777 if path.exists() else _default_mode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _restore(path: Path, before: bytes | None) -> None:
    if before is None:
        if path.exists():
            path.unlink()
        return
    if not path.exists() or path.read_bytes() != before:
        write_atomic(path, before.decode("utf-8"))


@dataclass
class _Progress:
    """How far :func:`apply_plan` got; read by the rollback, which trusts git over it."""

    step: str = ""
    created_dirs: list[Path] = field(default_factory=list)
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
    head = git.head()
    branch = git.branch()
    saved = {c.path: (c.path.read_bytes() if c.path.exists() else None) for c in plan.changes}
    progress = _Progress()
    try:
        for change in plan.changes:
            progress.step = f"write {_rel(change.path, plan.root)}"
            hook(progress.step)
            missing = [
                p for p in (change.path.parent, *change.path.parent.parents) if not p.exists()
            ]
            change.path.parent.mkdir(parents=True, exist_ok=True)
            progress.created_dirs.extend(missing)
            write_atomic(change.path, change.after)
        if plan.commit_message is not None:
            progress.step = "stage"
            hook(progress.step)
            git.run("add", "--", *[str(c.path) for c in plan.changes])
            progress.step = "commit"
            hook(progress.step)
            git.run("commit", "-q", "-m", plan.commit_message)
        if plan.tag is not None:
            progress.step = "tag"
            hook(progress.step)
            progress.tag_existed = git.tag_exists(plan.tag)
            progress.tag_attempted = True
            git.run("tag", "-s" if plan.sign_tag else "-a", "-m", plan.tag_message, plan.tag)
    except BaseException as exc:
        problems = _rollback(git, plan, saved, head, branch, progress)
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
    return git.head() if plan.commit_message is not None else None


def _rollback(
    git: Git,
    plan: Plan,
    saved: dict[Path, bytes | None],
    head: str | None,
    branch: str | None,
    progress: _Progress,
) -> list[str]:
    """Put tag, branch, index and files back; return what could not be undone.

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
                git.run("tag", "-d", plan.tag)
        except GitError as exc:
            problems.append(str(exc))
    try:
        if moved and head is not None and branch is not None and git.branch() == branch:
            assert current is not None
            git.run(
                "update-ref", "-m", "nox-release: roll back", f"refs/heads/{branch}", head, current
            )
        if head is not None and plan.commit_message is not None:
            git.run("reset", "-q", "--", *[str(p) for p in saved])
    except GitError as exc:
        problems.append(str(exc))
    for path, before in saved.items():
        try:
            _restore(path, before)
        except OSError as exc:
            problems.append(f"could not restore {path}: {exc}")
    for folder in sorted(progress.created_dirs, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something else lives there now
            folder.rmdir()
    return problems
