"""The isolated environment: uv or pip commands, lock files, failures as one-sentence SbomErrors.

The environment is made by ``uv venv`` + ``uv pip`` when uv is available, else by
``python -m venv --without-pip`` + ``pip --python`` (pip runs from nox-release's own environment).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import CommandError, SbomError
from nox_release.adapters.credentials import url_secrets
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, find_uv, scrub
from nox_release.core.output import tool_tail


def env_python(env: Path) -> Path:
    if os.name == "nt":
        return env / "Scripts" / "python.exe"
    return env / "bin" / "python"


@dataclass(frozen=True)
class Installer:
    """The commands that make the isolated environment and install into it."""

    uv: str | None  # the uv binary, or None for venv + pip

    @property
    def name(self) -> str:
        return "uv" if self.uv else "pip"

    def create(self, env: Path) -> list[str]:
        if self.uv:
            return [self.uv, "venv", "--quiet", "--python", sys.executable, str(env)]
        return [sys.executable, "-m", "venv", "--without-pip", str(env)]

    def install(self, env: Path, args: Sequence[str]) -> list[str]:
        py = str(env_python(env))
        if self.uv:
            return [self.uv, "pip", "install", "--python", py, *args]
        return [
            sys.executable,
            "-m",
            "pip",
            "--python",
            py,
            "install",
            "--disable-pip-version-check",
            "--no-input",
            *args,
        ]

    def check(self, env: Path) -> list[str]:
        py = str(env_python(env))
        if self.uv:
            return [self.uv, "pip", "check", "--python", py]
        return [sys.executable, "-m", "pip", "--python", py, "check"]


def choose_installer(choice: str) -> Installer:
    if choice not in ("auto", "uv", "pip"):
        raise SbomError(f"installer {choice!r} is not one of auto, uv, pip.")
    uv = None if choice == "pip" else find_uv()
    if uv is None and choice == "uv":
        raise SbomError(
            "uv is not installed: install it ('pip install uv') or use installer='pip'."
        )
    if uv is None and importlib.util.find_spec("pip") is None:
        raise SbomError(
            f"neither uv nor pip is installed next to nox-release ({sys.executable}): install "
            "one of them ('python -m ensurepip' or 'pip install uv') to make the SBOM environment."
        )
    return Installer(uv)


def installer_index_args(
    find_links: Sequence[Path | str],
    no_index: bool,
    index_url: str | None,
    extra_index_urls: Sequence[str],
    extra: Sequence[str],
) -> list[str]:
    """The installer's options for where packages come from (the same for uv pip and pip)."""
    args = ["--no-index"] if no_index else []
    if index_url:
        args += ["--index-url", index_url]
    for url in extra_index_urls:
        args += ["--extra-index-url", url]
    for link in find_links:
        args += ["--find-links", str(link)]
    return args + list(extra)


def installer_secrets(args: Sequence[str]) -> list[str]:
    """Credentials in URLs among the installer arguments (index URLs, find-links, ``--opt=URL``):
    a password, or a token given as the user (``https://TOKEN@host/simple``); never shown."""
    out: list[str] = []
    for arg in args:
        for candidate in {arg, arg.split("=", 1)[-1]}:
            if "://" in candidate:
                out += url_secrets(candidate)
    return list(dict.fromkeys(out))


def lock_file(project: Project, lock: str | Path) -> Path:
    path = Path(lock)
    path = path if path.is_absolute() else project.root / path
    if not path.is_file():
        raise SbomError(
            f"the lock file {path} does not exist: create it ('uv lock', 'pip-compile') or "
            "drop --lock / sbom-lock."
        )
    return path


def is_uv_lock(path: Path) -> bool:
    return path.name == "uv.lock"


def export_uv_lock(project: Project, lock: Path, out: Path) -> list[str]:
    """``uv export``: the runtime part of uv.lock (no dependency groups, no extras, no project)."""
    uv = find_uv()
    if uv is None:
        raise SbomError(f"{lock} is a uv lock file and needs uv to be read: install uv.")
    return [
        uv,
        "export",
        "--quiet",
        "--project",
        str(lock.parent),
        "--frozen",
        "--format",
        "requirements-txt",
        "--no-default-groups",
        "--no-emit-project",
        "--no-header",
        "--output-file",
        str(out),
    ]


def run_tool(
    runner: Runner,
    argv: Sequence[str],
    what: str,
    *,
    env: dict[str, str] | None = None,
    hint: str = "",
    secrets: Sequence[str] = (),
) -> str:
    try:
        return str(runner(*argv, env=env, silent=True) or "")
    except CommandError as exc:
        # A runner other than SubprocessRunner does not redact: the output is scrubbed here.
        output = scrub(exc.output, secrets)
        detail = tool_tail(output, 2) if output.strip() else f"exit code {exc.returncode}"
        raise SbomError(f"{what} failed ({detail}){hint}.") from None


def check_lock(
    runner: Runner, argv: Sequence[str], lock: Path, wheel: Path, secrets: Sequence[str]
) -> None:
    """The installer's check of the environment: the locked set must satisfy the wheel."""
    try:
        runner(*argv, silent=True)
    except CommandError as exc:
        detail = "; ".join(
            line.strip() for line in scrub(exc.output, secrets).splitlines() if line.strip()
        )[:300]
        raise SbomError(
            f"the locked set in {lock} does not satisfy {wheel.name} ({detail}): "
            "update the lock ('uv lock', or recompile the requirements file)."
        ) from None
