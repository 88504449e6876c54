"""The bump step against real git repositories: the all-or-nothing guarantee."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from nox_release import BumpError, GitError, Version, VersionSourceError, bump
from nox_release.steps.bump import check_versions
from testkit.samples import Repo, make_repo


def test_patch_bump_writes_commits_and_tags(repo: Repo) -> None:
    before = repo.read("pyproject.toml")
    result = bump(repo.path, "patch")
    assert result.version == Version("1.2.4")
    assert repo.read("pyproject.toml") == before.replace('"1.2.3"', '"1.2.4"')
    assert repo.git("log", "-1", "--format=%s") == "chore(release): v1.2.4"
    assert repo.tags() == ["v1.2.4"]
    assert repo.git("cat-file", "-t", "v1.2.4") == "tag"  # annotated
    assert repo.git("rev-parse", "v1.2.4^{commit}") == repo.head()
    assert repo.status() == ""
    # changelog = true by default: the release commit holds the changelog with the new section.
    assert repo.git("show", "--name-only", "--format=", "HEAD").splitlines() == [
        "CHANGELOG.md",
        "pyproject.toml",
    ]
    assert "## [1.2.4] - " in repo.git("show", "HEAD:CHANGELOG.md")


@pytest.mark.parametrize(
    ("part", "pre", "expected"),
    [
        ("minor", None, "1.3.0"),
        ("major", None, "2.0.0"),
        ("minor", "rc", "1.3.0rc1"),
        ("major", "alpha", "2.0.0a1"),
        ("patch", "dev", "1.2.4.dev0"),
        ("post", None, "1.2.3.post1"),
    ],
)
def test_bump_kinds(repo: Repo, part: str, pre: str | None, expected: str) -> None:
    assert bump(repo.path, part, pre=pre).version == Version(expected)
    assert f'version = "{expected}"' in repo.read("pyproject.toml")


def test_pre_release_walk_and_semver_tags(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p", version="1.2.0", extra='[tool.nox-release]\ntag-format = "v{semver}"\n'
    )
    assert bump(repo.path, "minor", pre="alpha").tag == "v1.3.0-alpha.1"
    assert bump(repo.path, "pre").tag == "v1.3.0-alpha.2"
    assert bump(repo.path, "pre", pre="rc").tag == "v1.3.0-rc.1"
    with pytest.raises(BumpError, match="cannot move back to beta"):
        bump(repo.path, "pre", pre="beta")
    assert bump(repo.path, "final").tag == "v1.3.0"
    assert 'version = "1.3.0"' in repo.read("pyproject.toml")
    assert repo.tags() == ["v1.3.0", "v1.3.0-alpha.1", "v1.3.0-alpha.2", "v1.3.0-rc.1"]


def test_dry_run_prints_diff_and_commands_and_writes_nothing(repo: Repo) -> None:
    before = repo.snapshot()
    lines: list[str] = []
    result = bump(repo.path, "minor", dry_run=True, log=lines.append)
    out = "\n".join(lines)
    assert not result.applied
    assert '-version = "1.2.3"' in out and '+version = "1.3.0"' in out
    assert "$ git commit -m 'chore(release): v1.3.0'" in out
    assert "$ git tag -a -m 'Release v1.3.0' v1.3.0" in out
    assert "+++ b/CHANGELOG.md" in out and "+## [1.3.0] - " in out  # planned, not written
    assert "$ git add -- pyproject.toml CHANGELOG.md" in out
    assert repo.snapshot() == before


def test_refuses_dirty_tree(repo: Repo) -> None:
    repo.write("pyproject.toml", repo.read("pyproject.toml") + "\n# edit\n")
    with pytest.raises(GitError, match=r"uncommitted changes \(pyproject.toml\)"):
        bump(repo.path, "patch")


def test_untracked_files_are_allowed_and_kept(repo: Repo) -> None:
    repo.write("notes.txt", "mine")
    bump(repo.path, "patch")
    assert repo.read("notes.txt") == "mine"


def test_refuses_detached_head(repo: Repo) -> None:
    repo.git("checkout", "-q", "--detach")
    with pytest.raises(GitError, match="HEAD is detached"):
        bump(repo.path, "patch")


def test_refuses_existing_tag_and_never_moves_it(repo: Repo) -> None:
    first = repo.head()
    repo.tag("v1.2.4")  # someone tagged the next version already, on an older commit
    repo.commit("fix: later work")
    with pytest.raises(BumpError, match=r"v1\.2\.4 already exists"):
        bump(repo.path, "patch")
    assert repo.git("rev-parse", "v1.2.4^{commit}") == first


def test_refuses_version_not_above_newest_tag(repo: Repo) -> None:
    repo.tag("v2.0.0")
    repo.commit("fix: after 2.0.0")
    with pytest.raises(BumpError, match=r"1.2.4 is not greater than 2.0.0.*v2.0.0"):
        bump(repo.path, "patch")


def test_tag_on_remote_is_refused(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    repo = make_repo(tmp_path / "p")
    Repo(tmp_path).git("init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    other = Repo(tmp_path / "other")
    Repo(tmp_path).git("clone", "-q", str(remote), str(other.path))
    other.tag("v1.2.4")
    other.git("push", "-q", "origin", "v1.2.4")
    with pytest.raises(BumpError, match="on the remote 'origin'"):
        bump(repo.path, "patch")
    assert repo.tags() == []


def test_unreachable_remote_warns_and_goes_on(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p")
    repo.git("remote", "add", "origin", str(tmp_path / "missing.git"))
    lines: list[str] = []
    result = bump(repo.path, "patch", log=lines.append)
    assert result.applied
    assert any("could not reach the remote 'origin'" in line for line in lines)


def test_sources_must_agree_and_the_error_lists_each(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        extra='[tool.nox-release]\nversion-files = ["src/sample/__init__.py",'
        ' { path = "README.md", pattern = "sample=={version}" }]\n',
        files={
            "src/sample/__init__.py": '__version__ = "1.2.2"\n',
            "README.md": "pip install sample==1.2.3\n",
        },
    )
    with pytest.raises(VersionSourceError) as info:
        bump(repo.path, "patch")
    msg = str(info.value)
    assert "pyproject.toml" in msg and "'1.2.3'" in msg
    assert "src/sample/__init__.py" in msg and "'1.2.2'" in msg
    assert "README.md" in msg
    assert repo.status() == ""


def test_all_sources_are_written(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        extra='[tool.nox-release]\nversion-files = ["src/sample/version.py",'
        ' { path = "README.md", pattern = "sample=={version}" },'
        ' { path = "docs/install.md", pattern = "tag v{semver} " }]\n',
        files={
            "src/sample/version.py": "__version__: str = '1.2.3'  # keep\n",
            "README.md": "pip install sample==1.2.3\nor: pip install 'sample==1.2.3'\n",
            "docs/install.md": "Use the tag v1.2.3 here.\n",
        },
    )
    bump(repo.path, "minor", pre="rc")
    assert repo.read("src/sample/version.py") == "__version__: str = '1.3.0rc1'  # keep\n"
    assert (
        repo.read("README.md")
        == "pip install sample==1.3.0rc1\nor: pip install 'sample==1.3.0rc1'\n"
    )
    assert repo.read("docs/install.md") == "Use the tag v1.3.0-rc.1 here.\n"
    # The release commit carries every version source and the changelog, nothing else.
    assert repo.git("show", "--name-only", "--format=", "HEAD").splitlines() == [
        "CHANGELOG.md",
        "README.md",
        "docs/install.md",
        "pyproject.toml",
        "src/sample/version.py",
    ]


def test_hatch_dynamic_version(tmp_path: Path) -> None:
    pyproject = (
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "dyn"\ndynamic = ["version"]\n\n'
        '[tool.hatch.version]\npath = "src/dyn/__about__.py"\n'
    )
    repo = make_repo(
        tmp_path / "p",
        pyproject=pyproject,
        files={"src/dyn/__about__.py": '__version__ = "0.4.0"\n'},
    )
    assert bump(repo.path, "patch").version == Version("0.4.1")
    assert repo.read("src/dyn/__about__.py") == '__version__ = "0.4.1"\n'
    assert repo.read("pyproject.toml") == pyproject


def test_pyproject_is_byte_for_byte_but_the_version(tmp_path: Path) -> None:
    pyproject = (
        "# a comment\r\n[build-system]\r\nrequires = ['hatchling']\r\nbuild-backend = 'hatchling.build'\r\n"
        "\r\n[project]\r\nname   =  'odd'  # spaced\r\nversion    =   '0.9.0'    # the version\r\n"
        'description = """two\r\nlines"""\r\n\r\n[tool.other]\r\nversion = \'5.5.5\'\r\n'
    )
    repo = make_repo(tmp_path / "p", pyproject=pyproject)
    bump(repo.path, "minor")
    assert (repo.path / "pyproject.toml").read_bytes() == pyproject.replace(
        "'0.9.0'", "'0.10.0'"
    ).encode()


def test_file_mode_is_kept(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        extra='[tool.nox-release]\nversion-files = ["tool.py"]\n',
        files={"tool.py": '#!/usr/bin/env python\n__version__ = "1.2.3"\n'},
    )
    (repo.path / "tool.py").chmod(0o755)
    repo.commit("chore: make executable")
    bump(repo.path, "patch")
    assert stat.S_IMODE((repo.path / "tool.py").stat().st_mode) == 0o755


def test_custom_messages(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        extra=(
            '[tool.nox-release]\ntag-format = "release-{version}"\n'
            'commit-message = "release: {previous} -> {version} ({semver})"\n'
            'tag-message = "Version {version}"\n'
        ),
    )
    bump(repo.path, "minor", pre="beta")
    assert repo.git("log", "-1", "--format=%s") == "release: 1.2.3 -> 1.3.0b1 (1.3.0-beta.1)"
    assert repo.tags() == ["release-1.3.0b1"]
    assert (
        repo.git("tag", "-l", "--format=%(contents:subject)", "release-1.3.0b1")
        == "Version 1.3.0b1"
    )


def test_release_check(repo: Repo) -> None:
    assert check_versions(repo.path) == (Version("1.2.3"), None)
    bump(repo.path, "patch")
    assert check_versions(repo.path) == (Version("1.2.4"), "v1.2.4")
    repo.tag("v9.9.9")
    with pytest.raises(VersionSourceError, match=r"v9.9.9 \(9.9.9\).*1.2.4"):
        check_versions(repo.path)


def test_unnormalised_version_is_read_with_a_warning_and_written_normalised(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "p", version="1.2.0-RC1")
    lines: list[str] = []
    result = bump(repo.path, "pre", log=lines.append)
    assert result.previous == Version("1.2.0rc1") and result.version == Version("1.2.0rc2")
    assert any(
        "pyproject.toml" in line and "'1.2.0-RC1' is not a normalised version" in line
        for line in lines
    )
    assert 'version = "1.2.0rc2"' in repo.read("pyproject.toml")
