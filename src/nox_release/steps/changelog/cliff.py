"""git-cliff for one project: its configuration, the tag pattern and links, rendering, failures.

Rendering always goes to a file (``-o``): runners merge stderr into stdout, and git-cliff logs
there.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from nox_release._errors import ChangelogError, CommandError, ConfigError
from nox_release.adapters.history import (
    drop_tag_commits,
    iter_release_tags,
    start_tag_commits,
    tag_commits,
)
from nox_release.adapters.packages import cliff_paths
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, strip_ansi, tool
from nox_release.core.changelog import Release, exact_pattern, tag_pattern
from nox_release.core.forge import Forge, forge_from_remote
from nox_release.core.log import Log
from nox_release.core.toml import TomlError, loads

__all__ = ["CONFIG_FILES", "default_cliff_config"]


#: Project files that hold a git-cliff configuration (looked up next to pyproject.toml, then at
#: the repository's top level); the first found wins over ``[tool.git-cliff]`` and the default.
CONFIG_FILES = ("cliff.toml", ".cliff.toml", ".config/cliff.toml")


def default_cliff_config() -> str:
    """The text of the git-cliff configuration nox-release ships (copy it to customise)."""
    shipped = Path(__file__).resolve().parents[2] / "data" / "cliff.toml"
    if shipped.is_file():  # an installed package's files (importlib.resources costs 2 ms)
        return shipped.read_text(encoding="utf-8")
    from importlib.resources import files  # a package in a zip file

    return (files("nox_release") / "data" / "cliff.toml").read_text(encoding="utf-8")


# -- running git-cliff ------------------------------------------------------------------------
@dataclass(frozen=True)
class _CliffConfig:
    path: Path
    source: str  # for messages: "cliff.toml", "[tool.git-cliff] in pyproject.toml", ...
    data: Mapping[str, Any]
    default: bool


def _read_cliff_toml(path: Path) -> dict[str, Any]:
    # Not _project._read_toml: its messages are about pyproject.toml and name no way out.
    way_out = "fix it, or remove it to use nox-release's default changelog configuration"
    try:
        return loads(path.read_text(encoding="utf-8"))
    except TomlError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}): {way_out}.") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): {way_out}."
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path} ({exc.strerror or exc}): {way_out}.") from None


def _cliff_config(project: Project, workdir: Path, forge: Forge | None) -> _CliffConfig:
    roots = [project.root]
    top = project.git.toplevel()
    if top.resolve() != project.root:
        roots.append(top.resolve())
    for root in roots:
        for name in CONFIG_FILES:
            path = root / name
            if path.is_file():
                return _CliffConfig(path, str(path), _read_cliff_toml(path), default=False)
    table = project.data.get("tool", {}).get("git-cliff")
    if isinstance(table, Mapping):
        # git-cliff reads [tool.git-cliff] only from a *relative* path to pyproject.toml (2.14:
        # an absolute path silently gives its built-in default), and a runner's working
        # directory is not ours to choose: hand it the tables as a cliff.toml of their own.
        import tomlkit  # a write only: not imported when the default configuration is used

        path = workdir / "cliff.toml"
        path.write_text(tomlkit.dumps(dict(table)), encoding="utf-8")
        source = f"[tool.git-cliff] in {project.pyproject_path}"
        return _CliffConfig(path, source, dict(table), default=False)
    # Read only: the file is written when git-cliff runs (Cliff.config_path).
    data = loads(default_cliff_config())
    if forge is not None:
        git = data.setdefault("git", {})
        git["commit_preprocessors"] = [*git.get("commit_preprocessors", []), *forge.preprocessors()]
    path = workdir / "cliff.toml"
    return _CliffConfig(path, "nox-release's default configuration", data, default=True)


#: git-cliff settings from the environment that would make it write a file of its own.
_WRITING_ENV = ("GIT_CLIFF_PREPEND",)


class Cliff:
    """git-cliff for one project: its configuration, tag pattern, links, and a scratch folder."""

    def __init__(
        self, project: Project, runner: Runner | None, log: Log, *, prefetch: bool = False
    ) -> None:
        """``prefetch``: start reading :attr:`commit_map` now (git works while this goes on)."""
        for var in _WRITING_ENV:
            if os.environ.get(var):
                raise ChangelogError(
                    f"{var} is set in the environment, so git-cliff would write "
                    f"{os.environ[var]} itself while nox-release only plans: unset {var}."
                )
        self.project = project
        self.runner: Runner = runner or SubprocessRunner(cwd=project.root, log=log)
        self.forge = forge_from_remote(project.git.remote_url(project.config.remote))
        self._tmp = tempfile.TemporaryDirectory(prefix="nox-release-cliff-")
        self.workdir = Path(self._tmp.name)
        try:
            self.config = _cliff_config(project, self.workdir, self.forge)
        except BaseException:
            self._tmp.cleanup()
            raise
        fmt = project.config.tags
        self.pattern = tag_pattern(fmt.template)
        prefix, suffix = fmt.affixes
        self.env = {
            "NOX_RELEASE_COMMIT_URL": self.forge.commit_url if self.forge else "",
            "NOX_RELEASE_COMPARE_URL": self.forge.compare_url if self.forge else "",
            "NOX_RELEASE_TAG_PREFIX": prefix,
            "NOX_RELEASE_TAG_SUFFIX": suffix,
        }
        self._runs = 0
        self._lock = threading.Lock()
        self._prefetched = prefetch
        if prefetch:
            start_tag_commits(project)

    def __enter__(self) -> Cliff:
        return self

    def __exit__(self, *exc: object) -> None:
        self._tmp.cleanup()
        if self._prefetched:
            drop_tag_commits(self.project)  # started and not needed after all: stopped

    # releases -------------------------------------------------------------------------------
    @cached_property
    def _reachable(self) -> set[str]:
        # Every reachable release is needed, not only the newest (history.first_reachable): the
        # file's sections, the folding and the tags git-cliff must ignore in a range depend on
        # all of them. So one `git tag --merged` walk, and the parsing is history's.
        return set(self.project.git.tags(self.project.config.tags.glob, merged="HEAD"))

    def releases(self) -> list[Release]:
        """Release tags of ``tag-format`` reachable from HEAD, oldest version first."""
        reachable = self._reachable
        newest_first = [(t.name, t.version) for t in iter_release_tags(self.project)]
        return [r for r in reversed(newest_first) if r[0] in reachable]

    def strays(self) -> set[str]:
        """Tags the tag pattern matches that are not releases (a version nox-release rejects).

        They are ignored (their commits go to the next release) rather than shown as releases.
        """
        fmt = self.project.config.tags
        return {
            t for t in self._reachable if fmt.version_text(t) is not None and fmt.parse(t) is None
        }

    def commit(self, tag: str) -> str:
        known = self.commit_map.get(tag)
        return known if known is not None else self.project.git.tag_target(tag)

    @cached_property
    def commit_map(self) -> dict[str, str]:
        """Every tag's commit (one ``git for-each-ref``, no history walk)."""
        return tag_commits(self.project)

    # rendering ------------------------------------------------------------------------------
    def render(
        self,
        rev_range: str | None,
        *,
        tag: str | None = None,
        ignore: Iterable[str] = (),
        strip: str | None = None,
    ) -> str:
        """Run git-cliff over ``rev_range`` (None: all history to HEAD) and return its text."""
        out = self.render_file(rev_range, tag=tag, ignore=ignore, strip=strip)
        try:
            return out.read_text(encoding="utf-8") if out.exists() else ""
        finally:
            out.unlink(missing_ok=True)

    def render_file(
        self,
        rev_range: str | None,
        *,
        tag: str | None = None,
        ignore: Iterable[str] = (),
        strip: str | None = None,
        config: Path | None = None,
    ) -> Path:
        """Run git-cliff over ``rev_range`` into a new file of the scratch folder (thread-safe).

        ``config``: another configuration file than the project's (see :attr:`batch_config`).
        The file may be missing when git-cliff had nothing to write.
        """
        with self._lock:
            self._runs += 1
            out = self.workdir / f"out-{self._runs}.md"
        argv: list[str] = [
            tool("git-cliff"),
            "--config",
            str(config or self.config_path),
            "--repository",
            str(self._toplevel),
            "--tag-pattern",
            self.pattern,
            "--output",
            str(out),
        ]
        ignored = exact_pattern(ignore)
        theirs = self.config.data.get("git", {}).get("ignore_tags")
        if isinstance(theirs, str) and theirs:
            ignored = f"(?:{theirs})|{ignored}" if ignored else theirs
        if ignored:
            argv += ["--ignore-tags", ignored]
        if tag is not None:
            argv += ["--tag", tag]
        if strip is not None:
            argv += ["--strip", strip]
        argv += cliff_paths(self.project)
        if rev_range is not None:
            argv.append(rev_range)
        try:
            self.runner(*argv, env=self.env, silent=True)
        except CommandError as exc:
            raise self._failed(exc) from None
        return out

    @cached_property
    def config_path(self) -> Path:
        """The configuration file git-cliff reads (the default one is written on first use)."""
        path = self.config.path
        if self.config.default and not path.exists():
            import tomlkit

            path.write_text(tomlkit.dumps(dict(self.config.data)), encoding="utf-8")
        return path

    @cached_property
    def batch_config(self) -> Path:
        """The configuration with ``render_always = false``, for a range cut out of a longer one.

        Over ``A..B`` git-cliff shows the oldest release even when it has no commit to show
        (its previous release is made up from the tag), unless ``render_always`` is false; over
        the whole history such a release has no section. Set false, a cut-out range renders
        what the whole does.
        """
        import tomlkit

        data = dict(self.config.data)
        data["changelog"] = {**data.get("changelog", {}), "render_always": False}
        path = self.workdir / "cliff-batch.toml"
        path.write_text(tomlkit.dumps(data), encoding="utf-8")
        return path

    @cached_property
    def _toplevel(self) -> Path:
        return self.project.git.toplevel()

    def _failed(self, exc: CommandError) -> ChangelogError:
        output = exc.output or str(exc)
        lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("Error")] or lines[-1:]
        detail = strip_ansi(errors[-1]) if errors else f"exit code {exc.returncode}"
        if self.config.default:
            way_out = "this is a nox-release bug, please report it"
        else:
            way_out = f"fix {self.config.source}, or remove it to use nox-release's default"
        return ChangelogError(
            f"git-cliff could not render the changelog with {self.config.source} ({detail}): "
            f"{way_out}."
        )
