"""The build and twine-check sessions next to the plain tools, on the same small project.

Prints a Markdown table: wall time (median and min of N runs) of plain ``uv build`` and
``python -m build`` (both isolated, as users run them), nox-release's ``build`` step and
``nox -s build`` with each builder, then plain ``twine check --strict`` next to the
``twine_check`` step and ``nox -s twine-check``. Run: ``python benchmarks/bench_build.py [N]``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
import nox_release
from nox_release.adapters.runner import find_uv
from testkit.samples import init_repo, pyproject_toml

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def run(*args: str, cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, env=ENV, check=True, capture_output=True)


def make_project(root: Path) -> Path:
    """bench-sample 1.0.0 (hatchling, 22 modules) in a new repository."""
    description = "A sample project for the build benchmark."
    files = {
        "pyproject.toml": pyproject_toml(
            "bench-sample", "1.0.0", description=description, readme=True
        ),
        "README.md": "# bench-sample\n\nA sample.\n",
        ".gitignore": "dist/\nout/\n",
        "src/bench_sample/__init__.py": '__version__ = "1.0.0"\n',
        "noxfile.py": "import nox_release\n\nnox_release.register()\n",
    }
    for i in range(20):
        files[f"src/bench_sample/mod{i}.py"] = f"VALUE = {i}\n" * 50
    return init_repo(root / "bench-sample", files, message="feat: sample", env=ENV)


def timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    fn()  # warm-up: fills uv's cache and the OS's
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    uv = find_uv()
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp))
        out = project / "out"

        def plain(*cmd: str) -> Callable[[], None]:
            def go() -> None:
                shutil.rmtree(out, ignore_errors=True)
                run(*cmd, cwd=project)

            return go

        def nox(*args: str) -> Callable[[], None]:
            return lambda: run(sys.executable, "-m", "nox", "-s", *args, cwd=project)

        if uv is not None:
            rows.append(
                (
                    "`uv build` (plain)",
                    *timed(
                        plain(uv, "build", "--python", sys.executable, "--out-dir", str(out)), n
                    ),
                )
            )
            rows.append(
                (
                    '`build(builder="uv")` step',
                    *timed(lambda: nox_release.build(project, builder="uv"), n),
                )
            )
            rows.append(("`nox -s build` (uv)", *timed(nox("build", "--", "--builder", "uv"), n)))
        rows.append(
            (
                "`python -m build` (plain)",
                *timed(plain(sys.executable, "-m", "build", "--outdir", str(out)), n),
            )
        )
        rows.append(
            (
                '`build(builder="build")` step',
                *timed(lambda: nox_release.build(project, builder="build"), n),
            )
        )
        rows.append(
            (
                "`nox -s build -- --builder build`",
                *timed(nox("build", "--", "--builder", "build"), n),
            )
        )
        artifacts = [str(p) for p in sorted((project / "dist").glob("bench_sample-*"))]
        rows.append(
            (
                "`twine check --strict` (plain)",
                *timed(plain(sys.executable, "-m", "twine", "check", "--strict", *artifacts), n),
            )
        )
        rows.append(("`twine_check()` step", *timed(lambda: nox_release.twine_check(project), n)))
        rows.append(("`nox -s twine-check`", *timed(nox("twine-check"), n)))

    print(f"### build and twine-check (hatchling project, 22 modules; median and min of {n} runs)")
    print()
    print("| command | median (s) | min (s) |")
    print("|---|---:|---:|")
    for label, median, low in rows:
        print(f"| {label} | {median:.2f} | {low:.2f} |")


if __name__ == "__main__":
    main()
