"""The publish step: upload the release with twine, idempotent and verified.

1. Pre-flight, before anything is sent: a commit and a clean working tree, the artifacts pass
   :func:`check_dist` (name, version, the release tag on HEAD unless ``allow_untagged``).
2. Read the index's simple API (:mod:`nox_release.adapters.index`): a file already there with
   the same sha256 is skipped; one with a different sha256 stops everything (an index never
   replaces a file); the rest are uploaded. This is ``--skip-existing`` for every index, not
   only PyPI.
3. ``twine upload`` the rest (``--non-interactive``; credentials come from the environment,
   keyring, ``~/.pypirc`` or PyPI trusted publishing, exactly as twine resolves them).
   Connection errors and 5xx answers are retried with backoff, re-reading the index in between
   so that a file that got through is not sent again; 4xx answers are explained, not retried.
4. Read the index again: every file must be listed with the expected sha256.

Secrets (``TWINE_PASSWORD``, passwords in URLs or ``~/.pypirc``, keyring passwords read here)
are redacted from every command line, output, log line and exception.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import CommandError, PublishError
from nox_release.adapters.dist import sha256_file
from nox_release.adapters.history import check_repository
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, redacting, scrub
from nox_release.adapters.targets import Target, resolve_target
from nox_release.core.log import Log, quiet
from nox_release.core.version import Version
from nox_release.steps.on_index import IndexReader, classify
from nox_release.steps.twine import twine_command
from nox_release.steps.twine import twine_failure as _twine_failure
from nox_release.steps.verify import DistCheck, check_dist

__all__ = ["PublishFile", "PublishPlan", "PublishResult", "publish"]


# -- what -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishFile:
    """One artifact: its sha256, whether it is uploaded or skipped, and its attestations."""

    path: Path
    sha256: str
    action: str  # "upload" or "skip"
    attestations: tuple[Path, ...] = ()


@dataclass(frozen=True)
class PublishPlan:
    """What ``publish`` will do: the target and, per artifact, upload or skip."""

    target: Target
    project: str
    version: Version
    tag: str | None
    files: tuple[PublishFile, ...]

    @property
    def uploads(self) -> tuple[PublishFile, ...]:
        return tuple(f for f in self.files if f.action == "upload")

    @property
    def skips(self) -> tuple[PublishFile, ...]:
        return tuple(f for f in self.files if f.action == "skip")

    def render(self) -> str:
        release = f"{self.project} {self.version.pep440}" + (
            f" (tag {self.tag})" if self.tag else " (untagged)"
        )
        lines = [
            f"publish {release}",
            f"  upload to: {self.target.shown}",
            f"  index read from: {self.target.simple_url}",
        ]
        for f in self.files:
            verb = "upload" if f.action == "upload" else "skip (already on the index, same sha256)"
            lines.append(f"  {verb}: {f.path.name}  sha256:{f.sha256}")
            lines.extend(f"    with attestation {a.name}" for a in f.attestations)
        if not self.uploads:
            lines.append("  nothing to upload: every file is already on the index")
        return "\n".join(lines)


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` did (with ``dry_run``: would do)."""

    plan: PublishPlan
    uploaded: tuple[str, ...]
    skipped: tuple[str, ...]
    applied: bool


@dataclass(frozen=True)
class _Options:
    """One ``publish`` run, resolved: the project, its artifacts, the target, how to ask and
    retry; ``log`` redacts the target's secrets."""

    project: Project
    target: Target
    dist: Path
    allow_untagged: bool
    dry_run: bool
    yes: bool
    confirm: Callable[[str], bool] | None
    runner: Runner
    log: Log
    retries: int
    backoff: float

    @property
    def index(self) -> IndexReader:
        return IndexReader(self.target, self.project.name, self.retries, self.backoff, self.log)


# -- the step -------------------------------------------------------------------------------


