"""The ``packages`` key: lockstep folders (strings) and packages with their own versions (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from nox_release._errors import ConfigError
from nox_release.core.tags import TagFormat

__all__ = ["PackageSpec", "parse_packages"]

_FIELDS = ("path", "versioning", "tag-format")
_EXAMPLE = '{ path = "client", versioning = "independent", tag-format = "client-v{version}" }'


@dataclass(frozen=True)
class PackageSpec:
    """One entry of ``packages``: a folder, lockstep or independent, and its tags' format."""

    path: str
    versioning: str = "lockstep"
    tag_format: str = ""

    @property
    def independent(self) -> bool:
        return self.versioning == "independent"

    @property
    def name(self) -> str:
        """The folder's last part: what ``release -- --package NAME`` may say."""
        return PurePosixPath(self.path).name


def _entry(item: Any, where: str, root_tags: str) -> PackageSpec:
    if isinstance(item, str):
        return PackageSpec(item)
    if not isinstance(item, Mapping) or set(item) - set(_FIELDS) or "path" not in item:
        raise ConfigError(
            f"entry {item!r} of 'packages' in {where} must be a folder or a table such as "
            f"{_EXAMPLE}"
        )
    path, versioning = item["path"], item.get("versioning", "lockstep")
    if not isinstance(path, str) or versioning not in ("lockstep", "independent"):
        raise ConfigError(
            f"entry {dict(item)!r} of 'packages' in {where}: path must be a folder and "
            "versioning 'lockstep' or 'independent'"
        )
    default = f"{PurePosixPath(path).name}-v{{version}}" if versioning == "independent" else ""
    tag_format = item.get("tag-format", default)
    if not isinstance(tag_format, str) or (versioning == "lockstep" and tag_format):
        raise ConfigError(
            f"'tag-format' of package '{path}' in {where} is for independent packages only "
            "(lockstep packages share the project's tags)"
        )
    if tag_format:
        fmt = TagFormat(tag_format)
        if fmt.affixes == TagFormat(root_tags).affixes:
            raise ConfigError(
                f"package '{path}' in {where} has the tag format '{tag_format}' of the project "
                f"itself: give it its own, e.g. '{PurePosixPath(path).name}-v{{version}}'"
            )
    return PackageSpec(path, versioning, tag_format)


def parse_packages(value: Any, where: str, root_tags: str) -> tuple[PackageSpec, ...]:
    """The entries of ``packages``: a folder (lockstep) or a table (``path``, ``versioning``,
    ``tag-format``); an independent package's tags default to ``<folder>-v{version}``."""
    if not isinstance(value, list):
        raise ConfigError(
            f"'packages' in {where} must be a list of strings or tables, not {value!r}"
        )
    specs = tuple(_entry(item, where, root_tags) for item in value)
    paths = [s.path for s in specs]
    if len(set(paths)) != len(paths):
        raise ConfigError(f"'packages' in {where} lists a folder twice: {paths}")
    return specs
