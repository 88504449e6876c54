"""The changelog step (git-cliff). Filled in by the changelog work; bumps call into it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._plan import FileChange
    from ._project import Project
    from ._version import Version

__all__ = ["release_changelog_changes"]


def release_changelog_changes(
    project: Project, version: Version, tag: str
) -> tuple[FileChange, ...]:
    """The changelog edit a release commit of ``version`` carries (none yet)."""
    return ()
