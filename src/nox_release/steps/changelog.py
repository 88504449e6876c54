"""The changelog step: git-cliff renders the Markdown, nox-release decides versions and placement.

git-cliff does everything it is good at: parsing Conventional Commits, grouping them, rendering a
template. nox-release does what git-cliff cannot know:

* the version: git-cliff parses tags as SemVer when it computes a version itself, which fails on
  PEP 440 pre-release tags such as ``v1.1.0rc1``; so nox-release computes the version and passes
  the tag (``--tag``), and hands git-cliff a ``--tag-pattern`` made from ``tag-format``;
* which tags are releases, and folding pre-releases into their final release
  (``changelog-fold-prereleases``): the pre-release tags of a released final are given to
  git-cliff as ``--ignore-tags``, which puts their commits into the final's section;
* where the text goes: only the releases the file lacks are rendered (one git-cliff run over the
  commit range after the newest release the file has) and inserted above the file's newest
  release, so hand-written text above it and inside older sections stays byte for byte.

Rendering always goes to a file (``-o``): runners merge stderr into stdout, and git-cliff logs
there.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from nox_release._errors import ChangelogError, CommandError, ConfigError, ReleaseError
from nox_release.adapters.apply import apply_plan
from nox_release.adapters.files import read_text, write_atomic
from nox_release.adapters.history import iter_release_tags
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, tool
from nox_release.core.log import Log, quiet
from nox_release.core.plan import FileChange, Plan
from nox_release.core.tags import TagFormat
from nox_release.core.version import Version
from nox_release.steps.decide import decide

__all__ = [
    "CONFIG_FILES",
    "ChangelogError",
    "Forge",
    "default_cliff_config",
    "forge_from_remote",
    "preview_changelog",
    "release_changelog_changes",
    "release_notes",
    "update_changelog",
]


#: Project files that hold a git-cliff configuration (looked up next to pyproject.toml, then at
#: the repository's top level); the first found wins over ``[tool.git-cliff]`` and the default.
CONFIG_FILES = ("cliff.toml", ".cliff.toml", ".config/cliff.toml")


def _stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def default_cliff_config() -> str:
    """The text of the git-cliff configuration nox-release ships (copy it to customise)."""
    from importlib.resources import files

    return (files("nox_release") / "data" / "cliff.toml").read_text(encoding="utf-8")


# -- the forge behind `origin` (pure) --------------------------------------------------------
@dataclass(frozen=True)
class Forge:
    """A GitHub or GitLab repository's web address, from which links are made."""

    kind: str  # "github" or "gitlab"
    web: str  # https://github.com/owner/repo

    @property
    def _base(self) -> str:
        return self.web + ("/-" if self.kind == "gitlab" else "")

    @property
    def commit_url(self) -> str:
        return self._base + "/commit"

    @property
    def compare_url(self) -> str:
        return self._base + "/compare"

    def preprocessors(self) -> list[dict[str, str]]:
        """git-cliff ``commit_preprocessors`` that link ``#123`` (GitLab: also ``!123``)."""
        # Not after '[' (already a link), a word character, '&' (an entity) or '/' (a URL).
        lead = r"(^|[^\[\w&/])"
        if self.kind == "github":
            return [
                {
                    "pattern": lead + r"#([0-9]+)\b",
                    "replace": f"${{1}}[#${{2}}]({self.web}/pull/${{2}})",
                }
            ]
        return [
            {
                "pattern": lead + r"#([0-9]+)\b",
                "replace": f"${{1}}[#${{2}}]({self._base}/issues/${{2}})",
            },
            {
                "pattern": lead + r"!([0-9]+)\b",
                "replace": f"${{1}}[!${{2}}]({self._base}/merge_requests/${{2}})",
            },
        ]


_SCP = re.compile(r"^(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+):(?!//)(?P<path>[^\s]+)$")


def forge_from_remote(url: str | None) -> Forge | None:
    """The GitHub/GitLab repository a remote URL points at (https, ssh or scp form), or None.

    Credentials in the URL are dropped; local paths and other hosts give None.
    """
    if not url:
        return None
    url = url.strip()
    scheme = "https"
    port = ""
    if "://" in url:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        host = parts.hostname or ""
        path = parts.path
        if parts.scheme in ("https", "http"):
            scheme = parts.scheme
            try:
                port = f":{parts.port}" if parts.port else ""
            except ValueError:
                return None
    else:
        m = _SCP.match(url)
        if m is None:
            return None
        host, path = m.group("host"), m.group("path")
    host = host.lower()
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if path.count("/") < 1 or not all(path.split("/")):
        return None
    if "github" in host:
        kind = "github"
    elif "gitlab" in host:
        kind = "gitlab"
    else:
        return None
    return Forge(kind, f"{scheme}://{host}{port}/{path}")


