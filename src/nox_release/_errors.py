"""The exceptions nox-release raises.

Every error a user can cause is a :class:`ReleaseError` whose message is one sentence that names
the file or value at fault and the way out. Sessions turn it into ``session.error(message)``;
nothing a user can cause ends in a traceback.
"""

from __future__ import annotations

__all__ = [
    "ArtifactError",
    "BumpError",
    "ChangelogError",
    "CommandError",
    "ConfigError",
    "GitError",
    "IndexReadError",
    "PublishError",
    "ReleaseError",
    "RollbackError",
    "SbomError",
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


class RollbackError(ReleaseError):
    """A change failed, and undoing it could not finish: the message names what is left."""


class ArtifactError(ReleaseError):
    """An artifact is missing, unreadable, or not the release it claims to be."""


class ChangelogError(ReleaseError):
    """git-cliff failed, or the changelog cannot be produced as asked."""


class SbomError(ReleaseError):
    """An SBOM cannot be made: no wheel, an unusable lock, or a document that is not valid."""


class PublishError(ReleaseError):
    """The release cannot be (or was not fully) published; the message says what to do."""


class IndexReadError(ReleaseError):
    """The package index could not be read (unreachable, refused, or not a simple API)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
