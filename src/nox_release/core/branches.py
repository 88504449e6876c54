"""Maintenance branches by name: the naming rule and the patch-only rule (pure)."""

from __future__ import annotations

import re

from nox_release._errors import BumpError
from nox_release.core.version import Version

__all__ = ["branch_name", "check_branch_rule", "maintenance_line"]


def _branch_regex(fmt: str) -> re.Pattern[str]:
    parts = re.split(r"(\{major\}|\{minor\})", fmt)
    out = []
    for part in parts:
        if part == "{major}":
            out.append(r"(?P<major>0|[1-9]\d*)")
        elif part == "{minor}":
            out.append(r"(?P<minor>0|[1-9]\d*)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def branch_name(fmt: str, major: int, minor: int) -> str:
    """The maintenance branch of ``major.minor`` under ``release-branch-format``."""
    return fmt.replace("{major}", str(major)).replace("{minor}", str(minor))


def maintenance_line(branch: str | None, fmt: str) -> tuple[int, int] | None:
    """``(major, minor)`` when ``branch`` is a maintenance branch of ``fmt``, else None (pure)."""
    if branch is None:
        return None
    m = _branch_regex(fmt).fullmatch(branch)
    if m is None:
        return None
    return int(m.group("major")), int(m.group("minor"))


def check_branch_rule(branch: str | None, fmt: str, version: Version) -> None:
    """On a maintenance branch ``X.Y``, only ``X.Y.Z`` releases (and their pre-releases) go."""
    line = maintenance_line(branch, fmt)
    if line is None:
        return
    if version.release[:2] != line or len(version.release) < 3:
        raise BumpError(
            f"branch {branch} is the maintenance branch of {line[0]}.{line[1]}: only patch "
            f"releases {line[0]}.{line[1]}.Z (and their pre-releases) are made there, not "
            f"{version.pep440}; release minor and major versions from the main branch."
        )
