"""The changelog file: add the releases it lacks (by hand or in a release commit), keep the rest."""

from __future__ import annotations

from pathlib import Path

from nox_release._errors import ChangelogError
from nox_release.adapters.apply import apply_plan
from nox_release.adapters.files import read_text
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner
from nox_release.core.changelog import (
    Release,
    as_block,
    folded_tags,
    layout,
    merge_changelog,
    release_sections,
)
from nox_release.core.log import Log, quiet
from nox_release.core.plan import FileChange, Plan
from nox_release.core.version import Version
from nox_release.steps.changelog.cliff import Cliff

__all__ = ["release_changelog_changes", "update_changelog"]


# -- the changelog file -----------------------------------------------------------------------
def _read_changelog(path: Path, key: str) -> str | None:
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


def _refuse_unwritable(path: Path, key: str) -> None:
    """A changelog format nox-release cannot write is refused before anything is written."""
    if path.suffix.lower() in (".rst", ".rest", ".txt", ".adoc"):
        kind = "reStructuredText" if path.suffix.lower() in (".rst", ".rest") else "not Markdown"
        raise ChangelogError(
            f"{key} is {kind}, which nox-release cannot write: keep it by hand with "
            "'changelog = false' in [tool.nox-release], or set changelog-file to a Markdown file"
        )


def _missing(lines: list[str], visible: list[Release]) -> tuple[list[Release], Release | None]:
    """The releases the file lacks (newest last), and the release they start after (or None)."""
    present = release_sections(lines, visible)
    if present:
        newest = max((r for r in visible if r[0] in present), key=lambda r: r[1])
        return [r for r in visible if r[1] > newest[1]], newest
    named = layout(lines).newest
    if named is None:  # no release heading yet: every release goes below the intro
        return visible, None
    # Headings name versions but no tag (another tag style): what is newer than all of them.
    missing = [r for r in visible if r[1] > named]
    older = [r for r in visible if r not in missing]
    return missing, (max(older, key=lambda r: r[1]) if older else None)


def _changelog_change(
    project: Project, cliff: Cliff, new: Release | None, log: Log
) -> FileChange | None:
    """The edit that adds the releases the changelog lacks (and ``new``, about to be made).

    Outside the new sections the file stays byte for byte (see :func:`merge_changelog`).
    """
    cfg = project.config
    path = project.root / cfg.changelog_file
    _refuse_unwritable(path, cfg.changelog_file)
    releases = cliff.releases()
    if new is not None:
        releases = [*[r for r in releases if r[0] != new[0]], new]
    before = _read_changelog(path, cfg.changelog_file)
    lines = (before or "").splitlines(keepends=True)
    folded = folded_tags(releases) if cfg.changelog_fold_prereleases else set()
    folded -= set(release_sections(lines, releases))  # a section in the file is never folded
    visible = [r for r in releases if r[0] not in folded]
    ignore = folded | cliff.strays()
    if not visible:
        log(f"no release tags of the form {cfg.tag_format} yet: {cfg.changelog_file} is unchanged")
        return None

    def end() -> str:  # where the missing releases end: HEAD for a release being made
        return "HEAD" if new is not None else cliff.commit(visible[-1][0])

    tag = new[0] if new is not None else None
    if before is None or not before.strip():
        rng = None if new is not None else end()
        after = as_block(cliff.render(rng, tag=tag, ignore=ignore), "\n").rstrip("\n")
        return FileChange(path, before, after + "\n") if after else None
    missing, since = _missing(lines, visible)
    if not missing:
        log(f"{cfg.changelog_file} already has every release")
        return None
    rng = f"{cliff.commit(since[0])}..{end()}" if since is not None else end()
    if since is None and new is not None:
        rng = None
    rendered = cliff.render(rng, tag=tag, ignore=ignore, strip="all")
    after = merge_changelog(before, rendered, releases=releases)
    if after == before:
        return None
    return FileChange(path, before, after)


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
        change = _changelog_change(project, cliff, None, log)
    if change is None:
        return None
    plan = Plan(root=project.root, changes=(change,), notes=(f"update {change.path.name}",))
    if dry_run:
        log(plan.render())
        return change
    apply_plan(plan, project.git)
    log(f"updated {project.config.changelog_file}")
    return change


def release_changelog_changes(
    project: Project, version: Version, tag: str, *, runner: Runner | None = None
) -> tuple[FileChange, ...]:
    """The changelog edit the release commit of ``version`` (tagged ``tag``) carries.

    Called while the release is planned, before anything is written: a git-cliff failure
    raises here and the bump leaves nothing changed.
    """
    with Cliff(project, runner, quiet) as cliff:
        change = _changelog_change(project, cliff, (tag, version), quiet)
    return (change,) if change is not None else ()
