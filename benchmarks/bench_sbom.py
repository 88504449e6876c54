"""How long the sbom step takes on a sample project; prints a Markdown table.

The sample project (``sample-app``, requiring ``dep-a`` which requires ``dep-b``, plus a dev-only
``devdep``) and its dependencies' wheels are assembled here (no build backend needed) and
installed offline (``--no-index --find-links``), so the numbers measure nox-release, uv/pip, cyclonedx-py and
spdx-tools, not the network. Each case runs ``BENCH_REPEAT`` times (default 5); the table shows
the median and the spread.

Run: ``nox -s bench -- bench_sbom`` or ``python benchmarks/bench_sbom.py``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
from nox_release import sbom
from testkit.samples import init_repo, pyproject_toml

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def make_wheel(out: Path, name: str, deps: list[str]) -> Path:
    """A minimal, valid pure-Python wheel, assembled directly (no build backend needed here)."""
    module = name.replace("-", "_")
    stem = f"{module}-1.0.0"
    files = {
        f"{module}/__init__.py": b"",
        f"{stem}.dist-info/METADATA": (
            "Metadata-Version: 2.4\n"
            f"Name: {name}\nVersion: 1.0.0\nSummary: {name}\nLicense-Expression: MIT\n"
            "Requires-Python: >=3.8\n"
            + "".join(f"Requires-Dist: {d}\n" for d in deps)
            + f"Description-Content-Type: text/markdown\n\n# {name}\n"
        ).encode(),
        f"{stem}.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(
        f"{path},sha256="
        + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        + f",{len(data)}\n"
        for path, data in files.items()
    )
    files[f"{stem}.dist-info/RECORD"] = (record + f"{stem}.dist-info/RECORD,,\n").encode()
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return wheel


def setup(root: Path) -> tuple[Path, Path]:
    wheels = root / "wheels"
    for name, deps in (("dep-b", []), ("dep-a", ["dep-b"]), ("devdep", [])):
        make_wheel(wheels, name, deps)
    text = pyproject_toml(
        "sample-app",
        "1.0.0",
        backend=None,
        description=None,
        requires_python=None,
        dependencies=["dep-a"],
        tail='\n[dependency-groups]\ndev = ["devdep"]\n',
    )
    files = {
        "pyproject.toml": text,
        "noxfile.py": "import nox_release\n\nnox_release.register()\n",
        "requirements.lock": "dep-a==1.0.0\ndep-b==1.0.0\n",
        ".gitignore": "dist/\n",
    }
    project = init_repo(root / "sample-app", files, message="init", env={**os.environ, **GIT_ENV})
    make_wheel(project / "dist", "sample-app", ["dep-a"])
    return project, wheels


def measure(func: Callable[[], object]) -> tuple[float, float, float]:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-sbom-") as tmp:
        project, wheels = setup(Path(tmp))

        def step(**kwargs: object) -> Callable[[], object]:
            return lambda: sbom(project, find_links=[wheels], no_index=True, **kwargs)  # type: ignore[arg-type]

        nox = [sys.executable, "-m", "nox", "-f", str(project / "noxfile.py"), "-s", "sbom"]
        nox_args = ["--", "--no-index", "--find-links", str(wheels)]

        def nox_session() -> None:
            subprocess.run([*nox, *nox_args], cwd=project, check=True, capture_output=True)

        cases: list[tuple[str, Callable[[], object]]] = [
            ("`sbom()` step, uv (default)", step()),
            ("`sbom()` step, venv + pip", step(installer="pip")),
            ("`sbom()` step, `--embed`", step(embed=True)),
            ("`sbom()` step, `--lock requirements.lock`", step(lock="requirements.lock")),
            ("`nox -s sbom` (whole session, uv)", nox_session),
            (
                "of which: cold import of cyclonedx-python-lib's JSON validator (once per process)",
                lambda: subprocess.run(
                    [sys.executable, "-c", "import cyclonedx.validation.json"], check=True
                ),
            ),
        ]
        print(
            f"sbom of a sample project with 2 runtime dependencies, offline; median of {REPEAT} "
            f"runs (Python {platform.python_version()}, {os.cpu_count()} cores)\n"
        )
        print("| case | median (s) | min (s) | max (s) |")
        print("| --- | ---: | ---: | ---: |")
        for label, func in cases:
            med, low, high = measure(func)
            print(f"| {label} | {med:.2f} | {low:.2f} | {high:.2f} |")


if __name__ == "__main__":
    main()