# -- which tags are releases, and which fold (pure) ------------------------------------------
Release = tuple[str, Version]


def folded_tags(releases: Iterable[Release]) -> set[str]:
    """Pre-release tags whose final release is among ``releases``: their commits fold into it."""
    releases = list(releases)
    finals = {v for _, v in releases if not v.is_prerelease}
    out = set()
    for tag, version in releases:
        if version.is_prerelease and version.post is None:
            base = version.base
            if base in finals and version < base:
                out.add(tag)
    return out


def _rx(text: str) -> str:
    """``text`` as a literal in a (Rust) regex: escape only what is special there."""
    return re.sub(r"([\\.+*?()|\[\]{}^$#&~-])", r"\\\1", text)


def tag_pattern(template: str) -> str:
    """The ``--tag-pattern`` regex for a ``tag-format``: the tags it can produce, anchored.

    The same tags as :meth:`TagFormat.version_text` accepts, written for git-cliff's (Rust)
    regex engine rather than Python's.
    """
    head, tail = TagFormat(template).affixes
    return f"^{_rx(head)}[0-9][0-9A-Za-z.+!-]*{_rx(tail)}$"


def _exact(tags: Iterable[str]) -> str | None:
    names = sorted(set(tags))
    return f"^(?:{'|'.join(_rx(t) for t in names)})$" if names else None


# -- finding the releases a changelog already has (pure) -------------------------------------
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*\r?\n?$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[a-z]+://[^>]*>")


#: Words of a heading that can name a release: tag-like runs, and versions inside them
#: ("v1.2.0" -> "1.2.0"; a version may follow letters, never digits or "." "+" "-").
_WORD = re.compile(r"[\w.+!/-]+")
_VERSION_IN_WORD = re.compile(r"(?<![0-9.+-])[0-9][0-9A-Za-z.+!-]*")


def _release_names(releases: Iterable[Release]) -> dict[str, str]:
    """Every way a heading can name a release (tag, PEP 440, SemVer) -> its tag."""
    names: dict[str, str] = {}
    for tag, version in releases:
        names.setdefault(tag, tag)
        names.setdefault(version.pep440, tag)
        with contextlib.suppress(ReleaseError):
            names.setdefault(version.semver, tag)
    return names


def _named(text: str, names: Mapping[str, str]) -> list[str]:
    """The tags ``text`` names as whole words (``1.1.0`` does not name ``1.1.0rc1``)."""
    out = []
    for word in _WORD.finditer(text):
        candidates = [word.group(0)]
        candidates += [m.group(0) for m in _VERSION_IN_WORD.finditer(word.group(0))]
        for candidate in candidates:
            tag = names.get(candidate.rstrip(".+!-/"))
            if tag is not None:
                out.append(tag)
                break
    return out


@dataclass(frozen=True)
class _Section:
    tag: str
    start: int  # index of the heading line
    end: int  # index after the section's last line
    level: int


def _sections(lines: Sequence[str], releases: Sequence[Release]) -> dict[str, _Section]:
    """The first heading of each release in ``lines`` and where its section ends.

    A heading belongs to a release when its text (links' targets removed, so that a compare
    link naming the previous release does not count) names the tag or the version as a whole
    word. The section runs to the next heading of the same or a higher level.
    """
    headings: list[tuple[int, int, str]] = []
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        m = None if in_fence else _HEADING.match(line)
        if m is not None:
            headings.append((i, len(m.group(1)), _LINK_TARGET.sub("]", m.group(2))))
    names = _release_names(releases)
    found: dict[str, _Section] = {}
    for n, (i, level, text) in enumerate(headings):
        tag = next((t for t in _named(text, names) if t not in found), None)
        if tag is None:
            continue
        end = next((j for j, lv, _ in headings[n + 1 :] if lv <= level), len(lines))
        found[tag] = _Section(tag, i, end, level)
    return found


def _join(rendered: str, newline: str) -> str:
    """git-cliff's rendering as a block that ends in one blank line, in the file's newlines."""
    text = rendered.replace("\r\n", "\n").strip("\n")
    if not text:
        return ""
    text += "\n\n"
    return text.replace("\n", newline) if newline != "\n" else text


