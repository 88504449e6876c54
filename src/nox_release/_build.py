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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ._errors import CommandError, ConfigError, ReleaseError
from ._log import Log, quiet
from ._plan import write_atomic
from ._project import Project
from ._runner import Runner, SubprocessRunner

__all__ = [
    "STALE_DIR",
    "BuildResult",
    "build",
    "build_command",
    "checksums_text",
    "find_uv",
    "head_epoch",
    "normalize_sdist",
    "write_checksums",
]


#: Where files already in ``dist/`` are moved before new artifacts arrive (hidden, so that
#: ``twine upload dist/*`` and :func:`~nox_release._artifacts.find_artifacts` never see it).
STALE_DIR = ".stale"
CHECKSUMS = "SHA256SUMS"


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


def find_uv() -> str | None:
    """The ``uv`` executable next to the running interpreter, else on ``PATH``, else None."""
    here = Path(sys.executable).parent / ("uv.exe" if os.name == "nt" else "uv")
    if here.is_file():
        return str(here)
    return shutil.which("uv")


def _choose(builder: str) -> tuple[str, str | None]:
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


def head_epoch(project: Project) -> int:
    """The HEAD commit's committer time, in seconds since the epoch."""
    from ._errors import GitError

    if project.git.head() is None:
        raise GitError(
            f"{project.root} has no commit yet: commit first, builds are made from HEAD."
        )
    return int(project.git.run("show", "-s", "--no-show-signature", "--format=%ct", "HEAD"))


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


def checksums_text(paths: Iterable[Path], contents: Mapping[Path, bytes] | None = None) -> str:
    """``SHA256SUMS`` in ``sha256sum`` format for ``paths``; ``contents`` gives the bytes of
    files that are about to be replaced (the sbom step's embedded wheel), instead of the disk's."""
    import hashlib

    from ._artifacts import sha256_file

    lines = []
    for path in sorted(paths):
        data = contents.get(path) if contents is not None else None
        digest = hashlib.sha256(data).hexdigest() if data is not None else sha256_file(path)
        lines.append(f"{digest}  {path.name}\n")
    return "".join(lines)


def write_checksums(dist: Path, paths: list[Path] | None = None) -> Path:
    """Write ``dist/SHA256SUMS`` (``sha256sum`` format) for ``paths`` (default: the artifacts),
    atomically: a reader sees the old file or the new one, never a part."""
    from ._artifacts import find_artifacts

    out = dist / CHECKSUMS
    write_atomic(out, checksums_text(paths if paths is not None else find_artifacts(dist)))
    return out


def _to_move_aside(dist: Path) -> list[Path]:
    """Every file in ``dist`` a new build replaces: all but hidden ones (``.gitignore``)."""
    if not dist.is_dir():
        return []
    return sorted(p for p in dist.iterdir() if p.is_file() and not p.name.startswith("."))


