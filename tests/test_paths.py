"""Hostile paths and shapes: every write stays in the project, links stay links, files nox-release
did not make are never moved, and bad settings are refused in one sentence before any write."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nox_release import ReleaseError
from nox_release.pipeline.release import release
from nox_release.steps.build import build
from nox_release.steps.bump import bump
from testkit.samples import Repo, make_repo, make_sample


def _config(repo: Repo, settings: str) -> None:
    """Append ``settings`` to ``[tool.nox-release]`` and commit."""
    text = repo.read("pyproject.toml") + "\n[tool.nox-release]\n" + settings + "\n"
    repo.commit("chore: configure", {"pyproject.toml": text})


def _steps_reached(repo: Repo, **kw: object) -> tuple[list[str], ReleaseError]:
    """Bump ``repo`` (patch): the steps reached, and the error it was refused with."""
    steps: list[str] = []
    with pytest.raises(ReleaseError) as info:
        bump(repo.path, "patch", before_step=steps.append, **kw)  # type: ignore[arg-type]
    return steps, info.value


# -- dist-dir ------------------------------------------------------------------------------------
@pytest.mark.parametrize("dist_dir", ["..", ".", "src/..", ".git/dist"])
def test_dist_dir_outside_or_the_project_itself_is_refused(tmp_path: Path, dist_dir: str) -> None:
    repo = make_sample(tmp_path / "project")
    _config(repo, f'dist-dir = "{dist_dir}"')
    neighbour = tmp_path / "notes.txt"
    neighbour.write_text("mine\n")
    before = repo.snapshot()
    with pytest.raises(ReleaseError, match="not a folder inside the project"):
        build(repo.path, isolation=False)
    assert neighbour.read_text() == "mine\n" and not (tmp_path / ".stale").exists()
    assert repo.snapshot() == before


def test_dist_dir_with_tracked_or_foreign_files_is_refused(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "tracked")
    _config(repo, 'dist-dir = "docs"')
    repo.commit("docs: add", {"docs/index.md": "# docs\n"})
    with pytest.raises(ReleaseError, match=r"tracked by git \(docs/index.md\)"):
        build(repo.path, isolation=False)
    assert repo.read("docs/index.md") == "# docs\n"
    repo = make_sample(tmp_path / "foreign")
    (repo.path / "dist").mkdir()
    (repo.path / "dist" / "keep-me.txt").write_text("mine\n")
    with pytest.raises(ReleaseError, match="keep-me.txt, which nox-release did not make"):
        build(repo.path, isolation=False)
    assert (repo.path / "dist" / "keep-me.txt").read_text() == "mine\n"


# -- untracked, ignored and symlinked files ------------------------------------------------------
def test_an_untracked_file_in_the_way_is_refused_not_committed(repo: Repo) -> None:
    repo.write("CHANGELOG.md", "my private notes\n")
    steps, error = _steps_reached(repo)
    assert "CHANGELOG.md is not tracked by git" in str(error) and steps == []
    assert repo.read("CHANGELOG.md") == "my private notes\n" and repo.tags() == []


def test_a_gitignored_changelog_is_refused_before_any_write(repo: Repo) -> None:
    repo.commit("chore: ignore", {".gitignore": "CHANGELOG.md\n"})
    steps, error = _steps_reached(repo)
    assert "CHANGELOG.md is ignored by git" in str(error) and steps == []
    assert not (repo.path / "CHANGELOG.md").exists()


def test_symlinks_inside_the_project_are_followed_and_kept(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "links",
        extra='\n[tool.nox-release]\nversion-files = ["VERSION.py"]\n',
        files={"docs/CHANGES.md": "# Changelog\n", "docs/version.py": '__version__ = "1.2.3"\n'},
    )
    os.symlink("docs/CHANGES.md", repo.path / "CHANGELOG.md")
    os.symlink("docs/version.py", repo.path / "VERSION.py")
    repo.commit("chore: links", {})
    bump(repo.path, "patch")
    for link, target in (("CHANGELOG.md", "docs/CHANGES.md"), ("VERSION.py", "docs/version.py")):
        assert os.readlink(repo.path / link) == target  # still a link, to the same file
        assert repo.git("ls-files", "-s", link).startswith("120000")
    assert "1.2.4" in repo.read("docs/CHANGES.md")
    assert repo.read("docs/version.py") == '__version__ = "1.2.4"\n'
    changed = repo.git("show", "--name-only", "--format=", "HEAD").splitlines()
    assert "docs/CHANGES.md" in changed and "docs/version.py" in changed
    assert repo.status() == "" and repo.tags() == ["v1.2.4"]


# -- writes outside the repository ---------------------------------------------------------------
@pytest.mark.parametrize("how", ["changelog", "version-relative", "version-absolute", "link"])
def test_every_write_outside_the_repository_is_refused_first(tmp_path: Path, how: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "v.py"
    victim.write_text('__version__ = "1.2.3"\n')
    inode = victim.stat().st_ino
    root = tmp_path / "a" / "b"
    settings = {
        "changelog": 'changelog-file = "../../outside/CL.md"',
        "version-relative": 'version-files = ["../../outside/v.py"]',
        "version-absolute": f'version-files = ["{victim}"]',
        "link": 'version-files = ["v.py"]',
    }[how]
    repo = make_repo(root, extra=f"\n[tool.nox-release]\n{settings}\n")
    if how == "link":
        os.symlink(victim, root / "v.py")
        repo.commit("chore: link", {})
    before = repo.snapshot()
    steps, error = _steps_reached(repo)
    assert "outside the repository" in str(error) and steps == []
    assert victim.read_text() == '__version__ = "1.2.3"\n' and victim.stat().st_ino == inode
    assert not (outside / "CL.md").exists() and repo.snapshot() == before


# -- tag names, shallow clones, misshapen settings -----------------------------------------------
@pytest.mark.parametrize("fmt", ["v{version}.lock", "rel/{version}/", "v..{version}"])
def test_tag_formats_git_refuses_are_found_before_any_write(repo: Repo, fmt: str) -> None:
    _config(repo, f'tag-format = "{fmt}"')
    before = repo.snapshot()
    steps, error = _steps_reached(repo)
    assert ("check-ref-format" in str(error) or "tag-format" in str(error)) and steps == []
    assert repo.snapshot() == before


def test_an_explicit_bump_in_a_shallow_clone_is_refused(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin")
    origin.commit("fix: one")
    origin.commit("fix: two")
    shallow = Repo(tmp_path / "shallow")
    Repo(tmp_path).git("clone", "-q", "--depth", "1", f"file://{origin.path}", str(shallow.path))
    steps, error = _steps_reached(shallow)
    assert "shallow clone" in str(error) and steps == []
    assert not (shallow.path / "CHANGELOG.md").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('project = "oops"\n', "'project' in .* must be a table"),
        ('[project]\nname = "x"\nversion = "1.0"\n[tool]\nhatch = 5\n', r"'hatch' in \[tool\]"),
        ('[project]\nname = "x"\nversion = 1\n', r"'version' in \[project\].*must be a string"),
    ],
)
def test_misshapen_pyproject_is_one_sentence(tmp_path: Path, text: str, message: str) -> None:
    repo = make_repo(tmp_path / "p", pyproject=text)
    for call in (lambda: bump(repo.path, "patch"), lambda: release(repo.path, dry_run=True)):
        with pytest.raises(ReleaseError, match=message):
            call()


def test_an_unparsable_repository_url_is_one_sentence(repo: Repo) -> None:
    with pytest.raises(ReleaseError, match=r"--repository 'http://\[::1' is not a valid URL"):
        release(repo.path, part="patch", publish=True, repository="http://[::1", dry_run=True)


# -- packages and sbom-lock ------------------------------------------------------------------------
@pytest.mark.parametrize("folder", ["..", ".", "../sibling"])
def test_a_package_folder_outside_the_project_is_refused(tmp_path: Path, folder: str) -> None:
    repo = make_sample(tmp_path / "mono")
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "pyproject.toml").write_text('[project]\nname = "s"\nversion = "1"\n')
    _config(repo, f'packages = ["{folder}"]')
    before = repo.snapshot()
    steps, error = _steps_reached(repo)
    assert steps == [] and "not a folder inside the project" in str(error)
    assert repo.snapshot() == before


def test_an_sbom_lock_outside_the_project_is_refused(tmp_path: Path) -> None:
    from nox_release import SbomError
    from nox_release.steps.sbom import sbom

    repo = make_sample(tmp_path / "locked")
    (tmp_path / "uv.lock").write_text("version = 1\n")
    _config(repo, 'sbom-lock = "../uv.lock"')
    with pytest.raises(SbomError, match="sbom-lock '../uv.lock' .* outside the project"):
        sbom(repo.path, dry_run=True)
