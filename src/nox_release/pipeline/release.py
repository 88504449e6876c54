"""The whole release: one pipeline that finishes, resumes, or undoes itself.

bump (version files, changelog, commit, tag) -> build -> sbom -> check -> publish (opt-in) ->
push (opt-in). Every pre-flight check of every step runs before the first write. A journal in the
git directory records each finished step; after a failure, running the release again continues
from the failed step (no second bump, tag or upload), and ``abort`` undoes what has not left the
machine. One release at a time per repository (a lock in the git directory).
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nox_release._errors import GitError, IndexReadError, ReleaseError
from nox_release.adapters.apply import apply_plan
from nox_release.adapters.credentials import redact_url
from nox_release.adapters.dist import find_artifacts
from nox_release.adapters.git import Git
from nox_release.adapters.index import read_project
from nox_release.adapters.project import Project
from nox_release.adapters.runner import tool
from nox_release.adapters.targets import resolve_target
from nox_release.core.log import Log, quiet
from nox_release.core.paths import relpath
from nox_release.core.plan import StepHook
from nox_release.core.version import Version
from nox_release.pipeline.journal import STEPS, Journal, ReleaseLock
from nox_release.steps.build import build, choose_builder
from nox_release.steps.bump import computer, release_version
from nox_release.steps.decide import decide
from nox_release.steps.publish import publish
from nox_release.steps.sbom import sbom
from nox_release.steps.verify import twine_check

__all__ = ["ReleaseResult", "release"]


@dataclass(frozen=True)
class ReleaseResult:
    """What a release did (or, with ``dry_run``, would do)."""

    version: Version | None
    tag: str | None
    steps: tuple[str, ...] = ()
    ran: tuple[str, ...] = ()
    resumed: bool = False
    artifacts: tuple[Path, ...] = ()
    sboms: tuple[Path, ...] = ()
    nothing_to_release: bool = False
    aborted: bool = False
    summary: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _projects(project: Project) -> list[Project]:
    """The projects built and published: the lockstep packages, or the project itself."""
    return list(project.packages) or [project]


def _compute(
    project: Project, part: str, pre: str | None, log: Log
) -> Callable[[Version], Version] | None:
    """The version computation of ``part``; None when auto finds nothing to release."""
    if part != "auto":
        return computer(part, pre)
    decision = decide(project, pre=pre)
    if decision.version is None:
        return None
    target = decision.version
    log(f"release-bump-auto: {decision.previous.pep440} -> {target.pep440}")
    return lambda _current: target


def _preflight_tools(project: Project, builder: str | None) -> None:
    choose_builder(builder if builder is not None else project.config.builder)
    tool("cyclonedx-py")
    if importlib.util.find_spec("twine") is None:
        raise ReleaseError("twine is not installed: it comes with nox-release.")


def _preflight_publish(
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


def _preflight_push(project: Project, tag: str) -> None:
    remote = project.config.remote
    if project.git.remote_url(remote) is None:
        raise GitError(
            f"--push needs the remote '{remote}' (the 'remote' key), which this repository does "
            f"not have: add it with 'git remote add {remote} URL'."
        )
    if not project.git.reachable(remote):
        raise GitError(f"the remote '{remote}' cannot be reached: --push would fail after the tag.")


def _push(project: Project, branch: str, tag: str, log: Log) -> None:
    remote = project.config.remote
    project.git.push_atomic(
        remote, [f"refs/heads/{branch}:refs/heads/{branch}", f"refs/tags/{tag}"]
    )
    log(f"pushed {branch} and {tag} to {remote} in one atomic push")


def _github_output(result: ReleaseResult) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path or result.version is None:
        return
    lines = [
        f"version={result.version.pep440}",
        f"tag={result.tag}",
        f"prerelease={'true' if result.version.is_prerelease else 'false'}",
        f"artifacts={json.dumps([str(p) for p in result.artifacts])}",
        f"sboms={json.dumps([str(p) for p in result.sboms])}",
    ]
    wheels = [str(p) for p in result.artifacts if p.name.endswith(".whl")]
    sdists = [str(p) for p in result.artifacts if p.name.endswith(".tar.gz")]
    if wheels:
        lines.append(f"wheel={wheels[0]}")
    if sdists:
        lines.append(f"sdist={sdists[0]}")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def _summary(
    project: Project,
    journal: Journal,
    ran: Sequence[str],
    artifacts: Sequence[Path],
    sboms: Sequence[Path],
    steps: Sequence[str],
) -> str:
    rows = [f"release {journal.version} (tag {journal.tag}) of {project.name}"]
    for step in steps:
        state = "done now" if step in ran else "done earlier" if step in journal.done else "skipped"
        rows.append(f"  {step:<8} {state}")
    for path in [*artifacts, *sboms]:
        rows.append(f"  -> {relpath(path, project.root)}")
    return "\n".join(rows)


def _published_files(project: Project, journal: Journal) -> list[str]:
    """Files of the journal's version already on its publish target (for abort)."""
    try:
        _preflight_publish(
            _projects(project),
            Version.parse(journal.version),
            journal.repository,
            journal.index_url,
        )
    except IndexReadError as exc:
        raise ReleaseError(
            f"cannot tell whether {journal.version} reached the index ({exc}): abort refused, "
            "since a published release cannot be undone; finish it with 'nox -s release'."
        ) from None
    except ReleaseError as exc:
        return [str(exc)]
    return []


