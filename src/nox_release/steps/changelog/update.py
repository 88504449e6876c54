"""The changelog file: add the releases it lacks (by hand or in a release commit), keep the rest."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import ChangelogError
from nox_release.adapters.apply import apply_plan
from nox_release.adapters.files import Transaction, read_text
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner
from nox_release.core.changelog import (
    Release,
    as_block,
    folded_tags,
    heading_version,
    headings,
    merge_changelog,
    named_releases,
)
from nox_release.core.log import Log, quiet
from nox_release.core.plan import FileChange, Plan
from nox_release.steps.changelog.batches import render_into, render_text
from nox_release.steps.changelog.cliff import Cliff

__all__ = [
    "Missing",
    "change_for",
    "exact_change",
    "read_changelog",
    "refuse_unwritable",
    "update_changelog",
]


# -- the changelog file -----------------------------------------------------------------------
def read_changelog(path: Path, key: str) -> str | None:
    """The changelog's text, None when there is none yet; a file it cannot read is named."""
    try:
        return read_text(path) if path.exists() else None
    except UnicodeDecodeError as exc:
        raise ChangelogError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8, or "
            f"set changelog-file (now '{key}') to another file."
        ) from None
    except IsADirectoryError:
        raise ChangelogError(
            f"{path} is a folder, not a file: set changelog-file (now '{key}') to a file path."
        ) from None
    except OSError as exc:
        raise ChangelogError(
            f"cannot read {path} ({exc.strerror or exc}): make it readable, or set "
            f"changelog-file (now '{key}') to another file."
        ) from None


def refuse_unwritable(path: Path, key: str) -> None:
    """A changelog format nox-release cannot write is refused before anything is written."""
    if path.suffix.lower() in (".rst", ".rest", ".txt", ".adoc"):
        kind = "reStructuredText" if path.suffix.lower() in (".rst", ".rest") else "not Markdown"
        raise ChangelogError(
            f"{key} is {kind}, which nox-release cannot write: keep it by hand with "
            "'changelog = false' in [tool.nox-release], or set changelog-file to a Markdown file"
        )


def _absent(
    found: list[tuple[int, int, str]], visible: list[Release], present: Collection[str]
) -> tuple[list[Release], Release | None]:
    """The releases the file lacks (newest last), and the release they start after (or None).

    ``present``: the tags whose sections the file has.
    """
    shown = [r for r in visible if r[0] in present]
    if shown:
        newest = max(shown, key=lambda r: r[1])
        return [r for r in visible if r[1] > newest[1]], newest
    named = max((v for _, _, t in found if (v := heading_version(t)) is not None), default=None)
    if named is None:  # no release heading yet: every release goes below the intro
        return visible, None
    # Headings name versions but no tag (another tag style): what is newer than all of them.
    missing = [r for r in visible if r[1] > named]
    older = [r for r in visible if r not in missing]
    return missing, (max(older, key=lambda r: r[1]) if older else None)


@dataclass(frozen=True)
class Missing:
    """What the changelog lacks: the releases to render, where they start, which tags to skip."""

    path: Path
    before: str | None
    releases: list[Release]  # every release (and the new one), oldest first
    ends: list[str]  # the commits the missing releases end at, oldest first (HEAD: the new one)
    since: str | None  # the commit before the first missing release (None: all history)
    tag: str | None  # the new release's tag
    ignore: set[str]