def publish(
    root: Project | Path | str = ".",
    *,
    repository: str | None = None,
    index_url: str | None = None,
    dist: Path | str | None = None,
    allow_untagged: bool = False,
    dry_run: bool = False,
    yes: bool = False,
    log: Log = quiet,
    runner: Runner | None = None,
    confirm: Callable[[str], bool] | None = None,
    retries: int = 3,
    backoff: float = 2.0,
) -> PublishResult:
    """Publish the artifacts in ``dist`` (default: ``dist-dir``) to ``repository`` (default:
    the ``repository`` key), skipping files the index already holds with the same sha256 and
    refusing any it holds with a different one; then check that the index lists them all.

    ``index_url`` is the index's simple API when it cannot be derived from the upload URL.
    ``allow_untagged`` publishes artifacts without a release tag on HEAD (test indexes).
    ``dry_run`` reads the index and reports, and sends nothing. Interactively (a TTY, no ``CI``
    variable) ``confirm`` is asked first unless ``yes``. ``runner`` runs twine (default: a
    :class:`SubprocessRunner` that redacts the secrets it knows of; a runner that cannot redact
    may show twine's output as is). Connection errors and 5xx answers are retried ``retries``
    times, waiting ``backoff``, then twice as long, and so on.
    """
    project = root if isinstance(root, Project) else Project(root)
    target = resolve_target(repository or project.config.repository, index_url=index_url)
    opts = _Options(
        project=project,
        target=target,
        dist=project.root / (dist if dist is not None else project.config.dist_dir),
        allow_untagged=allow_untagged,
        dry_run=dry_run,
        yes=yes,
        confirm=confirm,
        runner=_runner(runner, target, project, log),
        log=redacting(log, target.secrets),
        retries=retries,
        backoff=backoff,
    )
    checked, local = _preflight(opts)
    plan = _plan(opts, checked, local)
    skipped = tuple(f.path.name for f in plan.skips)
    if opts.dry_run:
        opts.log(plan.render() + "\n(dry run: nothing was sent)")
        return PublishResult(plan, (), skipped, applied=False)
    opts.log(plan.render())
    if not plan.uploads:
        return PublishResult(plan, (), skipped, applied=True)
    _confirm(opts, plan)
    _upload(opts, plan)
    _verify(opts, plan)
    return _report(opts, plan)


def _runner(runner: Runner | None, target: Target, project: Project, log: Log) -> Runner:
    """The runner for twine, redacting the target's secrets where it can."""
    if runner is None:
        return SubprocessRunner(log=log, redact=target.secrets, cwd=project.root)
    if isinstance(runner, SubprocessRunner):
        runner.redact.extend(s for s in target.secrets if s not in runner.redact)
    return runner


# -- pre-flight and plan --------------------------------------------------------------------

#: An artifact to publish: its path, sha256 and attestations.
_Local = tuple[Path, str, tuple[Path, ...]]


def _preflight(opts: _Options) -> tuple[DistCheck, list[_Local]]:
    """The repository and the artifacts, checked before anything is read or sent."""
    check_repository(opts.project, detached_ok=True)
    checked = check_dist(opts.project, opts.dist, require_tag=not opts.allow_untagged)
    local = [(a.path, sha256_file(a.path)) for a in checked.artifacts]
    attestations = {path: _attestations(path) for path, _ in local}
    with_att = [p.name for p, a in attestations.items() if a]
    if with_att and len(with_att) != len(local):
        without = ", ".join(p.name for p, a in attestations.items() if not a)
        raise PublishError(
            f"only some artifacts in {opts.dist} have attestations (none for {without}): "
            "generate them for every artifact, or remove the *.attestation files."
        )
    return checked, [(path, sha, attestations[path]) for path, sha in local]


def _attestations(path: Path) -> tuple[Path, ...]:
    # twine pairs ``<dist>.<kind>.attestation`` files (e.g. ``.publish.attestation``) with
    # ``<dist>``; collect the same ones.
    return tuple(sorted(path.parent.glob(f"{path.name}.*.attestation")))


def _plan(opts: _Options, checked: DistCheck, local: list[_Local]) -> PublishPlan:
    """Upload or skip, per artifact, from what the index holds now."""
    index = opts.index
    present, _missing = classify(index, index.listing(), [(p, sha) for p, sha, _ in local])
    skip = {p for p, _ in present}
    return PublishPlan(
        target=opts.target,
        project=opts.project.name,
        version=checked.version,
        tag=checked.tag,
        files=tuple(
            PublishFile(p, sha, "skip" if p in skip else "upload", att) for p, sha, att in local
        ),
    )


def _confirm(opts: _Options, plan: PublishPlan) -> None:
    """Interactively, unless ``yes``: ask before uploading."""
    if not opts.yes and _interactive():
        ask = opts.confirm or _ask
        if not ask(f"Upload {len(plan.uploads)} file(s) to {opts.target.shown}? [y/N] "):
            raise PublishError("publish not confirmed: nothing was uploaded.")


