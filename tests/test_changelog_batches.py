"""The changelog of a long history, rendered in batches, is git-cliff's text of one run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nox_release import ChangelogError, bump, update_changelog
from nox_release.adapters.project import Project
from nox_release.core.changelog import as_block
from nox_release.core.log import quiet
from nox_release.steps.changelog import batches
from nox_release.steps.changelog.cliff import Cliff, default_cliff_config
from testkit.samples import pyproject_toml

TAGS = 300
KINDS = ["feat", "fix(api)", "docs", "perf", "refactor!", "fix", "chore", "Update README"]
IDENT = "B <b@example.invalid>"


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def _history(path: Path) -> Path:
    """``TAGS`` releases of 1 to 3 commits, every 37th of 6 (one ``git fast-import``), then 3 more.

    Every 50th release has a pre-release tag before it (folded into the final), and one tag
    matches the tag format without being a version (a stray, ignored).
    """
    out: list[bytes] = []
    n = 0

    def add(message: str, files: dict[str, str] | None = None) -> None:
        nonlocal n
        n += 1
        when = 1_600_000_000 + 60 * n
        out.append(b"commit refs/heads/main\nmark :%d\n" % n)
        out.append(f"author {IDENT} {when} +0000\ncommitter {IDENT} {when} +0000\n".encode())
        out.append(_data(message) + (b"from :%d\n" % (n - 1) if n > 1 else b""))
        for name, text in (files or {"CHANGES": f"{n}\n"}).items():
            out.append(f"M 100644 inline {name}\n".encode() + _data(text))
        out.append(b"\n")

    def tag(name: str) -> None:
        out.append(
            f"tag {name}\nfrom :{n}\ntagger {IDENT} {1_600_000_000 + 60 * n} +0000\n".encode()
        )
        out.append(_data(f"Release {name}\n"))

    add("chore: start", {"pyproject.toml": pyproject_toml("batches", "1.29.9", backend=None)})
    for k in range(TAGS):
        version = f"1.{k // 10}.{k % 10}"
        for i in range(6 if k % 37 == 36 else 1 + k % 3):
            add(f"{KINDS[(k + i) % len(KINDS)]}: change {k}.{i} (#{k})")
            if k % 50 == 5 and i == 0:
                tag(f"v{version}rc1")
            if k == 77 and i == 0:
                tag("v9-not-a-version")
        tag(f"v{version}")
    for i in range(3):
        add(f"fix: unreleased {i}")
    path.mkdir()
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", str(path)], check=True)
    stream = b"".join(out) + b"done\n"
    subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=path, input=stream, check=True)
    subprocess.run(["git", "remote", "add", "origin", "https://github.com/o/r.git"], cwd=path)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=path, check=True)
    return path


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _history(tmp_path_factory.mktemp("batches") / "repo")


def _one_run(repo: Path, end: str | None, tag: str | None = None) -> str:
    """The changelog file as one git-cliff run over the whole history writes it."""
    with Cliff(Project(repo), None, quiet) as cliff:
        folded = {t for t, v in cliff.releases() if v.is_prerelease}
        text = cliff.render(end, tag=tag, ignore=folded | cliff.strays())
    return as_block(text, "\n").rstrip("\n") + "\n"


#: (limits, what they exercise): the defaults (small releases grouped), and small limits that
#: mix releases rendered alone with groups, so that header, body-only and footer runs all occur.
LIMITS: list[dict[str, int]] = [{}, {"ALONE": 6, "MIN_GROUP": 2, "BATCH_RELEASES": 20}]
#: The shipped configuration as a project's own cliff.toml: rendered by git-cliff, in batches.
SHIPPED = default_cliff_config()
FOOTER = """\
[changelog]
header = "# History\\n"
body = \"\"\"
{% if version %}## {{ version }}{% else %}## Unreleased{% endif %}
{% for commit in commits %}- {{ commit.message | split(pat="\\n") | first }}
{% endfor %}\"\"\"
footer = "<!-- the end -->"
trim = true

[git]
conventional_commits = true
filter_unconventional = true
"""


@pytest.mark.parametrize(
    ("limits", "config"),
    [(LIMITS[0], SHIPPED), (LIMITS[1], SHIPPED), (LIMITS[0], FOOTER), (LIMITS[0], None)],
    ids=["default-config", "alone-and-groups", "own-footer", "native"],
)
def test_batches_write_what_one_git_cliff_run_writes(
    long_history: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    limits: dict[str, int],
    config: str | None,
) -> None:
    for name, value in limits.items():
        monkeypatch.setattr(batches, name, value)
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(long_history), str(repo)], check=True)
    subprocess.run(["git", "remote", "set-url", "origin", "https://github.com/o/r.git"], cwd=repo)
    if config is not None:
        (repo / "cliff.toml").write_text(config)
    expected = _one_run(repo, Project(repo).git.tag_target("v1.29.9"))
    said: list[str] = []
    change = update_changelog(repo, log=said.append)
    assert change is not None
    written = (repo / "CHANGELOG.md").read_text()
    runs = [m for m in said if m.startswith("rendering ")]
    if config is None:  # the shipped configuration renders in Python, in one pass
        assert not runs, said
    else:
        assert runs and " in 1 git-cliff runs" not in runs[0], said
    assert written == expected
    assert change.after == written
    assert written.count("\n## ") > TAGS // 2
    assert "rc1" not in written and "v9-not" not in written  # folded, and not a release
    if config == FOOTER:
        assert written.startswith("# History\n") and written.endswith("<!-- the end -->\n")
    assert not list(repo.glob(".CHANGELOG.md.*"))  # the temporary file was renamed


def test_a_first_release_writes_its_own_range_only(long_history: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(long_history), str(repo)], check=True)
    for var, value in [("user.name", "B"), ("user.email", "b@example.invalid")]:
        subprocess.run(["git", "config", var, value], cwd=repo, check=True)
    previous = Project(repo).git.tag_target("v1.29.9")
    expected = _one_run(repo, f"{previous}..HEAD", tag="v1.30.0")
    said: list[str] = []
    result = bump(repo, "minor", dry_run=True, log=said.append)
    (change,) = (c for c in result.plan.changes if c.path.name == "CHANGELOG.md")
    assert change.after == expected
    assert change.after.count("\n## [") == 1, change.after[:600]
    assert change.after.count("\n## [1.30.0]") == 1, change.after[:600]
    assert any("CHANGELOG.md is new and starts at v1.30.0" in line for line in said), said


def test_a_failing_batch_leaves_no_file(long_history: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(long_history), str(repo)], check=True)
    (repo / "cliff.toml").write_text('[changelog]\nbody = "{{ version | no_such_filter }}"\n')
    with pytest.raises(ChangelogError, match="no_such_filter"):
        update_changelog(repo)
    assert sorted(p.name for p in repo.iterdir()) == [
        ".git",
        "CHANGES",
        "cliff.toml",
        "pyproject.toml",
    ]
