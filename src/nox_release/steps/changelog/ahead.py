"""What the changelog of a release reads whatever the version: read ahead, while git walks."""

from __future__ import annotations

from nox_release.adapters.history import tag_commits
from nox_release.adapters.project import Project

__all__ = ["prepare_changelog"]


def prepare_changelog(project: Project) -> None:
    """Ask git now what the release's changelog section will ask (answers are remembered):
    every tag's commit and the remote's address (the forge's links)."""
    tag_commits(project)
    project.git.remote_url(project.config.remote)
