"""Benchmark: `import nox_release` and `nox -s release-bump-patch` next to their floors.

Prints a Markdown table. Floors: `python -c pass` for the import; `nox -l` on the same repository
for the bump session (nox's own start-up, which no session can beat).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
from testkit.samples import commit, init_repo, pyproject_toml

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
PY = sys.executable
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def timed(cmd: list[str], cwd: Path | None = None, reset: list[list[str]] | None = None) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=ENV, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
        for r in reset or []:
            subprocess.run(r, cwd=cwd, env=ENV, check=True, capture_output=True)
    return statistics.median(samples)


def sample_repo(root: Path) -> Path:
    config = '\n[tool.nox-release]\nchangelog = false\nversion-files = ["src/sample/__init__.py"]\n'
    files = {
        "pyproject.toml": pyproject_toml(
            backend=None, description=None, requires_python=None, tail=config
        ),
        "src/sample/__init__.py": '__version__ = "1.2.3"\n',
        "noxfile.py": "import nox_release\n\nnox_release.register()\n",
    }
    repo = init_repo(root / "sample", files, message="chore: initial", env=ENV)
    for i in range(200):  # a small, real history
        commit(repo, f"fix: change {i}", env=ENV)
    return repo


def main() -> None:
    rows = []
    floor = timed([PY, "-c", "pass"])
    imp = timed([PY, "-c", "import nox_release"])
    reg = timed([PY, "-c", "import nox, nox_release; nox_release.register()"])
    nox_only = timed([PY, "-c", "import nox"])
    rows.append(("python -c pass (floor)", floor, "1.00"))
    rows.append(("import nox_release", imp, f"{imp / floor:.2f}"))
    rows.append(("import nox (for scale)", nox_only, f"{nox_only / floor:.2f}"))
    rows.append(("import nox + nox_release.register()", reg, f"{reg / floor:.2f}"))
    with tempfile.TemporaryDirectory() as tmp:
        repo = sample_repo(Path(tmp))
        listing = timed([PY, "-m", "nox", "-l"], cwd=repo)
        reset = [["git", "tag", "-d", "v1.2.4"], ["git", "reset", "-q", "--hard", "HEAD~1"]]
        bump = timed([PY, "-m", "nox", "-s", "release-bump-patch"], cwd=repo, reset=reset)
        dry = timed([PY, "-m", "nox", "-s", "release-bump-patch", "--", "--dry-run"], cwd=repo)
    rows.append(("nox -l (floor for sessions)", listing, "1.00"))
    rows.append(("nox -s release-bump-patch -- --dry-run", dry, f"{dry / listing:.2f}"))
    rows.append(("nox -s release-bump-patch", bump, f"{bump / listing:.2f}"))
    print(f"\n### Core ({RUNS} runs each, median; ratio to the floor above it)\n")
    print("| what | median s | ratio |")
    print("|---|---:|---:|")
    for name, secs, ratio in rows:
        print(f"| {name} | {secs:.3f} | {ratio} |")


if __name__ == "__main__":
    main()
