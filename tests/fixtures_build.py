"""Sample projects for the build and twine-check tests (issue 5), and ways to damage a wheel."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import Repo, make_repo

#: The sample commits' date: far from "now", so any wall-clock time leaking into an artifact
#: shows (2001-09-09T01:46:40Z).
EPOCH = 1_000_000_000

HATCHLING = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "{version}"
description = "A sample project."
{readme}requires-python = ">=3.8"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]
"""

SETUPTOOLS = """\
[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "A sample project."
{readme}requires-python = ">=3.8"
"""


@contextmanager
def git_isolation(home: Path) -> Iterator[None]:
    """What the autouse ``isolated_git`` does, for module-scoped fixtures."""
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = Test Maintainer\n\temail = maintainer@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CONFIG_GLOBAL", str(config))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("HOME", str(home))
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        yield


def make_sample(
    path: Path,
    *,
    backend: str = "hatchling",
    name: str = "sample",
    version: str = "1.2.3",
    readme: bool = True,
    build_backend: str | None = None,
) -> Repo:
    """A project with a package and (optionally) a README, committed at :data:`EPOCH`."""
    module = name.replace("-", "_")
    template = HATCHLING if backend == "hatchling" else SETUPTOOLS
    text = template.format(
        name=name,
        version=version,
        module=module,
        readme='readme = "README.md"\n' if readme else "",
    )
    if build_backend is not None:
        text = re.sub(r'build-backend = ".*"', f'build-backend = "{build_backend}"', text)
    files = {f"src/{module}/__init__.py": f'"""The sample."""\n\n__version__ = "{version}"\n'}
    if readme:
        files["README.md"] = f"# {name}\n\nA sample project for the build tests.\n"
    repo = make_repo(path, pyproject=text, files=files)
    date = f"@{EPOCH} +0000"
    subprocess.run(
        ["git", "commit", "-q", "--amend", "--no-edit", f"--date={date}"],
        cwd=path,
        env={**os.environ, "GIT_COMMITTER_DATE": date},
        check=True,
    )
    return repo


def _record(files: dict[str, bytes], record_name: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for member, data in files.items():
        if member == record_name:
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([member, f"sha256={digest}", str(len(data))])
    writer.writerow([record_name, "", ""])
    return out.getvalue().encode()


def rewrite_wheel(
    src: Path,
    dst: Path,
    edit: Callable[[dict[str, bytes]], dict[str, bytes]],
    *,
    fix_record: bool,
) -> Path:
    """Copy a wheel with its members changed by ``edit``; ``fix_record`` rewrites RECORD to match."""
    with zipfile.ZipFile(src) as zf:
        files = {info.filename: zf.read(info) for info in zf.infolist()}
    files = edit(files)
    if fix_record:
        record = next(n for n in files if n.endswith(".dist-info/RECORD"))
        files[record] = _record(files, record)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in files.items():
            zf.writestr(member, data)
    return dst


def wheel_of_version(src: Path, dist: Path, old: str, new: str) -> Path:
    """A valid wheel of the same project but version ``new`` (RECORD fixed), in ``dist``."""

    def edit(files: dict[str, bytes]) -> dict[str, bytes]:
        out = {}
        for member, data in files.items():
            member = member.replace(f"-{old}.dist-info/", f"-{new}.dist-info/")
            if member.endswith(".dist-info/METADATA"):
                data = data.replace(f"Version: {old}\n".encode(), f"Version: {new}\n".encode())
            out[member] = data
        return out

    return rewrite_wheel(src, dist / src.name.replace(old, new), edit, fix_record=True)
