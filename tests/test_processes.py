"""The release processes of DESIGN.md, end to end, each from its configuration alone.

Real git (a bare remote), git-cliff, hatchling, cyclonedx-py, twine and a pypiserver on
127.0.0.1; every test drives the same public functions the nox sessions wrap.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release import ReleaseError, Version
from nox_release.adapters.index import read_project
from nox_release.pipeline.release import release
from nox_release.steps.branches import release_branch
from nox_release.steps.bump import check_versions
from nox_release.steps.changelog import release_notes
from nox_release.steps.publish import publish
from testkit.publish import PASSWORD, USERNAME, Index
from testkit.samples import Repo, make_repo, pyproject_toml

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def outputs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The index's credentials, no CI settings, and a GITHUB_OUTPUT file (returned)."""
    monkeypatch.setenv("TWINE_USERNAME", USERNAME)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    for var in ("TWINE_REPOSITORY", "TWINE_REPOSITORY_URL", "CI"):
        monkeypatch.delenv(var, raising=False)
    out = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    return out


def last_output(path: Path) -> dict[str, str]:
    """The outputs of the newest release in GITHUB_OUTPUT (later lines win)."""
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def project(
    path: Path, name: str, version: str, config: str, files: dict[str, str] | None = None
) -> Repo:
    """A committed hatchling project with a bare ``origin``; ``config`` is its [tool.nox-release]."""
    module = name.replace("-", "_")
    repo = make_repo(
        path,
        name=name,
        version=version,
        extra=f'readme = "README.md"\n\n[tool.nox-release]\n{config}',
        files={
            f"src/{module}/__init__.py": f'__version__ = "{version}"\n',
            "README.md": f"# {name}\n\nA sample library.\n",
            **(files or {}),
        },
    )
    remote = path.parent / f"{path.name}.git"
    Repo(path.parent).git("init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    return repo


def uploaded(index: Index, name: str) -> list[str]:
    return sorted(read_project(index.simple, name, retries=0).files)


def go(repo: Repo, index: Index, **kw: object) -> object:
    options: dict[str, object] = dict(
        publish=True, push=True, repository=index.url, isolation=False, no_index=True
    )
    options.update(kw)
    return release(repo.path, **options)  # type: ignore[arg-type]


def test_1_semver_tags_on_a_pep440_package(
    pypiserver: Index, tmp_path: Path, outputs: Path
) -> None:
    repo = project(tmp_path / "p1", "proc-one", "1.1.4", 'tag-format = "v{semver}"\n')
    repo.tag("v1.1.4")
    repo.commit("feat: streaming uploads", {"src/proc_one/stream.py": "X = 1\n"})
    go(repo, pypiserver, part="minor", pre="rc")
    assert repo.tags()[-1] == "v1.2.0-rc.1"
    assert 'version = "1.2.0rc1"' in repo.read("pyproject.toml")
    assert check_versions(repo.path) == (Version("1.2.0rc1"), "v1.2.0-rc.1")
    out = last_output(outputs)
    assert (out["tag"], out["version"], out["prerelease"]) == ("v1.2.0-rc.1", "1.2.0rc1", "true")
    assert "Streaming uploads" in repo.read("CHANGELOG.md")
    dist = repo.path / "dist"
    assert (dist / "proc_one-1.2.0rc1.cdx.json").is_file()
    assert (dist / "proc_one-1.2.0rc1.spdx.json").is_file()
    repo.commit("fix: a fix in the candidate", {"src/proc_one/stream.py": "X = 2\n"})
    go(repo, pypiserver, part="final")
    assert "v1.2.0" in repo.tags() and last_output(outputs)["prerelease"] == "false"
    assert uploaded(pypiserver, "proc-one") == [
        "proc_one-1.2.0-py3-none-any.whl",
        "proc_one-1.2.0.tar.gz",
        "proc_one-1.2.0rc1-py3-none-any.whl",
        "proc_one-1.2.0rc1.tar.gz",
    ]
    assert "refs/tags/v1.2.0" in repo.git("ls-remote", "origin")


def test_2_conventional_commits_and_rc_branches(pypiserver: Index, tmp_path: Path) -> None:
    config = (
        'commit-types = { impr = "patch", wip = "none" }\nprerelease-branches = { "rc/*" = "rc" }\n'
    )
    repo = project(tmp_path / "p2", "proc-two", "3.1.0", config)
    repo.tag("v3.1.0")
    repo.git("push", "-q", "origin", "v3.1.0")
    repo.commit("wip: half a thing")
    assert go(repo, pypiserver).nothing_to_release  # type: ignore[attr-defined]
    repo.commit("impr: faster start")
    go(repo, pypiserver)
    assert repo.tags()[-1] == "v3.1.1"
    repo.git("switch", "-q", "-c", "rc/3.2")
    repo.commit("feat: the 3.2 feature")
    go(repo, pypiserver)  # the same trigger as on main
    repo.commit("fix: found in rc1")
    go(repo, pypiserver)
    assert repo.tags()[-2:] == ["v3.2.0rc1", "v3.2.0rc2"]
    assert uploaded(pypiserver, "proc-two") == [
        "proc_two-3.1.1-py3-none-any.whl",
        "proc_two-3.1.1.tar.gz",
        "proc_two-3.2.0rc1-py3-none-any.whl",
        "proc_two-3.2.0rc1.tar.gz",
        "proc_two-3.2.0rc2-py3-none-any.whl",
        "proc_two-3.2.0rc2.tar.gz",
    ]
    changelog = repo.read("CHANGELOG.md")
    assert "Faster start" in changelog and "chore(release)" not in changelog
    with pytest.raises(ReleaseError, match="only rc pre-releases are made there"):
        go(repo, pypiserver, part="final")
    tagged = repo.git("rev-parse", "v3.2.0rc2")
    with pytest.raises(ReleaseError, match="3.2.0rc2 is not greater than the current 3.2.0rc2"):
        go(repo, pypiserver, part="3.2.0rc2")
    assert repo.git("rev-parse", "v3.2.0rc2") == tagged  # released tags never move


SMOKE = "python -m proc_three.smoke"
SMOKE_OK = (
    "from importlib.metadata import version\nimport proc_three\n"
    "assert 'site-packages' in proc_three.__file__\nprint('smoke ok', version('proc-three'))\n"
)


def test_3_maintenance_branch_exact_version_and_validation(
    pypiserver: Index, tmp_path: Path
) -> None:
    config = f'release-branch-format = "v{{major}}.{{minor}}.x"\nvalidate = ["{SMOKE}"]\n'
    repo = project(
        tmp_path / "p3", "proc-three", "1.9.0", config, {"src/proc_three/smoke.py": SMOKE_OK}
    )
    repo.tag("v1.9.0")
    repo.commit("feat!: the 2.0 API")
    lines: list[str] = []
    go(repo, pypiserver, part="2.0.0", log=lines.append)
    assert "smoke ok 2.0.0" in lines  # ran against the wheel installed alone
    release_branch(str(repo.path))
    assert 'version = "2.1.0a1"' in repo.read("pyproject.toml")
    repo.git("switch", "-q", "v2.0.x")
    repo.commit("fix: a patch for 2.0", {"src/proc_three/fix.py": "X = 1\n"})
    with pytest.raises(ReleaseError, match="maintenance branch of 2.0"):
        go(repo, pypiserver, part="minor")
    repo.commit(
        "fix: break the smoke test",
        {"src/proc_three/smoke.py": "raise SystemExit('smoke: broken')\n"},
    )
    lines.clear()
    with pytest.raises(ReleaseError, match="stopped at step 'validate'.*the validate command"):
        go(repo, pypiserver, part="v2.0.1", log=lines.append)
    assert "smoke: broken" in "\n".join(lines)
    assert not [f for f in uploaded(pypiserver, "proc-three") if "2.0.1" in f]  # zero uploads
    release(repo.path, abort=True)
    repo.commit("fix: mend the smoke test", {"src/proc_three/smoke.py": SMOKE_OK})
    go(repo, pypiserver, part="v2.0.1")
    assert repo.tags()[-1] == "v2.0.1"
    assert "proc_three-2.0.1.tar.gz" in uploaded(pypiserver, "proc-three")


CURATED = """## [1.1.0] - 2024-06-01

The **1.1** line, in the maintainers' own words.

### Added

- Retries, with a note on how they back off.
"""


def test_5_library_release_checklist(pypiserver: Index, tmp_path: Path, outputs: Path) -> None:
    config = 'version-files = ["src/proc_five/version.py"]\nchangelog = false\n'
    head = (
        "# Changelog\n\nThe format is [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).\n\n"
    )
    older = "## [1.0.0] - 2024-01-01\n\n### Added\n\n- The start.\n"
    repo = project(
        tmp_path / "p5",
        "proc-five",
        "1.0.0",
        config,
        {
            "src/proc_five/version.py": '__version__ = "1.0.0"\n',
            "CHANGELOG.md": head + older,
        },
    )
    repo.tag("v1.0.0")
    repo.commit("feat: retries", {"CHANGELOG.md": head + CURATED + "\n" + older})
    go(repo, pypiserver, part="1.1.0")
    assert repo.read("src/proc_five/version.py") == '__version__ = "1.1.0"\n'
    assert check_versions(repo.path) == (Version("1.1.0"), "v1.1.0")  # CI: version == tag
    notes_file = Path(last_output(outputs)["notes-file"])
    assert notes_file.read_text() == CURATED
    assert release_notes(repo.path, "1.1.0", echo=lambda _t: None) == CURATED
    again = publish(repo.path, repository=pypiserver.url, yes=True)  # skip-existing
    assert len(again.skipped) == 2 and not again.uploaded


def package_files(folder: str, name: str, version: str) -> dict[str, str]:
    module = name.replace("-", "_")
    text = pyproject_toml(name, version, readme=True)
    text += f'\n[tool.hatch.build.targets.wheel]\npackages = ["src/{module}"]\n'
    return {
        f"{folder}/pyproject.toml": text,
        f"{folder}/README.md": f"# {name}\n\nA package of the monorepo.\n",
        f"{folder}/src/{module}/__init__.py": f'"""{name}."""\n',
    }


def test_4_lockstep_packages_an_independent_client_and_the_next_cycle(
    pypiserver: Index, tmp_path: Path
) -> None:
    config = (
        '[tool.nox-release]\npackages = ["manager", "agent", "common", '
        '{ path = "client", versioning = "independent", tag-format = "client-v{version}" }]\n'
        'next-cycle = "alpha"\n'
    )
    files = {}
    for folder in ("manager", "agent", "common"):
        files.update(package_files(folder, f"p4-{folder}", "1.0.0"))
    files.update(package_files("client", "p4-client", "0.5.0"))
    repo = make_repo(tmp_path / "p4", pyproject=config, files=files)
    remote = tmp_path / "p4.git"
    Repo(tmp_path).git("init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.tag("v1.0.0")
    repo.tag("client-v0.5.0")
    repo.git("push", "-q", "origin", "main", "v1.0.0", "client-v0.5.0")
    repo.commit("feat: manager schedules", {"manager/src/p4_manager/sched.py": "X = 1\n"})
    repo.commit("fix: client retries", {"client/src/p4_client/retry.py": "X = 1\n"})

    def crash(step: str) -> None:
        if step == "sbom":
            raise OSError("the runner lost its disk")

    with pytest.raises(ReleaseError, match="stopped at step 'sbom'"):
        go(repo, pypiserver, package="client", before_step=crash)  # only the client's commits
    resumed = go(repo, pypiserver)  # no --package: the journal knows whose release it is
    assert resumed.resumed and resumed.tag == "client-v0.5.1"  # type: ignore[attr-defined]
    assert "client-v0.5.1" in repo.tags() and 'version = "0.5.1"' in repo.read(
        "client/pyproject.toml"
    )
    client_log = repo.read("client/CHANGELOG.md")
    assert "Client retries" in client_log and "Manager schedules" not in client_log
    assert uploaded(pypiserver, "p4-client") == [
        "p4_client-0.5.1-py3-none-any.whl",
        "p4_client-0.5.1.tar.gz",
    ]

    go(repo, pypiserver)  # the lockstep group, without the client: the feat makes it 1.1.0
    assert "v1.1.0" in repo.tags()
    for folder in ("manager", "agent", "common"):
        assert 'version = "1.1.0"' in repo.read(f"{folder}/pyproject.toml")
        assert f"p4_{folder}-1.1.0.tar.gz" in uploaded(pypiserver, f"p4-{folder}")
    assert 'version = "0.5.1"' in repo.read("client/pyproject.toml")
    root_log = repo.read("CHANGELOG.md")
    assert "Manager schedules" in root_log and "Client retries" not in root_log

    release_branch(str(repo.path))  # branch 1.1 at v1.1.0; main moves to 1.2.0a1
    assert repo.git("rev-parse", "refs/heads/1.1") == repo.git("rev-parse", "v1.1.0^{commit}")
    for folder in ("manager", "agent", "common"):
        assert 'version = "1.2.0a1"' in repo.read(f"{folder}/pyproject.toml")
    assert 'version = "0.5.1"' in repo.read("client/pyproject.toml")
    repo.git("switch", "-q", "1.1")
    repo.commit("fix: agent leak", {"agent/src/p4_agent/leak.py": "X = 1\n"})
    go(repo, pypiserver, part="patch", publish=False, push=False)
    assert "v1.1.1" in repo.tags()
