"""The next version from the Conventional Commits since the last release (read-only).

:func:`decide` reads the commits reachable from HEAD since the newest release tag in ONE
streaming ``git log`` call and returns an :class:`AutoDecision` (read-only: the changelog
preview calls it too); :func:`nox_release.steps.auto.bump_auto` releases what it decides.

Finding the tag costs no history walk of its own: ``git for-each-ref`` lists the release tags
(refs only), the highest version is the candidate, and the ``git log <tag>..HEAD --boundary``
call that reads the commits also proves the candidate is reachable (a reachable tag is a
boundary commit of that range). Only when it is not (a maintenance branch behind ``main``) is
the exact search of :func:`nox_release.adapters.history.first_reachable` run and the log read again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nox_release._errors import BumpError, GitError
from nox_release.adapters.history import first_reachable, iter_release_tags
from nox_release.adapters.packages import pathspecs
from nox_release.adapters.project import Project
from nox_release.adapters.rangelog import prefetched, range_records
from nox_release.core.channels import branch_channel
from nox_release.core.commits import (
    EFFECTS,
    ConventionalCommit,
    Effect,
    next_version,
    strongest,
    type_map,
)
from nox_release.core.rangeread import Tally, tally_records
from nox_release.core.tags import ReleaseTag
from nox_release.core.version import Part, Version, normalise_pre_kind

__all__ = ["AutoDecision", "channel_kind", "decide"]


_UNSHALLOW = "git fetch --tags --unshallow"


@dataclass(frozen=True, eq=False)
class AutoDecision:
    """What ``release-bump-auto`` would release, and why."""

    previous: Version
    """The version the decision starts from: the version sources' (``pyproject.toml``), or the
    base tag's when that is higher (the files were not bumped when the tag was made). A version
    sources' version ahead of the tag (the next cycle's ``X.Y.0a1``, untagged) is kept."""
    version: Version | None
    """The next version, or None: nothing to release."""
    part: Part | None
    """The part bumped, after the pre-1.0 rule (a breaking change on 0.x bumps ``minor``)."""
    effect: Effect
    """The strongest effect among the commits (``major`` for a breaking change, even on 0.x)."""
    base_tag: str | None
    """The release tag the commits are counted from; None: no tag, every commit counted."""
    commits: Mapping[Effect, tuple[ConventionalCommit, ...]]
    """The Conventional Commits since ``base_tag``, grouped by effect, newest first."""
    skipped: int
    """Commits that do not follow Conventional Commits (ignored for the decision)."""
    release_commits: int = 0
    """``chore(release):`` commits since the tag (never counted)."""
    merges: int = 0
    """Merge commits since the tag (their message is not a decision: the merged commits are)."""
    pre: str | None = None
    major_on_zero: bool = False
    notes: tuple[str, ...] = field(default=())
    """Things the user should know about the decision (logged after the summary)."""

    @property
    def total(self) -> int:
        """Every non-merge commit read since the tag."""
        return sum(map(len, self.commits.values())) + self.skipped + self.release_commits

    def summary(self) -> str:
        """One line: what was read and what it decides."""
        since = f"since {self.base_tag}" if self.base_tag else "since the first commit (no tag)"
        counts = [
            f"{len(self.commits[e])} {_LABEL[e]}" for e in reversed(EFFECTS) if self.commits[e]
        ]
        if self.skipped:
            counts.append(f"{self.skipped} not conventional (skipped)")
        read = f"{_n(self.total, 'commit')} {since}" + (f": {', '.join(counts)}" if counts else "")
        if self.version is None:
            hint = ""
            if self.previous.is_prerelease:
                hint = (
                    f"; to release {self.previous.pep440} as final without new commits, "
                    "run release-bump-final"
                )
            return f"nothing to release: no commit maps to a bump ({read}){hint}"
        why: str = self.part or ""
        if self.effect == "major" and self.part == "minor":
            why += " (a breaking change before 1.0.0 bumps minor; major-on-zero = true bumps major)"
        return f"{read} -> {why}: {self.previous.pep440} -> {self.version.pep440}"

    def explain(self) -> list[str]:
        """The commits that decided the bump, grouped by effect (strongest first)."""
        verdict = "the strongest decides" if self.version else "none calls for a release"
        lines = [f"commits by effect ({verdict}):"]
        for effect in reversed(EFFECTS):
            group = self.commits[effect]
            if not group:
                continue
            mark = "  <- decides" if effect == self.effect and effect != "none" else ""
            lines.append(f"{_LABEL[effect]} ({len(group)}){mark}:")
            for c in group:
                note = f"  [BREAKING CHANGE: {c.breaking_note}]" if c.breaking_note else ""
                lines.append(f"  {c.sha[:12]} {c.header}{note}")
        if self.skipped:
            lines.append(f"not conventional, skipped: {self.skipped}")
        if self.release_commits:
            lines.append(f"chore(release) commits, never counted: {self.release_commits}")
        if self.merges:
            lines.append(f"merge commits, not counted (the commits they merge are): {self.merges}")
        return lines


_LABEL: dict[Effect, str] = {
    "major": "breaking",
    "minor": "minor",
    "patch": "patch",
    "none": "no effect",
}


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


# -- reading history ---------------------------------------------------------------------------
def _read_since(
    project: Project,
    head: str,
    since: str | None,
    types: Mapping[str, Effect],
    tee: Callable[[str], object] | None = None,
) -> Tally:
    """Read and classify every commit reachable from HEAD and not from ``since``: one git call.

    ``--no-merges`` is not used: it would also hide the tag from ``--boundary`` when the tag's
    only child in the range is a merge (a release branch merged back), and the boundary is how
    the tag is proven reachable. Merges are dropped instead (:func:`tally_records`). The
    records are kept for the changelog of the same range (:mod:`nox_release.adapters.rangelog`),
    and each batch is classified as git prints the next.
    """
    tally = Tally()
    for batch in range_records(project.git, head, since, pathspecs(project), keep=True, tee=tee):
        tally_records(batch, types, tally)
    return tally


def _shallow_error(project: Project, what: str) -> GitError:
    return GitError(
        f"the repository at {project.root} is a shallow clone and {what}, so the commits since "
        f"the last release cannot be counted: fetch the history and tags with '{_UNSHALLOW}' "
        "(in CI: check out with full history, e.g. actions/checkout fetch-depth: 0)."
    )


def _refs(project: Project, tag: ReleaseTag | None) -> tuple[bool, str, str | None]:
    """Whether the clone is shallow, HEAD's commit and ``tag``'s commit: one ``rev-parse``."""
    git = project.git
    args = ["rev-parse", "--is-shallow-repository", "HEAD"]
    if tag is not None:
        args.append(f"{tag.ref}^{{commit}}")
    lines = git.run(*args, check=False).splitlines()
    if len(lines) == len(args) - 1 and all(len(x) >= 40 for x in lines[1:]):
        return lines[0] == "true", lines[1], lines[2] if tag is not None else None
    head = git.head()  # something failed: find out what, one question at a time
    if head is None:
        raise GitError(
            f"the repository at {project.root} has no commit yet: commit the project first."
        )
    commit = None
    if tag is not None:
        commit = git.run("rev-parse", "-q", "--verify", f"{tag.ref}^{{commit}}", check=False)
    return git.is_shallow(), head, commit or None


def channel_kind(project: Project, pre: str | None) -> str | None:
    """``pre`` normalised, or the kind ``prerelease-branches`` gives the current branch."""
    kind = normalise_pre_kind(pre) if pre is not None else None
    branch = project.git.branch() if project.config.prerelease_branches else None
    found = branch_channel(branch, project.config.prerelease_branches)
    if found is None:
        return kind
    if kind is not None and kind != found[1]:
        raise BumpError(
            f"branch {branch} matches '{found[0]}' in 'prerelease-branches' ({found[1]}), so "
            f"--pre {kind} is not made there; drop --pre or release from another branch"
        )
    return found[1]


def decide(
    project: Project | Path | str,
    *,
    pre: str | None = None,
    meanwhile: Callable[[], Callable[[str], object] | None] | None = None,
) -> AutoDecision:
    """Decide the next version from the Conventional Commits since the newest release tag.

    Read-only: nothing is written. ``pre`` (alpha, beta, rc, dev) asks for a pre-release; on a
    branch of ``prerelease-branches`` it is that branch's kind (another kind is refused). Raises
    :class:`GitError` for a repository without commits and for a shallow clone without the
    release tag (naming ``git fetch --tags --unshallow``). ``meanwhile``: work to do while git
    walks the history of the range, before its commits are read (a bump reads ahead what it
    will need: see :func:`nox_release.steps.bump.prepare_release`); what it returns, when not
    None, is given every piece of the range's ``git log`` too (another reader of the commits).
    """
    if not isinstance(project, Project):
        project = Project(project)
    config = project.config
    pre = channel_kind(project, pre)
    types = type_map(config.commit_types)
    tags = iter_release_tags(project)
    tag: ReleaseTag | None = next(tags, None)
    any_tag = tag is not None
    shallow, head, tag_commit = _refs(project, tag)
    tally = None
    if tag is None or tag_commit:
        with prefetched(project.git, head, tag_commit, pathspecs(project)):
            tee = meanwhile() if meanwhile is not None else None
            tally = _read_since(project, head, tag_commit, types, tee)
    if tally is None or (
        tag is not None and tag_commit != head and tag_commit not in tally.boundary
    ):
        # The highest tag is not reachable from HEAD: search the others exactly, read again.
        tag = first_reachable(project, tags)
        tag_commit = None if tag is None else _refs(project, tag)[2]
        tally = _read_since(project, head, tag_commit, types)
    if tag is None and shallow:
        what = (
            "no release tag matching '" + config.tags.glob + "' is reachable from HEAD"
            if any_tag
            else "it has no release tag matching '" + config.tags.glob + "'"
        )
        raise _shallow_error(project, what)
    previous = project.version()
    notes: tuple[str, ...] = ()
    if tag is not None and tag.version > previous:  # files not bumped when the tag was made
        notes = (
            f"the version sources say {previous.pep440}, behind the release tag {tag.name}: "
            f"the decision starts from {tag.version.pep440}",
        )
        previous = tag.version
    effect = strongest(e for e in EFFECTS if tally.groups[e])
    decided = next_version(previous, effect, pre=pre, major_on_zero=config.major_on_zero)
    return AutoDecision(
        previous=previous,
        version=decided[1] if decided else None,
        part=decided[0] if decided else None,
        effect=effect,
        base_tag=tag.name if tag else None,
        commits={e: tuple(tally.groups[e]) for e in EFFECTS},
        skipped=tally.skipped,
        release_commits=tally.release_commits,
        merges=tally.merges,
        pre=pre,
        major_on_zero=config.major_on_zero,
        notes=notes,
    )
