"""``[tool.nox-release]``: one frozen, validated configuration object (pure core).

:func:`config_from_pyproject` takes the *parsed* ``pyproject.toml`` (a plain dict) and returns a
:class:`Config`; reading the file is the caller's business (see :func:`nox_release.load_config`).
Every key is declared once in :data:`KEYS` with its type, default and one line of docs; the
README's configuration table is checked against it by the tests.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nox_release._errors import ConfigError, VersionError
from nox_release.core.commits import EFFECTS
from nox_release.core.packages import PackageSpec, parse_packages
from nox_release.core.tags import TagFormat
from nox_release.core.version import normalise_pre_kind

__all__ = ["KEYS", "Config", "Key", "VersionFile", "config_from_pyproject"]


@dataclass(frozen=True)
class Key:
    """One configuration key: its TOML name, kind and documentation (the default is the
    :class:`Config` field's, declared there only)."""

    name: str
    kind: str  # "str", "bool", "list[str]", "version-files", "commit-types", "branch-kinds", ...
    doc: str
    choices: tuple[str, ...] = ()

    @property
    def attr(self) -> str:
        return self.name.replace("-", "_")

    @property
    def default(self) -> Any:
        """The default value: the :class:`Config` field's."""
        spec = Config.__dataclass_fields__[self.attr]
        if spec.default_factory is not dataclasses.MISSING:
            return spec.default_factory()
        return spec.default


@dataclass(frozen=True)
class VersionFile:
    """A file that holds the version: Python ``__version__`` (no pattern) or a pattern."""

    path: str
    pattern: str | None = None


@dataclass(frozen=True)
class Config:
    """The validated ``[tool.nox-release]`` table; attribute names are the keys in snake_case."""

    tag_format: str = "v{version}"
    version_files: tuple[VersionFile, ...] = ()
    commit_message: str = "chore(release): {tag}"
    tag_message: str = "Release {tag}"
    sign_tags: bool = False
    remote: str = "origin"
    changelog: bool = True
    changelog_file: str = "CHANGELOG.md"
    changelog_fold_prereleases: bool = True
    commit_types: Mapping[str, str] = field(default_factory=dict)
    major_on_zero: bool = False
    dist_dir: str = "dist"
    builder: str = "auto"
    sbom_embed: bool = False
    sbom_lock: str | None = None
    repository: str = "pypi"
    publish: bool = False
    release_branch_format: str = "{major}.{minor}"
    next_cycle: str = "alpha"
    packages: tuple[str, ...] = ()
    prerelease_branches: Mapping[str, str] = field(default_factory=dict)
    independent: tuple[PackageSpec, ...] = ()
    """The ``packages`` entries with ``versioning = "independent"`` (not a key of its own)."""
    validate: tuple[str, ...] = ()

    @property
    def tags(self) -> TagFormat:
        """The :class:`TagFormat` of :attr:`tag_format`."""
        return TagFormat(self.tag_format)


KEYS: tuple[Key, ...] = (
    Key(
        "tag-format",
        "str",
        "Tag name; `{version}` is the PEP 440 form, `{semver}` the SemVer form.",
    ),
    Key(
        "version-files",
        "version-files",
        'Files that hold the version, added to those detected: a path (`.py` files: `__version__`) or `{path = "...", pattern = "...{version}..."}`.',
    ),
    Key(
        "commit-message",
        "str",
        "Release commit message; `{tag}`, `{version}`, `{semver}`, `{previous}` are filled in.",
    ),
    Key("tag-message", "str", "Annotated tag message; same placeholders."),
    Key("sign-tags", "bool", "Create signed tags (`git tag -s`) instead of annotated ones."),
    Key(
        "remote",
        "str",
        "Remote checked for existing tags before a bump and pushed to by `release --push`.",
    ),
    Key("changelog", "bool", "Bumps regenerate the changelog inside the release commit."),
    Key("changelog-file", "str", "The changelog file, relative to the project."),
    Key(
        "changelog-fold-prereleases",
        "bool",
        "Fold pre-release sections into the final release's section.",
    ),
    Key(
        "commit-types",
        "commit-types",
        "Conventional Commit type -> `major`, `minor`, `patch` or `none`; extends the default map.",
    ),
    Key(
        "major-on-zero",
        "bool",
        "Before 1.0.0, a breaking change bumps major (default: minor, as SemVer's rule 4).",
    ),
    Key("dist-dir", "str", "Where `build` puts artifacts and `sbom` its documents."),
    Key(
        "builder",
        "choice",
        "`uv` (`uv build`), `build` (`python -m build`) or `auto`.",
        ("auto", "uv", "build"),
    ),
    Key(
        "sbom-embed",
        "bool",
        "Embed the CycloneDX SBOM in the wheel under `.dist-info/sboms/` (PEP 770).",
    ),
    Key(
        "sbom-lock",
        "str?",
        "Describe a locked set instead of the wheel's resolution: `uv.lock` or a requirements file.",
    ),
    Key(
        "repository",
        "str",
        "Where `publish` uploads: `pypi`, `testpypi`, a `~/.pypirc` name or an upload URL.",
    ),
    Key("publish", "bool", "`release` publishes without `--publish`."),
    Key(
        "release-branch-format",
        "str",
        "Maintenance branch name (`{major}`, `{minor}`); `v{major}.{minor}.x` also works.",
    ),
    Key(
        "next-cycle",
        "choice",
        "After `release-branch`, `main` moves to `X.(Y+1).0a1` (`alpha`), `.dev0` (`dev`) or stays (`none`).",
        ("alpha", "dev", "none"),
    ),
    Key(
        "packages",
        "packages",
        "Folders, each with a `pyproject.toml`, released in lockstep with one version and tag; "
        '`{ path = "client", versioning = "independent", tag-format = "client-v{version}" }` '
        "gives one its own versions, tags and changelog.",
    ),
    Key(
        "prerelease-branches",
        "branch-kinds",
        'Branch glob -> pre-release kind, e.g. `{ "rc/*" = "rc" }`: there, releases are only the next pre-release of that kind.',
    ),
    Key(
        "validate",
        "list[str]",
        "Commands run by `release` (before publish) and the `validate` session in a fresh environment holding only the built wheel.",
    ),
)
_BY_NAME = {k.name: k for k in KEYS}


def _where(source: str) -> str:
    return f"[tool.nox-release] in {source}"


def _check(key: Key, value: Any, source: str) -> Any:
    where = _where(source)
    if key.kind in ("str", "str?"):
        if key.kind == "str?" and value is None:
            return None
        if not isinstance(value, str):
            raise ConfigError(f"'{key.name}' in {where} must be a string, not {value!r}.")
        return value
    if key.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"'{key.name}' in {where} must be true or false, not {value!r}.")
        return value
    if key.kind == "choice":
        if value not in key.choices:
            raise ConfigError(
                f"'{key.name}' in {where} is {value!r}; valid choices: {', '.join(key.choices)}."
            )
        return value
    if key.kind == "list[str]":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"'{key.name}' in {where} must be a list of strings, not {value!r}.")
        return tuple(value)
    if key.kind == "version-files":
        return _version_files(value, where)
    if key.kind == "packages":
        return value  # checked with tag-format known, in config_from_pyproject
    if key.kind == "branch-kinds":
        return _branch_kinds(key, value, where)
    if key.kind == "commit-types":
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"'{key.name}' in {where} must be a table such as {{ feat = \"minor\" }}."
            )
        out: dict[str, str] = {}
        for ctype, effect in value.items():
            if effect not in EFFECTS:
                raise ConfigError(
                    f"commit type '{ctype}' in '{key.name}' of {where} maps to {effect!r}; "
                    f"valid effects: {', '.join(reversed(EFFECTS))}."
                )
            out[str(ctype)] = str(effect)
        return out
    raise AssertionError(key.kind)  # pragma: no cover