def merge_changelog(
    existing: str,
    rendered: str,
    *,
    releases: Sequence[Release],
    remove: Iterable[str] = (),
) -> str:
    """``existing`` with the ``remove`` releases' sections taken out and ``rendered`` inserted.

    ``rendered`` (the new releases, without header) goes just above the topmost section of any
    of ``releases``, or at the end when the file has none. Everything else is kept as it was.
    """
    newline = "\r\n" if "\r\n" in existing else "\n"
    lines = existing.splitlines(keepends=True)
    drop = set(remove)
    if drop:
        spans = sorted((s.start, s.end) for t, s in _sections(lines, releases).items() if t in drop)
        for start, end in reversed(spans):
            del lines[start:end]
    block = _join(rendered, newline)
    if not block:
        return "".join(lines)
    present = _sections(lines, [r for r in releases if r[0] not in drop])
    if present:
        at = min(s.start for s in present.values())
        return "".join(lines[:at]) + block + "".join(lines[at:])
    head = "".join(lines)
    head = head.rstrip("\r\n") + newline + newline if head.strip() else ""
    return head + block.rstrip("\r\n") + newline


# -- running git-cliff ------------------------------------------------------------------------
@dataclass(frozen=True)
class _CliffConfig:
    path: Path
    source: str  # for messages: "cliff.toml", "[tool.git-cliff] in pyproject.toml", ...
    data: Mapping[str, Any]
    default: bool


def _read_cliff_toml(path: Path) -> dict[str, Any]:
    # Not _project._read_toml: its messages are about pyproject.toml and name no way out.
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    way_out = "fix it, or remove it to use nox-release's default changelog configuration"
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except TOMLKitError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}): {way_out}.") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): {way_out}."
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path} ({exc.strerror or exc}): {way_out}.") from None


def _cliff_config(project: Project, workdir: Path, forge: Forge | None) -> _CliffConfig:
    import tomlkit

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
        path = workdir / "cliff.toml"
        path.write_text(tomlkit.dumps(dict(table)), encoding="utf-8")
        source = f"[tool.git-cliff] in {project.pyproject_path}"
        return _CliffConfig(path, source, dict(table), default=False)
    text = default_cliff_config()
    doc = tomlkit.parse(text)
    if forge is not None:
        git = doc["git"]
        assert isinstance(git, MutableMapping)
        pre = git.setdefault("commit_preprocessors", tomlkit.array())
        for item in forge.preprocessors():
            pre.append(item)
        text = tomlkit.dumps(doc)
    path = workdir / "cliff.toml"
    path.write_text(text, encoding="utf-8")
    return _CliffConfig(path, "nox-release's default configuration", doc.unwrap(), default=True)


#: git-cliff settings from the environment that would make it write a file of its own.
_WRITING_ENV = ("GIT_CLIFF_PREPEND",)


class _Cliff:
    """git-cliff for one project: its configuration, tag pattern, links, and a scratch folder."""

    def __init__(self, project: Project, runner: Runner | None, log: Log) -> None:
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

    def __enter__(self) -> _Cliff:
        return self

    def __exit__(self, *exc: object) -> None:
        self._tmp.cleanup()

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
        return self.project.git.tag_target(tag)

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
        self._runs += 1
        out = self.workdir / f"out-{self._runs}.md"
        argv: list[str] = [
            tool("git-cliff"),
            "--config",
            str(self.config.path),
            "--repository",
            str(self.project.git.toplevel()),
            "--tag-pattern",
            self.pattern,
            "--output",
            str(out),
        ]
        ignored = _exact(ignore)
        theirs = self.config.data.get("git", {}).get("ignore_tags")
        if isinstance(theirs, str) and theirs:
            ignored = f"(?:{theirs})|{ignored}" if ignored else theirs
        if ignored:
            argv += ["--ignore-tags", ignored]
        if tag is not None:
            argv += ["--tag", tag]
        if strip is not None:
            argv += ["--strip", strip]
        if rev_range is not None:
            argv.append(rev_range)
        try:
            self.runner(*argv, env=self.env, silent=True)
        except CommandError as exc:
            raise self._failed(exc) from None
        return out.read_text(encoding="utf-8") if out.exists() else ""

    def _failed(self, exc: CommandError) -> ChangelogError:
        output = exc.output or str(exc)
        lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("Error")] or lines[-1:]
        detail = _ANSI.sub("", errors[-1]) if errors else f"exit code {exc.returncode}"
        if self.config.default:
            way_out = "this is a nox-release bug, please report it"
        else:
            way_out = f"fix {self.config.source}, or remove it to use nox-release's default"
        return ChangelogError(
            f"git-cliff could not render the changelog with {self.config.source} ({detail}): "
            f"{way_out}."
        )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


