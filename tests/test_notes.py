"""release-notes: the changelog file's section when it has one, git otherwise, never a bare heading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nox_release import ChangelogError
from nox_release.steps.changelog import release_notes
from testkit.samples import Repo, git, make_repo

SECTION = """## [1.1.0] - 2024-05-01

Hand-curated: the **big** news first.

### Added

- A feature, described by a human.
"""
CHANGELOG = (
    "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n"
    + SECTION
    + "\n## [1.0.0] - 2024-01-01\n\n### Added\n\n- The start.\n"
)
quiet = {"echo": lambda _t: None}


@pytest.fixture
def curated(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "lib", version="1.0.0")
    repo.tag("v1.0.0")
    repo.commit("feat: a feature", {"CHANGELOG.md": CHANGELOG})
    repo.tag("v1.1.0")
    return repo


def shallow(repo: Repo, tag: str, into: Path) -> Repo:
    git(
        into.parent,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        tag,
        f"file://{repo.path}",
        str(into),
    )
    return Repo(into)


def test_the_curated_section_exactly_as_in_the_file(curated: Repo, tmp_path: Path) -> None:
    assert release_notes(curated.path, "1.1.0", **quiet) == SECTION  # type: ignore[arg-type]
    assert release_notes(curated.path, **quiet) == SECTION  # type: ignore[arg-type]
    clone = shallow(curated, "v1.1.0", tmp_path / "ci")  # CI's checkout of the tag
    out = tmp_path / "notes.md"
    assert release_notes(clone.path, "v1.1.0", output=out) == SECTION
    assert out.read_text() == SECTION


def test_a_release_without_section_is_rendered_from_git(curated: Repo) -> None:
    text = release_notes(curated.path, "1.0.0", **quiet)  # type: ignore[arg-type]
    assert text.startswith("## [1.0.0]") and "The start." in text  # the file has it too
    curated.write("CHANGELOG.md", "# Changelog\n")
    curated.commit("fix: drop the history")
    curated.tag("v1.1.1")
    rendered = release_notes(curated.path, "1.1.1", **quiet)  # type: ignore[arg-type]
    assert rendered.startswith("## [1.1.1]") and "Drop the history" in rendered


def test_a_shallow_clone_without_the_section_is_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", version="1.0.0")
    repo.tag("v1.0.0")
    repo.commit("fix: a fix")
    repo.tag("v1.0.1")
    clone = shallow(repo, "v1.0.1", tmp_path / "ci")
    with pytest.raises(
        ChangelogError, match=r"no section for 1\.0\.1 .* shallow clone.*--unshallow"
    ):
        release_notes(clone.path, "1.0.1", **quiet)  # type: ignore[arg-type]


def test_no_commits_is_an_error_and_no_change_is_never_a_bare_heading(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    (empty / "pyproject.toml").write_text('[project]\nname = "e"\nversion = "1.0.0"\n')
    with pytest.raises(ChangelogError, match="has no commit"):
        release_notes(empty, "1.0.0", **quiet)  # type: ignore[arg-type]
    repo = make_repo(tmp_path / "p", version="1.0.0")
    repo.tag("v1.0.0")
    repo.commit("tweak things")  # not a Conventional Commit: git-cliff shows nothing
    repo.tag("v1.0.1")
    notes = release_notes(repo.path, "1.0.1", **quiet)  # type: ignore[arg-type]
    assert "Maintenance release" in notes


def test_the_session_fails_with_one_sentence_in_a_shallow_clone(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        version="1.0.0",
        files={"noxfile.py": "import nox_release\n\nnox_release.register()\n"},
    )
    repo.tag("v1.0.0")
    repo.commit("fix: a fix")
    repo.tag("v1.0.1")
    clone = shallow(repo, "v1.0.1", tmp_path / "ci")
    argv = [sys.executable, "-m", "nox", "--no-color", "-s", "release-notes"]
    done = subprocess.run(argv, cwd=clone.path, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "is a shallow clone" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
