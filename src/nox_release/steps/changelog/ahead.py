"""What the changelog of a release reads whatever the version: read ahead, while git walks."""

from __future__ import annotations

from nox_release.adapters.history import start_tag_commits
from nox_release.adapters.project import Project

__all__ = ["prepare_changelog"]


def prepare_changelog(project: Project) -> None:
    """Ask git now what the release's changelog section will ask: the remote's address (the
    forge's links, remembered) and every tag's commit (started, taken by the section)."""
    project.git.remote_url(project.config.remote)
    start_tag_commits(project)