# -- the changelog file -----------------------------------------------------------------------
def _read_changelog(path: Path, key: str) -> str | None:
    """The changelog's text, None when there is none yet; a file it cannot read is named."""
    try:
        return read_text(path) if path.exists() else None
    except UnicodeDecodeError as exc:
        raise ChangelogError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8, or "
            f"set changelog-file (now '{key}') to another file."
        ) from None
    except IsADirectoryError:
        raise ChangelogError(
            f"{path} is a folder, not a file: set changelog-file (now '{key}') to a file path."
        ) from None
    except OSError as exc:
        raise ChangelogError(
            f"cannot read {path} ({exc.strerror or exc}): make it readable, or set "
            f"changelog-file (now '{key}') to another file."
        ) from None


def _changelog_change(
    project: Project, cliff: _Cliff, new: Release | None, log: Log
) -> FileChange | None:
    """The edit that adds the releases ``CHANGELOG.md`` lacks (and ``new``, about to be made)."""
    cfg = project.config
    path = project.root / cfg.changelog_file
    releases = cliff.releases()
    if new is not None:
        releases = [*[r for r in releases if r[0] != new[0]], new]
    folded = folded_tags(releases) if cfg.changelog_fold_prereleases else set()
    visible = [r for r in releases if r[0] not in folded]
    ignore = folded | cliff.strays()
    before = _read_changelog(path, cfg.changelog_file)
    if not visible:
        log(f"no release tags of the form {cfg.tag_format} yet: {cfg.changelog_file} is unchanged")
        return None

    def end() -> str:  # where the missing releases end: HEAD for a release being made
        return "HEAD" if new is not None else cliff.commit(visible[-1][0])

    tag = new[0] if new is not None else None
    if before is None or not before.strip():
        rng = None if new is not None else end()
        after = _join(cliff.render(rng, tag=tag, ignore=ignore), "\n").rstrip("\n")
        return FileChange(path, before, after + "\n") if after else None
    lines = before.splitlines(keepends=True)
    present = _sections(lines, visible)
    stale = [t for t in _sections(lines, releases) if t in folded]
    if present:
        newest = max((r for r in visible if r[0] in present), key=lambda r: r[1])
        missing = [r for r in visible if r[1] > newest[1]]
        rng = f"{cliff.commit(newest[0])}..{end()}" if missing else None
    else:
        missing, rng = visible, (None if new is not None else end())
    if not missing and not stale:
        log(f"{cfg.changelog_file} already has every release")
        return None
    rendered = cliff.render(rng, tag=tag, ignore=ignore, strip="all") if missing else ""
    if stale:
        log(f"folding the sections of {', '.join(sorted(stale))} into their final release")
    after = merge_changelog(before, rendered, releases=releases, remove=stale)
    if after == before:
        return None
    return FileChange(path, before, after)


def update_changelog(
    root: Path | str = ".",
    *,
    dry_run: bool = False,
    runner: Runner | None = None,
    log: Log = quiet,
) -> FileChange | None:
    """``changelog``: add the releases (tags) the changelog file lacks, on top; keep the rest.

    Unreleased commits are not written (see :func:`preview_changelog`). With ``dry_run`` the
    diff is logged and nothing is written. Returns the change made (or planned), or None.
    """
    project = Project(root)
    with _Cliff(project, runner, log) as cliff:
        change = _changelog_change(project, cliff, None, log)
    if change is None:
        return None
    plan = Plan(root=project.root, changes=(change,), notes=(f"update {change.path.name}",))
    if dry_run:
        log(plan.render())
        return change
    apply_plan(plan, project.git)
    log(f"updated {project.config.changelog_file}")
    return change


def release_changelog_changes(
    project: Project, version: Version, tag: str, *, runner: Runner | None = None
) -> tuple[FileChange, ...]:
    """The changelog edit the release commit of ``version`` (tagged ``tag``) carries.

    Called while the release is planned, before anything is written: a git-cliff failure
    raises here and the bump leaves nothing changed.
    """
    with _Cliff(project, runner, quiet) as cliff:
        change = _changelog_change(project, cliff, (tag, version), quiet)
    return (change,) if change is not None else ()


