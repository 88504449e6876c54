"""Pre-release channels by branch (``prerelease-branches``) and exact versions typed by hand (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase

from nox_release._errors import BumpError
from nox_release.core.version import PreKind, Version, normalise_pre_kind

__all__ = ["branch_channel", "check_channel", "parse_exact"]


def branch_channel(branch: str | None, channels: Mapping[str, str]) -> tuple[str, PreKind] | None:
    """The first ``(glob, kind)`` of ``channels`` whose glob matches ``branch``, else None."""
    if branch is None:
        return None
    for glob, kind in channels.items():
        if fnmatchcase(branch, glob):
            return glob, normalise_pre_kind(kind)
    return None


def check_channel(branch: str | None, channels: Mapping[str, str], version: Version) -> None:
    """On a pre-release branch only pre-releases of its kind are made (never a final)."""
    found = branch_channel(branch, channels)
    if found is None:
        return
    glob, kind = found
    if version.pre_kind != kind or version.post is not None:
        raise BumpError(
            f"branch {branch} matches '{glob}' in 'prerelease-branches', so only {kind} "
            f"pre-releases are made there, not {version.pep440}; release finals from the "
            "main branch"
        )


def parse_exact(text: str, tag_prefix: str = "v") -> Version | None:
    """The version of ``text`` typed by hand (``2.0.3``, ``v2.0.3``, ``2.1.0-rc.1``), or None
    when ``text`` does not look like a version at all (a bump part, a typo of one)."""
    bare = text[len(tag_prefix) :] if tag_prefix and text.startswith(tag_prefix) else text
    if bare[:1] in ("v", "V") and bare[1:2].isdigit():
        bare = bare[1:]
    if not bare[:1].isdigit():
        return None
    return Version.parse(bare)
