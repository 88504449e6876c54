"""nox-release: a safe, resumable release pipeline for Python projects, as nox sessions.

In ``noxfile.py``::

    import nox_release

    nox_release.register()

The same steps are importable for projects that compose their own sessions. Importing this
package is cheap: every name below is loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ._bump import BumpResult, bump, check_versions, newest_release_tag, release_version
    from ._changelog import (
        ChangelogError,
        default_cliff_config,
        preview_changelog,
        release_notes,
        update_changelog,
    )
    from ._config import Config, config_from_pyproject
    from ._errors import (
        BumpError,
        CommandError,
        ConfigError,
        GitError,
        ReleaseError,
        VersionError,
        VersionSourceError,
    )
    from ._plan import FileChange, Plan, apply_plan
    from ._project import Project, load_config
    from ._runner import Runner, SubprocessRunner
    from ._sessions import register
    from ._tags import TagFormat
    from ._version import Version

_LAZY = {
    "BumpError": "_errors",
    "BumpResult": "_bump",
    "ChangelogError": "_changelog",
    "CommandError": "_errors",
    "Config": "_config",
    "ConfigError": "_errors",
    "FileChange": "_plan",
    "GitError": "_errors",
    "Plan": "_plan",
    "Project": "_project",
    "ReleaseError": "_errors",
    "Runner": "_runner",
    "SubprocessRunner": "_runner",
    "TagFormat": "_tags",
    "Version": "_version",
    "VersionError": "_errors",
    "VersionSourceError": "_errors",
    "apply_plan": "_plan",
    "bump": "_bump",
    "check_versions": "_bump",
    "config_from_pyproject": "_config",
    "default_cliff_config": "_changelog",
    "load_config": "_project",
    "newest_release_tag": "_bump",
    "preview_changelog": "_changelog",
    "register": "_sessions",
    "release_notes": "_changelog",
    "release_version": "_bump",
    "update_changelog": "_changelog",
}

__all__ = [
    "BumpError",
    "BumpResult",
    "ChangelogError",
    "CommandError",
    "Config",
    "ConfigError",
    "FileChange",
    "GitError",
    "Plan",
    "Project",
    "ReleaseError",
    "Runner",
    "SubprocessRunner",
    "TagFormat",
    "Version",
    "VersionError",
    "VersionSourceError",
    "__version__",
    "apply_plan",
    "bump",
    "check_versions",
    "config_from_pyproject",
    "default_cliff_config",
    "load_config",
    "newest_release_tag",
    "preview_changelog",
    "register",
    "release_notes",
    "release_version",
    "update_changelog",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nox_release' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