def _abort(project: Project, journal: Journal | None, log: Log) -> ReleaseResult:
    """Undo what has not left the machine: decide everything first, then change refs."""
    git = project.git
    if journal is None:
        log("no release in progress: nothing to abort")
        return ReleaseResult(None, None, aborted=False)
    if "push" in journal.done or git.remote_has_tag(project.config.remote, journal.tag):
        raise ReleaseError(
            f"{journal.tag} is already on the remote '{project.config.remote}': a pushed release "
            "cannot be undone; finish it with 'nox -s release' instead."
        )
    if "publish" in journal.done or (
        "publish" in journal.steps and _published_files(project, journal)
    ):
        raise ReleaseError(
            f"{journal.version} is already on the package index: a published release cannot be "
            "undone; finish it with 'nox -s release' instead."
        )
    tip = git.branch_tip(journal.branch)
    move_branch = bool(journal.commit) and tip == journal.commit
    if (
        journal.commit
        and tip is not None
        and not move_branch
        and git.is_ancestor(journal.commit, tip)
    ):
        raise ReleaseError(
            f"{journal.branch} has commits after the release commit {journal.commit[:12]}: "
            "nox-release will not drop them; undo the release by hand (delete the tag "
            f"{journal.tag}, revert the commit) and remove {journal.path}."
        )
    if move_branch:
        if git.branch() == journal.branch:
            git.reset_keep(journal.previous_head)  # keeps uncommitted work
        else:
            git.move_branch(journal.branch, journal.previous_head, journal.commit, "abort")
        log(f"moved {journal.branch} back to {journal.previous_head[:12]}")
    if (
        journal.commit
        and git.tag_exists(journal.tag)
        and git.tag_target(journal.tag) == journal.commit
    ):
        git.delete_tag(journal.tag)
        log(f"deleted the local tag {journal.tag}")
    journal.clear(git)
    log(f"aborted the release of {journal.version}")
    return ReleaseResult(Version.parse(journal.version), journal.tag, aborted=True)


def _settle_bump(git: Git, journal: Journal) -> Journal | None:
    """A journal whose bump is not marked done: the bump finished (mark it) or did not (drop it).

    Covers a crash or Ctrl-C between the release commit and the journal's bookkeeping.
    """
    if "bump" in journal.done:
        return journal
    head = git.head()
    if git.tag_exists(journal.tag) and git.tag_target(journal.tag) == head:
        journal.commit = head or ""
        journal.mark(git, "bump")
        return journal
    journal.clear(git)
    return None


