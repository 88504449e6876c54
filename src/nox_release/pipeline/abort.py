"""A release in progress: settle an interrupted bump, check that it can resume, or undo it."""

from __future__ import annotations

from nox_release._errors import IndexReadError, ReleaseError
from nox_release.adapters.git import Git
from nox_release.adapters.project import Project
from nox_release.core.log import Log
from nox_release.core.version import Version
from nox_release.pipeline.journal import Journal
from nox_release.pipeline.preflight import preflight_publish, released_projects

__all__ = ["abort", "check_resumable", "settle_bump"]


def settle_bump(git: Git, journal: Journal) -> Journal | None:
    """A journal whose bump is not marked done: the bump finished (mark it) or did not (drop it).

    Covers a crash or Ctrl-C between the release commit and the journal's bookkeeping.
    """
    if "bump" in journal.done:
        return journal
    head = git.head()
    if git.tag_exists(journal.tag) and git.tag_target(journal.tag) == head:
        journal.commit = head or ""
        journal.mark(git, "bump")
        return journal
    journal.clear(git)
    return None


def check_resumable(project: Project, journal: Journal) -> None:
    """The journal's tag is still at its release commit, and HEAD is that commit."""
    git = project.git
    head = git.head()
    if not git.tag_exists(journal.tag) or (
        journal.commit and git.tag_target(journal.tag) != journal.commit
    ):
        raise ReleaseError(
            f"the release journal says {journal.version} was tagged {journal.tag} at "
            f"{journal.commit[:12]}, but that tag is gone or moved: clear the journal with "
            "'nox -s release -- --abort'."
        )
    if head != journal.commit:
        raise ReleaseError(
            f"the release of {journal.version} in progress was made at {journal.commit[:12]} but "
            f"HEAD is now {head and head[:12]}: check out {journal.tag} (or its branch) to finish "
            "it, or abort it with 'nox -s release -- --abort'."
        )


def _published_files(project: Project, journal: Journal) -> list[str]:
    """Files of the journal's version already on its publish target (for abort)."""
    try:
        preflight_publish(
            released_projects(project),
            Version.parse(journal.version),
            journal.repository,
            journal.index_url,
        )
    except IndexReadError as exc:
        raise ReleaseError(
            f"cannot tell whether {journal.version} reached the index ({exc}): abort refused, "
            "since a published release cannot be undone; finish it with 'nox -s release'."
        ) from None
    except ReleaseError as exc:
        return [str(exc)]
    return []


def abort(project: Project, journal: Journal | None, log: Log) -> Journal | None:
    """Undo what has not left the machine: decide everything first, then change refs.

    Returns the journal of the release undone; None when no release was in progress.
    """
    git = project.git
    if journal is None:
        log("no release in progress: nothing to abort")
        return None
    if "push" in journal.done or git.remote_has_tag(project.config.remote, journal.tag):
        raise ReleaseError(
            f"{journal.tag} is already on the remote '{project.config.remote}': a pushed release "
            "cannot be undone; finish it with 'nox -s release' instead."
        )
    if "publish" in journal.done or (
        "publish" in journal.steps and _published_files(project, journal)
    ):
        raise ReleaseError(
            f"{journal.version} is already on the package index: a published release cannot be "
            "undone; finish it with 'nox -s release' instead."
        )
    tip = git.branch_tip(journal.branch)
    move_branch = bool(journal.commit) and tip == journal.commit
    if (
        journal.commit
        and tip is not None
        and not move_branch
        and git.is_ancestor(journal.commit, tip)
    ):
        raise ReleaseError(
            f"{journal.branch} has commits after the release commit {journal.commit[:12]}: "
            "nox-release will not drop them; undo the release by hand (delete the tag "
            f"{journal.tag}, revert the commit) and remove {journal.path}."
        )
    if move_branch:
        if git.branch() == journal.branch:
            git.reset_keep(journal.previous_head)  # keeps uncommitted work
        else:
            git.move_branch(journal.branch, journal.previous_head, journal.commit, "abort")
        log(f"moved {journal.branch} back to {journal.previous_head[:12]}")
    if (
        journal.commit
        and git.tag_exists(journal.tag)
        and git.tag_target(journal.tag) == journal.commit
    ):
        git.delete_tag(journal.tag)
        log(f"deleted the local tag {journal.tag}")
    journal.clear(git)
    log(f"aborted the release of {journal.version}")
    return journal
