"""The build step: sdist and wheel of HEAD into ``dist/``, reproducibly, and nothing else there.

* ``uv build`` when uv is available (next to the running interpreter or on ``PATH``),
  ``python -m build`` otherwise; ``builder`` (or the ``builder`` key) picks one explicitly.
* ``SOURCE_DATE_EPOCH`` is the HEAD commit's committer time, so two builds of one commit give
  byte-identical artifacts (backends that ignore it for sdists, such as setuptools, get their
  sdist's timestamps set to it afterwards: see :func:`normalize_sdist`).
* The backend builds into a temporary folder; only when it succeeded and its artifacts are this
  project's name and version does ``dist/`` change: every file already there (older versions'
  artifacts, their SBOMs and checksums) is moved to ``dist/.stale/``, the new artifacts move in,
  and ``dist/SHA256SUMS`` lists them. All or nothing: a failed build, or a failure while
  ``dist/`` changes, leaves ``dist/`` (and ``dist/.stale/``) as it was.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import CommandError, ConfigError, ReleaseError
from nox_release.adapters.dist import (
    CHECKSUMS,
    STALE_DIR,
    checked_dist,
    checksums_text,
    find_artifacts,
    sha256_file,
)
from nox_release.adapters.files import Transaction
from nox_release.adapters.history import head_epoch
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, find_uv
from nox_release.core.log import Log, quiet
from nox_release.core.output import artifact_line
from nox_release.core.paths import relpath
from nox_release.core.version import Version
from nox_release.steps.verify import check_dist

__all__ = [
    "BuildResult",
    "build",
    "build_command",
    "choose_builder",
    "normalize_sdist",
]


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` did (or, with ``dry_run``, would do)."""

    dist: Path
    artifacts: tuple[Path, ...]  # in dist/ (empty on a dry run)
    checksums: Path | None  # dist/SHA256SUMS (None on a dry run)
    builder: str  # "uv" or "build"
    command: tuple[str, ...]
    source_date_epoch: int
    moved_aside: tuple[Path, ...]  # where earlier files went in dist/.stale/ (dry run: which)
    applied: bool


def choose_builder(builder: str) -> tuple[str, str | None]:
    if builder not in ("auto", "uv", "build"):
        raise ConfigError(f"builder '{builder}' is not one of auto, uv, build.")
    uv = find_uv() if builder in ("auto", "uv") else None
    if builder == "uv" and uv is None:
        raise CommandError(
            "builder is 'uv' but uv is not installed next to the interpreter or on PATH: "
            'install uv, or set builder = "build" in [tool.nox-release].'
        )
    return ("uv", uv) if uv is not None else ("build", None)


def build_command(
    builder: str, uv: str | None, root: Path, outdir: Path, *, isolation: bool = True
) -> list[str]:
    """The command line that builds the sdist and the wheel (from the sdist) into ``outdir``."""
    if builder == "uv":
        assert uv is not None
        # --python: build with the interpreter nox-release runs in, as `python -m build` does,
        # instead of letting uv pick (or download) another one.
        cmd = [uv, "build", "--sdist", "--wheel", "--python", sys.executable]
        cmd += ["--out-dir", str(outdir)]
        if not isolation:
            cmd.append("--no-build-isolation")
        return [*cmd, str(root)]
    cmd = [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(outdir)]
    if not isolation:
        cmd.append("--no-isolation")
    return [*cmd, str(root)]


def normalize_sdist(path: Path, epoch: int) -> bool:
    """Set every timestamp in a ``.tar.gz`` sdist to ``epoch``; True when it was rewritten.

    Written by hand: setuptools (and other backends) stamp sdist members with the files' mtimes
    (which differ between checkouts) and the gzip header with the wall-clock time, ignoring
    ``SOURCE_DATE_EPOCH``, and no packaging tool normalises an existing sdist. Only timestamps
    change: members, their order, contents, modes and owners stay as the backend wrote them.
    An sdist already stamped with ``epoch`` (hatchling's) is left byte for byte untouched.
    """
    import gzip
    import tarfile

    with path.open("rb") as fh:
        header = fh.read(10)
    gzip_mtime = int.from_bytes(header[4:8], "little")
    with tarfile.open(path, "r:gz") as src:
        members = src.getmembers()
        off = [m for m in members if m.mtime != epoch or "mtime" in m.pax_headers]
        if not off and gzip_mtime in (0, epoch):
            return False
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            with (
                tmp.open("wb") as raw,
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=epoch) as gz,
                tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as dst,
            ):
                for member in members:
                    member.mtime = epoch
                    if "mtime" in member.pax_headers:
                        member.pax_headers = {
                            k: v for k, v in member.pax_headers.items() if k != "mtime"
                        }
                    data = src.extractfile(member) if member.isfile() else None
                    dst.addfile(member, data)
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
    return True


