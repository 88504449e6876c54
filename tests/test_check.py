"""twine-check: the artifacts in dist/ are this release, intact, and pass twine check --strict.

One real build (hatchling, version 1.2.0rc1, tagged v1.2.0-rc.1) is shared by the module; each
test works on its own clone of that repository with its own copy of dist/.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from nox_release import ArtifactError, Project, build, check_dist, twine_check
from testkit.samples import Repo, make_sample
from testkit.wheels import rewrite_wheel, wheel_of_version

pytestmark = pytest.mark.slow

WHEEL = "sample-1.2.0rc1-py3-none-any.whl"
SDIST = "sample-1.2.0rc1.tar.gz"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None) -> Repo:
    repo = make_sample(tmp_path_factory.mktemp("rel") / "sample", version="1.2.0rc1")
    repo.tag("v1.2.0-rc.1")
    build(repo.path, builder="uv", isolation=False)
    return repo


@pytest.fixture
def rel(released: Repo, tmp_path: Path) -> Repo:
    """A clone of the released repository (tags included) with a copy of its dist/."""
    path = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(released.path), str(path)], check=True)
    shutil.copytree(released.path / "dist", path / "dist")
    return Repo(path)


def dist(repo: Repo) -> Path:
    return repo.path / "dist"


def test_the_release_passes_and_the_semver_tag_matches(rel: Repo) -> None:
    lines: list[str] = []
    result = twine_check(rel.path, log=lines.append, require_tag=True)
    assert result.tag == "v1.2.0-rc.1"
    assert [a.path.name for a in result.artifacts] == [WHEEL, SDIST]
    assert "2 artifact(s) of sample 1.2.0rc1 match the release tag v1.2.0-rc.1" in lines
    assert any("-m twine --no-color check --strict" in line for line in lines)  # it ran


def test_a_version_other_than_the_project_s_fails(rel: Repo) -> None:
    for rel_path in ("pyproject.toml", "src/sample/__init__.py"):
        rel.write(rel_path, rel.read(rel_path).replace("1.2.0rc1", "1.2.0"))
    with pytest.raises(ArtifactError) as err:
        twine_check(rel.path)
    assert f"{WHEEL} has version 1.2.0rc1, expected 1.2.0" in str(err.value)


def test_a_tag_of_another_version_fails(rel: Repo) -> None:
    rel.git("tag", "-d", "v1.2.0-rc.1")
    rel.tag("v1.2.0")
    with pytest.raises(ArtifactError) as err:
        twine_check(rel.path)
    message = str(err.value)
    assert (
        f"{WHEEL} has version 1.2.0rc1, but HEAD carries the release tag v1.2.0 (1.2.0)" in message
    )


def test_a_wheel_of_another_version_fails_naming_it(rel: Repo) -> None:
    other = wheel_of_version(dist(rel) / WHEEL, dist(rel), "1.2.0rc1", "1.2.1")
    (dist(rel) / WHEEL).unlink()
    (dist(rel) / SDIST).unlink()
    with pytest.raises(ArtifactError) as err:
        twine_check(rel.path)
    assert f"{other.name} has version 1.2.1, expected 1.2.0rc1" in str(err.value)


def test_two_versions_fail(rel: Repo) -> None:
    wheel_of_version(dist(rel) / WHEEL, dist(rel), "1.2.0rc1", "1.1.0")
    with pytest.raises(ArtifactError, match="holds artifacts of more than one version") as err:
        twine_check(rel.path)
    assert "sample-1.1.0-py3-none-any.whl (1.1.0)" in str(err.value)


def test_an_empty_dist_fails(rel: Repo) -> None:
    for path in dist(rel).iterdir():
        if path.is_file():
            path.unlink()
    with pytest.raises(ArtifactError, match=r"dist holds no wheel or sdist: run the build session"):
        twine_check(rel.path)


def test_require_tag_without_a_tag_fails(rel: Repo) -> None:
    rel.git("tag", "-d", "v1.2.0-rc.1")
    assert twine_check(rel.path).tag is None
    with pytest.raises(ArtifactError, match="HEAD carries no release tag"):
        twine_check(rel.path, require_tag=True)


def _edit_module(files: dict[str, bytes]) -> dict[str, bytes]:
    files["sample/__init__.py"] = files["sample/__init__.py"] + b"import os; os.system('evil')\n"
    return files


def _add_member(files: dict[str, bytes]) -> dict[str, bytes]:
    files["sample/extra.py"] = b"print('not in RECORD')\n"
    return files


def _drop_member(files: dict[str, bytes]) -> dict[str, bytes]:
    del files["sample/__init__.py"]
    return files


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_edit_module, f"{WHEEL}: sample/__init__.py does not match its RECORD hash"),
        (_add_member, f"{WHEEL} holds sample/extra.py, which its RECORD does not list"),
        (_drop_member, f"{WHEEL}: RECORD lists sample/__init__.py, which the wheel does not hold"),
    ],
    ids=["edited", "added", "removed"],
)
def test_a_tampered_wheel_fails_naming_the_file(rel: Repo, edit, expected: str) -> None:  # type: ignore[no-untyped-def]
    wheel = dist(rel) / WHEEL
    tampered = rewrite_wheel(wheel, wheel.with_suffix(".tmp"), edit, fix_record=False)
    tampered.replace(wheel)
    with pytest.raises(ArtifactError) as err:
        twine_check(rel.path)
    assert expected in str(err.value)


def test_a_renamed_wheel_fails(rel: Repo) -> None:
    (dist(rel) / SDIST).unlink()
    (dist(rel) / WHEEL).rename(dist(rel) / "other-1.2.0rc1-py3-none-any.whl")
    with pytest.raises(ArtifactError, match="is named for 'other' but its metadata says 'sample'"):
        check_dist(Project(rel.path), twine=False)


def test_an_sdist_without_pyproject_fails(rel: Repo) -> None:
    sdist = dist(rel) / SDIST
    with tarfile.open(sdist) as src:
        members = [(m, src.extractfile(m).read() if m.isfile() else None) for m in src.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(sdist, "w:gz") as dst:
        for member, data in members:
            if not member.name.endswith("/pyproject.toml"):
                dst.addfile(member, io.BytesIO(data) if data is not None else None)
    with pytest.raises(ArtifactError) as err:
        twine_check(rel.path)
    assert f"{SDIST} has no sample-1.2.0rc1/pyproject.toml" in str(err.value)


def test_a_missing_long_description_fails_strict(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "bare", readme=False)
    build(repo.path, builder="uv", isolation=False)
    check_dist(Project(repo.path), twine=False)  # otherwise a sound release
    with pytest.raises(ArtifactError) as err:
        twine_check(repo.path)
    message = str(err.value)
    assert message.startswith("twine check --strict failed for sample-1.2.3-py3-none-any.whl (")
    assert "sample-1.2.3.tar.gz (" in message
    assert "`long_description` missing" in message
    assert "set [project] readme" in message