class _Undo:
    """Changes to ``dist/`` made so far, each with the action that takes it back."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, Callable[[], None]]] = []

    def move(self, src: Path, dst: Path) -> None:
        """Rename ``src`` to ``dst`` (same file system; ``dst`` must not exist)."""
        os.replace(src, dst)
        self.steps.append((f"move {dst} back to {src}", lambda: os.replace(dst, src)))

    def made(self, path: Path, remove: Callable[[], None]) -> None:
        """``path`` was created; ``remove`` takes it away (nothing to do once it is gone)."""

        def step() -> None:
            if os.path.lexists(path):
                remove()

        self.steps.append((f"remove {path}", step))

    def rollback(self) -> list[str]:
        """Undo every step, newest first; return what could not be undone."""
        problems = []
        for what, step in reversed(self.steps):
            try:
                step()
            except OSError as exc:
                problems.append(f"could not {what} ({exc})")
        self.steps.clear()
        return problems


def _commit(dist: Path, stale: list[Path], built: list[Path], log: Log, where: str) -> list[Path]:
    """Move ``stale`` to ``dist/.stale/``, ``built`` into ``dist``, write ``SHA256SUMS``; all or
    nothing: on any failure every step is undone (in reverse) and the error re-raised."""
    undo = _Undo()
    replaced: Path | None = None  # earlier files of dist/.stale/ a name clash pushes out
    try:
        if not dist.exists():
            dist.mkdir(parents=True)
            undo.made(dist, lambda: shutil.rmtree(dist))
            # As uv build does: keep dist/ (and dist/.stale/) out of git and out of sdists.
            (dist / ".gitignore").write_text("*\n", encoding="utf-8")
        if stale:
            aside = dist / STALE_DIR
            if not aside.exists():
                aside.mkdir()
                undo.made(aside, lambda: shutil.rmtree(aside))
            for path in stale:
                target = aside / path.name
                if os.path.lexists(target):
                    if replaced is None:
                        replaced = Path(tempfile.mkdtemp(prefix=".replaced-", dir=aside))
                    undo.move(target, replaced / path.name)
                undo.move(path, target)
        final = []
        for path in built:
            target = dist / path.name
            # Copied next to the target first (the build folder may be on another file
            # system), then renamed: the move in is one rename, and so is its undo.
            partial = dist / f".{path.name}.tmp"
            undo.made(partial, partial.unlink)  # a copy cut short; gone once renamed
            shutil.move(str(path), partial)
            undo.move(partial, target)
            final.append(target)
        write_checksums(dist, final)
    except BaseException as exc:
        problems = undo.rollback()
        if problems:
            raise ReleaseError(
                f"{exc} -- and putting {where}/ back could not finish: {'; '.join(problems)}"
            ) from exc
        if isinstance(exc, OSError):
            raise ReleaseError(
                f"could not put the new artifacts into {where}/ ({exc}); {where}/ is as it "
                "was: fix the cause and build again."
            ) from None
        raise
    finally:
        if replaced is not None:
            shutil.rmtree(replaced, ignore_errors=True)
    if stale:
        log(f"moved {len(stale)} earlier file(s) to {where}/{STALE_DIR}/")
    return final


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


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
    from ._artifacts import check_dist, find_artifacts

    if not isinstance(project, Project):
        project = Project(project)
    version = project.version()
    name = project.name
    dist = project.root / project.config.dist_dir
    epoch = source_date_epoch if source_date_epoch is not None else head_epoch(project)
    kind, uv = _choose(builder if builder is not None else project.config.builder)
    dirty = project.git.dirty_files()
    if dirty:
        log(
            f"warning: uncommitted changes ({', '.join(dirty[:5])}): the artifacts will not be "
            "exactly HEAD."
        )
    stale = _to_move_aside(dist)
    where = _rel(dist, project.root)
    how = "isolated" if isolation else "in the running environment"
    if dry_run:
        cmd = build_command(kind, uv, project.root, dist, isolation=isolation)
        log(
            f"would build {name} {version.pep440} (sdist and wheel) from {project.root} into "
            f"{where}/ with {'uv build' if kind == 'uv' else 'python -m build'} ({how}), "
            f"SOURCE_DATE_EPOCH={epoch}"
        )
        log(f"$ SOURCE_DATE_EPOCH={epoch} {shlex.join(cmd)}")
        for path in stale:
            log(f"would move {where}/{path.name} to {where}/{STALE_DIR}/")
        log(f"would write {where}/{CHECKSUMS}")
        return BuildResult(dist, (), None, kind, tuple(cmd), epoch, tuple(stale), applied=False)

    if runner is None:
        runner = SubprocessRunner(log=log, cwd=project.root)
    tmp = Path(tempfile.mkdtemp(prefix="nox-release-build-"))
    try:
        cmd = build_command(kind, uv, project.root, tmp, isolation=isolation)
        log(f"building {name} {version.pep440} with {kind} ({how}), SOURCE_DATE_EPOCH={epoch}")
        runner(*cmd, env={"SOURCE_DATE_EPOCH": str(epoch)}, silent=True)
        built = find_artifacts(tmp)
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
        check_dist(project, tmp, twine=False, integrity=False)
        # Commit to dist/: move what was there aside, then move the new artifacts in.
        final = _commit(dist, stale, built, log, where)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for path in final:
        log(f"built {where}/{path.name}")
    return BuildResult(
        dist,
        tuple(final),
        dist / CHECKSUMS,
        kind,
        tuple(cmd),
        epoch,
        tuple(dist / STALE_DIR / p.name for p in stale),
        applied=True,
    )
