"""The checks a release makes before its first write: the version, the tools, the index, the remote."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence

from nox_release._errors import BumpError, GitError, ReleaseError
from nox_release.adapters.index import read_project
from nox_release.adapters.project import Project
from nox_release.adapters.runner import tool
from nox_release.adapters.targets import resolve_target
from nox_release.core.channels import parse_exact
from nox_release.core.commits import Effect, next_version
from nox_release.core.log import Log
from nox_release.core.version import Version
from nox_release.steps.build import choose_builder
from nox_release.steps.bump import computer
from nox_release.steps.decide import channel_kind, decide

PARTS = ("auto", "major", "minor", "patch", "pre", "final", "post")

__all__ = [
    "PARTS",
    "compute",
    "preflight_fast_forward",
    "preflight_publish",
    "preflight_push",
    "preflight_tools",
]


def compute(
    project: Project, part: str, pre: str | None, log: Log
) -> Callable[[Version], Version] | None:
    """The version computation of ``part`` (or of an exact version such as ``v2.0.3``); None
    when auto finds nothing to release."""
    exact = parse_exact(part, project.config.tags.affixes[0]) if part not in PARTS else None
    if exact is not None:
        if pre is not None:
            raise BumpError(
                f"--pre {pre} goes with a bump part, not with the exact version {part}: write "
                "the pre-release into the version (2.1.0rc1 or 2.1.0-rc.1)"
            )
        return lambda _current: exact
    if part != "auto":
        kind = channel_kind(project, pre)
        if kind is None or part not in ("major", "minor", "patch") or pre is not None:
            return computer(part, kind)
        effect: Effect = part  # type: ignore[assignment]

        def on_channel(current: Version) -> Version:  # the next pre-release of the channel
            decided = next_version(current, effect, pre=kind)
            assert decided is not None
            return decided[1]

        return on_channel
    decision = decide(project, pre=pre)
    if decision.version is None:
        return None
    target = decision.version
    log(f"release-bump-auto: {decision.previous.pep440} -> {target.pep440}")
    return lambda _current: target


def preflight_tools(project: Project, builder: str | None) -> None:
    """The builder, the SBOM generator and twine are there."""
    choose_builder(builder if builder is not None else project.config.builder)
    tool("cyclonedx-py")
    if importlib.util.find_spec("twine") is None:
        raise ReleaseError("twine is not installed: it comes with nox-release.")


def preflight_publish(
    projects: Sequence[Project], version: Version, repository: str | None, index_url: str | None
) -> None:
    """The version must not already be on the target index (a re-run resumes instead)."""
    for p in projects:
        target = resolve_target(repository or p.config.repository, index_url=index_url)
        listing = read_project(target.simple_url, p.name, credentials=target.read_credentials)
        clashes = [f for f in listing.files if _file_version(f) == version.pep440]
        if clashes:
            raise ReleaseError(
                f"{p.name} {version.pep440} is already on {target.shown} "
                f"({', '.join(sorted(clashes))}): released versions are never re-uploaded; "
                "bump to a later version."
            )


def _file_version(filename: str) -> str | None:
    from packaging.utils import parse_sdist_filename, parse_wheel_filename

    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[1])
        return str(parse_sdist_filename(filename)[1])
    except ValueError:
        return None


def preflight_push(project: Project, tag: str) -> None:
    """The remote is configured and reachable, so that the push after the tag can work."""
    remote = project.config.remote
    if project.git.remote_url(remote) is None:
        raise GitError(
            f"--push needs the remote '{remote}' (the 'remote' key), which this repository does "
            f"not have: add it with 'git remote add {remote} URL'."
        )
    if not project.git.reachable(remote):
        raise GitError(f"the remote '{remote}' cannot be reached: --push would fail after the tag.")
    branch = project.git.branch()
    if branch is not None:
        preflight_fast_forward(project, branch)


def preflight_fast_forward(project: Project, branch: str) -> None:
    """The remote's ``branch`` is in HEAD's history, so that the push will fast-forward it."""
    git, remote = project.git, project.config.remote
    try:
        theirs = git.remote_branch(remote, branch)
    except GitError:
        raise GitError(
            f"the remote '{remote}' cannot be reached: --push would fail after the tag"
        ) from None
    if theirs is not None and not (git.has_commit(theirs) and git.is_ancestor(theirs, "HEAD")):
        raise GitError(
            f"{branch} is behind {remote}/{branch} (which is at {theirs[:12]}, not in this "
            f"branch's history), so the push would be rejected: pull first ('git pull --rebase "
            f"{remote} {branch}') and run the release again"
        )
