"""``validate``: install the built wheel alone into a fresh environment and run commands there.

The environment is made by ``uv venv`` + ``uv pip install`` when uv is there, else by
``python -m venv`` + ``pip --python``; only the wheel and its dependencies go in (from the
configured index, or ``--find-links``/``--no-index``), never the source tree, and the commands
run in an empty folder so that the source tree cannot be imported by accident.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename

from nox_release._errors import ArtifactError, CommandError
from nox_release.adapters.dist import find_artifacts
from nox_release.adapters.project import Project
from nox_release.adapters.runner import SubprocessRunner, find_uv
from nox_release.core.log import Log, quiet
from nox_release.steps.sbom.installer import Installer, env_python, installer_index_args

__all__ = ["ValidateResult", "pick_wheel", "validate"]


@dataclass(frozen=True)
class ValidateResult:
    """What :func:`validate` installed and ran."""

    wheel: Path | None
    commands: tuple[str, ...]
    installer: str = ""


def pick_wheel(dist: Path) -> Path:
    """The wheel in ``dist`` that this interpreter can install (the first by its tag order)."""
    wheels = [p for p in find_artifacts(dist) if p.name.endswith(".whl")]
    if not wheels:
        raise ArtifactError(f"there is no wheel in {dist} to validate: run 'nox -s build' first")
    rank = {tag: i for i, tag in enumerate(sys_tags())}
    usable = [
        (min(rank.get(t, len(rank)) for t in parse_wheel_filename(w.name)[3]), w) for w in wheels
    ]
    best = min(usable, key=lambda pair: pair[0])
    if best[0] == len(rank):
        raise ArtifactError(
            f"no wheel in {dist} installs on this platform ({', '.join(w.name for w in wheels)}): "
            "validate on a machine that one of them is built for"
        )
    return best[1]


def _commands(project: Project, commands: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(commands if commands is not None else project.config.validate)


def validate(
    root: Path | str | Project = ".",
    *,
    commands: Sequence[str] | None = None,
    find_links: Sequence[Path | str] = (),
    no_index: bool = False,
    index_url: str | None = None,
    dist: Path | str | None = None,
    installer: str = "auto",
    dry_run: bool = False,
    log: Log = quiet,
) -> ValidateResult:
    """Install ``dist/``'s wheel into a fresh environment and run ``commands`` (default: the
    ``validate`` key) there, in order; the first failure raises :class:`ArtifactError` with its
    output. ``dist`` (default: ``dist-dir``) may be a gathered wheelhouse: the wheel that
    installs here is taken. ``installer``: ``auto`` (uv when there), or ``pip`` (venv + pip).
    ``dry_run`` only names the wheel and the commands."""
    project = root if isinstance(root, Project) else Project(root)
    todo = _commands(project, commands)
    if not todo:
        log(f"{project.name}: nothing to validate (no 'validate' commands in [tool.nox-release])")
        return ValidateResult(None, ())
    wheel = pick_wheel(project.root / (dist if dist is not None else project.config.dist_dir))
    chosen = Installer(None if installer == "pip" else find_uv())
    if dry_run:
        log(f"would install {wheel.name} alone into a fresh environment ({chosen.name}) and run:")
        for command in todo:
            log(f"  $ {command}")
        return ValidateResult(wheel, todo, chosen.name)
    with tempfile.TemporaryDirectory(prefix="nox-release-validate-") as tmp:
        env, work = Path(tmp) / "env", Path(tmp) / "work"
        work.mkdir()
        _install(
            chosen,
            env,
            wheel,
            installer_index_args(find_links, no_index, index_url, (), ()),
            log,
        )
        run_env = {
            "VIRTUAL_ENV": str(env),
            "PATH": str(env_python(env).parent) + os.pathsep + os.environ.get("PATH", ""),
            "PYTHONNOUSERSITE": "1",
        }
        runner = SubprocessRunner(cwd=work)
        for command in todo:
            log(f"validate: $ {command}")
            _run(runner, command, run_env, wheel, log)
    log(f"validated {wheel.name}: {len(todo)} command(s) passed in a fresh environment")
    return ValidateResult(wheel, todo, chosen.name)


def _install(installer: Installer, env: Path, wheel: Path, where: list[str], log: Log) -> None:
    runner = SubprocessRunner()
    try:
        runner(*installer.create(env))
        runner(*installer.install(env, [*where, str(wheel)]))
    except CommandError as exc:
        raise ArtifactError(
            f"{wheel.name} could not be installed into a fresh environment for validation "
            f"({_last(exc.output)}): make its dependencies reachable (the index, or --find-links)"
        ) from None
    log(f"validate: installed {wheel.name} and its dependencies ({installer.name})")


def _run(
    runner: SubprocessRunner, command: str, env: dict[str, str], wheel: Path, log: Log
) -> None:
    try:
        output = runner(*shlex.split(command), env=env)
    except CommandError as exc:
        shown = exc.output.rstrip() or "(no output)"
        log(shown)
        raise ArtifactError(
            f"the validate command '{command}' failed against {wheel.name} (exit code "
            f"{exc.returncode}; its output is above): fix the release or the command before "
            "publishing"
        ) from None
    if output.strip():
        log(output.rstrip())


def _last(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
