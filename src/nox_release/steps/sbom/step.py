"""The sbom step: plan, install and inventory, finish the documents, write them, report."""

from __future__ import annotations

import json
import shlex
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nox_release.adapters.dist import CHECKSUMS, checksums_text, find_artifacts
from nox_release.adapters.files import Transaction
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, scrub, tool
from nox_release.core.log import Log, quiet
from nox_release.core.paths import relpath
from nox_release.steps.sbom.cyclonedx import (
    CYCLONEDX_VERSION,
    finish_cyclonedx,
    validate_cyclonedx,
)
from nox_release.steps.sbom.embed import embed_sbom
from nox_release.steps.sbom.installer import (
    check_lock,
    env_python,
    export_uv_lock,
    installer_index_args,
    installer_secrets,
    is_uv_lock,
    run_tool,
)
from nox_release.steps.sbom.options import (
    SbomOptions,
    SbomTarget,
    ValidateHook,
    check_inputs,
    lock_option,
    redact_secrets,
)
from nox_release.steps.sbom.spdx import SPDX_VERSION, render_spdx, spdx_document

__all__ = ["SbomResult", "sbom"]


_HINT = ": make the dependencies reachable (--find-links DIR, or --index-url for a private index)"


@dataclass(frozen=True)
class SbomResult:
    """What the sbom step did (with ``dry_run``: would do)."""

    wheel: Path
    cyclonedx: Path
    spdx: Path
    root: tuple[str, str]  # (name, version) of the root component
    components: tuple[tuple[str, str], ...] = ()  # every other component, sorted
    embedded: bool = False
    lock: Path | None = None
    written: bool = False
    commands: tuple[tuple[str, ...], ...] = field(default=())


@dataclass(frozen=True)
class _Plan:
    """The commands that make the inventory, in order, and where cyclonedx-py writes it."""

    commands: tuple[tuple[str, ...], ...]
    raw: Path
    tmp: str  # the temporary folder, shown as <tmp>


# -- planning ------------------------------------------------------------------------------------


def _plan(options: SbomOptions, target: SbomTarget, tmp_name: str) -> _Plan:
    """The commands that install the wheel (or the locked set) and run cyclonedx-py."""
    tmp, lock, chosen = Path(tmp_name), target.lock, target.installer
    env, requirements = tmp / "env", tmp / "locked.txt"
    commands: list[list[str]] = []
    if lock is not None and is_uv_lock(lock):
        commands.append(export_uv_lock(options.project, lock, requirements))
    commands.append(chosen.create(env))
    if lock is None:
        commands.append(chosen.install(env, [*options.index_args, str(target.wheel)]))
    else:
        req = requirements if is_uv_lock(lock) else lock
        # Two installs: a lock with hashes turns on pip's hash-checking mode, which would
        # refuse the wheel (a local file with no hash in the lock).
        commands.append(chosen.install(env, ["--no-deps", *options.index_args, "-r", str(req)]))
        commands.append(chosen.install(env, ["--no-deps", str(target.wheel)]))
        commands.append(chosen.check(env))
    raw = tmp / "raw.cdx.json"
    commands.append(
        [
            tool("cyclonedx-py"),
            "environment",
            "--spec-version",
            CYCLONEDX_VERSION,
            "--output-format",
            "JSON",
            "--output-reproducible",
            "--no-validate",  # the finished document is validated (_documents)
            "--output-file",
            str(raw),
            str(env_python(env)),
        ]
    )
    return _Plan(tuple(tuple(c) for c in commands), raw, tmp_name)


def _result(
    options: SbomOptions,
    target: SbomTarget,
    plan: _Plan,
    components: tuple[tuple[str, str], ...] = (),
) -> SbomResult:
    return SbomResult(
        target.wheel,
        target.cyclonedx,
        target.spdx,
        (target.name, target.version),
        components,
        embedded=options.embed,
        lock=target.lock,
        written=not options.dry_run,
        commands=plan.commands,
    )


