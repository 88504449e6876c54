"""The changelog step: git-cliff renders the Markdown, nox-release decides versions and placement.

git-cliff does everything it is good at: parsing Conventional Commits, grouping them, rendering a
template. nox-release does what git-cliff cannot know:

* the version: git-cliff parses tags as SemVer when it computes a version itself, which fails on
  PEP 440 pre-release tags such as ``v1.1.0rc1``; so nox-release computes the version and passes
  the tag (``--tag``), and hands git-cliff a ``--tag-pattern`` made from ``tag-format``;
* which tags are releases, and folding pre-releases into their final release
  (``changelog-fold-prereleases``): the pre-release tags of a released final are given to
  git-cliff as ``--ignore-tags``, which puts their commits into the final's section;
* where the text goes: only the releases the file lacks are rendered (git-cliff over the commit
  range after the newest release the file has; a release being made: its own range) and inserted
  above the file's newest release, so hand-written text above it and inside older sections stays
  byte for byte;
* how long histories are rendered: in bounded batches of releases, two git-cliff runs at a
  time, streamed in order (``batches``): the same text as one run, in bounded time and memory.

The text logic is the core's (:mod:`nox_release.core.changelog`, :mod:`nox_release.core.forge`);
here: running git-cliff (``cliff``, ``batches``), the changelog file (``update``), printed notes
(``notes``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers (loaded on first use below)
    from nox_release._errors import ChangelogError as ChangelogError
    from nox_release.core.forge import Forge as Forge
    from nox_release.core.forge import forge_from_remote as forge_from_remote
    from nox_release.steps.changelog.ahead import prepare_changelog as prepare_changelog
    from nox_release.steps.changelog.cliff import CONFIG_FILES as CONFIG_FILES
    from nox_release.steps.changelog.cliff import default_cliff_config as default_cliff_config
    from nox_release.steps.changelog.notes import preview_changelog as preview_changelog
    from nox_release.steps.changelog.notes import release_notes as release_notes
    from nox_release.steps.changelog.section import (
        release_changelog_changes as release_changelog_changes,
    )
    from nox_release.steps.changelog.update import update_changelog as update_changelog

#: Each name and the module it is loaded from on first use: a bump loads the section's modules,
#: not the release notes'.
_WHERE = {
    "CONFIG_FILES": "nox_release.steps.changelog.cliff",
    "ChangelogError": "nox_release._errors",
    "Forge": "nox_release.core.forge",
    "default_cliff_config": "nox_release.steps.changelog.cliff",
    "forge_from_remote": "nox_release.core.forge",
    "prepare_changelog": "nox_release.steps.changelog.ahead",
    "preview_changelog": "nox_release.steps.changelog.notes",
    "release_changelog_changes": "nox_release.steps.changelog.section",
    "release_notes": "nox_release.steps.changelog.notes",
    "update_changelog": "nox_release.steps.changelog.update",
}
__all__ = [
    "CONFIG_FILES",
    "ChangelogError",
    "Forge",
    "default_cliff_config",
    "forge_from_remote",
    "prepare_changelog",
    "preview_changelog",
    "release_changelog_changes",
    "release_notes",
    "update_changelog",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
