"""What the changelog of a release reads whatever the version: read ahead, while git walks."""

from __future__ import annotations

from collections.abc import Callable

from nox_release.adapters.history import start_tag_commits
from nox_release.adapters.project import Project
from nox_release.core.log import quiet
from nox_release.steps.changelog.cliff import Cliff
from nox_release.steps.changelog.native import Native

__all__ = ["prepare_changelog"]


def prepare_changelog(project: Project) -> Callable[[str], object] | None:
    """Ask git now what the release's changelog section will ask: the remote's address (the
    forge's links, remembered) and every tag's commit (started, taken by the section). With the
    shipped configuration, the reader of the range's pieces that renders the section's entries
    on the other core (:class:`~nox_release.steps.changelog.native.SectionAhead`)."""
    project.git.remote_url(project.config.remote)
    start_tag_commits(project)
    with Cliff(project, None, quiet) as cliff:
        return Native(cliff).section_ahead() if Native.usable(cliff) else None