def _commit(
    dist: Path, stale: Sequence[Path], built: list[Path], log: Log, where: str
) -> list[Path]:
    """Move ``stale`` to ``dist/.stale/``, ``built`` into ``dist``, write ``SHA256SUMS``; all or
    nothing: on any failure every change is undone (in reverse) and the error re-raised."""
    replaced: Path | None = None  # earlier files of dist/.stale/ a name clash pushes out
    final = [dist / path.name for path in built]
    try:
        with Transaction() as txn:
            if not dist.exists():
                txn.mkdir(dist)
                # As uv build does: keep dist/ (and dist/.stale/) out of git and out of sdists.
                txn.write({dist / ".gitignore": "*\n"})
            if stale:
                aside = dist / STALE_DIR
                txn.mkdir(aside)
                for path in stale:
                    target = aside / path.name
                    if os.path.lexists(target):
                        if replaced is None:
                            replaced = Path(tempfile.mkdtemp(prefix=".replaced-", dir=aside))
                        txn.move(target, replaced / path.name)
                    txn.move(path, target)
            for path, target in zip(built, final, strict=True):
                txn.move_in(path, target)  # the build folder may be on another file system
            txn.write({dist / CHECKSUMS: checksums_text(final)})
    except OSError as exc:
        raise ReleaseError(
            f"could not put the new artifacts into {where}/ ({exc}); {where}/ is as it "
            "was: fix the cause and build again."
        ) from None
    finally:
        if replaced is not None:
            shutil.rmtree(replaced, ignore_errors=True)
    if stale:
        log(f"moved {len(stale)} earlier file(s) to {where}/{STALE_DIR}/")
    return final


@dataclass(frozen=True)
class _Options:
    """What one build is, resolved from the arguments and ``[tool.nox-release]``."""

    project: Project
    name: str
    version: Version
    dist: Path
    where: str  # dist/ as the messages show it
    epoch: int  # SOURCE_DATE_EPOCH
    kind: str  # "uv" or "build"
    uv: str | None
    isolation: bool
    stale: tuple[Path, ...]  # the files in dist/ the new artifacts replace

    @property
    def how(self) -> str:
        return "isolated" if self.isolation else "in the running environment"

    def command(self, outdir: Path) -> list[str]:
        root = self.project.root
        return build_command(self.kind, self.uv, root, outdir, isolation=self.isolation)


def _resolve(
    project: Project,
    builder: str | None,
    isolation: bool,
    source_date_epoch: int | None,
    log: Log,
) -> _Options:
    """The builder, the epoch, ``dist/`` and the files there to move aside; warn when dirty."""
    version = project.version()
    name = project.name
    dist = project.root / project.config.dist_dir
    epoch = source_date_epoch if source_date_epoch is not None else head_epoch(project)
    kind, uv = choose_builder(builder if builder is not None else project.config.builder)
    dirty = project.git.dirty_files()
    if dirty:
        log(
            f"warning: uncommitted changes ({', '.join(dirty[:5])}): the artifacts will not be "
            "exactly HEAD."
        )
    # Only nox-release's own files are moved aside (anything else there is refused).
    stale = tuple(checked_dist(project.root, project.config.dist_dir, project.git))
    where = relpath(dist, project.root)
    return _Options(project, name, version, dist, where, epoch, kind, uv, isolation, stale)


