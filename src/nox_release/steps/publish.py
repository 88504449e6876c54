"""The publish step: upload the release with twine, idempotent and verified.

1. Pre-flight, before anything is sent: a commit and a clean working tree, the artifacts pass
   :func:`check_dist` (name, version, the release tag on HEAD unless ``allow_untagged``).
2. Read the index's simple API (:mod:`._index`): a file already there with the same sha256 is
   skipped; one with a different sha256 stops everything (an index never replaces a file); the
   rest are uploaded. This is ``--skip-existing`` for every index, not only PyPI.
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
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import CommandError, PublishError
from nox_release.adapters.dist import sha256_file
from nox_release.adapters.history import check_repository
from nox_release.adapters.index import IndexFile, Listing, file_sha256, read_project
from nox_release.adapters.project import Project
from nox_release.adapters.runner import (
    Runner,
    SubprocessRunner,
    redacting,
    scrub,
    strip_ansi,
    tool,
)
from nox_release.adapters.targets import Target, host, resolve_target
from nox_release.core.log import Log, quiet
from nox_release.core.version import Version
from nox_release.steps.verify import check_dist

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


def _attestations(path: Path) -> tuple[Path, ...]:
    # twine pairs ``<dist>.<kind>.attestation`` files (e.g. ``.publish.attestation``) with
    # ``<dist>``; collect the same ones.
    return tuple(sorted(path.parent.glob(f"{path.name}.*.attestation")))


class _Reader:
    """Reads the index for one project with the target's credentials and retry policy."""

    def __init__(self, target: Target, name: str, retries: int, backoff: float, log: Log) -> None:
        self.target, self.name = target, name
        self.retries, self.backoff, self.log = retries, backoff, log

    def listing(self) -> Listing:
        return read_project(
            self.target.simple_url,
            self.name,
            credentials=self.target.read_credentials,
            retries=self.retries,
            backoff=self.backoff,
            log=self.log,
        )

    def sha256(self, file: IndexFile) -> str:
        same = host(file.url) == host(self.target.simple_url)
        return file_sha256(
            file,
            credentials=self.target.read_credentials if same else None,
            retries=self.retries,
            backoff=self.backoff,
            log=self.log,
        )


