"""What the changelog costs: git-cliff runs on histories of growing size.

Prints a Markdown table: for a history of N commits and N/20 release tags, the median time of
the changelog edit a bump adds to its plan, of a fresh ``update_changelog``, of an incremental
one (one new release on top of an existing file), of ``preview_changelog`` and of
``release_notes``. Plain ``git-cliff`` over the whole history is the baseline.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
from nox_release import preview_changelog, release_notes, update_changelog
from nox_release.adapters.project import Project
from nox_release.adapters.runner import tool
from nox_release.core.version import Version
from nox_release.steps.changelog import release_changelog_changes
from testkit.samples import commit, pyproject_toml

KINDS = ("feat", "fix", "perf", "docs", "refactor", "fix(api)", "test", "ci")
REPEAT = 5


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=repo, input=stdin, check=True, capture_output=True)


def make_history(root: Path, commits: int) -> Path:
    """A project whose history has ``commits`` Conventional Commits and a tag every 20."""
    repo = root / f"h{commits}"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    stream = []
    pyproject = _pyproject("0.1.0").encode()
    stamp = 1_700_000_000
    minor = 0
    for i in range(commits):
        msg = f"{KINDS[i % len(KINDS)]}: change number {i} (#{i + 1})\n".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"mark :{i + 1}\n".encode())
        stream.append(f"committer B <b@example.invalid> {stamp + i * 3600} +0000\n".encode())
        stream.append(f"data {len(msg)}\n".encode() + msg)
        if i == 0:
            stream.append(f"M 644 inline pyproject.toml\ndata {len(pyproject)}\n".encode())
            stream.append(pyproject)
        stream.append(b"\n")
        if i % 20 == 19:
            minor += 1
            tag_msg = f"Release v0.{minor}.0\n".encode()
            stream.append(f"tag v0.{minor}.0\nfrom :{i + 1}\n".encode())
            stream.append(f"tagger B <b@example.invalid> {stamp + i * 3600} +0000\n".encode())
            stream.append(f"data {len(tag_msg)}\n".encode() + tag_msg + b"\n")
    _git(repo, "fast-import", "--quiet", stdin=b"".join(stream))
    _git(repo, "reset", "-q", "--hard", "main")
    version = f"0.{minor}.0"
    commit(repo, f"chore(release): v{version}", {"pyproject.toml": _pyproject(version)})
    return repo


def _pyproject(version: str) -> str:
    return pyproject_toml("bench", version, backend=None, description=None, requires_python=None)


def median_ms(func: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(REPEAT):
        if before is not None:
            before()
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(repo: Path) -> tuple[float, ...]:
    """The medians for one history (see the module docs), in the table's column order."""
    quiet = {"echo": lambda _t: None}
    changelog = repo / "CHANGELOG.md"
    project = Project(repo)
    nxt = Version(project.version().pep440).bump("minor")
    cliff = [tool("git-cliff"), "-r", str(repo), "-o", os.devnull]
    baseline = median_ms(lambda: subprocess.run(cliff, check=True, capture_output=True))
    fresh = median_ms(lambda: update_changelog(repo), before=lambda: changelog.unlink(True))
    # Incremental: the file lacks only the newest release.
    update_changelog(repo)
    full = changelog.read_text()
    newest = full.index("## [", full.index("## [") + 1)
    trimmed = full[: full.index("## [")] + full[newest:]
    incremental = median_ms(
        lambda: update_changelog(repo), before=lambda: changelog.write_text(trimmed)
    )
    # A bump of a project whose changelog is up to date (the usual case).
    bump_plan = median_ms(lambda: release_changelog_changes(project, nxt, f"v{nxt}"))
    preview = median_ms(lambda: preview_changelog(repo, nxt, **quiet))
    notes = median_ms(lambda: release_notes(repo, **quiet))
    return (baseline, fresh, incremental, bump_plan, preview, notes)


def main() -> None:
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR", "GIT_COMMITTER"):
        os.environ.setdefault(f"{var}_NAME", "B")
        os.environ.setdefault(f"{var}_EMAIL", "b@example.invalid")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for commits in (100, 1000, 5000):
            rows.append((commits, commits // 20, *measure(make_history(Path(tmp), commits))))
    print(f"Changelog step, median of {REPEAT} runs, milliseconds (git-cliff {_cliff_version()})\n")
    print(
        "| commits | tags | plain git-cliff | update (no file) | update (1 missing) "
        "| bump's changelog edit | preview | release-notes |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for c, t, *ms in rows:
        print(f"| {c} | {t} | " + " | ".join(f"{m:.0f}" for m in ms) + " |")


def _cliff_version() -> str:
    out = subprocess.run([tool("git-cliff"), "--version"], capture_output=True, text=True)
    return out.stdout.split()[-1] if out.stdout else "?"


if __name__ == "__main__":
    main()
