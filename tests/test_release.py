"""The whole release against real git, real builds, a real pypiserver and a bare remote."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from nox_release import ReleaseError, Version
from nox_release.adapters.git import Git
from nox_release.adapters.index import read_project
from nox_release.pipeline.journal import Journal, ReleaseLock
from nox_release.pipeline.release import release
from testkit.publish import Index
from testkit.samples import Repo, make_repo

pytestmark = pytest.mark.slow


def release_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The index's credentials, no CI-provided settings, and a GITHUB_OUTPUT file (returned)."""
    monkeypatch.setenv("TWINE_USERNAME", "uploader")
    monkeypatch.setenv("TWINE_PASSWORD", "Corr3ct-h0rse-battery")
    for var in ("TWINE_REPOSITORY", "TWINE_REPOSITORY_URL", "CI"):
        monkeypatch.delenv(var, raising=False)
    out = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    return out


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return release_environment(monkeypatch, tmp_path)


def sample(path: Path, name: str, version: str = "1.2.3", extra: str = "") -> Repo:
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


def run(repo: Repo, index: Index, **kw: object) -> object:
    options: dict[str, object] = dict(
        part="minor",
        publish=True,
        push=True,
        repository=index.url,
        isolation=False,
        no_index=True,
    )
    options.update(kw)
    return release(repo.path, **options)  # type: ignore[arg-type]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def end_state(repo: Repo, index: Index, name: str) -> dict[str, object]:
    """What an observer sees after a release: git, remote, dist/, index, journal."""
    dist = repo.path / "dist"
    local = {
        p.name: digest(p)
        for p in sorted(dist.iterdir())
        if p.is_file() and p.name.endswith((".whl", ".tar.gz"))
    }
    listing = read_project(index.simple, name, retries=0)
    remote = repo.git("ls-remote", "origin").splitlines()
    return {
        "tags": repo.tags(),
        "log": repo.git("log", "--format=%s"),
        "dist": local,
        "sboms": sorted(p.name for p in dist.glob("*.json")),
        "index": {f: i.sha256 for f, i in listing.files.items()},
        "remote": sorted(line.split("\t")[1] for line in remote),
        "remote_head": repo.git("ls-remote", "origin", "refs/heads/main").split("\t")[0],
        "head": repo.head(),
        "journal": Journal.load(Git(repo.path)) is not None,
        "status": repo.status(),
    }


def normalised(state: dict[str, object], name: str) -> str:
    module = name.replace("-", "_")
    shown = {k: v for k, v in state.items() if k not in ("head", "remote_head", "dist", "index")}
    # Two projects' bytes differ (their names do); what must agree is the shape, and that the
    # index holds exactly the bytes built.
    shown["dist"] = sorted(state["dist"])  # type: ignore[call-overload]
    shown["index_is_dist"] = state["index"] == state["dist"]
    shown["remote_at_head"] = state["remote_head"] == state["head"]
    text = json.dumps(shown, sort_keys=True)
    return text.replace(module, "PKG").replace(name, "PKG")


def test_uninterrupted_release(pypiserver: Index, tmp_path: Path, environment: Path) -> None:
    repo = sample(tmp_path / "full", "rel-full")
    lines: list[str] = []
    result = run(repo, pypiserver, log=lines.append)
    state = end_state(repo, pypiserver, "rel-full")
    assert state["tags"] == ["v1.2.3", "v1.3.0"]
    assert str(state["log"]).splitlines()[0] == "chore(release): v1.3.0"
    assert set(state["dist"]) == {"rel_full-1.3.0-py3-none-any.whl", "rel_full-1.3.0.tar.gz"}
    assert state["index"] == state["dist"]  # uploaded, and the bytes are the bytes built
    assert state["sboms"] == ["rel_full-1.3.0.cdx.json", "rel_full-1.3.0.spdx.json"]
    assert "refs/tags/v1.3.0" in state["remote"] and state["remote_head"] == state["head"]
    assert not state["journal"] and state["status"] == ""
    assert result.ran == ("bump", "build", "sbom", "check", "publish", "push")  # type: ignore[attr-defined]
    out = dict(line.split("=", 1) for line in environment.read_text().splitlines())
    assert out["version"] == "1.3.0" and out["tag"] == "v1.3.0" and out["prerelease"] == "false"
    assert sorted(Path(p).name for p in json.loads(out["artifacts"])) == sorted(state["dist"])
    assert out["wheel"].endswith(".whl")
    assert "release 1.3.0 (tag v1.3.0) of rel-full" in "\n".join(lines)


