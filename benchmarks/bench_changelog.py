"""What the changelog costs on large histories: nox-release next to commitizen, git-cliff and git.

    python benchmarks/bench_changelog.py [--repos DIR] [--only 100k] [--timeout 120]

Generates (``genrepo.py``, ``git fast-import``; cached in ``--repos`` between runs) repositories of
1,000, 10,000 and 100,000 commits with 20 % of them after the newest of 2, 16 and 160 release
tags, and one of 100,000 commits with 2,000 tags and 200 commits after the newest; each gets a
committed ``noxfile.py`` that registers nox-release's sessions. On each, every command runs as a
whole process, ``--rounds`` times (3; interleaved, side by side) and the table gives the median
wall time and the peak RSS
(``wait4``'s ``ru_maxrss``: the largest process of the tree, not their sum):

* the floor: the tag lookup (``git for-each-ref``) and ``git log <tag>..HEAD``, plus ``nox -l``
  (nox's start-up, which every session pays);
* ``nox -s release-bump-auto -- --dry-run`` (default configuration: changelog on) without a
  ``CHANGELOG.md`` and with an up-to-date one, next to ``cz bump --changelog --dry-run --yes``;
* git-cliff over the release's own range (``--unreleased --tag``), what the bump must render;
* the whole changelog from nothing: ``nox -s changelog`` next to ``cz changelog --dry-run`` and
  one ``git-cliff`` run over the whole history (nox-release's default configuration).

A command over ``--timeout`` seconds is stopped and shown as such. The ratios to the floor are
paired: each round's nox-release run over that round's floor (measured just before it), the
median of those, so that the machine's speed drifting between rounds cancels out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from genrepo import tag_version  # noqa: E402

SRC = HERE.parent / "src"
#: (name, commits, commits after the newest tag, tags)
REPOS = [
    ("1k", 1_000, 200, 2),
    ("10k", 10_000, 2_000, 16),
    ("100k", 100_000, 20_000, 160),
    ("100k, 2,000 tags", 100_000, 200, 2_000),
]
NOXFILE = "import nox_release\n\nnox_release.register()\n"
IDENT = "Bench Maintainer <bench@example.invalid>"


@dataclass
class Run:
    seconds: float
    rss_mb: float
    failed: str = ""

    def cell(self) -> str:
        if self.failed:
            return self.failed
        return f"{self.seconds:.2f} s, {self.rss_mb:.0f} MB"


def measure(argv: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` once; its wall time and the peak RSS of its process tree."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                return Run(timeout, 0, f"> {timeout:.0f} s (stopped)")
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            tail = out.read().decode(errors="replace").strip().splitlines()[-1:]
            return Run(seconds, 0, f"failed: {tail[0][:80] if tail else proc.returncode}")
    return Run(seconds, usage.ru_maxrss / 1024)


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "1700000000 +0000",
        "GIT_COMMITTER_DATE": "1700000000 +0000",
    }
    name, email = IDENT[: IDENT.index(" <")], IDENT[IDENT.index("<") + 1 : -1]
    for var in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{var}_NAME"], env[f"GIT_{var}_EMAIL"] = name, email
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout


def repository(base: Path, name: str, commits: int, since: int, tags: int) -> Path:
    """The generated repository (made once, then reused) with a committed noxfile.py."""
    path = base / f"r{commits}-{since}-{tags}"
    if not (path / "noxfile.py").exists():
        shutil.rmtree(path, ignore_errors=True)
        start = time.perf_counter()
        # In a process of its own: this one stays small, and so does the peak RSS that every
        # measured command's process (a fork of this one) starts from.
        shape = ["--commits", str(commits), "--since", str(since), "--tags", str(tags)]
        script = [sys.executable, str(HERE / "genrepo.py"), str(path), *shape]
        subprocess.run(script, check=True, stdout=subprocess.DEVNULL)
        (path / "noxfile.py").write_text(NOXFILE)
        _git(path, "add", "noxfile.py")
        _git(path, "commit", "-q", "-m", "chore: a noxfile")
        print(f"(generated {name} in {time.perf_counter() - start:.1f} s)", file=sys.stderr)
    _git(path, "checkout", "-q", "-f", "main")
    _git(path, "clean", "-q", "-fdx")
    subprocess.run(["git", "branch", "-q", "-D", "bench-changelog"], cwd=path, capture_output=True)
    return path


def _bin(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def _median(runs: list[Run]) -> Run:
    failed = [r for r in runs if r.failed]
    if failed:
        return failed[0]
    seconds = sorted(r.seconds for r in runs)[len(runs) // 2]
    return Run(seconds, max(r.rss_mb for r in runs))


def bench_repo(repo: Path, tags: int, timeout: float, rounds: int) -> dict[str, Run]:
    """Every command on ``repo``: ``rounds`` runs each, interleaved, the median kept."""
    last = f"v{tag_version(tags - 1)}"
    major, minor, _ = (int(p) for p in last[1:].split("."))
    nxt = f"v{major}.{minor + 1}.0"
    # Byte-compiled modules are written and reused, as in an installed environment.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    nox = [sys.executable, "-m", "nox", "-f", "noxfile.py"]
    cz, cliff = _bin("cz"), _bin("git-cliff")
    config = repo.parent / "nox-release-cliff.toml"
    sys.path.insert(0, str(SRC))
    from nox_release import default_cliff_config

    config.write_text(default_cliff_config())
    found: dict[str, list[Run]] = {}

    def run(key: str, argv: list[str]) -> None:
        found.setdefault(key, []).append(measure(argv, repo, timeout, env))

    for warm in ([*nox, "-l"], [cz, "version"]):  # byte-compile, fill the caches
        measure(warm, repo, timeout, env)
    lookup = ["git", "for-each-ref", "--format=%(refname:strip=2)", "refs/tags/v*"]
    for _ in range(rounds):
        run("tags", lookup)
        run("log", ["git", "log", "--format=%H%x1f%B%x00", f"{last}..HEAD"])
        run("nox -l", [*nox, "-l"])
        run("auto", [*nox, "-s", "release-bump-auto", "--", "--dry-run"])
        run("cz bump", [cz, "bump", "--changelog", "--dry-run", "--yes"])
        run(
            "cliff range", [cliff, "--config", str(config), "--unreleased", "--tag", nxt, "-o", "-"]
        )
    for _ in range(rounds):
        (repo / "CHANGELOG.md").unlink(missing_ok=True)
        run("cz changelog", [cz, "changelog", "--dry-run"])
        run("changelog", [*nox, "-s", "changelog"])
    # The bump again, with the CHANGELOG.md just written committed (on a branch of its own).
    if (repo / "CHANGELOG.md").exists():
        _git(repo, "checkout", "-q", "-b", "bench-changelog")
        _git(repo, "add", "CHANGELOG.md")
        _git(repo, "commit", "-q", "-m", "docs: the changelog")
        for _ in range(rounds):  # the floor again, beside each run: for the paired ratio
            run("tags, file", lookup)
            run("log, file", ["git", "log", "--format=%H%x1f%B%x00", f"{last}..HEAD"])
            run("nox -l, file", [*nox, "-l"])
            run("auto, file", [*nox, "-s", "release-bump-auto", "--", "--dry-run"])
            run("cz bump, file", [cz, "bump", "--changelog", "--dry-run", "--yes"])
        _git(repo, "checkout", "-q", "-f", "main")
        _git(repo, "branch", "-q", "-D", "bench-changelog")
    else:
        found["auto, file"] = found["cz bump, file"] = [Run(0, 0, "(no CHANGELOG.md)")]
    # Known to take minutes on large histories: once, stopped sooner.
    slow = min(timeout, 60.0)
    found["cliff whole"] = [measure([cliff, "--config", str(config), "-o", "-"], repo, slow, env)]
    medians = {key: _median(runs) for key, runs in found.items()}
    for key, floor in (("auto", ""), ("auto, file", ", file")):
        medians[f"{key} / floor"] = _paired(found, key, floor)
    return medians


def _paired(found: dict[str, list[Run]], key: str, suffix: str) -> Run:
    """The median over rounds of ``key``'s time over the floor measured in the same round (the
    machine's speed drifts between rounds: a ratio of two medians mixes them). ``seconds``
    holds the ratio."""
    parts = [found.get(f"{k}{suffix}", []) for k in ("tags", "log", "nox -l")]
    runs = found.get(key, [])
    if not runs or any(len(p) != len(runs) for p in parts) or any(r.failed for r in runs):
        return Run(0, 0, "-")
    ratios = [r.seconds / sum(p[i].seconds for p in parts) for i, r in enumerate(runs)]
    return Run(sorted(ratios)[len(ratios) // 2], 0)


ROWS = [
    ("tags", "floor: tag lookup (`git for-each-ref`)"),
    ("log", "floor: `git log <tag>..HEAD`"),
    ("nox -l", "floor: `nox -l` (start-up)"),
    ("auto", "nox-release `release-bump-auto -- --dry-run`, no CHANGELOG.md"),
    ("cz bump", "commitizen `cz bump --changelog --dry-run --yes`, no CHANGELOG.md"),
    ("auto, file", "nox-release `release-bump-auto -- --dry-run`, CHANGELOG.md up to date"),
    ("cz bump, file", "commitizen `cz bump --changelog --dry-run --yes`, that CHANGELOG.md"),
    ("cliff range", "git-cliff over the release's range (`--unreleased --tag`)"),
    ("changelog", "nox-release `nox -s changelog` (whole, from nothing)"),
    ("cz changelog", "commitizen `cz changelog --dry-run` (whole)"),
    ("cliff whole", "git-cliff, one run over the whole history"),
]


def _ratio(a: Run, b: Run | float) -> str:
    den = b if isinstance(b, float) else (b.seconds if not b.failed else 0.0)
    if a.failed or not den:
        return "-"
    return f"{a.seconds / den:.2f}"


def table(results: dict[str, dict[str, Run]]) -> str:
    names = list(results)
    lines = ["| command | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for key, title in ROWS:
        lines.append(f"| {title} | " + " | ".join(results[n][key].cell() for n in names) + " |")
    lines.append("| **ratios** | " + " | ".join(" " for _ in names) + " |")
    ratio_rows = []
    for name in names:
        r = results[name]
        ratio_rows.append(
            (
                _ratio(r["auto / floor"], 1.0),
                _ratio(r["auto, file / floor"], 1.0),
                _ratio(r["auto"], r["cz bump"]),
                _ratio(r["auto, file"], r["cz bump, file"]),
                _ratio(r["changelog"], r["cz changelog"]),
            )
        )
    titles = [
        "auto dry-run, no file / (floor + start-up), paired by round",
        "auto dry-run, with file / (floor + start-up), paired by round",
        "auto dry-run / cz bump, no file",
        "auto dry-run / cz bump, with file",
        "whole changelog / cz changelog",
    ]
    for i, title in enumerate(titles):
        lines.append(f"| {title} | " + " | ".join(row[i] for row in ratio_rows) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = Path(tempfile.gettempdir()) / "nox-release-bench-repos"
    parser.add_argument("--repos", type=Path, default=default, help="generated repositories")
    parser.add_argument("--only", action="append", help="only these repositories (by name)")
    parser.add_argument("--timeout", type=float, default=240.0)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each command (median)")
    args = parser.parse_args(argv)
    args.repos.mkdir(parents=True, exist_ok=True)
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    versions = {
        tool: subprocess.run(
            [_bin(tool), "version" if tool == "cz" else "--version"], capture_output=True, text=True
        ).stdout.strip()
        for tool in ("cz", "git-cliff")
    }
    results: dict[str, dict[str, Run]] = {}
    for name, commits, since, tags in REPOS:
        if args.only and name not in args.only:
            continue
        repo = repository(args.repos, name, commits, since, tags)
        print(f"(measuring {name})", file=sys.stderr)
        results[name] = bench_repo(repo, tags, args.timeout, args.rounds)
        print(table(results), file=sys.stderr)  # so far, should a later repository fail
    print(
        f"Machine: {os.cpu_count()} CPUs, {git}, Python {sys.version.split()[0]}, "
        f"commitizen {versions['cz']}, {versions['git-cliff']}; median of {args.rounds} runs of "
        "each command (interleaved; the whole-history git-cliff run once), "
        f"load average before: {os.getloadavg()[0]:.1f}.\n"
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
