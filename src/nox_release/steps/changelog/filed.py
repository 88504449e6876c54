"""Release notes taken from the changelog file: the hand-curated section, as the file has it."""

from __future__ import annotations

from nox_release._errors import ChangelogError, VersionError
from nox_release.adapters.files import read_text
from nox_release.adapters.history import newest_release_tag
from nox_release.adapters.project import Project
from nox_release.core.changelog import Release
from nox_release.core.channels import parse_exact
from nox_release.core.notes import changelog_section

__all__ = ["check_renderable", "filed_notes", "wanted_release"]

_UNSHALLOW = "git fetch --tags --unshallow"


def wanted_release(project: Project, version: str | None) -> Release | None:
    """The release ``version`` names (a version or a tag; None: the newest release tag), or
    None when that cannot be told without git-cliff (no tag, not a version)."""
    tags = project.config.tags
    if version is None:
        return newest_release_tag(project)
    parsed = tags.parse(version)
    if parsed is None:
        try:
            parsed = parse_exact(version, tags.affixes[0])
        except VersionError:
            return None
    return None if parsed is None else (tags.render(parsed), parsed)


def filed_notes(project: Project, release: Release | None) -> str | None:
    """The section of ``release`` in the changelog file, exactly as written; None: no file, or
    no section for it."""
    if release is None:
        return None
    path = project.root / project.config.changelog_file
    if not path.is_file():
        return None
    return changelog_section(read_text(path), release)


def check_renderable(project: Project, release: Release | None) -> None:
    """Raise when git cannot give real notes: no commit, or a shallow clone (only a heading)."""
    shown = release[1].pep440 if release is not None else "the release"
    if project.git.head() is None:
        raise ChangelogError(
            f"the repository at {project.root} has no commit, so there are no release notes "
            f"for {shown}: commit and release first"
        )
    if project.git.is_shallow():
        raise ChangelogError(
            f"{project.config.changelog_file} has no section for {shown} and the repository at "
            f"{project.root} is a shallow clone, so its notes cannot be rendered from git: add "
            f"the section to the changelog or fetch the history with '{_UNSHALLOW}' (in CI: "
            "actions/checkout with fetch-depth: 0)"
        )
