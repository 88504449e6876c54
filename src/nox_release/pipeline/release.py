"""The whole release: one pipeline that finishes, resumes, or undoes itself.

bump (version files, changelog, commit, tag) -> build -> sbom -> check -> publish (opt-in) ->
push (opt-in). Every pre-flight check of every step runs before the first write. A journal in the
git directory records each finished step; after a failure, running the release again continues
from the failed step (no second bump, tag or upload), and ``abort`` undoes what has not left the
machine. One release at a time per repository (a lock in the git directory).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nox_release._errors import ReleaseError
from nox_release.adapters.apply import apply_plan
from nox_release.adapters.intent import fault_point, recover
from nox_release.adapters.packages import independent_package
from nox_release.adapters.progress import progress_only
from nox_release.adapters.project import Project
from nox_release.core.log import Log, quiet
from nox_release.core.output import bump_line, sentence
from nox_release.core.plan import StepHook
from nox_release.core.version import Version
from nox_release.pipeline.abort import abort as abort_release
from nox_release.pipeline.abort import (
    check_resumable,
    publish_source,
    resume_repository,
    settle_bump,
)
from nox_release.pipeline.journal import STEPS, Journal, ReleaseLock
from nox_release.pipeline.preflight import (
    compute,
    preflight_fast_forward,
    preflight_publish,
    preflight_push,
    preflight_tools,
)
from nox_release.pipeline.report import github_output, log_plan, released_files, summary
from nox_release.steps.build import build
from nox_release.steps.bump import BumpResult, changed, release_version
from nox_release.steps.changelog.notes import write_notes_file
from nox_release.steps.publish import publish as publish_step
from nox_release.steps.sbom import sbom
from nox_release.steps.validate import validate
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


@dataclass(frozen=True)
class ReleaseOptions:
    """What :func:`release` was asked to do (``publish`` resolved against the configuration)."""

    part: str
    pre: str | None
    publish: bool
    push: bool
    repository: str | None
    index_url: str | None
    builder: str | None
    isolation: bool
    find_links: tuple[Path | str, ...]
    no_index: bool
    yes: bool
    dry_run: bool
    abort: bool
    log: Log
    before_step: StepHook
    #: What each step returned in this run (for the summary).
    outcomes: dict[str, list[object]] = field(default_factory=dict)
    validate: bool = False

    @property
    def steps(self) -> list[str]:
        """The steps of a new release: validate when configured, publish and push when asked."""
        wanted = {"validate": self.validate, "publish": self.publish, "push": self.push}
        return [s for s in STEPS if wanted.get(s, True)]


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
    package: str | None = None,
) -> ReleaseResult:
    """Run the whole release, or resume the one in progress, or (``abort``) undo it.

    ``part`` is ``auto`` (from Conventional Commits), ``patch|minor|major|pre|final|post`` or an
    exact version (``2.0.3``, ``v2.0.3``, ``2.1.0-rc.1``) checked as a bump's would be; ``pre`` a
    pre-release kind (on a ``prerelease-branches`` branch, that branch's kind). ``publish`` (None: the ``publish`` key) uploads with the
    ``publish`` step to ``repository``; ``push`` pushes the branch and the tag in one
    ``git push --atomic``. ``find_links``/``no_index`` go to the SBOM's installer.
    ``before_step`` is called with each step's name before it runs (the tests' seam).
    ``package`` releases that independent package alone (its version, tag, changelog, dist).
    """
    project = Project(root)
    if package is not None:
        project = independent_package(project, package)
    options = ReleaseOptions(
        part=part,
        pre=pre,
        publish=project.config.publish if publish is None else publish,
        push=push,
        repository=repository,
        index_url=index_url,
        builder=builder,
        isolation=isolation,
        find_links=tuple(find_links),
        no_index=no_index,
        yes=yes,
        dry_run=dry_run,
        abort=abort,
        log=log,
        before_step=before_step or (lambda _s: None),
        validate=any(p.config.validate for p in [project, *project.released()]),
    )
    with ReleaseLock(project.git):
        return _start(project, options)


def _start(project: Project, options: ReleaseOptions) -> ReleaseResult:
    """Under the lock: undo the release in progress, or begin a new one or resume it, and run it."""
    journal = Journal.load(project.git)
    # A bump killed mid-way: finished (resume) or undone (abort) before anything else.
    undone = recover(project.git, finish=not options.abort) == "undone"
    if journal is not None:
        journal = settle_bump(project.git, journal)
    if journal is not None and journal.package and not project.include_paths:
        project = independent_package(project, journal.package)  # resumed without --package
    if options.abort:
        if journal is None and undone:
            options.log("undid the interrupted release commit: nothing else to abort")
            return ReleaseResult(None, None, aborted=True)
        aborted = abort_release(project, journal, options.log)
        if aborted is None:
            return ReleaseResult(None, None, aborted=False)
        return ReleaseResult(Version.parse(aborted.version), aborted.tag, aborted=True)
    resumed = journal is not None
    started = _begin(project, options) if journal is None else _resume(project, journal, options)
    if isinstance(started, ReleaseResult):
        return started  # nothing to release, or a dry run
    ran = ([] if resumed else ["bump"]) + _run_steps(project, started, options)
    return _finish(project, started, ran, resumed, options)


def _begin(project: Project, options: ReleaseOptions) -> Journal | ReleaseResult:
    """A new release: compute the version, check every step, then bump (or show the plan)."""
    log = options.log
    computation = compute(project, options.part, options.pre, log)
    if computation is None:
        log("nothing to release: no commit since the last release maps to a bump")
        return ReleaseResult(None, None, nothing_to_release=True)
    # Every check of every step, before the first write; the plan is made once.
    planned = release_version(
        project, computation, dry_run=True, log=log if options.dry_run else progress_only(log)
    )
    preflight_tools(project, options.builder)
    if options.publish:
        preflight_publish(
            project.released(), planned.version, options.repository, options.index_url
        )
    if options.push:
        preflight_push(project, planned.tag)
    steps = options.steps
    if options.dry_run:
        log_plan(project, planned.version, planned.tag, steps, options.repository, log)
        return ReleaseResult(planned.version, planned.tag, tuple(steps))
    return _bump(project, planned, steps, options)


def _bump(
    project: Project, planned: BumpResult, steps: list[str], options: ReleaseOptions
) -> Journal:
    """Record the journal, then apply the planned bump (a failed bump leaves no journal)."""
    git = project.git
    branch, head = git.branch(), git.head()
    assert branch is not None and head is not None  # checked by release_version
    repository, index_url, credentials = publish_source(options.repository, options.index_url)
    journal = Journal(
        planned.version.pep440,
        planned.tag,
        branch,
        head,
        steps=steps,
        repository=repository,
        index_url=index_url,
        credentials=credentials,
        package=project.root.name if project.include_paths else None,
    )
    journal.save(git)  # before the first write: a crash mid-bump is recognised
    try:
        options.before_step("bump")
        journal.commit = apply_plan(planned.plan, git) or ""
    except BaseException:
        journal.clear(git)  # the bump rolled back: nothing to resume
        raise
    journal.mark(git, "bump")
    options.outcomes["bump"] = [planned]
    options.log(
        bump_line(
            project.name,
            planned.previous.pep440,
            planned.version.pep440,
            changed(planned.plan),
            journal.commit,
            planned.tag,
        )
    )
    return journal


def _resume(project: Project, journal: Journal, options: ReleaseOptions) -> Journal | ReleaseResult:
    """The release in progress: check it can go on, add publish or push if asked for now."""
    check_resumable(project, journal)
    resume_repository(journal, options.repository)  # the credentials are there to publish
    if options.publish and "publish" not in journal.steps:
        last = "validate" if "validate" in journal.steps else "check"
        journal.steps.insert(journal.steps.index(last) + 1, "publish")
    if options.push and "push" not in journal.steps:
        journal.steps.append("push")
    if "push" in journal.steps and "publish" not in journal.done:
        preflight_fast_forward(project, journal.branch)  # before anything leaves the machine
    options.log(
        f"resuming the release of {journal.version} ({journal.tag}); done: "
        f"{', '.join(journal.done)}"
    )
    if options.dry_run:
        rest = [s for s in journal.steps if s not in journal.done]
        options.log(f"would run: {' -> '.join(rest)}")
        return ReleaseResult(
            Version.parse(journal.version),
            journal.tag,
            tuple(journal.steps),
            resumed=True,
        )
    return journal


def _run_steps(project: Project, journal: Journal, options: ReleaseOptions) -> list[str]:
    """Run the steps not done yet, each marked done in the journal; the steps run now."""
    version = Version.parse(journal.version)
    run_step = _step_runner(project, journal, options)
    ran: list[str] = []
    for step in journal.steps:
        if step in journal.done:
            continue
        try:
            fault_point(step)
            options.before_step(step)
            if step in ("build", "publish"):
                check_resumable(project, journal)  # what leaves is exactly the tag's tree
            run_step(step)
        except Exception as exc:
            raise ReleaseError(
                f"the release of {version.pep440} stopped at step '{step}': "
                f"{sentence(str(exc))} -- fix that and run the release again to continue from "
                "this step, or abort it ('nox -s release -- --abort') to undo the local commit "
                "and tag."
            ) from exc
        fault_point(f"after {step}")
        journal.mark(project.git, step)
        ran.append(step)
    return ran


def _step_runner(
    project: Project, journal: Journal, options: ReleaseOptions
) -> Callable[[str], None]:
    """The function that runs one step of the pipeline (for every lockstep package)."""
    log = options.log
    repository = resume_repository(journal, options.repository)
    index_url = options.index_url or journal.index_url
    per_project: dict[str, Callable[[Project], object]] = {
        "build": lambda p: build(p, builder=options.builder, isolation=options.isolation, log=log),
        "sbom": lambda p: sbom(
            p, find_links=options.find_links, no_index=options.no_index, log=log
        ),
        "check": lambda p: twine_check(p, require_tag=True, log=log),
        "validate": lambda p: validate(
            p,
            commands=p.config.validate or project.config.validate,
            find_links=options.find_links,
            no_index=options.no_index,
            log=log,
        ),
        "publish": lambda p: publish_step(
            p, repository=repository, index_url=index_url, yes=options.yes, log=log
        ),
    }

    def run(step: str) -> None:
        if step == "push":
            _push(project, journal.branch, journal.tag, log)
            return
        for p in project.released():
            options.outcomes.setdefault(step, []).append(per_project[step](p))

    return run


def _push(project: Project, branch: str, tag: str, log: Log) -> None:
    remote = project.config.remote
    project.git.push_atomic(
        remote, [f"refs/heads/{branch}:refs/heads/{branch}", f"refs/tags/{tag}"]
    )
    log(f"pushed {branch} and {tag} to {remote} in one atomic push")


def _finish(
    project: Project, journal: Journal, ran: list[str], resumed: bool, options: ReleaseOptions
) -> ReleaseResult:
    """Clear the journal of the finished release; log its summary and write GITHUB_OUTPUT."""
    version = Version.parse(journal.version)
    artifacts, sboms = released_files(project)
    text = summary(project, journal, ran, artifacts, sboms, journal.steps, options.outcomes)
    result = ReleaseResult(
        version,
        journal.tag,
        tuple(journal.steps),
        tuple(ran),
        resumed,
        tuple(artifacts),
        tuple(sboms),
        summary=text,
    )
    fault_point("finish")
    journal.clear(project.git)  # the release is complete
    options.log(text)
    notes = write_notes_file(project, journal.tag, version, options.log)
    github_output(version, journal.tag, artifacts, sboms, notes)
    return result
