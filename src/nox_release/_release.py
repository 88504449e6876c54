"""The whole release: one pipeline that finishes, resumes, or undoes itself.

bump (version files, changelog, commit, tag) -> build -> sbom -> check -> publish (opt-in) ->
push (opt-in). Every pre-flight check of every step runs before the first write. A journal in the
git directory records each finished step; after a failure, running the release again continues
from the failed step (no second bump, tag or upload), and ``abort`` undoes what has not left the
machine. One release at a time per repository (a lock in the git directory).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._errors import GitError, ReleaseError
from ._journal import Journal, ReleaseLock
from ._plan import StepHook
from ._project import Project
from ._version import Version

__all__ = ["ReleaseResult", "release"]

Log = Callable[[str], None]

#: The steps of a release, in order; publish and push only when asked for.
STEPS = ("bump", "build", "sbom", "check", "publish", "push")


def _quiet(_msg: str) -> None:
    pass


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
        from ._bump import _computer

        return _computer(part, pre)
    from ._auto import decide

    decision = decide(project, pre=pre)
    if decision.version is None:
        return None
    target = decision.version
    log(f"release-bump-auto: {decision.previous.pep440} -> {target.pep440}")
    return lambda _current: target


def _preflight_tools(project: Project, builder: str | None) -> None:
    from ._build import _choose

    _choose(builder if builder is not None else project.config.builder)
    from ._runner import tool

    tool("cyclonedx-py")
    for module in ("twine",):
        import importlib.util

        if importlib.util.find_spec(module) is None:
            raise ReleaseError(f"{module} is not installed: it comes with nox-release.")


def _preflight_publish(
    projects: Sequence[Project], version: Version, repository: str | None, index_url: str | None
) -> None:
    """The version must not already be on the target index (a re-run resumes instead)."""
    from ._index import read_project
    from ._publish import resolve_target

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
    if not project.git.ok("ls-remote", "--exit-code", "--heads", remote, timeout=30) and not (
        project.git.ok("ls-remote", remote, timeout=30)
    ):
        raise GitError(f"the remote '{remote}' cannot be reached: --push would fail after the tag.")


def _push(project: Project, branch: str, tag: str, log: Log) -> None:
    remote = project.config.remote
    project.git.run(
        "push", "--atomic", remote, f"refs/heads/{branch}:refs/heads/{branch}", f"refs/tags/{tag}"
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
        rows.append(f"  -> {_rel(path, project.root)}")
    return "\n".join(rows)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _abort(project: Project, journal: Journal | None, log: Log) -> ReleaseResult:
    git = project.git
    if journal is None:
        log("no release in progress: nothing to abort")
        return ReleaseResult(None, None, aborted=False)
    if "push" in journal.done or git.remote_has_tag(project.config.remote, journal.tag):
        raise ReleaseError(
            f"{journal.tag} is already on the remote '{project.config.remote}': a pushed release "
            "cannot be undone; finish it with 'nox -s release' instead."
        )
    if "publish" in journal.done:
        raise ReleaseError(
            f"{journal.version} is already on the package index: a published release cannot be "
            "undone; finish it with 'nox -s release' instead."
        )
    if (
        journal.commit
        and git.tag_exists(journal.tag)
        and git.tag_target(journal.tag) == journal.commit
    ):
        git.run("tag", "-d", journal.tag)
        log(f"deleted the local tag {journal.tag}")
    if journal.commit and git.head() == journal.commit and git.branch() == journal.branch:
        git.run("reset", "-q", "--keep", journal.previous_head)
        log(f"moved {journal.branch} back to {journal.previous_head[:12]}")
    journal.clear(git)
    log(f"aborted the release of {journal.version}")
    return ReleaseResult(Version.parse(journal.version), journal.tag, aborted=True)


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
    allow_untagged: bool = False,
    yes: bool = True,
    dry_run: bool = False,
    abort: bool = False,
    log: Log = _quiet,
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
        if abort:
            return _abort(project, journal, log)
        do_publish = project.config.publish if publish is None else publish
        resumed = journal is not None
        if journal is None:
            from ._bump import release_version

            compute = _compute(project, part, pre, log)
            if compute is None:
                log("nothing to release: no commit since the last release maps to a bump")
                return ReleaseResult(None, None, nothing_to_release=True)
            planned = release_version(
                project, compute, dry_run=True, log=log if dry_run else _quiet
            )
            _preflight_tools(project, builder)
            if do_publish:
                _preflight_publish(_projects(project), planned.version, repository, index_url)
            if push:
                _preflight_push(project, planned.tag)
            steps = [s for s in STEPS if (s != "publish" or do_publish) and (s != "push" or push)]
            if dry_run:
                for p in _projects(project):
                    log(
                        f"build: {p.name} {planned.version.pep440} (sdist and wheel) into "
                        f"{_rel(p.root / p.config.dist_dir, project.root)}"
                    )
                    log(f"sbom: {p.name}-{planned.version.pep440}.cdx.json and .spdx.json")
                    log("check: twine check --strict, RECORD, name/version = tag")
                    if do_publish:
                        log(f"publish: to {repository or p.config.repository}")
                if push:
                    log(
                        f"$ git push --atomic {project.config.remote} "
                        f"refs/heads/{git.branch()} refs/tags/{planned.tag}"
                    )
                log(f"steps: {' -> '.join(steps)}")
                return ReleaseResult(planned.version, planned.tag, tuple(steps))
            branch = git.branch()
            head = git.head()
            assert branch is not None and head is not None  # checked by release_version
            journal = Journal(planned.version.pep440, planned.tag, branch, head, steps=steps)
            hook("bump")
            bumped = release_version(project, compute, log=log)
            journal.commit = bumped.commit or ""
            journal.mark(git, "bump")
            ran = ["bump"]
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
                    Version.parse(journal.version), journal.tag, tuple(journal.steps), resumed=True
                )
            ran = []
        version = Version.parse(journal.version)
        artifacts: list[Path] = []
        sboms: list[Path] = []
        for step in journal.steps:
            if step in journal.done:
                continue
            try:
                hook(step)
                _run_step(
                    step,
                    project,
                    journal,
                    log,
                    repository=repository,
                    index_url=index_url,
                    builder=builder,
                    isolation=isolation,
                    find_links=find_links,
                    no_index=no_index,
                    yes=yes,
                )
            except BaseException as exc:
                if isinstance(exc, (KeyboardInterrupt, SystemExit)) or not isinstance(
                    exc, Exception
                ):
                    raise
                raise ReleaseError(
                    f"the release of {version.pep440} stopped at step '{step}': {exc} -- fix "
                    "that and run the release again to continue from this step, or abort it "
                    "('nox -s release -- --abort') to undo the local commit and tag."
                ) from exc
            journal.mark(git, step)
            ran.append(step)
        from ._artifacts import find_artifacts

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
        _github_output(result)
        journal.clear(git)
        log(summary)
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


def _run_step(
    step: str,
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
) -> None:
    projects = _projects(project)
    if step == "build":
        from ._build import build

        for p in projects:
            build(p, builder=builder, isolation=isolation, log=log)
    elif step == "sbom":
        from ._sbom import sbom

        for p in projects:
            sbom(p, find_links=find_links, no_index=no_index, log=log)
    elif step == "check":
        from ._check import twine_check

        for p in projects:
            twine_check(p, require_tag=True, log=log)
    elif step == "publish":
        from ._publish import publish

        for p in projects:
            publish(p, repository=repository, index_url=index_url, yes=yes, log=log)
    elif step == "push":
        _push(project, journal.branch, journal.tag, log)
    else:  # pragma: no cover
        raise AssertionError(step)


def clean_dist(project: Project) -> None:
    """Remove the built artifacts of every project (used by demos and tests)."""
    for p in _projects(project):
        shutil.rmtree(p.root / p.config.dist_dir, ignore_errors=True)