def _dry_run(options: SbomOptions, target: SbomTarget, plan: _Plan) -> SbomResult:
    """Print the commands and the files; nothing is installed or written."""
    log, root, wheel = options.log, options.project.root, target.wheel
    log(f"sbom of {relpath(wheel, root)} (dry run: nothing installed or written)")
    if target.lock is not None:
        log(f"describing the locked set in {relpath(target.lock, root)}")
    for argv in plan.commands:
        log(f"$ {scrub(shlex.join(argv).replace(plan.tmp, '<tmp>'), options.secrets)}")
    log(f"would write {relpath(target.cyclonedx, root)} (CycloneDX {CYCLONEDX_VERSION} JSON)")
    log(f"would write {relpath(target.spdx, root)} ({SPDX_VERSION} JSON)")
    if options.embed:
        log(
            f"would embed {target.cyclonedx.name} into {wheel.name} "
            f"under {target.stem}.dist-info/sboms/"
        )
    if target.rewrite_sums:
        log(f"would rewrite {relpath(target.sums, root)} (the wheel's sha256 changes)")
    return _result(options, target, plan)


# -- installing and reading the environment ------------------------------------------------------


def _inventory(options: SbomOptions, target: SbomTarget, plan: _Plan) -> dict[str, Any]:
    """Run the plan: cyclonedx-py's document of the fresh environment, as it wrote it."""
    run, lock, wheel, secrets = options.runner, target.lock, target.wheel, options.secrets
    options.log(
        f"sbom: installing {wheel.name} into a fresh environment ({target.installer.name})"
        + (f" with the locked set of {relpath(lock, options.project.root)}" if lock else "")
    )
    steps = iter(plan.commands)
    if lock is not None and is_uv_lock(lock):
        run_tool(run, next(steps), f"exporting {lock} with 'uv export --frozen'")
    run_tool(run, next(steps), "creating the isolated environment")
    if lock is not None:
        what = f"installing the locked set of {lock.name}"
        run_tool(run, next(steps), what, hint=_HINT, secrets=secrets)
    what = f"installing {wheel.name} into a fresh environment"
    run_tool(run, next(steps), what, hint=_HINT, secrets=secrets)
    if lock is not None:
        check_lock(run, next(steps), lock, wheel, secrets)
    sde = {"SOURCE_DATE_EPOCH": str(target.epoch)} if target.epoch is not None else None
    run_tool(run, next(steps), "cyclonedx-py environment", env=sde)
    raw: dict[str, Any] = json.loads(plan.raw.read_text(encoding="utf-8"))
    return raw


# -- the documents -------------------------------------------------------------------------------


def _documents(
    options: SbomOptions, target: SbomTarget, raw: dict[str, Any]
) -> tuple[dict[str, Any], str, str]:
    """The finished CycloneDX document, and the CycloneDX and SPDX texts, both validated."""
    hook, where = options.before_validate, target.wheel.name
    cdx = finish_cyclonedx(raw, target.name, target.version)
    if hook is not None:
        hook("cyclonedx", cdx)
    cdx_text = json.dumps(cdx, indent=2, ensure_ascii=False) + "\n"
    validate_cyclonedx(cdx_text, where)

    created = (
        datetime.fromtimestamp(target.epoch, tz=timezone.utc)
        if target.epoch is not None
        else datetime.now(tz=timezone.utc).replace(microsecond=0)
    )
    spdx_doc = spdx_document(cdx, created.replace(tzinfo=None))
    if hook is not None:
        hook("spdx", spdx_doc)
    return cdx, cdx_text, render_spdx(spdx_doc, where)


def _write(options: SbomOptions, target: SbomTarget, cdx_text: str, spdx_text: str) -> None:
    """Both documents, and with ``embed`` the wheel (and SHA256SUMS): all or nothing."""
    cdx_bytes = cdx_text.encode("utf-8")
    files = {target.cyclonedx: cdx_bytes, target.spdx: spdx_text.encode("utf-8")}
    if options.embed:
        wheel = target.wheel
        files[wheel] = embed_sbom(wheel, target.cyclonedx.name, cdx_bytes)
        if target.rewrite_sums:
            # What write_checksums writes, with the embedded wheel's new bytes: replaced in the
            # same batch, so SHA256SUMS never lists a hash the wheel no longer has.
            text = checksums_text(find_artifacts(options.dist), {wheel: files[wheel]})
            files[target.sums] = text.encode("utf-8")
    with Transaction() as txn:
        txn.write(files)