def release(
    root: Path | str = ".",
    *,
    part: str = "auto",
    pre: str | None = None,
    publish: bool | None = None,
    push: bool = False,
    repository: str | None = None,
    index_url: str | None = None,
    builder: str | None = None,
    isolation: bool = True,
    find_links: Sequence[Path | str] = (),
    no_index: bool = False,
    yes: bool = True,
    dry_run: bool = False,
    abort: bool = False,
    log: Log = quiet,
    before_step: StepHook | None = None,
) -> ReleaseResult:
    """Run the whole release, or resume the one in progress, or (``abort``) undo it.

    ``part`` is ``auto`` (from Conventional Commits) or ``patch|minor|major|pre|final|post``;
    ``pre`` a pre-release kind. ``publish`` (None: the ``publish`` key) uploads with the
    ``publish`` step to ``repository``; ``push`` pushes the branch and the tag in one
    ``git push --atomic``. ``find_links``/``no_index`` go to the SBOM's installer.
    ``before_step`` is called with each step's name before it runs (the tests' seam).
    """
    hook = before_step or (lambda _s: None)
    project = Project(root)
    git = project.git
    with ReleaseLock(git):
        journal = Journal.load(git)
        if journal is not None:
            journal = _settle_bump(git, journal)
        if abort:
            return _abort(project, journal, log)
        do_publish = project.config.publish if publish is None else publish
        resumed = journal is not None
        ran: list[str] = []
        if journal is None:
            compute = _compute(project, part, pre, log)
            if compute is None:
                log("nothing to release: no commit since the last release maps to a bump")
                return ReleaseResult(None, None, nothing_to_release=True)
            # Every check of every step, before the first write; the plan is made once.
            planned = release_version(project, compute, dry_run=True, log=log if dry_run else quiet)
            _preflight_tools(project, builder)
            if do_publish:
                _preflight_publish(_projects(project), planned.version, repository, index_url)
            if push:
                _preflight_push(project, planned.tag)
            steps = [s for s in STEPS if (s != "publish" or do_publish) and (s != "push" or push)]
            if dry_run:
                _log_plan(project, planned.version, planned.tag, steps, repository, log)
                return ReleaseResult(planned.version, planned.tag, tuple(steps))
            branch, head = git.branch(), git.head()
            assert branch is not None and head is not None  # checked by release_version
            journal = Journal(
                planned.version.pep440,
                planned.tag,
                branch,
                head,
                steps=steps,
                repository=redact_url(repository) if repository else None,
                index_url=redact_url(index_url) if index_url else None,
            )
            journal.save(git)  # before the first write: a crash mid-bump is recognised
            try:
                hook("bump")
                journal.commit = apply_plan(planned.plan, git) or ""
            except BaseException:
                journal.clear(git)  # the bump rolled back: nothing to resume
                raise
            journal.mark(git, "bump")
            log(
                f"released {project.name} {planned.version.pep440}: commit "
                f"{journal.commit[:12]}, tag {planned.tag}"
            )
            ran.append("bump")
        else:
            _check_resumable(project, journal)
            if do_publish and "publish" not in journal.steps:
                journal.steps.insert(journal.steps.index("check") + 1, "publish")
            if push and "push" not in journal.steps:
                journal.steps.append("push")
            log(
                f"resuming the release of {journal.version} ({journal.tag}); done: "
                f"{', '.join(journal.done)}"
            )
            if dry_run:
                rest = [s for s in journal.steps if s not in journal.done]
                log(f"would run: {' -> '.join(rest)}")
                return ReleaseResult(
                    Version.parse(journal.version),
                    journal.tag,
                    tuple(journal.steps),
                    resumed=True,
                )
        version = Version.parse(journal.version)
        run_step = _step_runner(
            project,
            journal,
            log,
            repository=repository or journal.repository,
            index_url=index_url or journal.index_url,
            builder=builder,
            isolation=isolation,
            find_links=find_links,
            no_index=no_index,
            yes=yes,
        )
        for step in journal.steps:
            if step in journal.done:
                continue
            try:
                hook(step)
                run_step(step)
            except Exception as exc:
                raise ReleaseError(
                    f"the release of {version.pep440} stopped at step '{step}': {exc} -- fix "
                    "that and run the release again to continue from this step, or abort it "
                    "('nox -s release -- --abort') to undo the local commit and tag."
                ) from exc
            journal.mark(git, step)
            ran.append(step)
        return _finish(project, journal, version, ran, resumed, log)