def _interactive() -> bool:
    if os.environ.get("CI"):
        return False
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _ask(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _local(plan: PublishPlan) -> list[tuple[Path, str]]:
    """Every artifact of the plan, uploaded or skipped, as (path, sha256)."""
    return [(f.path, f.sha256) for f in plan.files]


# -- upload, verify, report -----------------------------------------------------------------


def _upload(opts: _Options, plan: PublishPlan) -> None:
    """``twine upload`` the plan's uploads; connection errors and 5xx answers are retried with
    backoff, after reading the index again so that no file that arrived is sent twice."""
    pending = list(plan.uploads)
    attempt = 0
    while pending:
        try:
            files = [(f.path, f.attestations) for f in pending]
            opts.runner(*twine_command(opts.target, files), env=opts.target.twine_env, silent=False)
            return
        except CommandError as exc:
            failed = exc  # its whole output is shown with nox --verbose
            kind, _status, reason = _twine_failure(exc.output or str(exc))
        reason = scrub(reason, opts.target.secrets)
        done = ", ".join(f.path.name for f in plan.uploads if f not in pending)
        progress = f" ({done} uploaded earlier)" if done else ""
        index_url = None
        if kind in ("exists", "transient"):
            listing = opts.index.listing()  # raises IndexReadError if the index is still down
            present, _missing = classify(opts.index, listing, _local(plan))  # raises on a conflict
            on_index = {p for p, _ in present}
            before = len(pending)
            pending = [f for f in pending if f.path not in on_index]
            if not pending:
                return  # what failed had in fact arrived (or a concurrent run uploaded it)
            if kind == "exists" and len(pending) < before:
                continue  # another run uploaded the same file meanwhile: go on with the rest
            index_url = listing.url
        if kind == "transient" and attempt < opts.retries:
            delay = opts.backoff * (2**attempt)
            attempt += 1
            opts.log(
                f"upload to {opts.target.shown} failed ({reason}); retrying "
                f"{', '.join(f.path.name for f in pending)} in {delay:g} s "
                f"(attempt {attempt + 1} of {opts.retries + 1})"
            )
            time.sleep(delay)
            continue
        raise _failure(opts.target, kind, reason, pending, index_url, attempt, progress) from failed


def _failure(
    target: Target,
    kind: str,
    reason: str,
    pending: list[PublishFile],
    index_url: str | None,
    attempt: int,
    progress: str,
) -> PublishError:
    """The error for an upload that failed for good: what happened and what to do."""
    if kind == "credentials":
        return PublishError(
            f"{target.shown} refused the credentials ({reason}): check "
            "TWINE_USERNAME/TWINE_PASSWORD (for PyPI: username __token__ and an API token), "
            "the keyring or ~/.pypirc entry, or the trusted publisher set up on the index"
            f"{progress}."
        )
    if kind == "no-credentials":
        return PublishError(
            f"twine found no usable credentials for {target.shown} ({reason}): set "
            "TWINE_USERNAME/TWINE_PASSWORD (for PyPI: username __token__ and an API token), "
            "store them in keyring or ~/.pypirc, or, in CI, set up trusted publishing "
            f"(docs/publish.md){progress}."
        )
    if kind == "exists":
        return PublishError(
            f"{target.shown} rejected the upload ({reason}) but does not list "
            f"{', '.join(f.path.name for f in pending)} at {index_url}: check the index URL "
            f"(--index-url) and the index's own rules{progress}."
        )
    tries = f" after {attempt + 1} attempt(s)" if kind == "transient" else ""
    return PublishError(
        f"uploading to {target.shown} failed{tries} ({reason}){progress}: a new run skips "
        "whatever arrived; fix the cause and run publish again."
    )


def _verify(opts: _Options, plan: PublishPlan) -> None:
    """Every file must be listed with its sha256; an index may need a moment to list new files,
    so missing ones are looked for again with backoff (a different sha256 fails at once)."""
    for attempt in range(opts.retries + 1):
        listing = opts.index.listing()
        _present, missing = classify(opts.index, listing, _local(plan))
        if not missing:
            return
        if attempt < opts.retries:
            delay = opts.backoff * (2**attempt)
            opts.log(
                f"{listing.url} does not list {len(missing)} file(s) yet; looking again in {delay:g} s"
            )
            time.sleep(delay)
    names = ", ".join(p.name for p, _ in missing)
    raise PublishError(
        f"twine reported success but {listing.url} does not list {names}: if the index serves "
        "its simple API elsewhere, pass --index-url; then run publish again to check."
    )


def _report(opts: _Options, plan: PublishPlan) -> PublishResult:
    """Say what was published, and return it."""
    uploaded = tuple(f.path.name for f in plan.uploads)
    skipped = tuple(f.path.name for f in plan.skips)
    opts.log(
        f"published {plan.project} {plan.version.pep440} to {opts.target.shown}: "
        f"{len(uploaded)} uploaded, {len(skipped)} already there; all verified on the index"
    )
    return PublishResult(plan, uploaded, skipped, applied=True)
