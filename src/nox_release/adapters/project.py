"""A project on disk: its ``pyproject.toml``, configuration, version sources and git repository."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from nox_release._errors import ConfigError, VersionError, VersionSourceError
from nox_release.adapters.files import read_text
from nox_release.adapters.git import Git
from nox_release.core.config import Config, config_from_pyproject
from nox_release.core.paths import relpath
from nox_release.core.sources import PatternVersion, PyprojectVersion, PythonVersion, VersionSource
from nox_release.core.version import Version

__all__ = ["Project", "load_config"]


def _read_toml(path: Path) -> dict[str, Any]:
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"no pyproject.toml in {path.parent}: run nox-release from the project's root."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read as UTF-8 text ({exc}): fix the file.") from None
    try:
        return tomlkit.parse(text).unwrap()
    except TOMLKitError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None


def load_config(root: Path | str = ".") -> Config:
    """Read and validate ``[tool.nox-release]`` from ``root/pyproject.toml``."""
    path = Path(root) / "pyproject.toml"
    return config_from_pyproject(_read_toml(path), source=str(path))


@dataclass(frozen=True)
class SourceValue:
    """What one source holds now."""

    source: VersionSource
    raw: str


class Project:
    """One Python project (the folder holding ``pyproject.toml``) inside a git repository.

    With ``[tool.nox-release] packages``, the project is the repository's root and
    :attr:`packages` are the folders released with it in lockstep.
    """

    def __init__(self, root: Path | str = ".", *, config: Config | None = None) -> None:
        self.root = Path(root).resolve()
        self.pyproject_path = self.root / "pyproject.toml"
        self.data: Mapping[str, Any] = _read_toml(self.pyproject_path)
        self.config = config or config_from_pyproject(self.data, source=str(self.pyproject_path))
        self.git = Git(self.root)
        #: Folders whose commits alone count (an independent package: its own folder), and
        #: folders whose commits never count (the independent packages, for the project).
        self.include_paths: tuple[Path, ...] = ()
        self.exclude_paths = tuple(self.root / p.path for p in self.config.independent)

    @cached_property
    def name(self) -> str:
        """The project's distribution name from ``[project] name``."""
        name = self.data.get("project", {}).get("name")
        if not isinstance(name, str):
            if self.config.packages:  # a lockstep root need not be a package itself
                return self.root.name
            raise ConfigError(f"{self.pyproject_path} has no [project] name.")
        return name

    @cached_property
    def packages(self) -> tuple[Project, ...]:
        """The lockstep packages (``packages`` key), each a :class:`Project`; else empty."""
        out = []
        for folder in self.config.packages:
            path = self.root / folder
            if not (path / "pyproject.toml").is_file():
                raise ConfigError(
                    f"package '{folder}' in [tool.nox-release] packages of {self.pyproject_path} "
                    f"has no pyproject.toml at {path}."
                )
            # Packages share the root's configuration, but are not lockstep roots themselves.
            # The root's version-files are the root's (resolved against the root folder).
            config = dataclasses.replace(self.config, packages=(), version_files=(), independent=())
            out.append(Project(path, config=config))
        return tuple(out)

    def sources(self) -> list[VersionSource]:
        """Every place this project (and its lockstep packages) keeps the version."""
        out: list[VersionSource] = []
        project = self.data.get("project", {})
        if "version" in project:
            out.append(PyprojectVersion(self.pyproject_path))
        elif "version" in project.get("dynamic", []):
            hatch_path = self.data.get("tool", {}).get("hatch", {}).get("version", {}).get("path")
            if isinstance(hatch_path, str):
                out.append(PythonVersion(self.root / hatch_path))
            elif not self.config.version_files:
                raise VersionSourceError(
                    f"{self.pyproject_path} declares a dynamic version but names no file that "
                    "holds it: set [tool.hatch.version] path, or list the file in "
                    "[tool.nox-release] version-files."
                )
        for vf in self.config.version_files:
            path = self.root / vf.path
            if vf.pattern is not None:
                out.append(PatternVersion(path, vf.pattern))
            elif path.suffix == ".py":
                out.append(PythonVersion(path))
            elif path.name == "pyproject.toml":
                out.append(PyprojectVersion(path))
            else:
                raise ConfigError(
                    f"version-files entry '{vf.path}' in {self.pyproject_path} is not a .py file: "
                    'give it a pattern, e.g. { path = "%s", pattern = "==={version}" }.' % vf.path
                )
        for package in self.packages:
            out.extend(s for s in package.sources() if s not in out)
        if not out and not self.packages:
            raise VersionSourceError(
                f"{self.pyproject_path} has no [project] version and no version-files: "
                "nox-release does not know where the version is."
            )
        return out

    def read_sources(self) -> list[SourceValue]:
        values = []
        for source in self.sources():
            try:
                text = read_text(source.path)
            except FileNotFoundError:
                raise VersionSourceError(
                    f"{source.path} (a version source) does not exist: create it or remove it "
                    "from version-files."
                ) from None
            except (OSError, UnicodeDecodeError) as exc:
                raise VersionSourceError(
                    f"{source.path} (a version source) cannot be read as UTF-8 text ({exc}): "
                    "fix the file or remove it from version-files."
                ) from None
            values.append(SourceValue(source, source.read(text)))
        return values

    def version(self) -> Version:
        """The current version, after checking that every source holds the same one."""
        values = self.read_sources()
        parsed: dict[str, Version | None] = {}
        for value in values:
            try:
                parsed[value.raw] = Version.parse(value.raw)
            except VersionError:
                parsed[value.raw] = None
        # Agreement is on the exact text, not PEP 440 equality: "1" == "1.0.0" as versions,
        # but a file saying "1" where another says "1.0.0" is a drift (or a misread pattern).
        distinct = {v.pep440 if v is not None else None for v in parsed.values()}
        if len(distinct) > 1 or None in distinct:
            listing = "; ".join(
                f"{relpath(v.source.path, self.root)} ({v.source.label}) = {v.raw!r}"
                for v in values
            )
            if len(distinct) > 1:
                raise VersionSourceError(
                    f"the version sources disagree: {listing}. Make them equal, then run again."
                )
            bad = next(v for v in values if parsed[v.raw] is None)
            try:
                Version.parse(bad.raw)
            except VersionError as exc:
                raise VersionError(
                    f"{relpath(bad.source.path, self.root)} ({bad.source.label}): {exc}"
                ) from None
        version = next(v for v in parsed.values() if v is not None)
        return version