@pytest.fixture(scope="module")
def baseline(
    pypiserver: Index, tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None
) -> str:
    """The normalised end state of one uninterrupted release, made once per module (and worker)."""
    with pytest.MonkeyPatch.context() as mp:
        root = tmp_path_factory.mktemp("baseline")
        release_environment(mp, root)
        baseline_repo = sample(root / "base", "rel-base")
        run(baseline_repo, pypiserver)
        return normalised(end_state(baseline_repo, pypiserver, "rel-base"), "rel-base")


@pytest.mark.parametrize("step", ["bump", "build", "sbom", "check", "publish", "push"])
def test_failure_at_each_step_then_rerun_equals_uninterrupted(
    pypiserver: Index, tmp_path: Path, step: str, baseline: str
) -> None:
    name = f"rel-resume-{step}"
    repo = sample(tmp_path / "resume", name)

    def fail(at: str) -> None:
        if at == step:
            raise RuntimeError(f"injected failure at {at}")

    with pytest.raises((ReleaseError, RuntimeError), match="injected failure") as info:
        run(repo, pypiserver, before_step=fail)
    if step != "bump":
        assert f"stopped at step '{step}'" in str(info.value)
        journal = Journal.load(Git(repo.path))
        assert journal is not None and step not in journal.done
    else:  # the bump rolled back: nothing to resume
        assert Journal.load(Git(repo.path)) is None and repo.tags() == ["v1.2.3"]
    # Run again: continues from the failed step (no second bump, tag or upload).
    # (A different bump is ignored on resume; after a rolled-back bump the run starts afresh.)
    second = run(repo, pypiserver, part="major" if step != "bump" else "minor")
    assert second.resumed is (step != "bump")  # type: ignore[attr-defined]
    assert normalised(end_state(repo, pypiserver, name), name) == baseline


def test_half_uploaded_release_resumes_without_reuploading(
    pypiserver: Index, tmp_path: Path
) -> None:
    """The upload died after the wheel reached the index: the re-run uploads only the sdist."""
    from nox_release.steps.publish import publish

    name = "rel-half"
    repo = sample(tmp_path / "half", name)

    def upload_wheel_then_die(at: str) -> None:
        if at == "publish":
            wheel_only = repo.path / "wheel-only"
            wheel_only.mkdir()
            for p in (repo.path / "dist").glob("*.whl"):
                (wheel_only / p.name).write_bytes(p.read_bytes())
            publish(repo.path, repository=pypiserver.url, dist=wheel_only, yes=True)
            import shutil

            shutil.rmtree(wheel_only)
            raise ConnectionError("connection reset during the sdist upload")

    with pytest.raises(ReleaseError, match="connection reset"):
        run(repo, pypiserver, before_step=upload_wheel_then_die)
    assert len(read_project(pypiserver.simple, name, retries=0).files) == 1
    lines: list[str] = []
    run(repo, pypiserver, log=lines.append)
    text = "\n".join(lines)
    assert "skip" in text and "rel_half-1.3.0.tar.gz" in text
    state = end_state(repo, pypiserver, name)
    assert state["index"] == state["dist"] and len(state["dist"]) == 2  # type: ignore[arg-type]


def test_abort_undoes_the_local_commit_and_tag(pypiserver: Index, tmp_path: Path) -> None:
    repo = sample(tmp_path / "abort", "rel-abort")
    before = repo.snapshot()

    def fail(at: str) -> None:
        if at == "sbom":
            raise RuntimeError("injected")

    with pytest.raises(ReleaseError):
        run(repo, pypiserver, before_step=fail)
    assert "v1.3.0" in repo.tags()
    result = release(repo.path, abort=True)
    assert result.aborted
    after = repo.snapshot()
    # dist/ (ignored build output) stays for inspection; git and every tracked file are as before.
    files = {k: v for k, v in after["files"].items() if not k.startswith("dist/")}  # type: ignore[union-attr]
    assert {**after, "files": files} == before
    assert Journal.load(Git(repo.path)) is None
    release(repo.path, abort=True)  # nothing in progress: says so, changes nothing