def _branch_kinds(key: Key, value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigError(f'\'{key.name}\' in {where} must be a table such as {{ "rc/*" = "rc" }}.')
    out: dict[str, str] = {}
    for glob, kind in value.items():
        try:
            out[str(glob)] = normalise_pre_kind(kind if isinstance(kind, str) else "")
        except VersionError:
            raise ConfigError(
                f"branch '{glob}' in '{key.name}' of {where} maps to {kind!r}; valid kinds: "
                "alpha, beta, rc, dev."
            ) from None
    return out


def _version_files(value: Any, where: str) -> tuple[VersionFile, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"'version-files' in {where} must be a list, not {value!r}.")
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(VersionFile(item))
            continue
        if isinstance(item, Mapping):
            extra = set(item) - {"path", "pattern"}
            path, pattern = item.get("path"), item.get("pattern")
            if extra or not isinstance(path, str) or not isinstance(pattern, (str, type(None))):
                raise ConfigError(
                    f"entry {dict(item)!r} of 'version-files' in {where} must be a path or "
                    '{ path = "README.md", pattern = "pkg=={version}" }.'
                )
            if pattern is not None and pattern.count("{version}") + pattern.count("{semver}") != 1:
                raise ConfigError(
                    f"pattern '{pattern}' for '{path}' in 'version-files' of {where} must hold "
                    "exactly one {version} or {semver}."
                )
            out.append(VersionFile(path, pattern))
            continue
        raise ConfigError(f"entry {item!r} of 'version-files' in {where} is not a path or table.")
    return tuple(out)


#: Keys of ``[project]`` nox-release reads, and the TOML type each must have.
_PROJECT_SHAPES: dict[str, tuple[type, str]] = {
    "name": (str, "a string"),
    "version": (str, "a string"),
    "dynamic": (list, "a list of strings"),
}


def _check_shapes(data: Mapping[str, Any], source: str) -> None:
    """The tables of ``pyproject.toml`` nox-release reads are tables (and their keys the right
    types), so that a misshapen file gets one sentence, not a traceback."""
    for name in ("project", "build-system", "tool"):
        value = data.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"'{name}' in {source} is {value!r}, but it must be a table ([{name}]): fix "
                "the file"
            )
    for name, value in data.get("tool", {}).items():
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"'{name}' in [tool] of {source} is {value!r}, but a tool's settings must be a "
                f"table ([tool.{name}]): fix the file"
            )
    project = data.get("project", {})
    for key, (kind, shown) in _PROJECT_SHAPES.items():
        if key in project and not isinstance(project[key], kind):
            raise ConfigError(
                f"'{key}' in [project] of {source} is {project[key]!r}, but it must be {shown}: "
                "fix the file"
            )


