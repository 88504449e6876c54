"""For the sbom tests: real packages, built offline, and a project that depends on them.

The wheelhouse holds real wheels built with hatchling (``python -m build --no-isolation``):

* ``dep-a 1.0.0`` (Apache-2.0) requires ``dep-b>=2``;
* ``dep-b 2.0.0`` (BSD-3-Clause) in ``wheelhouse``, and ``dep-b 2.1.0`` in ``newer`` so that a
  lock pinning 2.0.0 describes something else than a fresh resolution;
* ``devdep 0.1.0`` (MIT): only a dev dependency group and a ``test`` extra of the sample project,
  so it must never appear in an SBOM.

Everything installs with ``--no-index --find-links``: no network.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from testkit.samples import Repo, make_repo, pyproject_toml
from testkit.serving import serving

#: The sample project's optional dependencies and dependency groups: devdep only.
_DEV_ONLY = '\n[project.optional-dependencies]\ntest = ["devdep"]\n\n[dependency-groups]\ndev = ["devdep"]\n'

#: Wheels of the sample project built in this process: (file name, bytes) by its sources.
_BUILT: dict[str, tuple[str, bytes]] = {}


def build_wheel(src: Path, out: Path) -> Path:
    """Build ``src`` into ``out`` with the real build frontend and hatchling; return the wheel."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"building {src} failed:\n{proc.stdout}\n{proc.stderr}")
    stem = src.name.replace("-", "_")
    (wheel,) = out.glob(f"{stem}-*.whl")
    return wheel


def _package(root: Path, name: str, version: str, deps: list[str], license: str) -> Path:
    src = root / f"{name}-{version}" / name
    module = name.replace("-", "_")
    (src / "src" / module).mkdir(parents=True)
    (src / "src" / module / "__init__.py").write_text(f'__version__ = "{version}"\n')
    (src / "pyproject.toml").write_text(
        pyproject_toml(
            name, version, description=f"The {name} package.", license=license, dependencies=deps
        )
    )
    return src


@dataclass(frozen=True)
class Wheelhouse:
    """Local folders of wheels; ``links`` is what the installer gets as --find-links."""

    main: Path  # dep-a 1.0.0, dep-b 2.0.0, devdep 0.1.0
    newer: Path  # dep-b 2.1.0

    @property
    def links(self) -> list[Path]:
        return [self.main, self.newer]


def build_wheelhouse(root: Path) -> Wheelhouse:
    """Build the dependency wheels under ``root`` (about two seconds)."""
    main, newer, srcs = root / "main", root / "newer", root / "src"
    for name, version, deps, lic, out in (
        ("dep-b", "2.0.0", [], "BSD-3-Clause", main),
        ("dep-b", "2.1.0", [], "BSD-3-Clause", newer),
        ("dep-a", "1.0.0", ["dep-b>=2"], "Apache-2.0", main),
        ("devdep", "0.1.0", [], "MIT", main),
    ):
        build_wheel(_package(srcs, name, version, deps, lic), out)
    return Wheelhouse(main, newer)


def make_sample(path: Path, *, extra: str = "", build: bool = True) -> Repo:
    """The sample project in a git repository, with its wheel in dist/ when ``build``.

    The wheel is built once per process for the same sources (the build is reproducible) and
    copied into each sample's dist/ after that.
    """
    text = pyproject_toml(
        "sample-app",
        "1.2.3",
        description="A sample application with real dependencies.",
        readme=True,
        license="MIT",
        dependencies=["dep-a>=1"],
        tail=_DEV_ONLY + extra + "\n",
    )
    files = {
        "README.md": "# sample-app\n\nA sample application.\n",
        "src/sample_app/__init__.py": '__version__ = "1.2.3"\n',
    }
    repo = make_repo(path, pyproject=text, files=files)
    if build:
        key = text + repr(sorted(files.items()))
        if key not in _BUILT:
            wheel = build_wheel(path, path / "dist")
            _BUILT[key] = (wheel.name, wheel.read_bytes())
        else:
            name, data = _BUILT[key]
            (path / "dist").mkdir()
            (path / "dist" / name).write_bytes(data)
    return repo


@contextmanager
def serve_directory(path: Path) -> Iterator[str]:
    """Serve ``path`` over HTTP on 127.0.0.1 (its directory listing is a find-links page);
    yield the root URL. Credentials sent with a request are accepted and ignored."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(path)))) as url:
        yield url
