"""Benchmark: release-bump-auto's decision against its peers, on generated histories.

    python benchmarks/bench_auto.py [--runs 5] [--repos DIR]

Generates (with ``genrepo.py``, ``git fast-import``) a repository of 100,000 commits with 20,000
since the newest of 80 release tags, and one with 2,000 tags, then times on each, side by side
and interleaved (so that a noisy machine slows every tool alike):

* the floor: the plain ``git log <tag>..HEAD`` call that reads the messages since the tag;
* nox-release: ``decide()`` in a new Python process (what a CLI pays) and in-process (what a
  nox session pays: Python and nox are already running);
* ``cz bump --dry-run --yes`` (commitizen), ``semantic-release --noop version --print``
  (python-semantic-release), ``git cliff --bumped-version`` and its faster form
  ``git cliff --unreleased --bumped-version``.

Prints one Markdown table per repository: tool, median seconds, ratio to the floor and the
version each tool answered. A run that exceeds 120 s is killed and reported as a timeout; a tool
slower than 20 s on its first run is not repeated (its one time is the median).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the shared testkit
from genrepo import generate, tag_version

from testkit.samples import commit, git, init_repo, tag

TIMEOUT = 120.0
SLOW = 20.0
REPOS = [
    ("100,000 commits, 80 tags, 20,000 commits since the newest", 100_000, 20_000, 80),
    ("100,000 commits, 2,000 tags, 20,000 commits since the newest", 100_000, 20_000, 2_000),
]
_VERSION = re.compile(r"\d+\.\d+\.\d+[0-9A-Za-z.+-]*")


def _bin(name: str) -> str | None:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


@dataclass
class Tool:
    name: str
    argv: list[str] | None  # None: measured in-process by ``call``
    call: Callable[[Path], str] | None = None
    times: list[float] = field(default_factory=list)
    answer: str = ""
    failed: str = ""

    def run(self, repo: Path) -> None:
        if self.failed or (self.times and self.times[0] > SLOW):
            return
        start = time.perf_counter()
        if self.call is not None:
            out = self.call(repo)
        else:
            assert self.argv is not None
            try:
                proc = subprocess.run(
                    self.argv, cwd=repo, capture_output=True, timeout=TIMEOUT, check=False
                )
            except subprocess.TimeoutExpired:
                self.failed = f"timeout (> {TIMEOUT:.0f} s)"
                return
            if proc.returncode != 0:
                err = proc.stderr.decode(errors="replace").strip().splitlines()
                self.failed = f"failed: {err[-1] if err else proc.returncode}"
                return
            out = proc.stdout.decode(errors="replace")
        self.times.append(time.perf_counter() - start)
        if not self.answer:
            found = _VERSION.findall(out)
            self.answer = found[-1] if found else "-"


def _decide_in_process(repo: Path) -> str:
    from nox_release import decide

    return str(decide(repo).version)


def tools(floor_tag: str) -> list[Tool]:
    py = sys.executable
    out = [
        Tool(
            "floor: `git log <tag>..HEAD` (messages)",
            ["git", "log", "--format=%H%x1f%B%x00", f"{floor_tag}..HEAD"],
        ),
        Tool(
            "nox-release `decide()`, new process",
            [py, "-c", "import nox_release as n; print(n.decide('.').version)"],
        ),
        Tool("nox-release `decide()`, in-process (under nox)", None, _decide_in_process),
    ]
    peers = [
        ("commitizen: `cz bump --dry-run --yes`", "cz", ["bump", "--dry-run", "--yes"]),
        (
            "python-semantic-release: `semantic-release --noop version --print`",
            "semantic-release",
            ["--noop", "version", "--print"],
        ),
        ("git-cliff: `git cliff --bumped-version`", "git-cliff", ["--bumped-version"]),
        (
            "git-cliff: `git cliff --unreleased --bumped-version`",
            "git-cliff",
            ["--unreleased", "--bumped-version"],
        ),
    ]
    for name, exe, args in peers:
        path = _bin(exe)
        tool = Tool(name, [path, *args] if path else None)
        if path is None:
            tool.failed = f"not installed ({exe})"
        out.append(tool)
    return out


def bench(repo: Path, runs: int, floor_tag: str, only: str | None = None) -> list[Tool]:
    todo = tools(floor_tag)
    if only:  # the floor always runs: every ratio needs it
        todo = [t for i, t in enumerate(todo) if i == 0 or only in t.name]
    for _ in range(runs + 1):  # the first round warms the caches and is not counted
        for tool in todo:
            tool.run(repo)
    for tool in todo:
        if len(tool.times) > 1:
            del tool.times[0]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    if status.stdout.strip():
        raise SystemExit(f"a tool changed the repository {repo}: {status.stdout!r}")
    return todo


def table(title: str, results: list[Tool], expected: str) -> str:
    floor = statistics.median(results[0].times)
    lines = [
        f"### {title}",
        "",
        f"Expected answer: {expected}.",
        "",
        "| tool | median s | x floor | version |",
        "|---|---:|---:|---|",
    ]
    for tool in results:
        if tool.failed:
            lines.append(f"| {tool.name} | {tool.failed} | | |")
            continue
        median = statistics.median(tool.times)
        answer = tool.answer.removeprefix("v") if tool is not results[0] else "-"
        mark = "" if answer in ("-", expected) else " (differs)"
        lines.append(f"| {tool.name} | {median:.3f} | {median / floor:.2f} | {answer}{mark} |")
    return "\n".join(lines)


# -- agreement: small histories where the rules of the tools differ ------------------------------
#: (title, version in pyproject and tag, commit messages after the tag, nox-release's answer)
SCENARIOS = [
    ("fix + feat", "1.2.3", ["fix: a", "feat: b"], "1.3.0"),
    ("breaking footer, hyphen form", "1.2.3", ["fix: a\n\nBREAKING-CHANGE: gone"], "2.0.0"),
    ("docs + chore only", "1.2.3", ["docs: a", "chore: b"], "1.2.4"),
    ("impr only", "1.2.3", ["impr: faster"], "1.2.4"),
    ("feat on 0.x", "0.4.2", ["feat: a"], "0.5.0"),
    ("breaking on 0.x", "0.4.2", ["feat!: a"], "0.5.0"),
    ("non-conventional only", "1.2.3", ["Update README"], "none"),
    ("fix after tag v1.3.0rc1 (no --pre)", "1.3.0rc1", ["fix: a"], "1.3.0"),
    ("fix after tag v1.3.0-rc.1 (no --pre)", "1.3.0-rc.1", ["fix: a"], "1.3.0"),
]


def scenario_repo(path: Path, version: str, messages: list[str]) -> Path:
    from genrepo import PYPROJECT

    name, email = "Bench", "bench@example.invalid"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    date = 1_600_000_000
    pep440 = version.replace("-rc.", "rc")  # the files hold PEP 440; the tag as written
    files = {"pyproject.toml": PYPROJECT.format(version=pep440)}
    init_repo(path, files, message=f"chore(release): v{version}", date=date, env=env)
    git(path, "config", "user.name", name)  # the repository's own identity, for the peer tools
    git(path, "config", "user.email", email)
    git(path, "remote", "add", "origin", "https://github.com/example/bench.git")
    tag(path, f"v{version}", message=f"Release v{version}", date=date, env=env)
    for message in messages:
        commit(path, message, date=date, env=env)
    return path


def agreement(base: Path) -> str:
    lines = [
        "### Agreement on small histories",
        "",
        "Each row is a tagged project and the commits after the tag; each cell the version a "
        "tool answers (`none`: nothing to release, or the current version printed again); "
        "**bold**: differs from nox-release.",
        "",
        "| history | nox-release | commitizen | python-semantic-release | git-cliff |",
        "|---|---|---|---|---|",
    ]
    peers = tools("HEAD")[3:6]  # cz, semantic-release, git cliff --bumped-version
    for i, (title, version, messages, ours) in enumerate(SCENARIOS):
        repo = scenario_repo(base / f"scenario{i}", version, messages)
        answer = _decide_in_process(repo)
        assert answer == ours or (answer == "None" and ours == "none"), (title, answer)
        cells = [ours]
        for peer in peers:
            if peer.argv is None:
                cells.append("-")
                continue
            proc = subprocess.run(peer.argv, cwd=repo, capture_output=True, timeout=TIMEOUT)
            found = _VERSION.findall(proc.stdout.decode(errors="replace"))
            got = found[-1].removeprefix("v") if proc.returncode == 0 and found else "none"
            if got == version:  # python-semantic-release prints the current version: no release
                got = "none"
            cells.append(got if got == ours else f"**{got}**")
        lines.append(f"| {title} (from {version}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (median)")
    parser.add_argument("--repos", type=Path, help="keep the generated repositories here")
    parser.add_argument("--only", help="run only the tools whose name holds this text")
    parser.add_argument(
        "--agreement-only", action="store_true", help="only the small-history agreement table"
    )
    args = parser.parse_args(argv)
    base = args.repos or Path(tempfile.mkdtemp(prefix="nox-release-bench-"))
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, {git}, "
        f"Python {platform.python_version()}; median of {args.runs} runs after one warm-up.\n"
    )
    try:
        shutil.rmtree(base / "scenarios", ignore_errors=True)
        print(agreement(base / "scenarios"))
        print()
        for i, (title, commits, since, tags) in enumerate([] if args.agreement_only else REPOS):
            repo = base / f"repo{i}"
            if not repo.exists():
                start = time.perf_counter()
                generate(repo, commits, since, tags)
                print(f"(generated {title} in {time.perf_counter() - start:.1f} s)\n")
            last = tag_version(tags - 1)
            major, minor, _ = (int(p) for p in last.split("."))
            expected = f"{major}.{minor + 1}.0"
            results = bench(repo, args.runs, f"v{last}", args.only)
            print(table(title, results, expected))
            print()
    finally:
        if args.repos is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
