"""The build step on real sample projects (hatchling, setuptools) in temporary git repositories.

Builds are slow: the hatchling builds run without isolation (hatchling is installed here) and
are shared through module-scoped fixtures; the setuptools test takes the default isolated path,
which fetches the backend from the index (uv caches it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from nox_release import (
    BuildResult,
    CommandError,
    Project,
    ReleaseError,
    build,
    check_dist,
    write_checksums,
)
from nox_release._errors import ArtifactError
from nox_release.adapters.dist import STALE_DIR, find_artifacts
from nox_release.adapters.runner import find_uv
from testkit.samples import EPOCH, Repo, make_sample

pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"


def names(dist: Path) -> list[str]:
    return [p.name for p in find_artifacts(dist)]


def assert_stamped_with_epoch(path: Path) -> None:
    """Every timestamp inside the artifact is the commit's, none is the build's wall clock."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            years = {info.date_time[0] for info in zf.infolist()}
        assert years == {2001}, (path.name, years)
    else:
        assert int.from_bytes(path.read_bytes()[4:8], "little") in (0, EPOCH)
        with tarfile.open(path) as tf:
            assert {m.mtime for m in tf.getmembers()} == {EPOCH}, path.name


def sha256sum_check(dist: Path) -> str:
    """``sha256sum -c SHA256SUMS``: the real tool validates the file we wrote."""
    proc = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"],
        cwd=dist,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def hatch_twice(
    tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None
) -> tuple[Repo, BuildResult, BuildResult]:
    """A hatchling project built twice from one commit with uv (no isolation)."""
    repo = make_sample(tmp_path_factory.mktemp("hatch") / "sample")
    first = build(repo.path, builder="uv", isolation=False)
    second = build(repo.path, builder="uv", isolation=False)
    return repo, first, second


def test_uv_build_is_reproducible_and_checked(
    hatch_twice: tuple[Repo, BuildResult, BuildResult],
) -> None:
    repo, first, second = hatch_twice
    dist = repo.path / "dist"
    assert first.builder == second.builder == "uv"
    assert first.source_date_epoch == EPOCH
    assert names(dist) == ["sample-1.2.3-py3-none-any.whl", "sample-1.2.3.tar.gz"]
    # The first build's files were moved aside by the second: compare them byte for byte.
    for path in second.artifacts:
        assert path.read_bytes() == (dist / STALE_DIR / path.name).read_bytes(), path.name
        assert_stamped_with_epoch(path)
    assert sorted(p.name for p in (dist / STALE_DIR).iterdir()) == [
        "SHA256SUMS",
        "sample-1.2.3-py3-none-any.whl",
        "sample-1.2.3.tar.gz",
    ]
    assert sha256sum_check(dist).count(": OK") == 2
    assert (dist / ".gitignore").read_text() == "*\n"
    assert repo.status() == ""  # dist/ stays out of git
    # The independent validator: twine check --strict, RECORD hashes, metadata vs project.
    assert check_dist(Project(repo.path)).tag is None


def test_build_path_gives_the_same_bytes(
    tmp_path: Path, hatch_twice: tuple[Repo, BuildResult, BuildResult]
) -> None:
    """``python -m build`` on an identical commit gives exactly uv's artifacts."""
    _, _, by_uv = hatch_twice
    repo = make_sample(tmp_path / "sample")
    result = build(repo.path, builder="build", isolation=False)
    assert result.builder == "build"
    assert result.command[1:3] == ("-m", "build") and "--no-isolation" in result.command
    assert [p.name for p in result.artifacts] == [p.name for p in by_uv.artifacts]
    for ours, theirs in zip(result.artifacts, by_uv.artifacts, strict=True):
        assert ours.read_bytes() == theirs.read_bytes(), ours.name
    sha256sum_check(repo.path / "dist")


def test_setuptools_default_isolated_build_is_reproducible(tmp_path: Path) -> None:
    """The default path (isolated; the backend comes from the index), once per builder.

    setuptools stamps sdist members with file mtimes and the wall clock: the step sets them to
    SOURCE_DATE_EPOCH, so uv build and python -m build agree to the byte.
    """
    repo = make_sample(tmp_path / "st", backend="setuptools", name="sample-st")
    first = build(repo.path)
    assert first.builder == ("uv" if find_uv() else "build")
    logs: list[str] = []
    second = build(repo.path, builder="build", log=logs.append)
    dist = repo.path / "dist"
    assert names(dist) == ["sample_st-1.2.3-py3-none-any.whl", "sample_st-1.2.3.tar.gz"]
    for path in second.artifacts:
        assert path.read_bytes() == (dist / STALE_DIR / path.name).read_bytes(), path.name
        assert_stamped_with_epoch(path)
    assert any("set the timestamps in sample_st-1.2.3.tar.gz" in line for line in logs)
    check_dist(Project(repo.path))


def test_older_versions_are_moved_aside(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "sample")
    dist = repo.path / "dist"
    dist.mkdir()
    old = {
        "sample-1.2.2-py3-none-any.whl": b"old wheel",
        "sample-1.2.2.tar.gz": b"old sdist",
        "sample-1.2.2.cdx.json": b"{}",
        "SHA256SUMS": b"stale sums\n",
    }
    for name, data in old.items():
        (dist / name).write_bytes(data)
    result = build(repo.path, builder="uv", isolation=False)
    assert names(dist) == ["sample-1.2.3-py3-none-any.whl", "sample-1.2.3.tar.gz"]
    assert sorted(p.name for p in dist.iterdir() if p.is_file()) == [
        "SHA256SUMS",
        "sample-1.2.3-py3-none-any.whl",
        "sample-1.2.3.tar.gz",
    ]
    for name, data in old.items():
        assert (dist / STALE_DIR / name).read_bytes() == data
    assert sorted(p.name for p in result.moved_aside) == sorted(old)
    assert check_dist(Project(repo.path), twine=False).version.pep440 == "1.2.3"


