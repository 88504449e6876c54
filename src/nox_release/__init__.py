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

#: The public names and the module each comes from: the one list (``__all__`` is its keys; the
#: type checkers' imports below are proven equal to it by the tests).
_PUBLIC: dict[str, str] = {
    "ArtifactError": "_errors",
    "AutoDecision": "steps.decide",
    "AutoResult": "steps.auto",
    "BranchResult": "steps.branches",
    "BuildResult": "steps.build",
    "BumpError": "_errors",
    "BumpResult": "steps.bump",
    "ChangelogError": "_errors",
    "CommandError": "_errors",
    "Config": "core.config",
    "ConfigError": "_errors",
    "ConventionalCommit": "core.commits",
    "DistCheck": "steps.verify",
    "FileChange": "core.plan",
    "GitError": "_errors",
    "Plan": "core.plan",
    "Project": "adapters.project",
    "PublishError": "_errors",
    "PublishPlan": "steps.publish",
    "PublishResult": "steps.publish",
    "ReleaseError": "_errors",
    "ReleaseResult": "pipeline.release",
    "Runner": "adapters.runner",
    "SbomError": "_errors",
    "SbomResult": "steps.sbom.step",
    "SubprocessRunner": "adapters.runner",
    "TagFormat": "core.tags",
    "Version": "core.version",
    "VersionError": "_errors",
    "VersionSourceError": "_errors",
    "apply_plan": "adapters.apply",
    "build": "steps.build",
    "bump": "steps.bump",
    "bump_auto": "steps.auto",
    "check_dist": "steps.verify",
    "check_versions": "steps.bump",
    "config_from_pyproject": "core.config",
    "decide": "steps.decide",
    "default_cliff_config": "steps.changelog.cliff",
    "embed_sbom": "steps.sbom.embed",
    "load_config": "adapters.project",
    "newest_release_tag": "adapters.history",
    "parse_commit": "core.commits",
    "preview_changelog": "steps.changelog.notes",
    "publish": "steps.publish",
    "register": "sessions",
    "release": "pipeline.release",
    "release_branch": "steps.branches",
    "release_notes": "steps.changelog.notes",
    "release_version": "steps.bump",
    "sbom": "steps.sbom.step",
    "twine_check": "steps.verify",
    "update_changelog": "steps.changelog.update",
    "write_checksums": "adapters.dist",
}

__all__ = ["__version__", *_PUBLIC]

if TYPE_CHECKING:
    from typing import Any

    from nox_release._errors import (
        ArtifactError,
        BumpError,
        ChangelogError,
        CommandError,
        ConfigError,
        GitError,
        PublishError,
        ReleaseError,
        SbomError,
        VersionError,
        VersionSourceError,
    )
    from nox_release.adapters.apply import apply_plan
    from nox_release.adapters.dist import write_checksums
    from nox_release.adapters.history import newest_release_tag
    from nox_release.adapters.project import Project, load_config
    from nox_release.adapters.runner import Runner, SubprocessRunner
    from nox_release.core.commits import ConventionalCommit, parse_commit
    from nox_release.core.config import Config, config_from_pyproject
    from nox_release.core.plan import FileChange, Plan
    from nox_release.core.tags import TagFormat
    from nox_release.core.version import Version
    from nox_release.pipeline.release import ReleaseResult, release
    from nox_release.sessions import register
    from nox_release.steps.auto import AutoResult, bump_auto
    from nox_release.steps.branches import BranchResult, release_branch
    from nox_release.steps.build import BuildResult, build
    from nox_release.steps.bump import BumpResult, bump, check_versions, release_version
    from nox_release.steps.changelog.cliff import default_cliff_config
    from nox_release.steps.changelog.notes import preview_changelog, release_notes
    from nox_release.steps.changelog.update import update_changelog
    from nox_release.steps.decide import AutoDecision, decide
    from nox_release.steps.publish import PublishPlan, PublishResult, publish
    from nox_release.steps.sbom.embed import embed_sbom
    from nox_release.steps.sbom.step import SbomResult, sbom
    from nox_release.steps.verify import DistCheck, check_dist, twine_check


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'nox_release' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"nox_release.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
