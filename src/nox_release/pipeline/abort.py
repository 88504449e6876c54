"""A release in progress: settle an interrupted bump, prove that it can resume, or undo it."""

from __future__ import annotations

import os

from nox_release._errors import IndexReadError, ReleaseError
from nox_release.adapters.credentials import redact_url, split_credentials
from nox_release.adapters.git import Git
from nox_release.adapters.project import Project
from nox_release.adapters.signals import shielded
from nox_release.core.log import Log
from nox_release.core.version import Version
from nox_release.pipeline.journal import Journal
from nox_release.pipeline.preflight import preflight_publish

__all__ = ["abort", "check_resumable", "publish_source", "resume_repository", "settle_bump"]

#: Where a journal says the publish credentials came from when they were in the URL.
URL_CREDENTIALS = "the --repository URL"


def publish_source(
    repository: str | None, index_url: str | None
) -> tuple[str | None, str | None, str | None]:
    """What the journal keeps of the publish target: the URLs without credentials, and where
    the credentials came from (never the secret itself, nor a redacted copy of it)."""
    clean_repo = split_credentials(repository)[0] if repository else None
    clean_index = split_credentials(index_url)[0] if index_url else None
    in_url = any(url and split_credentials(url)[1] for url in (repository, index_url))
    return clean_repo, clean_index, URL_CREDENTIALS if in_url else None


def resume_repository(journal: Journal, repository: str | None) -> str | None:
    """The publish target of a resumed release: the one given now, else the journal's, whose
    credentials (if they were in the URL) must be given again."""
    if repository is not None or journal.credentials != URL_CREDENTIALS:
        return repository or journal.repository
    pending = "publish" in journal.steps and "publish" not in journal.done
    if pending and not os.environ.get("TWINE_PASSWORD"):
        raise ReleaseError(
            f"the release of {journal.version} publishes to "
            f"{redact_url(journal.repository or '')} with the credentials that were in "
            "--repository, which are never stored: give the same --repository again (or "
            "set TWINE_USERNAME and TWINE_PASSWORD)"
        )
    return journal.repository


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


def _unclean(project: Project) -> list[str]:
    """Changed tracked files, and untracked files outside the dist folders and nox's ``.nox/``."""
    top = project.git.toplevel()
    dists = [
        os.path.relpath(folder, top).rstrip("/") + "/"
        for p in (project, *project.packages)
        for folder in (p.root / p.config.dist_dir, p.root / ".nox")
    ]
    untracked = [
        f for f in project.git.untracked_files() if not any(f.startswith(d) for d in dists)
    ]
    return project.git.dirty_files() + untracked


def check_resumable(project: Project, journal: Journal) -> None:
    """What is built and published is exactly the release commit: HEAD is that commit, the
    journal's tag is still on it, and the tree is clean (untracked files too)."""
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
    unclean = _unclean(project)
    if unclean:
        raise ReleaseError(
            f"the working tree differs from the release commit of {journal.version} "
            f"({', '.join(unclean[:5])}), and a release builds and publishes exactly its tag: "
            "commit the fix as a new release, or stash or remove the changes, then run it again"
        )


def _published_files(project: Project, journal: Journal) -> list[str]:
    """Files of the journal's version already on its publish target (for abort)."""
    try:
        preflight_publish(
            project.released(),
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
    with shielded():  # a second Ctrl-C does not leave it half done
        _undo(git, journal, move_branch, log)
    log(f"aborted the release of {journal.version}")
    return journal


def _undo(git: Git, journal: Journal, move_branch: bool, log: Log) -> None:
    """Move the branch back (compare-and-swap), delete the tag, clear the journal."""
    if move_branch:
        if git.branch() == journal.branch:  # keeps uncommitted work, moves only from the commit
            git.rewind(journal.branch, journal.previous_head, journal.commit, "abort")
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