def _dry_run(opts: _Options, log: Log) -> BuildResult:
    """Say what would be built, with which command, and what would change in ``dist/``."""
    where, epoch = opts.where, opts.epoch
    cmd = opts.command(opts.dist)
    log(
        f"would build {opts.name} {opts.version.pep440} (sdist and wheel) from "
        f"{opts.project.root} into {where}/ with "
        f"{'uv build' if opts.kind == 'uv' else 'python -m build'} ({opts.how}), "
        f"SOURCE_DATE_EPOCH={epoch}"
    )
    log(f"$ SOURCE_DATE_EPOCH={epoch} {shlex.join(cmd)}")
    for path in opts.stale:
        log(f"would move {where}/{path.name} to {where}/{STALE_DIR}/")
    log(f"would write {where}/{CHECKSUMS}")
    return BuildResult(opts.dist, (), None, opts.kind, tuple(cmd), epoch, opts.stale, applied=False)


def _build_into(
    opts: _Options, outdir: Path, runner: Runner, log: Log
) -> tuple[list[str], list[Path]]:
    """Build into ``outdir`` and check what came out: one sdist and one wheel of this release.

    Returns the command and the artifacts (sdist timestamps set to the epoch).
    """
    project, kind, epoch = opts.project, opts.kind, opts.epoch
    cmd = opts.command(outdir)
    log(
        f"building {opts.name} {opts.version.pep440} with {kind} ({opts.how}), "
        f"SOURCE_DATE_EPOCH={epoch}"
    )
    runner(*cmd, env={"SOURCE_DATE_EPOCH": str(epoch)}, silent=True)
    built = find_artifacts(outdir)
    for path in built:
        if path.name.endswith(".tar.gz") and normalize_sdist(path, epoch):
            log(f"set the timestamps in {path.name} to SOURCE_DATE_EPOCH (reproducible)")
    kinds = sorted(p.name.endswith(".whl") for p in built)
    if kinds != [False, True]:
        raise CommandError(
            f"{kind} built {', '.join(p.name for p in built) or 'nothing'} for "
            f"{project.root}, expected one sdist and one wheel."
        )
    # The fresh artifacts must be this project's name and version (and the tag's, when HEAD
    # carries one) before dist/ is touched; the slower checks are twine-check's business.
    check_dist(project, outdir, twine=False, integrity=False)
    return cmd, built


def _built(opts: _Options, cmd: list[str], final: list[Path], log: Log) -> BuildResult:
    """Report the artifacts now in ``dist/``."""
    for path in final:
        log(
            "built "
            + artifact_line(f"{opts.where}/{path.name}", path.stat().st_size, sha256_file(path))
        )
    return BuildResult(
        opts.dist,
        tuple(final),
        opts.dist / CHECKSUMS,
        opts.kind,
        tuple(cmd),
        opts.epoch,
        tuple(opts.dist / STALE_DIR / p.name for p in opts.stale),
        applied=True,
    )


def build(
    project: Project | Path | str = ".",
    *,
    runner: Runner | None = None,
    log: Log = quiet,
    dry_run: bool = False,
    builder: str | None = None,
    isolation: bool = True,
    source_date_epoch: int | None = None,
) -> BuildResult:
    """Build the sdist and the wheel of ``project`` into its ``dist-dir``.

    ``builder`` is ``"auto"`` (uv if available, else build), ``"uv"`` or ``"build"``; None
    reads the ``builder`` key. ``isolation=False`` builds in the running environment (the
    backend must be installed there) instead of a fresh one fetched from the index.
    ``source_date_epoch`` overrides the HEAD commit's time. With ``dry_run``, only says what
    would be built and where.
    """
    if not isinstance(project, Project):
        project = Project(project)
    opts = _resolve(project, builder, isolation, source_date_epoch, log)
    if dry_run:
        return _dry_run(opts, log)
    if runner is None:
        runner = SubprocessRunner(log=log, cwd=project.root)
    tmp = Path(tempfile.mkdtemp(prefix="nox-release-build-"))
    try:
        cmd, built = _build_into(opts, tmp, runner, log)
        # Commit to dist/: move what was there aside, then move the new artifacts in.
        final = _commit(opts.dist, opts.stale, built, log, opts.where)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _built(opts, cmd, final, log)
