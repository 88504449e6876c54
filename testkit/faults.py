"""For the fault tests: a released sample with a bare remote, a driver process that runs a
release or a bump and may be killed at a step boundary, and the end states to compare."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nox_release.adapters.index import read_project
from testkit.publish import Index
from testkit.samples import Repo, make_repo

__all__ = [
    "KILL_AT",
    "clone_state",
    "drive",
    "end_state",
    "local_state",
    "normalised",
    "sample",
    "settle",
]

KILL_AT = "NOX_RELEASE_TEST_KILL_AT"

#: The driver: runs ``release`` (argv[2] == "release") or a bump, with the options in argv[3].
_DRIVER = """
import json, os, sys
os.environ["DRIVER_PID"] = str(os.getpid())
path, what, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if what == "release":
    from nox_release.pipeline.release import release
    release(path, **options)
elif what == "auto":
    from nox_release.steps.auto import bump_auto
    bump_auto(path)
else:
    from nox_release.steps.bump import bump
    bump(path, what)
"""


def sample(path: Path, name: str, version: str = "1.2.3", extra: str = "") -> Repo:
    """A project released as ``v<version>``, two commits (a feature, a fix) after, a bare
    ``origin`` holding it all; ``extra`` goes into its ``[tool.nox-release]``."""
    module = name.replace("-", "_")
    repo = make_repo(
        path,
        name=name,
        version=version,
        extra='readme = "README.md"\n\n[tool.nox-release]\n' + extra,
        files={
            f"src/{module}/__init__.py": f'__version__ = "{version}"\n',
            "README.md": f"# {name}\n\nA sample release.\n",
        },
    )
    repo.tag(f"v{version}")
    repo.commit("feat: a feature", {f"src/{module}/feature.py": "X = 1\n"})
    repo.commit("fix: a fix", {f"src/{module}/feature.py": "X = 2\n"})
    remote = path.parent / f"{path.name}-remote.git"
    Repo(path.parent).git("init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main", f"v{version}")
    return repo


def release_options(index: Index, **extra: object) -> dict[str, object]:
    """``release -- minor --publish --push`` to ``index``, built without network."""
    options: dict[str, object] = dict(
        part="minor", publish=True, push=True, repository=index.url, isolation=False, no_index=True
    )
    return options | extra


def drive(
    repo: Repo, what: str, options: dict[str, object] | None = None, kill_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the driver on ``repo`` (killed by SIGKILL at ``kill_at``); wait for git to settle."""
    env = dict(os.environ)
    env.pop(KILL_AT, None)
    if kill_at is not None:
        env[KILL_AT] = kill_at
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(repo.path), what, json.dumps(options or {})],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    settle(repo)
    return proc


def settle(repo: Repo) -> None:
    """Wait until no git process left behind by a killed driver holds the index lock."""
    lock = repo.path / ".git" / "index.lock"
    for _ in range(200):
        if not lock.exists():
            return
        time.sleep(0.05)


def clone_state(repo: Repo, to: Path) -> Repo:
    """A copy of ``repo`` and its bare remote (the copy's ``origin`` is the remote's copy)."""
    remote = repo.path.parent / f"{repo.path.name}-remote.git"
    shutil.copytree(repo.path, to, symlinks=True)
    shutil.copytree(remote, to.parent / f"{to.name}-remote.git", symlinks=True)
    copy = Repo(to)
    copy.git("remote", "set-url", "origin", str(to.parent / f"{to.name}-remote.git"))
    return copy


def local_state(repo: Repo) -> dict[str, object]:
    """What a rollback or abort must restore: refs, index, status, every file outside dist/."""
    snap = repo.snapshot()
    files = snap["files"]
    assert isinstance(files, dict)
    snap["files"] = {k: v for k, v in files.items() if not k.startswith("dist/")}
    snap["remote"] = repo.git("ls-remote", "origin")
    return snap


def end_state(repo: Repo, index: Index, name: str) -> dict[str, object]:
    """What an observer sees after a release: git, remote, dist/, the index, the journal."""
    dist = repo.path / "dist"
    local = {
        p.name: _digest(p)
        for p in sorted(dist.iterdir())
        if p.is_file() and p.name.endswith((".whl", ".tar.gz"))
    }
    listing = read_project(index.simple, name, retries=0)
    state_dir = repo.path / ".git" / "nox-release"
    return {
        "tags": repo.tags(),
        "tag_at_head": repo.git("tag", "--points-at", "HEAD"),
        "log": repo.git("log", "--format=%s"),
        "dist": sorted(local),
        "sboms": sorted(p.name for p in dist.glob("*.json")),
        "index_is_dist": {f: i.sha256 for f, i in listing.files.items()} == local,
        "remote": sorted(line.split("\t")[1] for line in repo.git("ls-remote", "origin").splitlines()),
        "remote_at_head": repo.git("ls-remote", "origin", "refs/heads/main").split("\t")[0]
        == repo.head(),
        "leftovers": sorted(
            str(p.relative_to(state_dir)) for p in state_dir.rglob("*") if p.is_file()
        ),
        "status": repo.status(),
    }


def normalised(state: dict[str, object], name: str) -> str:
    """``state`` as text with the project's name replaced, to compare two projects' releases."""
    text = json.dumps(state, sort_keys=True)
    return text.replace(name.replace("-", "_"), "PKG").replace(name, "PKG")


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