def test_abort_is_refused_once_pushed_or_published(pypiserver: Index, tmp_path: Path) -> None:
    repo = sample(tmp_path / "pushed", "rel-pushed")

    def fail(at: str) -> None:
        if at == "push":
            raise RuntimeError("injected")

    with pytest.raises(ReleaseError):
        run(repo, pypiserver, before_step=fail)
    with pytest.raises(ReleaseError, match="already on the package index"):
        release(repo.path, abort=True)
    assert "v1.3.0" in repo.tags()


def test_dry_run_prints_the_whole_plan_and_writes_nothing(
    pypiserver: Index, tmp_path: Path
) -> None:
    repo = sample(tmp_path / "dry", "rel-dry")
    before = repo.snapshot()
    lines: list[str] = []
    result = run(repo, pypiserver, dry_run=True, log=lines.append)
    text = "\n".join(lines)
    assert result.version == Version("1.3.0")  # type: ignore[attr-defined]
    assert '+version = "1.3.0"' in text and "$ git tag -a" in text
    assert "build: rel-dry 1.3.0" in text and "publish: to http://127.0.0.1" in text
    assert "$ git push --atomic origin refs/heads/main refs/tags/v1.3.0" in text
    assert "steps: bump -> build -> sbom -> check -> publish -> push" in text
    assert repo.snapshot() == before


def test_version_already_on_the_index_is_refused_before_any_write(
    pypiserver: Index, tmp_path: Path
) -> None:
    first = sample(tmp_path / "first", "rel-clash")
    run(first, pypiserver, push=False)
    again = sample(tmp_path / "again", "rel-clash")  # same project, not knowing 1.3.0 is out
    before = again.snapshot()
    with pytest.raises(ReleaseError, match=r"rel-clash 1\.3\.0 is already on"):
        run(again, pypiserver)
    assert again.snapshot() == before


def test_push_needs_a_remote_checked_before_any_write(pypiserver: Index, tmp_path: Path) -> None:
    repo = sample(tmp_path / "noremote", "rel-noremote")
    repo.git("remote", "remove", "origin")
    before = repo.snapshot()
    with pytest.raises(ReleaseError, match="--push needs the remote 'origin'"):
        run(repo, pypiserver, publish=False)
    assert repo.snapshot() == before


def test_push_is_atomic(pypiserver: Index, tmp_path: Path) -> None:
    """A remote that rejects the branch update gets neither the branch nor the tag."""
    repo = sample(tmp_path / "atomic", "rel-atomic")
    other = Repo(tmp_path / "other")
    Repo(tmp_path).git("clone", "-q", str(tmp_path / "atomic-remote.git"), str(other.path))
    other.commit("fix: someone else pushed first")
    other.git("push", "-q", "origin", "main")
    with pytest.raises(ReleaseError, match="stopped at step 'push'"):
        run(repo, pypiserver, publish=False)
    remote = repo.git("ls-remote", "origin")
    assert "refs/tags/v1.3.0" not in remote  # not the tag without the branch


def test_second_release_waits_for_the_lock(pypiserver: Index, tmp_path: Path) -> None:
    repo = sample(tmp_path / "locked", "rel-locked")
    before = repo.snapshot()
    with (
        ReleaseLock(Git(repo.path)),
        pytest.raises(ReleaseError, match="another release is running"),
    ):
        run(repo, pypiserver)
    assert repo.snapshot() == before


def test_prerelease_output(pypiserver: Index, tmp_path: Path, environment: Path) -> None:
    repo = sample(tmp_path / "pre", "rel-pre")
    run(repo, pypiserver, pre="rc", publish=False, push=False)
    out = dict(line.split("=", 1) for line in environment.read_text().splitlines())
    assert out["version"] == "1.3.0rc1" and out["prerelease"] == "true"