# -- preview and release notes ----------------------------------------------------------------
def _auto_version(project: Project) -> Version:
    """The version ``release-bump-auto`` would release now."""
    version = decide(project, pre=None).version
    if version is None:
        raise ChangelogError(
            "no commit since the last release calls for a new version, so there is no next "
            "release to preview: give one with --version X to see the section anyway."
        )
    return version


def preview_changelog(
    root: Path | str = ".",
    version: Version | str | None = None,
    *,
    runner: Runner | None = None,
    log: Log = quiet,
    echo: Callable[[str], None] = _stdout,
) -> str:
    """``changelog --preview``: the section the next release would add, without writing.

    The section is headed with ``version`` (default: the version ``release-bump-auto`` would
    choose). It is passed to ``echo`` (stdout) and returned.
    """
    project = Project(root)
    if version is None:
        version = _auto_version(project)
    elif isinstance(version, str):
        version = Version.parse(version)
    tag = project.config.tags.render(version)
    with _Cliff(project, runner, log) as cliff:
        releases = cliff.releases()
        newer = [t for t, v in releases if v >= version]
        if newer:
            raise ChangelogError(
                f"{version.pep440} is not after the newest release ({newer[-1]}): preview a "
                f"later version, or see a released one with 'nox -s release-notes -- --version "
                f"{version.pep440}'."
            )
        releases.append((tag, version))
        fold = project.config.changelog_fold_prereleases
        folded = folded_tags(releases) if fold else set()
        earlier = [r for r in releases[:-1] if r[0] not in folded]
        rng = f"{cliff.commit(earlier[-1][0])}..HEAD" if earlier else None
        text = cliff.render(rng, tag=tag, ignore=folded | cliff.strays(), strip="all")
    text = _join(text, "\n").rstrip("\n") + "\n"
    echo(text)
    return text


def _find_release(releases: Sequence[Release], wanted: str, where: str) -> Release:
    for release in releases:
        if release[0] == wanted:
            return release
    try:
        version = Version.parse(wanted)
    except ReleaseError:
        version = None
    for release in releases:
        if version is not None and release[1] == version:
            return release
    known = ", ".join(t for t, _ in releases[-5:]) or "none"
    raise ChangelogError(
        f"there is no release tag for '{wanted}' reachable from HEAD in {where} (newest: "
        f"{known}): give a released version or tag."
    )


def release_notes(
    root: Path | str = ".",
    version: str | None = None,
    *,
    output: Path | str | None = None,
    runner: Runner | None = None,
    log: Log = quiet,
    echo: Callable[[str], None] = _stdout,
) -> str:
    """``release-notes``: one release's section (default: the newest tag), without the header.

    For a forge's release body. Written to ``output`` when given, else passed to ``echo``
    (stdout). A final release's notes take in its pre-releases when
    ``changelog-fold-prereleases`` is on; a pre-release's notes cover only itself.
    """
    project = Project(root)
    with _Cliff(project, runner, log) as cliff:
        releases = cliff.releases()
        if not releases:
            raise ChangelogError(
                f"there is no release tag of the form {project.config.tag_format} reachable "
                f"from HEAD in {project.root}: release first, or check tag-format."
            )
        target = (
            releases[-1] if version is None else _find_release(releases, version, str(project.root))
        )
        before = [r for r in releases if r[1] < target[1]]
        folded: set[str] = set()
        if project.config.changelog_fold_prereleases and not target[1].is_prerelease:
            folded = {t for t in folded_tags([*before, target]) if t in dict(before)}
            before = [r for r in before if r[0] not in folded]
        end = cliff.commit(target[0])
        rng = f"{cliff.commit(before[-1][0])}..{end}" if before else end
        text = cliff.render(rng, ignore=folded | cliff.strays(), strip="all")
    text = _join(text, "\n")
    if not text:
        log(f"{target[0]} has no changes that the changelog shows")
    if output is not None:
        path = Path(output)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
        except OSError as exc:
            raise ChangelogError(
                f"cannot write the release notes to {path} ({exc.strerror or exc}): give "
                "-o a file path whose folders you can write to (missing ones are created)."
            ) from None
        log(f"wrote the notes of {target[0]} to {path}")
    else:
        echo(text)
    return text
