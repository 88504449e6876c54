"""Benchmark: the whole `release` (without publish) next to the sum of its tools' own times.

The tools' floor is what the steps cannot avoid: git-cliff rendering the changelog, `uv build`,
installing the wheel into a fresh environment plus `cyclonedx-py environment`, and
`twine check --strict`. The difference is nox-release's own work (checks, plans, validation,
SPDX, journal) plus the git commands of the bump.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
from testkit.samples import commit, init_repo, pyproject_toml, tag

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def sh(cmd: list[str], cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, env=ENV, check=True, capture_output=True)


def tool(name: str) -> str:
    here = BIN / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def sample(root: Path) -> Path:
    files = {
        "pyproject.toml": pyproject_toml(
            "sample-pkg", "1.2.3", description="x", readme=True, requires_python=None
        ),
        "README.md": "# sample\n",
        "src/sample_pkg/__init__.py": "",
        ".gitignore": "dist/\n",
        "noxfile.py": "import nox_release\n\nnox_release.register()\n",
    }
    repo = init_repo(root / "sample", files, message="chore: initial", env=ENV)
    tag(repo, "v1.2.3", env=ENV)
    for i in range(50):
        commit(repo, f"fix: change {i}", env=ENV)
    return repo


def reset(repo: Path) -> None:
    sh(["git", "tag", "-d", "v1.2.4"], repo)
    sh(["git", "reset", "-q", "--hard", "HEAD~1"], repo)
    shutil.rmtree(repo / "dist", ignore_errors=True)
    shutil.rmtree(repo / ".git" / "nox-release", ignore_errors=True)


def timed(fn: object, repo: Path, after: object = None) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
        if after is not None:
            after()  # type: ignore[operator]
    return statistics.median(samples)


def main() -> None:
    from nox_release.pipeline.release import release

    with tempfile.TemporaryDirectory() as tmp:
        repo = sample(Path(tmp))
        whole = timed(
            lambda: release(repo, part="patch", isolation=False, no_index=True),
            repo,
            lambda: reset(repo),
        )
        session = timed(
            lambda: sh(
                [
                    sys.executable,
                    "-m",
                    "nox",
                    "-s",
                    "release",
                    "--",
                    "patch",
                    "--no-isolation",
                    "--no-index",
                ],
                repo,
            ),
            repo,
            lambda: reset(repo),
        )
        # The tools alone, on the same project.
        out = Path(tmp) / "out"
        cliff = timed(
            lambda: sh(
                [tool("git-cliff"), "--tag", "v1.2.4", "-o", str(Path(tmp) / "CHANGELOG.md")], repo
            ),
            repo,
        )
        build = timed(
            lambda: sh(
                [
                    tool("uv"),
                    "build",
                    "--no-build-isolation",
                    "--python",
                    sys.executable,
                    "-q",
                    "-o",
                    str(out),
                    str(repo),
                ],
                repo,
            ),
            repo,
            lambda: shutil.rmtree(out, ignore_errors=True),
        )
        sh(
            [
                tool("uv"),
                "build",
                "--no-build-isolation",
                "--python",
                sys.executable,
                "-q",
                "-o",
                str(out),
                str(repo),
            ],
            repo,
        )
        wheel = next(out.glob("*.whl"))
        env_dir = Path(tmp) / "env"

        def sbom_tools() -> None:
            shutil.rmtree(env_dir, ignore_errors=True)
            sh([tool("uv"), "venv", "-q", str(env_dir)], repo)
            sh(
                [
                    tool("uv"),
                    "pip",
                    "install",
                    "-q",
                    "--python",
                    str(env_dir / "bin" / "python"),
                    "--no-index",
                    str(wheel),
                ],
                repo,
            )
            sh(
                [
                    tool("cyclonedx-py"),
                    "environment",
                    "--output-reproducible",
                    "-o",
                    str(Path(tmp) / "bom.json"),
                    str(env_dir / "bin" / "python"),
                ],
                repo,
            )

        sbom = timed(sbom_tools, repo)
        twine = timed(
            lambda: sh(
                [
                    sys.executable,
                    "-m",
                    "twine",
                    "check",
                    "--strict",
                    *(str(p) for p in out.iterdir() if p.name.endswith((".whl", ".gz"))),
                ],
                repo,
            ),
            repo,
        )
    floor = cliff + build + sbom + twine
    rows = [
        ("git-cliff (changelog)", cliff),
        ("uv build", build),
        ("uv venv + install + cyclonedx-py", sbom),
        ("twine check --strict", twine),
        ("sum of the tools (floor)", floor),
        ("release(part='patch') step", whole),
        ("nox -s release -- patch", session),
    ]
    print(f"\n### Whole release without publish ({RUNS} runs each, median)\n")
    print("| what | median s | ratio to the floor |")
    print("|---|---:|---:|")
    for name, secs in rows:
        print(f"| {name} | {secs:.2f} | {secs / floor:.2f} |")


if __name__ == "__main__":
    main()