def test_lockstep_packages(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "mono",
        pyproject=('[tool.nox-release]\npackages = ["manager", "agent"]\n'),
        files={
            f"{pkg}/pyproject.toml": (
                '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
                f'[project]\nname = "mono-{pkg}"\nversion = "2.0.0"\nreadme = "README.md"\n'
            )
            for pkg in ("manager", "agent")
        }
        | {f"{pkg}/README.md": f"# {pkg}\n" for pkg in ("manager", "agent")}
        | {f"{pkg}/src/mono_{pkg}/__init__.py": "" for pkg in ("manager", "agent")},
    )
    root.tag("v2.0.0")
    root.commit("fix: shared fix")
    result = release(root.path, part="patch", isolation=False, no_index=True)
    assert result.tag == "v2.0.1" and root.tags() == ["v2.0.0", "v2.0.1"]
    changed = root.git("show", "--name-only", "--format=", "HEAD").splitlines()
    assert "manager/pyproject.toml" in changed and "agent/pyproject.toml" in changed
    for pkg in ("manager", "agent"):
        assert 'version = "2.0.1"' in root.read(f"{pkg}/pyproject.toml")
        names = sorted(p.name for p in (root.path / pkg / "dist").iterdir() if p.is_file())
        assert f"mono_{pkg}-2.0.1.tar.gz" in names and f"mono_{pkg}-2.0.1.cdx.json" in names
    # Drift between packages is an error that lists each.
    root.commit(
        "chore: drift",
        {"agent/pyproject.toml": root.read("agent/pyproject.toml").replace('"2.0.1"', '"2.0.5"')},
    )
    with pytest.raises(
        ReleaseError, match=r"manager/pyproject.toml.*'2\.0\.1'.*agent/pyproject.toml.*'2\.0\.5'"
    ):
        release(root.path, part="patch", isolation=False, no_index=True)


def test_crash_between_the_release_commit_and_the_journal_is_recognised(
    pypiserver: Index, tmp_path: Path
) -> None:
    """A kill after the tag but before the journal marked the bump: the re-run resumes."""
    repo = sample(tmp_path / "crash", "rel-crash")

    def fail(at: str) -> None:
        if at == "build":
            raise RuntimeError("injected")

    with pytest.raises(ReleaseError):
        run(repo, pypiserver, publish=False, push=False, before_step=fail)
    git = Git(repo.path)
    journal = Journal.load(git)
    assert journal is not None
    journal.done = []  # as if the process died right after `git tag`
    journal.save(git)
    result = run(repo, pypiserver, publish=False, push=False)
    assert result.resumed and result.ran == ("build", "sbom", "check")  # type: ignore[attr-defined]
    assert repo.tags() == ["v1.2.3", "v1.3.0"]  # no second bump


def test_abort_refuses_when_files_reached_the_index(pypiserver: Index, tmp_path: Path) -> None:
    """The upload half-happened (publish not marked done): abort checks the index first."""
    from nox_release.steps.publish import publish

    repo = sample(tmp_path / "halfabort", "rel-halfabort")

    def upload_then_die(at: str) -> None:
        if at == "publish":
            publish(repo.path, repository=pypiserver.url, yes=True)
            raise ConnectionError("died after the upload")

    with pytest.raises(ReleaseError):
        run(repo, pypiserver, before_step=upload_then_die)
    with pytest.raises(ReleaseError, match="already on the package index"):
        release(repo.path, abort=True)
    assert "v1.3.0" in repo.tags()


def test_abort_refuses_to_drop_later_commits(pypiserver: Index, tmp_path: Path) -> None:
    repo = sample(tmp_path / "later", "rel-later")

    def fail(at: str) -> None:
        if at == "build":
            raise RuntimeError("injected")

    with pytest.raises(ReleaseError):
        run(repo, pypiserver, publish=False, push=False, before_step=fail)
    repo.commit("fix: work on top of the release commit")
    with pytest.raises(ReleaseError, match="has commits after the release commit"):
        release(repo.path, abort=True)
    assert "v1.3.0" in repo.tags() and Journal.load(Git(repo.path)) is not None


def test_credentials_in_the_repository_url_never_reach_the_journal_or_log(
    pypiserver: Index, tmp_path: Path
) -> None:
    repo = sample(tmp_path / "secret", "rel-secret")
    url = pypiserver.url_with("uploader", "Corr3ct-h0rse-battery")
    lines: list[str] = []
    run(repo, pypiserver, repository=url, dry_run=True, log=lines.append)

    def fail(at: str) -> None:
        if at == "publish":
            raise RuntimeError("injected")

    with pytest.raises(ReleaseError):
        run(repo, pypiserver, repository=url, log=lines.append, before_step=fail)
    journal_text = (Git(repo.path).git_dir() / "nox-release" / "journal.json").read_text()
    assert "Corr3ct-h0rse-battery" not in journal_text + "\n".join(lines)
