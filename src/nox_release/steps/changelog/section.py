"""A release's own changelog section: its range only, found without walking the whole history.

A bump adds the section of the release it makes, rendered over ``<previous release>..HEAD``, and
nothing older: the history is the ``changelog`` session's (a first bump on a project without a
changelog file writes one that starts at this release). The previous release is the newest one
the file has (else the newest release tag), and it is proven reachable by the ``--boundary`` of
the very ``git log`` that reads the range (:mod:`nox_release.adapters.rangelog`, the one the
version decision already read); the tags inside the range are the ones whose commits it lists.
So no ``git tag --merged`` (a walk of the whole history: 0.6 s on 100,000 commits) is run.
Anything else (a file whose headings name versions but no tag, a previous release not reachable)
goes to the exact planning of :mod:`.update`, which lists every reachable tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nox_release.adapters.history import first_reachable, iter_release_tags
from nox_release.adapters.project import Project
from nox_release.adapters.rangelog import range_ids
from nox_release.adapters.runner import Runner
from nox_release.core.changelog import (
    Release,
    folded_tags,
    heading_version,
    named_releases,
    release_heading_texts,
)
from nox_release.core.log import Log, quiet
from nox_release.core.plan import FileChange
from nox_release.core.tags import ReleaseTag
from nox_release.core.version import Version
from nox_release.steps.changelog.cliff import Cliff
from nox_release.steps.changelog.update import (
    Missing,
    change_for,
    exact_change,
    read_changelog,
    refuse_unwritable,
)

__all__ = ["plan_section", "release_changelog_changes"]


@dataclass(frozen=True)
class Exact:
    """The fast planning cannot tell: plan with every reachable tag (:func:`.update.missing`)."""

    why: str


def _previous(
    newest_first: Sequence[Release], present: Mapping[str, object], new: Release, fold: bool
) -> Release | None:
    """The release the new section starts after: the newest the file has, else the newest tag.

    Without a section in the file, the pre-releases the new final release folds are skipped.
    ``newest_first`` is ordered: the first release found is the answer, and the final release a
    pre-release folds into (a higher version) comes before it (:func:`folded_tags`, read lazily).
    """
    if present:
        return next(r for r in newest_first if r[0] in present)
    finals = set() if new[1].is_prerelease else {new[1]}
    for tag, version in newest_first:
        if not version.is_prerelease:
            finals.add(version)
        elif fold and version.post is None and version.base in finals and version < version.base:
            continue  # folded
        if version < new[1]:
            return tag, version
    return None


def plan_section(project: Project, cliff: Cliff, new: Release, log: Log) -> Missing | Exact | None:
    """What the release commit of ``new`` adds to the changelog (None: nothing).

    :class:`Exact` when the file or the history needs the exact planning.
    """
    cfg = project.config
    path = project.root / cfg.changelog_file
    refuse_unwritable(path, cfg.changelog_file)
    before = read_changelog(path, cfg.changelog_file)
    newest_first = [(t.name, t.version) for t in iter_release_tags(project) if t.name != new[0]]
    texts = release_heading_texts(before or "")
    present = named_releases(texts, [*reversed(newest_first), new])
    if new[0] in present:
        log(f"{cfg.changelog_file} already has {new[0]}")
        return None
    if not present and any(heading_version(text) is not None for text in texts):
        return Exact("the headings name versions but no tag")
    previous = _previous(newest_first, dict(present), new, cfg.changelog_fold_prereleases)
    git = project.git
    head = git.head()
    if head is None:
        return Exact("the repository has no commit")
    since = cliff.commit(previous[0]) if previous is not None else None
    if since == head:
        return Exact("the previous release is tagged at HEAD")
    inside, boundary = range_ids(git, head, since)
    reachable = since is None or since in boundary
    if not reachable and not present and previous is not None:
        # A new file on a branch behind a higher tag: the newest tag it can reach, searched.
        folds = folded_tags([*newest_first, new]) if cfg.changelog_fold_prereleases else set()
        older = (ReleaseTag(t, v) for t, v in newest_first if v < previous[1] and t not in folds)
        found_tag = first_reachable(project, older)
        previous = None if found_tag is None else (found_tag.name, found_tag.version)
        since = None if previous is None else cliff.commit(previous[0])
        inside = range_ids(git, head, since)[0]
        reachable = True
    if not reachable:
        return Exact(f"{previous[0] if previous else 'the previous release'} is not reachable")
    shown = [r for r in newest_first if r[0] in present]
    return _missing(project, cliff, new, previous, since, inside, before, shown)


def _missing(
    project: Project,
    cliff: Cliff,
    new: Release,
    previous: Release | None,
    since: str | None,
    inside: set[str],
    before: str | None,
    shown: list[Release],
) -> Missing:
    """The releases to render: the tags inside the range (not folded) and the new one.

    ``shown``: the releases whose sections the file has.
    """
    fmt = project.config.tags
    named = [t for t, commit in cliff.commit_map.items() if commit in inside]
    in_range = [(t, v) for t in named if (v := fmt.parse(t)) is not None]
    strays = {t for t in named if fmt.version_text(t) is not None and fmt.parse(t) is None}
    releases = sorted([*in_range, *([previous] if previous else []), new], key=lambda r: r[1])
    folded = folded_tags(releases) if project.config.changelog_fold_prereleases else set()
    folded -= {t for t, _ in shown}  # a section in the file is never folded
    floor = previous[1] if previous is not None else None
    todo = [r for r in releases if r[0] not in folded and (floor is None or r[1] > floor)]
    ends = ["HEAD" if t == new[0] else cliff.commit(t) for t, _ in todo]
    # Two ascending runs, de-duplicated: the sort merges them (each tag compared about once).
    every = sorted(dict.fromkeys([*reversed(shown), *releases]), key=lambda r: r[1])
    path = project.root / project.config.changelog_file
    return Missing(path, before, every, ends, since, new[0], folded | strays)


def release_changelog_changes(
    project: Project,
    version: Version,
    tag: str,
    *,
    runner: Runner | None = None,
    log: Log = quiet,
) -> tuple[FileChange, ...]:
    """The changelog edit the release commit of ``version`` (tagged ``tag``) carries.

    Called while the release is planned, before anything is written: a rendering failure
    raises here and the bump leaves nothing changed. The section covers the release's own
    range; a file made new here starts at this release (``log`` says how to have the history).
    """
    # The tags' commits are read (git in a process of its own) while the file's headings are.
    with Cliff(project, runner, quiet, prefetch=True) as cliff:
        todo = plan_section(project, cliff, (tag, version), log)
        if isinstance(todo, Exact):
            change = exact_change(project, cliff, (tag, version), quiet)
        else:
            change = None if todo is None else change_for(cliff, todo, quiet)
    if change is not None and not (change.before or "").strip():
        name = project.config.changelog_file
        log(
            f"{name} is new and starts at {tag}: to list the earlier releases too, remove it "
            "and run 'nox -s changelog' after this release"
        )
    return (change,) if change is not None else ()
