"""A deterministic generator of large git histories for the benchmarks (``git fast-import``).

    python benchmarks/genrepo.py /tmp/big --commits 100000 --since 20000 --tags 80

writes a repository of ``--commits`` commits on ``main`` whose release tags (``v1.K.P``,
annotated, ``--tags`` of them) are spread over the history so that the newest one is followed by
exactly ``--since`` commits. Commit messages are Conventional Commits of every type (with scopes,
multi-line bodies, footers) mixed with non-conventional ones, drawn from a seeded generator: the
same arguments give the same commits, ids included (fixed identities and dates). After the newest
tag there are features and fixes but no breaking change, so the expected answer is the next minor
version. The release commits (``chore(release): vX``) write the version into ``pyproject.toml``,
which also configures the peer tools the benchmark runs (commitizen, python-semantic-release).

Writing the objects through one ``git fast-import`` stream is what makes 100,000 commits take
seconds: no process per commit, no index, no working tree until the final checkout.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

IDENT = "Bench Maintainer <bench@example.invalid>"
EPOCH = 1_600_000_000  # first commit's date; each commit is one minute later

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "bench"
version = "{version}"
description = "A generated project for the nox-release benchmarks."

[tool.nox-release]
tag-format = "v{{version}}"

[tool.commitizen]
name = "cz_conventional_commits"
version_provider = "pep621"
version_scheme = "pep440"
tag_format = "v$version"

[tool.semantic_release]
version_toml = ["pyproject.toml:project.version"]
tag_format = "v{{version}}"
commit_parser = "conventional"
allow_zero_version = true
major_on_zero = false

[tool.semantic_release.branches.main]
match = "main"
prerelease = false
"""

# (type, weight) after the newest tag: no breaking change there, so the answer is a minor bump.
TYPES = [
    ("fix", 30),
    ("chore", 14),
    ("docs", 10),
    ("feat", 8),
    ("refactor", 6),
    ("test", 6),
    ("build", 3),
    ("ci", 3),
    ("perf", 2),
    ("style", 2),
]
NON_CONVENTIONAL = ["Update README", "WIP", "fix typo", "Bump dependencies", "more tests"]
SCOPES = ["core", "cli", "api", "docs", "deps", "io"]
WORDS = [
    "parse",
    "read",
    "write",
    "cache",
    "index",
    "tree",
    "config",
    "option",
    "path",
    "error",
    "retry",
    "log",
    "value",
    "token",
]


def message(rng: random.Random, breaking_allowed: bool) -> str:
    """One commit message: 15 % non-conventional, the rest Conventional Commits."""
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
    if rng.random() < 0.15:
        head = f"{rng.choice(NON_CONVENTIONAL)} {words}"
    else:
        kinds, weights = zip(*TYPES, strict=True)
        ctype = rng.choices(kinds, weights)[0]
        scope = f"({rng.choice(SCOPES)})" if rng.random() < 0.4 else ""
        bang = "!" if breaking_allowed and rng.random() < 0.002 else ""
        head = f"{ctype}{scope}{bang}: {words}"
    parts = [head]
    if rng.random() < 0.3:
        lines = [" ".join(rng.choice(WORDS) for _ in range(8)) for _ in range(rng.randint(1, 4))]
        parts.append("\n".join(lines))
    if rng.random() < 0.1:
        parts.append(f"Refs: #{rng.randint(1, 9999)}")
    if breaking_allowed and rng.random() < 0.001:
        parts.append("BREAKING CHANGE: the old behaviour is gone")
    return "\n\n".join(parts) + "\n"


def tag_version(k: int) -> str:
    """The version of the k-th release tag: 1.0.0 ... 1.0.9, 1.1.0, ... (minor every 10)."""
    return f"1.{k // 10}.{k % 10}"


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def stream(commits: int, since: int, tags: int, seed: int) -> bytes:
    """The fast-import stream of the whole repository."""
    if not 0 < tags <= commits - since:
        raise SystemExit("need 0 < --tags <= --commits - --since")
    rng = random.Random(seed)
    before = commits - since  # commits up to and including the newest tag's
    tag_at = {round((k + 1) * before / tags) - 1: k for k in range(tags)}
    out: list[bytes] = []
    version = "0.1.0"
    for i in range(commits):
        when = EPOCH + 60 * i
        files: list[tuple[str, str]] = []
        if i == 0:
            msg = "chore: initial commit\n"
            files.append(("pyproject.toml", PYPROJECT.format(version=version)))
        elif i in tag_at:
            version = tag_version(tag_at[i])
            msg = f"chore(release): v{version}\n"
            files.append(("pyproject.toml", PYPROJECT.format(version=version)))
        else:
            msg = message(rng, breaking_allowed=i < before)
            files.append(("CHANGES", f"change {i}\n"))  # one root file: a diff per commit, one tree
        out.append(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
        out.append(f"author {IDENT} {when} +0000\ncommitter {IDENT} {when} +0000\n".encode())
        out.append(_data(msg))
        if i:
            out.append(b"from :%d\n" % i)
        for path, content in files:
            out.append(f"M 100644 inline {path}\n".encode() + _data(content))
        out.append(b"\n")
        if i in tag_at:
            name = f"v{version}"
            out.append(f"tag {name}\nfrom :{i + 1}\ntagger {IDENT} {when} +0000\n".encode())
            out.append(_data(f"Release {name}\n"))
    return b"".join(out)


def generate(path: Path, commits: int, since: int, tags: int, seed: int = 1) -> Path:
    """Create the repository at ``path`` (which must not exist) and check ``main`` out."""
    path.mkdir(parents=True)
    env_args = ["-c", "init.defaultBranch=main"]
    subprocess.run(["git", *env_args, "init", "-q", str(path)], check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=path,
        input=stream(commits, since, tags, seed) + b"done\n",
        check=True,
    )
    subprocess.run(["git", "pack-refs", "--all"], cwd=path, check=True)
    # python-semantic-release reads the remote's URL (never contacted with --noop).
    remote = "https://github.com/example/bench.git"
    subprocess.run(["git", "remote", "add", "origin", remote], cwd=path, check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=path, check=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--since", type=int, default=20_000, help="commits after the newest tag")
    parser.add_argument("--tags", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.path, args.commits, args.since, args.tags, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
