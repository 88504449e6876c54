"""Publish: what idempotence costs, against a local pypiserver (127.0.0.1, htpasswd auth).

Compares, for a sample release (sdist + wheel):

* a bare ``twine upload`` (first upload; a second one fails: the files exist);
* ``publish`` (first upload: pre-flight + index read + twine + verification);
* ``publish`` again (nothing to upload: pre-flight + one index read, no twine at all).

Needs pypiserver, passlib, uv and hatchling (``pip install -e '.[test]'``). Prints a Markdown table.
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
from nox_release import publish
from nox_release.adapters.runner import tool
from testkit.gitenv import isolated_environ
from testkit.localindex import local_index
from testkit.publish import release

ROUNDS = 5
USER, PASSWORD = "bench", "bench-Pw-123"


def _project(root: Path, name: str) -> Path:
    """A sample release ``name`` 1.0.0, tagged, built with uv (testkit.publish)."""
    return release(root / name, name).path


def _timed(func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    os.environ.update(isolated_environ(root / "home", name="Bench", email="bench@example.invalid"))
    os.environ.update({"TWINE_USERNAME": USER, "TWINE_PASSWORD": PASSWORD})
    with local_index(root / "index", username=USER, password=PASSWORD) as index:
        url = index.url
        rows: dict[str, list[float]] = {"twine": [], "first": [], "again": []}
        for i in range(ROUNDS):
            bare = _project(root, f"bench-bare-{i}")
            files = [str(p) for p in (bare / "dist").iterdir() if p.suffix in (".whl", ".gz")]
            rows["twine"].append(
                _timed(
                    lambda files=files: subprocess.run(
                        [
                            tool("twine"),
                            "upload",
                            "--non-interactive",
                            "--disable-progress-bar",
                            "--repository-url",
                            url,
                            *files,
                        ],
                        check=True,
                        capture_output=True,
                    )
                )
            )
            proj = _project(root, f"bench-pub-{i}")
            rows["first"].append(
                _timed(lambda proj=proj: publish(proj, repository=url, yes=True, backoff=0))
            )
            rows["again"].append(
                _timed(lambda proj=proj: publish(proj, repository=url, yes=True, backoff=0))
            )
    shutil.rmtree(root, ignore_errors=True)

    print(f"### publish against a local pypiserver (sdist + wheel, median of {ROUNDS})\n")
    print("| Run | Median (s) | Min (s) |")
    print("| --- | ---: | ---: |")
    labels = {
        "twine": "bare `twine upload` (no checks, not idempotent)",
        "first": "`publish`, first upload (checks, index read, twine, verification)",
        "again": "`publish` again (nothing to upload: checks and one index read)",
    }
    for key, label in labels.items():
        print(f"| {label} | {statistics.median(rows[key]):.3f} | {min(rows[key]):.3f} |")


if __name__ == "__main__":
    main()