def _classify(
    reader: _Reader, listing: Listing, files: list[tuple[Path, str]]
) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Split ``files`` into (on the index with the same sha256, not on the index); raise for
    any file on the index with a different sha256."""
    present, missing, conflicts = [], [], []
    for path, sha in files:
        listed = listing.files.get(path.name)
        if listed is None:
            missing.append((path, sha))
            continue
        theirs = reader.sha256(listed)
        if theirs == sha:
            present.append((path, sha))
        else:
            conflicts.append(f"{path.name} (index sha256 {theirs[:12]}..., local {sha[:12]}...)")
    if conflicts:
        raise PublishError(
            f"{listing.url} already holds a different file of the same name: "
            f"{'; '.join(conflicts)}; an index never replaces a file, and nothing was "
            "overwritten: build from the tagged commit to publish what was released, or "
            "release a new version."
        )
    return present, missing


# -- twine ----------------------------------------------------------------------------------

_HTTP_STATUS = re.compile(r"HTTPError: (\d{3})\b")
_CONNECTION = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|Timeout|Connection aborted|"
    r"Connection refused|RemoteDisconnected|Max retries exceeded|NewConnectionError|"
    r"Connection reset",
    re.IGNORECASE,
)


def _twine_failure(output: str) -> tuple[str, int | None, str]:
    """(kind, HTTP status, short reason) of a failed ``twine upload``; kind is "transient",
    "credentials", "no-credentials", "exists", "client" or "other"."""
    text = strip_ansi(output)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    status_match = None
    for line in lines:
        status_match = _HTTP_STATUS.search(line) or status_match
    if status_match is not None:
        status = int(status_match.group(1))
        line = next(ln for ln in lines if _HTTP_STATUS.search(ln))
        # "HTTPError: 403 Forbidden from https://..." -> "HTTP 403 Forbidden"
        words = line.split("HTTPError:", 1)[1].strip().split(" from ", 1)[0]
        reason = f"HTTP {words}"
        if status >= 500:
            return "transient", status, reason
        if status in (401, 403):
            return "credentials", status, reason
        if status in (400, 409):
            return "exists", status, reason
        return "client", status, reason
    missing = next(
        (ln for ln in lines if "NonInteractive:" in ln or "TrustedPublishingFailure" in ln), None
    )
    if missing is not None:
        return "no-credentials", None, _shorten(missing)
    if any(_CONNECTION.search(line) for line in lines):
        last = next((ln for ln in reversed(lines) if _CONNECTION.search(ln)), lines[-1])
        return "transient", None, _shorten(last)
    return "other", None, _shorten(lines[-1] if lines else "no output")


def _shorten(text: str, limit: int = 240) -> str:
    text = text.removeprefix("ERROR").strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _twine_command(target: Target, files: list[PublishFile]) -> list[str]:
    args = [
        tool("twine"),
        "--no-color",
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        *target.twine_args,
    ]
    if any(f.attestations for f in files):
        args.append("--attestations")
    for f in files:
        args.append(str(f.path))
        args.extend(str(a) for a in f.attestations)
    return args


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
    if runner is None:
        runner = SubprocessRunner(log=log, redact=target.secrets, cwd=project.root)
    elif isinstance(runner, SubprocessRunner):
        runner.redact.extend(s for s in target.secrets if s not in runner.redact)
    shown_log = redacting(log, target.secrets)

    check_repository(project, detached_ok=True)
    dist_path = project.root / (dist if dist is not None else project.config.dist_dir)
    checked = check_dist(project, dist_path, require_tag=not allow_untagged)
    local = [(a.path, sha256_file(a.path)) for a in checked.artifacts]
    attestations = {path: _attestations(path) for path, _ in local}
    with_att = [p.name for p, a in attestations.items() if a]
    if with_att and len(with_att) != len(local):
        without = ", ".join(p.name for p, a in attestations.items() if not a)
        raise PublishError(
            f"only some artifacts in {dist_path} have attestations (none for {without}): "
            "generate them for every artifact, or remove the *.attestation files."
        )

    reader = _Reader(target, project.name, retries, backoff, shown_log)
    listing = reader.listing()
    present, _missing = _classify(reader, listing, local)
    skip = {p for p, _ in present}
    plan = PublishPlan(
        target=target,
        project=project.name,
        version=checked.version,
        tag=checked.tag,
        files=tuple(
            PublishFile(p, sha, "skip" if p in skip else "upload", attestations[p])
            for p, sha in local
        ),
    )
    skipped = tuple(f.path.name for f in plan.skips)
    if dry_run:
        shown_log(plan.render() + "\n(dry run: nothing was sent)")
        return PublishResult(plan, (), skipped, applied=False)
    if not plan.uploads:
        shown_log(plan.render())
        return PublishResult(plan, (), skipped, applied=True)

    shown_log(plan.render())
    if not yes and _interactive():
        ask = confirm or _ask
        if not ask(f"Upload {len(plan.uploads)} file(s) to {target.shown}? [y/N] "):
            raise PublishError("publish not confirmed: nothing was uploaded.")

    pending = list(plan.uploads)
    attempt = 0
    while pending:
        try:
            runner(*_twine_command(target, pending), env=target.twine_env, silent=False)
            break
        except CommandError as exc:
            kind, _status, reason = _twine_failure(exc.output or str(exc))
        reason = scrub(reason, target.secrets)
        done = ", ".join(f.path.name for f in plan.uploads if f not in pending)
        progress = f" ({done} uploaded earlier)" if done else ""
        if kind == "credentials":
            raise PublishError(
                f"{target.shown} refused the credentials ({reason}): check "
                "TWINE_USERNAME/TWINE_PASSWORD (for PyPI: username __token__ and an API token), "
                "the keyring or ~/.pypirc entry, or the trusted publisher set up on the index"
                f"{progress}."
            )
        if kind in ("exists", "transient"):
            listing = reader.listing()  # raises IndexReadError if the index is still down
            present, _missing = _classify(reader, listing, local)  # raises on a conflict
            on_index = {p for p, _ in present}
            before = len(pending)
            pending = [f for f in pending if f.path not in on_index]
            if not pending:
                break  # what failed had in fact arrived (or a concurrent run uploaded it)
            if kind == "exists" and len(pending) < before:
                continue  # another run uploaded the same file meanwhile: go on with the rest
        if kind == "no-credentials":
            raise PublishError(
                f"twine found no usable credentials for {target.shown} ({reason}): set "
                "TWINE_USERNAME/TWINE_PASSWORD (for PyPI: username __token__ and an API token), "
                "store them in keyring or ~/.pypirc, or, in CI, set up trusted publishing "
                f"(docs/publish.md){progress}."
            )
        if kind == "exists":
            raise PublishError(
                f"{target.shown} rejected the upload ({reason}) but does not list "
                f"{', '.join(f.path.name for f in pending)} at {listing.url}: check the index URL "
                f"(--index-url) and the index's own rules{progress}."
            )
        if kind == "transient" and attempt < retries:
            delay = backoff * (2**attempt)
            attempt += 1
            shown_log(
                f"upload to {target.shown} failed ({reason}); retrying "
                f"{', '.join(f.path.name for f in pending)} in {delay:g} s "
                f"(attempt {attempt + 1} of {retries + 1})"
            )
            time.sleep(delay)
            continue
        tries = f" after {attempt + 1} attempt(s)" if kind == "transient" else ""
        raise PublishError(
            f"uploading to {target.shown} failed{tries} ({reason}){progress}: a new run skips "
            "whatever arrived; fix the cause and run publish again."
        )

    _verify(reader, local, retries, backoff, shown_log)
    uploaded = tuple(f.path.name for f in plan.uploads)
    shown_log(
        f"published {project.name} {checked.version.pep440} to {target.shown}: "
        f"{len(uploaded)} uploaded, {len(skipped)} already there; all verified on the index"
    )
    return PublishResult(plan, uploaded, skipped, applied=True)


def _verify(
    reader: _Reader, local: list[tuple[Path, str]], retries: int, backoff: float, log: Log
) -> None:
    """Every file must be listed with its sha256; an index may need a moment to list new files,
    so missing ones are looked for again with backoff (a different sha256 fails at once)."""
    for attempt in range(retries + 1):
        listing = reader.listing()
        _present, missing = _classify(reader, listing, local)
        if not missing:
            return
        if attempt < retries:
            delay = backoff * (2**attempt)
            log(
                f"{listing.url} does not list {len(missing)} file(s) yet; looking again in {delay:g} s"
            )
            time.sleep(delay)
    names = ", ".join(p.name for p, _ in missing)
    raise PublishError(
        f"twine reported success but {listing.url} does not list {names}: if the index serves "
        "its simple API elsewhere, pass --index-url; then run publish again to check."
    )
