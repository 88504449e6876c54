"""The exceptions nox-release raises.

Every error a user can cause is a :class:`ReleaseError` whose message is one sentence that names
the file or value at fault and the way out. Sessions turn it into ``session.error(message)``;
nothing a user can cause ends in a traceback.
"""

from __future__ import annotations

__all__ = [
    "BumpError",
    "CommandError",
    "ConfigError",
    "GitError",
    "ReleaseError",
    "VersionError",
    "VersionSourceError",
]


class ReleaseError(Exception):
    """Base class: a release cannot go on, and the message says why and what to do."""


class VersionError(ReleaseError, ValueError):
    """A version string is not one nox-release accepts (not normalised, local, unparsable)."""


class BumpError(ReleaseError):
    """A bump that is not allowed from the current version (for example rc back to beta)."""


class ConfigError(ReleaseError):
    """``[tool.nox-release]`` holds an unknown key, a wrong type or an invalid value."""


class VersionSourceError(ReleaseError):
    """A version source cannot be read or written, or the sources disagree."""


class GitError(ReleaseError):
    """A git command failed or the repository is not in a state a release can start from."""


class CommandError(ReleaseError):
    """An external command (git-cliff, uv, twine, ...) exited non-zero."""

    def __init__(self, message: str, *, returncode: int = 1, output: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.output = output