def config_from_pyproject(data: Mapping[str, Any], source: str = "pyproject.toml") -> Config:
    """Validate ``data["tool"]["nox-release"]`` (absent: all defaults) into a :class:`Config`.

    Raises :class:`ConfigError` naming the key, the value and the valid choices.
    """
    _check_shapes(data, source)
    tool = data.get("tool", {})
    table = tool.get("nox-release", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"[tool.nox-release] in {source} must be a table.")
    values: dict[str, Any] = {}
    for name, value in table.items():
        key = _BY_NAME.get(name)
        if key is None:
            close = difflib.get_close_matches(name.replace("_", "-"), list(_BY_NAME), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ConfigError(
                f"unknown key '{name}' in {_where(source)}; valid keys: "
                f"{', '.join(_BY_NAME)}.{hint}"
            )
        values[key.attr] = _check(key, value, source)
    if "packages" in values:
        specs = parse_packages(
            values["packages"], _where(source), values.get("tag_format", "v{version}")
        )
        values["packages"] = tuple(s.path for s in specs if not s.independent)
        values["independent"] = tuple(s for s in specs if s.independent)
    config = Config(**values)
    config.tags  # noqa: B018 - validates tag-format now, with its own message
    for name in ("release_branch_format",):
        fmt = getattr(config, name)
        if "{major}" not in fmt or "{minor}" not in fmt:
            raise ConfigError(
                f"'release-branch-format' in {_where(source)} is '{fmt}'; it must hold "
                "{major} and {minor}, for example '{major}.{minor}' or 'v{major}.{minor}.x'."
            )
    return config