def _log_plan(
    project: Project,
    version: Version,
    tag: str,
    steps: Sequence[str],
    repository: str | None,
    log: Log,
) -> None:
    for p in _projects(project):
        log(
            f"build: {p.name} {version.pep440} (sdist and wheel) into "
            f"{relpath(p.root / p.config.dist_dir, project.root)}"
        )
        log(f"sbom: {p.name}-{version.pep440}.cdx.json and .spdx.json")
        log("check: twine check --strict, RECORD, name/version = tag")
        if "publish" in steps:
            log(f"publish: to {redact_url(repository or p.config.repository)}")
    if "push" in steps:
        log(
            f"$ git push --atomic {project.config.remote} "
            f"refs/heads/{project.git.branch()} refs/tags/{tag}"
        )
    log(f"steps: {' -> '.join(steps)}")


def _finish(
    project: Project, journal: Journal, version: Version, ran: list[str], resumed: bool, log: Log
) -> ReleaseResult:
    artifacts: list[Path] = []
    sboms: list[Path] = []
    for p in _projects(project):
        dist = p.root / p.config.dist_dir
        artifacts += find_artifacts(dist)
        sboms += sorted(dist.glob("*.cdx.json")) + sorted(dist.glob("*.spdx.json"))
    summary = _summary(project, journal, ran, artifacts, sboms, journal.steps)
    result = ReleaseResult(
        version,
        journal.tag,
        tuple(journal.steps),
        tuple(ran),
        resumed,
        tuple(artifacts),
        tuple(sboms),
        summary=summary,
    )
    journal.clear(project.git)  # the release is complete
    log(summary)
    try:
        _github_output(result)
    except OSError as exc:
        raise ReleaseError(
            f"the release of {version.pep440} is complete, but GITHUB_OUTPUT "
            f"({os.environ.get('GITHUB_OUTPUT')}) could not be written: {exc}."
        ) from None
    return result


def _check_resumable(project: Project, journal: Journal) -> None:
    git = project.git
    head = git.head()
    if not git.tag_exists(journal.tag) or (
        journal.commit and git.tag_target(journal.tag) != journal.commit
    ):
        raise ReleaseError(
            f"the release journal says {journal.version} was tagged {journal.tag} at "
            f"{journal.commit[:12]}, but that tag is gone or moved: clear the journal with "
            "'nox -s release -- --abort'."
        )
    if head != journal.commit:
        raise ReleaseError(
            f"the release of {journal.version} in progress was made at {journal.commit[:12]} but "
            f"HEAD is now {head and head[:12]}: check out {journal.tag} (or its branch) to finish "
            "it, or abort it with 'nox -s release -- --abort'."
        )


def _step_runner(
    project: Project,
    journal: Journal,
    log: Log,
    *,
    repository: str | None,
    index_url: str | None,
    builder: str | None,
    isolation: bool,
    find_links: Sequence[Path | str],
    no_index: bool,
    yes: bool,
) -> Callable[[str], None]:
    """The function that runs one step of the pipeline (for every lockstep package)."""
    per_project: dict[str, Callable[[Project], object]] = {
        "build": lambda p: build(p, builder=builder, isolation=isolation, log=log),
        "sbom": lambda p: sbom(p, find_links=find_links, no_index=no_index, log=log),
        "check": lambda p: twine_check(p, require_tag=True, log=log),
        "publish": lambda p: publish(
            p, repository=repository, index_url=index_url, yes=yes, log=log
        ),
    }

    def run(step: str) -> None:
        if step == "push":
            _push(project, journal.branch, journal.tag, log)
            return
        for p in _projects(project):
            per_project[step](p)

    return run
