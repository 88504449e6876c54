"""A project on disk: its ``pyproject.toml``, configuration, version sources and git repository."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from nox_release._errors import ConfigError, GitError, VersionError, VersionSourceError
from nox_release.adapters.files import read_text, real
from nox_release.adapters.git import Git
from nox_release.core.config import Config, config_from_pyproject
from nox_release.core.detect import Detection, Found, candidates, detect, setup_cfg_value
from nox_release.core.paths import relpath
from nox_release.core.sources import (
    PatternVersion,
    PyprojectVersion,
    PythonVersion,
    SetupCfgVersion,
    UvLockVersion,
    VersionSource,
)
from nox_release.core.tags import TagFormat, infer_format, newest_first
from nox_release.core.toml import TomlError, loads
from nox_release.core.version import Version

__all__ = ["CHANGELOGS", "Project", "load_config"]

#: Changelog files looked for, in this order, when ``changelog-file`` is not configured.
CHANGELOGS = (
    "CHANGELOG.md",
    "CHANGES.md",
    "HISTORY.md",
    "NEWS.md",
    "docs/changelog.md",
    "CHANGELOG.rst",
    "CHANGES.rst",
    "HISTORY.rst",
    "NEWS.rst",
    "docs/changelog.rst",
    "docs/changes.rst",
)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"no pyproject.toml in {path.parent}: run nox-release from the project's root."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read as UTF-8 text ({exc}): fix the file.") from None
    try:
        return loads(text)
    except TomlError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None


def _maybe_text(path: Path) -> str | None:
    """A file's text, or None when it is absent or unreadable (detection only looks)."""
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


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

    def __init__(
        self, root: Path | str = ".", *, config: Config | None = None, git: Git | None = None
    ) -> None:
        """``git``: the repository's :class:`Git` when the caller made it (answers read ahead)."""
        self.root = Path(root).resolve()
        self.pyproject_path = self.root / "pyproject.toml"
        self.data: Mapping[str, Any] = _read_toml(self.pyproject_path)
        self.git = git if git is not None and git.cwd == self.root else Git(self.root)
        #: What was found rather than configured, and versions read leniently: for the output.
        self.notes: list[str] = []
        self.warnings: list[str] = []
        if config is None:
            config = config_from_pyproject(self.data, source=str(self.pyproject_path))
            config = self._detected_config(config)
        self.config = config
        #: Folders whose commits alone count (an independent package: its own folder), and
        #: folders whose commits never count (the independent packages, for the project).
        self.include_paths: tuple[Path, ...] = ()
        self.exclude_paths = tuple(self.root / p.path for p in self.config.independent)

    @property
    def configured(self) -> Mapping[str, Any]:
        """The ``[tool.nox-release]`` table as written (empty when there is none)."""
        table = self.data.get("tool", {}).get("nox-release", {})
        return table if isinstance(table, Mapping) else {}

    def _detected_config(self, config: Config) -> Config:
        """``config`` with the tag format and changelog file the project already uses."""
        changes: dict[str, Any] = {}
        if "tag-format" not in self.configured:
            try:
                inferred = infer_format(self.git.tag_names("*"))
            except GitError:
                inferred = None
            if inferred is not None and inferred[0] != config.tag_format:
                changes["tag_format"] = inferred[0]
            if inferred is not None:
                self.notes.append(
                    f"tag format {inferred[0]} (inferred from {inferred[1]} existing tags)"
                )
        if "changelog-file" not in self.configured:
            found = next((n for n in CHANGELOGS if (self.root / n).is_file()), None)
            if found is not None and found != config.changelog_file:
                changes["changelog_file"] = found
        return dataclasses.replace(config, **changes) if changes else config

    @cached_property
    def name(self) -> str:
        """The project's distribution name from ``[project] name``."""
        name = self.data.get("project", {}).get("name")
        if not isinstance(name, str):  # poetry-core, then setup.cfg
            name = self.data.get("tool", {}).get("poetry", {}).get("name")
        if not isinstance(name, str):
            name = setup_cfg_value(_maybe_text(self.root / "setup.cfg"), "metadata", "name")
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
            inside = real(path).is_relative_to(real(self.root))
            if not inside or real(path) == real(self.root):
                raise ConfigError(
                    f"package '{folder}' in [tool.nox-release] packages of {self.pyproject_path} "
                    f"is {real(path)}, not a folder inside the project: name a sub-folder such "
                    "as 'packages/core'"
                )
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

    def released(self) -> list[Project]:
        """The projects built, checked, SBOM'd and published: each with a ``[project]`` table.

        The lockstep packages, and the root too when it is a package itself (or alone).
        """
        root_is_package = isinstance(self.data.get("project", {}).get("name"), str)
        return [self] * (root_is_package or not self.packages) + list(self.packages)

    @cached_property
    def detection(self) -> Detection:
        """Where this project keeps its version, found from its files (see core.detect)."""
        dirs = sorted(
            relpath(p.parent, self.root)
            for pattern in ("*/__init__.py", "src/*/__init__.py")
            for p in self.root.glob(pattern)
        )
        setup_cfg = _maybe_text(self.root / "setup.cfg")
        files = {}
        for rel in candidates(self.data, setup_cfg, dirs):
            text = _maybe_text(self.root / rel)
            if text is not None:
                files[rel] = text
        try:
            names = [self.name, *(p.name for p in self.packages)]
        except ConfigError:
            names = []
        return detect(
            self.data,
            setup_cfg,
            files,
            uv_lock=_maybe_text(self.root / "uv.lock"),
            lock_names=names,
        )

    def _source(self, found: Found) -> VersionSource:
        path = self.root / found.path
        if found.kind == "pyproject":
            return PyprojectVersion(path)
        if found.kind == "poetry":
            return PyprojectVersion(path, ("tool", "poetry"))
        if found.kind == "setup.cfg":
            return SetupCfgVersion(path)
        if found.kind == "uv.lock":
            return UvLockVersion(path, found.name)
        if found.kind == "file":
            return PatternVersion(path, "{version}")
        return PythonVersion(path, found.name)

    @property
    def tag_derived(self) -> bool:
        """Whether the version comes from git tags (setuptools-scm, hatch-vcs, pdm scm...)."""
        files = [f for f in self.detection.sources if f.kind != "uv.lock"]
        return self.detection.scm is not None and not files and not self.config.version_files

    def sources(self) -> list[VersionSource]:
        """Every place this project (and its lockstep packages) keeps the version.

        What is detected, plus the configured ``version-files``; empty for a tag-derived version.
        """
        out: list[VersionSource] = [self._source(f) for f in self.detection.sources]
        for vf in self.config.version_files:
            path = self.root / vf.path
            if vf.pattern is not None:
                source: VersionSource = PatternVersion(path, vf.pattern)
            elif path.suffix == ".py":
                source = PythonVersion(path)
            elif path.name == "pyproject.toml":
                source = PyprojectVersion(path)
            else:
                raise ConfigError(
                    f"version-files entry '{vf.path}' in {self.pyproject_path} is not a .py file: "
                    'give it a pattern, e.g. { path = "%s", pattern = "==={version}" }.' % vf.path
                )
            if source not in out:
                out.append(source)
        for package in self.packages:
            out.extend(s for s in package.sources() if s not in out)
        if not out and not self.packages and not self.tag_derived:
            raise VersionSourceError(self._nowhere())
        return out

    def _nowhere(self) -> str:
        d = self.detection
        what = "a dynamic version" if d.dynamic else "no [project] version"
        return (
            f"{self.pyproject_path} has {what} and nox-release found no file holding it "
            f"(build backend: {d.backend or 'unknown'}): list the file in [tool.nox-release] "
            'version-files, e.g. version-files = ["src/pkg/__init__.py"]'
        )

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

    def check_tag_format(self) -> None:
        """Refuse a ``tag-format`` that names no tag while other tags look like releases."""
        fmt = self.config.tags
        # The format's own tags first, listed already (remembered) with the release tags: one
        # without a "/" is among "*"'s too (git's patterns match "/" only literally).
        if any("/" not in n and fmt.parse(n) is not None for n in self.git.tag_names(fmt.glob)):
            return
        names = self.git.tag_names("*")
        inferred = infer_format(names)
        if inferred is None:
            return
        other = TagFormat(inferred[0])
        shown = [n for n in names if other.parse(n) is not None][-3:]
        raise ConfigError(
            f"tag-format '{fmt.template}' matches none of this repository's tags, but "
            f"{inferred[1]} tags look like releases ({', '.join(shown)}): set tag-format = "
            f'"{inferred[0]}" in [tool.nox-release] (or remove it to have it inferred)'
        )

    def tag_version(self) -> Version:
        """A tag-derived version: the newest release tag reachable from HEAD (0.0.0 if none)."""
        fmt = self.config.tags
        for tag in newest_first(self.git.tag_names(fmt.glob), fmt):
            if self.git.is_ancestor(tag.ref, "HEAD"):
                return tag.version
        return Version("0.0.0")

    def version(self) -> Version:
        """The current version, after checking that every source holds the same one.

        A valid but non-normalised version (``8.5.0.dev``) is read with a warning in
        :attr:`warnings`; a tag-derived version is the newest release tag's.
        """
        values = self.read_sources()
        if not values:
            return self.tag_version()
        parsed: dict[str, Version | None] = {}
        for value in values:
            try:
                parsed[value.raw], warning = Version.lenient(value.raw)
            except VersionError:
                parsed[value.raw] = None
                continue
            where = f"{relpath(value.source.path, self.root)} ({value.source.label})"
            if warning is not None and f"{where}: {warning}" not in self.warnings:
                self.warnings.append(f"{where}: {warning}")
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
        return next(v for v in parsed.values() if v is not None)
