"""Pre-release branches (``prerelease-branches``) and exact versions typed by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nox_release import BumpError, ConfigError, Version, VersionError
from nox_release.core.channels import branch_channel, parse_exact
from nox_release.core.config import config_from_pyproject
from nox_release.pipeline.release import release
from nox_release.steps.auto import bump_auto
from testkit.samples import Repo, make_repo

CHANNELS = '[tool.nox-release]\nchangelog = false\nprerelease-branches = { "rc/*" = "rc", "beta/*" = "b" }\n'


@pytest.fixture
def project(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "p", version="3.1.0", extra=CHANNELS)
    repo.tag("v3.1.0")
    return repo


def test_branch_channel_matches_globs_in_order() -> None:
    channels = {"rc/*": "rc", "beta/*": "beta"}
    assert branch_channel("rc/3.2", channels) == ("rc/*", "rc")
    assert branch_channel("beta/x", channels) == ("beta/*", "beta")
    assert branch_channel("main", channels) is None
    assert branch_channel(None, channels) is None


def test_a_kind_that_is_not_one_is_a_config_error() -> None:
    data = {"tool": {"nox-release": {"prerelease-branches": {"rc/*": "final"}}}}
    with pytest.raises(ConfigError, match="maps to 'final'; valid kinds: alpha, beta, rc, dev"):
        config_from_pyproject(data)
    good = config_from_pyproject({"tool": {"nox-release": {"prerelease-branches": {"b/*": "b"}}}})
    assert dict(good.prerelease_branches) == {"b/*": "beta"}


def test_auto_on_an_rc_branch_makes_the_next_rc_never_a_final(project: Repo) -> None:
    project.git("switch", "-q", "-c", "rc/3.2")
    project.commit("feat: a feature for 3.2")
    assert bump_auto(project.path).version == Version("3.2.0rc1")
    project.commit("fix: a fix in the rc")
    assert bump_auto(project.path).version == Version("3.2.0rc2")
    assert project.tags() == ["v3.1.0", "v3.2.0rc1", "v3.2.0rc2"]
    with pytest.raises(BumpError, match=r"matches 'rc/\*' in 'prerelease-branches'.*not 3\.2\.0;"):
        release(project.path, part="final", dry_run=True)
    with pytest.raises(BumpError, match="--pre beta is not made there"):
        release(project.path, part="patch", pre="beta", dry_run=True)
    assert release(project.path, part="patch", dry_run=True).version == Version("3.2.0rc3")


def test_release_on_a_beta_branch_and_other_branches_unchanged(project: Repo) -> None:
    project.commit("feat: a feature")
    project.git("switch", "-q", "-c", "beta/next")
    assert release(project.path, dry_run=True).version == Version("3.2.0b1")
    assert release(project.path, part="minor", dry_run=True).version == Version("3.2.0b1")
    project.git("switch", "-q", "main")
    assert release(project.path, dry_run=True).version == Version("3.2.0")


@pytest.mark.parametrize(
    ("text", "version"),
    [("2.0.3", "2.0.3"), ("v2.0.3", "2.0.3"), ("2.1.0-rc.1", "2.1.0rc1"), ("2.1.0rc1", "2.1.0rc1")],
)
def test_parse_exact(text: str, version: str) -> None:
    assert parse_exact(text) == Version(version)


def test_parse_exact_leaves_parts_alone_and_names_bad_versions() -> None:
    assert parse_exact("patch") is None
    with pytest.raises(VersionError, match="'2.0.x' is not a version"):
        parse_exact("2.0.x")


def test_release_an_exact_version_with_every_check_of_a_bump(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "m", version="2.0.2", extra="[tool.nox-release]\nchangelog = false\n"
    )
    repo.tag("v2.0.2")
    repo.git("switch", "-q", "-c", "2.0")
    repo.commit("fix: a fix for 2.0")
    planned = release(repo.path, part="v2.0.3", dry_run=True)
    assert (planned.version, planned.tag) == (Version("2.0.3"), "v2.0.3")
    with pytest.raises(BumpError, match="maintenance branch of 2.0"):
        release(repo.path, part="2.1.0-rc.1", dry_run=True)
    with pytest.raises(BumpError, match="2.0.2 is not greater than the current 2.0.2"):
        release(repo.path, part="2.0.2", dry_run=True)
    repo.tag("v2.0.4")  # a tag already names a later version
    with pytest.raises(BumpError, match="not greater than 2.0.4, the newest release tag"):
        release(repo.path, part="2.0.3", dry_run=True)
    with pytest.raises(BumpError, match="tag v2.0.4 already exists"):
        release(repo.path, part="2.0.4", dry_run=True)
    with pytest.raises(BumpError, match="'tiny' is not a bump"):
        release(repo.path, part="tiny", dry_run=True)


def test_the_release_session_takes_an_exact_version(tmp_path: Path) -> None:
    noxfile = "import nox_release\n\nnox_release.register()\n"
    repo = make_repo(
        tmp_path / "s",
        version="2.0.2",
        extra="[tool.nox-release]\nchangelog = false\n",
        files={"noxfile.py": noxfile},
    )
    repo.tag("v2.0.2")
    repo.commit("fix: a fix")

    def nox(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "nox", "--no-color", "-s", "release", "--", *args]
        return subprocess.run(argv, cwd=repo.path, capture_output=True, text=True, check=False)

    planned = nox("v2.0.3", "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert "2.0.2 -> 2.0.3 (tag v2.0.3)" in planned.stderr
    bad = nox("2.0.x", "--dry-run")
    assert bad.returncode != 0 and "'2.0.x' is not a version" in bad.stderr
    assert "Traceback" not in bad.stderr