def test_dry_run_says_what_and_where_and_builds_nothing(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "sample")
    (repo.path / "dist").mkdir()
    (repo.path / "dist" / "sample-1.2.2.tar.gz").write_bytes(b"old")
    before = repo.snapshot()
    lines: list[str] = []
    result = build(repo.path, builder="build", dry_run=True, log=lines.append)
    out = "\n".join(lines)
    assert not result.applied and result.artifacts == ()
    assert f"would build sample 1.2.3 (sdist and wheel) from {repo.path} into dist/" in out
    assert "with python -m build (isolated)" in out
    assert f"SOURCE_DATE_EPOCH={EPOCH}" in out
    assert "-m build --sdist --wheel --outdir" in out
    assert "would move dist/sample-1.2.2.tar.gz to dist/.stale/" in out
    assert "would write dist/SHA256SUMS" in out
    assert repo.snapshot() == before


def test_failed_build_leaves_dist_as_it_was(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "sample", build_backend="no_such_backend")
    (repo.path / "dist").mkdir()
    (repo.path / "dist" / "sample-1.2.2.tar.gz").write_bytes(b"old")
    before = repo.snapshot()
    with pytest.raises(CommandError, match=r"failed \(exit code"):
        build(repo.path, builder="uv", isolation=False)
    assert repo.snapshot() == before
    assert not (repo.path / "dist" / STALE_DIR).exists()


def test_build_on_a_tag_of_another_version_fails_before_dist_changes(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "sample")
    repo.tag("v1.3.0")
    with pytest.raises(
        ArtifactError, match=r"has version 1\.2\.3, but HEAD carries the release tag v1\.3\.0"
    ):
        build(repo.path, builder="uv", isolation=False)
    assert not (repo.path / "dist").exists()


def test_sessions_under_nox(tmp_path: Path) -> None:
    """``nox -s build`` then ``nox -s twine-check``: real nox, errors as one sentence."""
    repo = make_sample(tmp_path / "sample")
    repo.commit("build: noxfile", {"noxfile.py": "import nox_release\n\nnox_release.register()\n"})
    env = {**os.environ, "PYTHONPATH": str(SRC)}

    def nox(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "nox", *args],
            cwd=repo.path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    done = nox("-s", "build", "--", "--no-isolation")
    assert done.returncode == 0, done.stderr
    assert "built dist/sample-1.2.3-py3-none-any.whl" in done.stderr
    checked = nox("-s", "twine-check")
    assert checked.returncode == 0, checked.stderr
    assert "2 artifact(s) of sample 1.2.3 (no release tag on HEAD)" in checked.stderr
    refused = nox("-s", "twine-check", "--", "--require-tag")
    assert refused.returncode != 0
    assert "HEAD carries no release tag of the form 'v{version}'" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_auto_falls_back_to_build_without_uv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_sample(tmp_path / "sample")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "elsewhere" / "python"))
    bin_dir = tmp_path / "bin"  # git, but no uv
    bin_dir.mkdir()
    git = shutil.which("git")
    assert git is not None
    (bin_dir / "git").symlink_to(git)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert find_uv() is None
    lines: list[str] = []
    assert build(repo.path, dry_run=True, log=lines.append).builder == "build"
    assert "with python -m build (isolated)" in lines[0]
    with pytest.raises(CommandError, match="builder is 'uv' but uv is not installed"):
        build(repo.path, builder="uv", dry_run=True)


def dist_tree(dist: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under ``dist``, hidden ones included."""
    return {
        str(p.relative_to(dist)): p.read_bytes() if p.is_file() else None
        for p in sorted(dist.rglob("*"))
    }


def test_a_failure_while_dist_changes_puts_all_of_it_back(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "sample")
    dist = repo.path / "dist"
    (dist / STALE_DIR).mkdir(parents=True)
    (dist / "sample-1.2.2.tar.gz").write_bytes(b"old sdist")
    (dist / "sample-1.2.2-py3-none-any.whl").write_bytes(b"old wheel")
    # An earlier build's file in .stale/ with the same name: moving aside pushes it out.
    (dist / STALE_DIR / "sample-1.2.2.tar.gz").write_bytes(b"older sdist")
    # SHA256SUMS is a folder: the old files are moved aside and the new ones moved in, then
    # writing SHA256SUMS, the last step, fails.
    (dist / "SHA256SUMS").mkdir()
    (dist / "SHA256SUMS" / "keep").write_text("x")
    before = dist_tree(dist)
    with pytest.raises(
        ReleaseError,
        match=r"^could not put the new artifacts into dist/ \(.*\); dist/ is as it was",
    ):
        build(repo.path, builder="uv", isolation=False)
    assert dist_tree(dist) == before


def test_write_checksums_replaces_the_file_atomically(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "x-1.0.tar.gz").write_bytes(b"sdist")
    sums = dist / "SHA256SUMS"
    sums.write_text("old\n")
    sums.chmod(0o600)
    copy = tmp_path / "SHA256SUMS.published"
    os.link(sums, copy)  # another name of the old file: a rewrite in place would change it
    assert write_checksums(dist) == sums
    assert copy.read_text() == "old\n"
    assert sums.read_text() == f"{hashlib.sha256(b'sdist').hexdigest()}  x-1.0.tar.gz\n"
    assert stat.S_IMODE(sums.stat().st_mode) == 0o600
    assert sorted(os.listdir(dist)) == ["SHA256SUMS", "x-1.0.tar.gz"]  # no temporary file left