def _missing(project: Project, cliff: Cliff, new: Release | None, log: Log) -> Missing | None:
    """The releases the changelog lacks (and ``new``, about to be made); None: nothing.

    A section already in the file is never folded or removed: outside the new sections the
    file stays byte for byte (see :func:`merge_changelog`).
    """
    cfg = project.config
    path = project.root / cfg.changelog_file
    refuse_unwritable(path, cfg.changelog_file)
    releases = cliff.releases()
    if new is not None:
        releases = [*[r for r in releases if r[0] != new[0]], new]
    before = read_changelog(path, cfg.changelog_file)
    lines = (before or "").splitlines(keepends=True)
    found = headings(lines)
    present = set(named_releases([t for _, _, t in found], releases))
    folded = folded_tags(releases) if cfg.changelog_fold_prereleases else set()
    folded -= present  # a section in the file is never folded
    visible = [r for r in releases if r[0] not in folded]
    if not visible:
        log(f"no release tags of the form {cfg.tag_format} yet: {cfg.changelog_file} is unchanged")
        return None
    missing, since = visible, None
    if before is not None and before.strip():
        missing, after = _absent(found, visible, present)
        if not missing:
            log(f"{cfg.changelog_file} already has every release")
            return None
        since = cliff.commit(after[0]) if after is not None else None
    ends = [("HEAD" if new is not None and t == new[0] else cliff.commit(t)) for t, _ in missing]
    tag = new[0] if new is not None else None
    return Missing(path, before, releases, ends, since, tag, folded | cliff.strays())


def exact_change(
    project: Project, cliff: Cliff, new: Release | None, log: Log
) -> FileChange | None:
    """The edit that adds the releases the changelog lacks (and ``new``, about to be made)."""
    todo = _missing(project, cliff, new, log)
    return None if todo is None else change_for(cliff, todo, log)


def change_for(cliff: Cliff, todo: Missing, log: Log) -> FileChange | None:
    """The edit that adds ``todo``'s releases to the file (None: the text stays the same)."""
    before = todo.before
    if before is None or not before.strip():
        after = render_text(cliff, todo.ends, todo.since, tag=todo.tag, ignore=todo.ignore, log=log)
        after = as_block(after, "\n").rstrip("\n")
        return FileChange(todo.path, before, after + "\n") if after else None
    rendered = render_text(
        cliff, todo.ends, todo.since, tag=todo.tag, ignore=todo.ignore, whole=False, log=log
    )
    after = merge_changelog(before, rendered, releases=todo.releases)
    if after == before:
        return None
    return FileChange(todo.path, before, after)


def _write_whole(project: Project, cliff: Cliff, todo: Missing, log: Log) -> FileChange | None:
    """A changelog from nothing: git-cliff's batches streamed to a file beside it, then renamed."""
    path = todo.path
    try:
        with Transaction(project.git.state_dir()) as txn:
            txn.mkdir(path.parent)
            with txn.streaming(path) as fh:
                wrote = render_into(cliff, todo.ends, fh.write, ignore=todo.ignore, log=log)
    except OSError as exc:
        raise ChangelogError(
            f"cannot write {path} ({exc.strerror or exc}): make its folder writable, or set "
            f"changelog-file (now '{project.config.changelog_file}') to another file."
        ) from None
    return FileChange(path, todo.before, read_text(path)) if wrote else None


def update_changelog(
    root: Path | str = ".",
    *,
    dry_run: bool = False,
    runner: Runner | None = None,
    log: Log = quiet,
) -> FileChange | None:
    """``changelog``: add the releases (tags) the changelog file lacks, on top; keep the rest.

    Unreleased commits are not written (see :func:`preview_changelog`). With ``dry_run`` the
    diff is logged and nothing is written. Returns the change made (or planned), or None.
    """
    project = Project(root)
    with Cliff(project, runner, log) as cliff:
        todo = _missing(project, cliff, None, log)
        if todo is None:
            return None
        if not dry_run and (todo.before is None or not todo.before.strip()):
            change = _write_whole(project, cliff, todo, log)
            if change is not None:
                log(f"wrote {project.config.changelog_file}")
            return change
        change = change_for(cliff, todo, log)
    if change is None:
        return None
    plan = Plan(root=project.root, changes=(change,), notes=(f"update {change.path.name}",))
    if dry_run:
        log(plan.render())
        return change
    apply_plan(plan, project.git)
    log(f"updated {project.config.changelog_file}")
    return change