def _report(
    options: SbomOptions, target: SbomTarget, plan: _Plan, cdx: dict[str, Any]
) -> SbomResult:
    """Say what was written."""
    root = options.project.root
    components = tuple(
        sorted((str(c["name"]), str(c.get("version", ""))) for c in cdx.get("components", []))
    )
    options.log(
        f"wrote {relpath(target.cyclonedx, root)} and {relpath(target.spdx, root)}: "
        f"{len(components) + 1} component(s) ({target.name} {target.version} and "
        f"{len(components)} dependencies)"
        + (f"; embedded in {target.wheel.name}" if options.embed else "")
        + (f" and rewrote {CHECKSUMS}" if target.rewrite_sums else "")
    )
    return _result(options, target, plan, components)


# -- the step ------------------------------------------------------------------------------------


def sbom(
    root: Project | Path | str = ".",
    *,
    embed: bool | None = None,
    lock: str | Path | bool | None = None,
    dist: Path | str | None = None,
    find_links: Sequence[Path | str] = (),
    no_index: bool = False,
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    installer_args: Sequence[str] = (),
    installer: str = "auto",
    runner: Runner | None = None,
    log: Log = quiet,
    dry_run: bool = False,
    before_validate: ValidateHook | None = None,
    wheel: Path | None = None,
) -> SbomResult:
    """Write ``dist/<name>-<version>.cdx.json`` and ``.spdx.json`` for the built wheel.

    ``embed`` (None: the ``sbom-embed`` key) also puts the CycloneDX document into the wheel
    under ``.dist-info/sboms/``. ``lock`` (None: the ``sbom-lock`` key; False: no lock even if
    the key is set) names ``uv.lock`` or a requirements file whose locked set the SBOM describes
    instead of the wheel's own resolution. ``find_links``, ``no_index``, ``index_url``,
    ``extra_index_urls`` and ``installer_args`` (any other options) go to the installer (a
    private index, a local wheelhouse); credentials in their URLs (a password, or a token as the
    user) are replaced by ``***`` in everything logged or raised (by the runner too when it is a
    :class:`SubprocessRunner`). ``installer`` is ``auto`` (uv when available), ``uv`` or
    ``pip``. With ``embed``, an existing ``dist/SHA256SUMS`` is rewritten with the new wheel's
    hash in the same all-or-nothing replacement. With ``dry_run``, the checks run and the
    commands and files are printed; nothing is installed or written. ``wheel`` (one wheel of a
    wheelhouse) describes that wheel, in documents named for its file.
    """
    project = root if isinstance(root, Project) else Project(root)
    index_args = installer_index_args(
        find_links, no_index, index_url, extra_index_urls, installer_args
    )
    options = SbomOptions(
        project=project,
        embed=project.config.sbom_embed if embed is None else embed,
        lock=lock_option(project, lock),
        dist=Path(dist) if dist is not None else project.root / project.config.dist_dir,
        index_args=tuple(index_args),
        secrets=tuple(installer_secrets(index_args)),
        installer=installer,
        runner=runner if runner is not None else SubprocessRunner(log=log),
        log=log,
        dry_run=dry_run,
        before_validate=before_validate,
        wheel=Path(wheel) if wheel is not None else None,
    )
    redact_secrets(options)
    target = check_inputs(options)
    with tempfile.TemporaryDirectory(prefix="nox-release-sbom-") as tmp:
        plan = _plan(options, target, tmp)
        if options.dry_run:
            return _dry_run(options, target, plan)
        raw = _inventory(options, target, plan)
    cdx, cdx_text, spdx_text = _documents(options, target, raw)
    _write(options, target, cdx_text, spdx_text)
    return _report(options, target, plan, cdx)
