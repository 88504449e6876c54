"""nox-release: a safe, resumable release pipeline for Python projects, as nox sessions.

In ``noxfile.py``::

    import nox_release

    nox_release.register()

The same steps are importable for projects that compose their own sessions. Importing this
package is cheap: every name below is loaded on first use.
"""

from __future__ import annotations

import importlib

# Not `from typing import TYPE_CHECKING`: importing typing would double this module's import time.
TYPE_CHECKING = False

__version__ = "0.2.0"

if TYPE_CHECKING:
    from typing import Any

    from ._artifacts import ArtifactError, DistCheck, check_dist
    from ._auto import AutoDecision, AutoResult, bump_auto, decide
    from ._branches import BranchResult, release_branch
    from ._build import BuildResult, build, write_checksums
    from ._bump import BumpResult, bump, check_versions, newest_release_tag, release_version
    from ._changelog import (
        ChangelogError,
        default_cliff_config,
        preview_changelog,
        release_notes,
        update_changelog,
    )
    from ._check import twine_check
    from ._commits import ConventionalCommit, parse_commit
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
    from ._publish import PublishError, PublishPlan, PublishResult, publish
    from ._release import ReleaseResult, release
    from ._runner import Runner, SubprocessRunner
    from ._sbom import SbomError, SbomResult, embed_sbom, sbom
    from ._sessions import register
    from ._tags import TagFormat
    from ._version import Version

_LAZY = {
    "ArtifactError": "_artifacts",
    "AutoDecision": "_auto",
    "AutoResult": "_auto",
    "BranchResult": "_branches",
    "BuildResult": "_build",
    "BumpError": "_errors",
    "BumpResult": "_bump",
    "ChangelogError": "_changelog",
    "CommandError": "_errors",
    "Config": "_config",
    "ConfigError": "_errors",
    "ConventionalCommit": "_commits",
    "DistCheck": "_artifacts",
    "FileChange": "_plan",
    "GitError": "_errors",
    "Plan": "_plan",
    "Project": "_project",
    "PublishError": "_publish",
    "PublishPlan": "_publish",
    "PublishResult": "_publish",
    "ReleaseError": "_errors",
    "ReleaseResult": "_release",
    "Runner": "_runner",
    "SbomError": "_sbom",
    "SbomResult": "_sbom",
    "SubprocessRunner": "_runner",
    "TagFormat": "_tags",
    "Version": "_version",
    "VersionError": "_errors",
    "VersionSourceError": "_errors",
    "apply_plan": "_plan",
    "build": "_build",
    "bump": "_bump",
    "bump_auto": "_auto",
    "check_dist": "_artifacts",
    "check_versions": "_bump",
    "config_from_pyproject": "_config",
    "decide": "_auto",
    "default_cliff_config": "_changelog",
    "embed_sbom": "_sbom",
    "load_config": "_project",
    "newest_release_tag": "_bump",
    "parse_commit": "_commits",
    "preview_changelog": "_changelog",
    "publish": "_publish",
    "register": "_sessions",
    "release": "_release",
    "release_branch": "_branches",
    "release_notes": "_changelog",
    "release_version": "_bump",
    "sbom": "_sbom",
    "twine_check": "_check",
    "update_changelog": "_changelog",
    "write_checksums": "_build",
}

__all__ = [
    "ArtifactError",
    "AutoDecision",
    "AutoResult",
    "BranchResult",
    "BuildResult",
    "BumpError",
    "BumpResult",
    "ChangelogError",
    "CommandError",
    "Config",
    "ConfigError",
    "ConventionalCommit",
    "DistCheck",
    "FileChange",
    "GitError",
    "Plan",
    "Project",
    "PublishError",
    "PublishPlan",
    "PublishResult",
    "ReleaseError",
    "ReleaseResult",
    "Runner",
    "SbomError",
    "SbomResult",
    "SubprocessRunner",
    "TagFormat",
    "Version",
    "VersionError",
    "VersionSourceError",
    "__version__",
    "apply_plan",
    "build",
    "bump",
    "bump_auto",
    "check_dist",
    "check_versions",
    "config_from_pyproject",
    "decide",
    "default_cliff_config",
    "embed_sbom",
    "load_config",
    "newest_release_tag",
    "parse_commit",
    "preview_changelog",
    "publish",
    "register",
    "release",
    "release_branch",
    "release_notes",
    "release_version",
    "sbom",
    "twine_check",
    "update_changelog",
    "write_checksums",
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
