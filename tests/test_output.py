"""What the sessions print, read as a maintainer reads it: a real ``nox`` in sample projects.

Success says what each step did, "nothing to do" is a success with a message, a failure is one
sentence with one final period and no traceback, ``--help`` is printed once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nox_release import VersionError
from nox_release.adapters.progress import progress, progress_only
from nox_release.core.output import command_name, human_size, sentence, tool_tail
from nox_release.core.version import Version
from nox_release.sessions import SESSIONS
from testkit.gitenv import isolated_environ
from testkit.publish import PASSWORD, USERNAME, Index
from testkit.samples import Repo, make_repo, make_sample

NOXFILE = "import nox_release\n\nnox_release.register()\n"


def nox(
    path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_OUTPUT")}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "nox", "--no-color", *args],
        cwd=path, env=full, capture_output=True, text=True, check=False,
    )


def readable(result: subprocess.CompletedProcess[str]) -> str:
    """The whole output, checked for what a reader should never see."""
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    assert "usage: usage:" not in out
    assert not [line for line in out.splitlines() if re.search(r"[^.]\.\.\s*$", line)]
    return out


def failure(result: subprocess.CompletedProcess[str]) -> str:
    """The one sentence a failed session ends with (one line, one final period)."""
    readable(result)
    assert result.returncode != 0
    last = result.stderr.rstrip("\n").splitlines()[-1]
    assert " aborted: " in last or " failed: " in last, result.stderr
    assert last.endswith(".") and not last.endswith("..")
    return last


def success(result: subprocess.CompletedProcess[str]) -> str:
    out = readable(result)
    assert result.returncode == 0, result.stderr
    assert "was successful" in result.stderr
    assert not re.search(r"Session \S+ skipped", result.stderr)
    return out


# -- the pure formatter ---------------------------------------------------------------------


def test_sentence_has_no_final_period_and_one_line() -> None:
    assert sentence("commit or stash them first.") == "commit or stash them first"
    assert sentence("a failed:\n  last line.\n") == "a failed: last line"


def test_tool_tail_keeps_the_exception_not_the_traceback() -> None:
    output = (
        "Uploading distributions to https://upload.pypi.org/legacy/\n"
        "WARNING  Retrying (Retry(total=9, connect=4)) after connection broken\n"
        "Traceback (most recent call last):\n"
        '  File "/x/twine/__main__.py", line 33, in main\n'
        "    error = cli.dispatch(sys.argv[1:])\n"
        "            ^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "socket.gaierror: [Errno -2] Name or service not known\n\n"
        "The above exception was the direct cause of the following exception:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/x/requests/adapters.py", line 1, in send\n'
        "requests.exceptions.ConnectionError: Max retries exceeded\n"
    )
    tail = tool_tail(output)
    assert tail == (
        "Uploading distributions to https://upload.pypi.org/legacy/ | "
        "socket.gaierror: [Errno -2] Name or service not known | "
        "requests.exceptions.ConnectionError: Max retries exceeded"
    )
    assert tool_tail("") == "no output"


def test_command_names_and_sizes() -> None:
    assert command_name(["/venv/bin/uv", "build", "--sdist", "/tmp/p"]) == "uv build"
    assert command_name(["/venv/bin/python", "-m", "twine", "--no-color", "check"]) == (
        "python -m twine"
    )
    assert [human_size(n) for n in (999, 1000, 1_234_567)] == ["999 B", "1.0 kB", "1.2 MB"]


def test_version_advice_names_one_form_when_both_agree() -> None:
    with pytest.raises(VersionError) as same:
        Version.parse("v0.6.0")
    assert str(same.value).count("'0.6.0'") == 2  # "reads it as '0.6.0', so write '0.6.0'"
    assert "(SemVer)" not in str(same.value)
    with pytest.raises(VersionError) as differ:
        Version.parse("1.2.0-RC1")
    assert "'1.2.0rc1' (PEP 440) or '1.2.0-rc.1' (SemVer)" in str(differ.value)


def test_progress_says_a_long_command_still_runs() -> None:
    lines: list[str] = []
    said = threading.Event()

    def log(line: str) -> None:
        lines.append(line)
        said.set()

    with progress("uv build", log, first=0, every=0.05, terminal=False):
        assert said.wait(30)
    assert re.fullmatch(r"uv build: still running \(\d+ s\)", lines[0])


def test_progress_only_passes_progress_and_warnings() -> None:
    lines: list[str] = []
    log = progress_only(lines.append)
    for message in ("$ git commit -m x", "git-cliff: still running (7 s)", "warning: offline"):
        log(message)
    assert lines == ["git-cliff: still running (7 s)", "warning: offline"]


def test_a_quick_command_says_nothing_more() -> None:
    lines: list[str] = []
    with progress("git", lines.append, first=60, terminal=False):
        pass
    assert lines == []


# -- sessions outside a repository, before the first commit ----------------------------------

NO_REPO = ["release-check", "release-bump-auto", "changelog -- --preview", "release", "build"]


@pytest.fixture(scope="module")
def folders(
    tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None
) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("folders")
    plain = make_repo(root / "plain", files={"noxfile.py": NOXFILE}).path
    nogit, nocommit = root / "nogit", root / "nocommit"
    for folder in (nogit, nocommit):
        folder.mkdir()
        for name in ("pyproject.toml", "noxfile.py"):
            (folder / name).write_text((plain / name).read_text())
    subprocess.run(["git", "init", "-q", str(nocommit)], check=True)
    return {"nogit": nogit, "nocommit": nocommit}


@pytest.mark.parametrize("session", NO_REPO)
@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("nogit", "is not inside a git repository: run 'git init' and commit first"),
        ("nocommit", "has no commit yet: commit "),
    ],
)
def test_outside_a_repository_one_sentence(
    folders: dict[str, Path], session: str, folder: str, expected: str
) -> None:
    last = failure(nox(folders[folder], "-s", *session.split()))
    assert expected in last
    assert "fatal:" not in last and "failed in" not in last


# -- help and argument errors ---------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, isolated_git_session: None) -> Repo:
    return make_repo(
        tmp_path_factory.mktemp("project") / "p",
        files={"noxfile.py": NOXFILE},
        extra="[tool.nox-release]\nchangelog = false\n",
    )


@pytest.mark.parametrize("name", [spec.name for spec in SESSIONS])
def test_help_is_printed_once_and_succeeds(project: Repo, name: str) -> None:
    out = success(nox(project.path, "-s", name, "--", "--help"))
    assert out.count(f"usage: nox -s {name} --") == 1
    assert out.count("show this help message and exit") == 1


def test_an_argument_error_is_one_sentence(project: Repo) -> None:
    last = failure(nox(project.path, "-s", "release", "--", "--sideways"))
    assert "unrecognized arguments: --sideways" in last
    assert "(usage: nox -s release -- [-h]" in last


def test_a_failure_ends_in_one_period(project: Repo) -> None:
    project.write("pyproject.toml", project.read("pyproject.toml") + "# edit\n")
    try:
        last = failure(nox(project.path, "-s", "release-bump-patch"))
    finally:
        project.git("checkout", "pyproject.toml")
    assert "commit or stash them first" in last


# -- success and nothing to do --------------------------------------------------------------


@pytest.fixture
def released(tmp_path: Path) -> Repo:
    """A project at its release tag, with no commit since."""
    repo = make_repo(tmp_path / "r", files={"noxfile.py": NOXFILE})
    repo.tag("v1.2.3")
    return repo


@pytest.mark.parametrize(
    ("session", "expected"),
    [
        ("release", "nothing to release"),
        ("release-bump-auto", "nothing to release"),
        ("changelog -- --preview", "nothing to preview"),
    ],
)
def test_nothing_to_do_is_a_success_with_a_message(
    released: Repo, session: str, expected: str
) -> None:
    before = released.snapshot()
    out = success(nox(released.path, "-s", *session.split()))
    assert expected in out
    assert released.snapshot() == before


def test_a_bump_says_old_new_files_tag_and_how_to_push(released: Repo) -> None:
    released.commit("fix: a fix", {"fix.txt": "x\n"})
    out = success(nox(released.path, "-s", "release-bump-patch"))
    assert re.search(
        r"released sample 1\.2\.3 -> 1\.2\.4: 2 files changed \(pyproject\.toml, CHANGELOG\.md\), "
        r"commit [0-9a-f]{12}, tag v1\.2\.4",
        out,
    )
    push = "git push --atomic origin refs/heads/main refs/tags/v1.2.4"
    assert f"not pushed: to push, run '{push}'" in out


def test_a_build_failure_is_summarised_and_verbose_shows_all(tmp_path: Path) -> None:
    repo = make_sample(tmp_path / "broken", build_backend="no_such_backend")
    repo.commit("chore: noxfile", {"noxfile.py": NOXFILE})
    last = failure(nox(repo.path, "-s", "build", "--", "--no-isolation"))
    assert re.search(r"(uv build|python -m build) failed \(exit code \d+\): ", last)
    assert "no_such_backend" in last
    verbose = nox(repo.path, "--verbose", "-s", "build", "--", "--no-isolation")
    assert verbose.returncode != 0
    assert len(verbose.stderr.splitlines()) > len(last.splitlines()) + 3  # the whole output


# -- the whole release, and publish without credentials --------------------------------------


def sample(path: Path) -> Repo:
    repo = make_repo(
        path, name="out-rel",
        extra='readme = "README.md"\n',
        files={"noxfile.py": NOXFILE, "src/out_rel/__init__.py": '__version__ = "1.2.3"\n',
               "README.md": "# out-rel\n\nA sample release.\n"},
    )
    repo.tag("v1.2.3")
    repo.commit("feat: a feature", {"src/out_rel/feature.py": "X = 1\n"})
    return repo


@pytest.fixture
def credentials(pypiserver: Index) -> Iterator[dict[str, str]]:
    yield {"TWINE_USERNAME": USERNAME, "TWINE_PASSWORD": PASSWORD}


@pytest.mark.slow
def test_release_prints_its_summary(
    tmp_path: Path, pypiserver: Index, credentials: dict[str, str]
) -> None:
    repo = sample(tmp_path / "out-rel")
    args = ["-s", "release", "--", "--publish", "--repository", pypiserver.url,
            "--no-isolation", "--no-index"]
    out = success(nox(repo.path, *args, env=credentials))
    summary = out[out.index("release out-rel 1.2.3 -> 1.3.0 (tag v1.3.0)"):].splitlines()
    rows = {line.split()[0]: line for line in summary[1:9] if line.startswith("  ") and
            line.split()[0] in ("bump", "build", "sbom", "check", "publish", "push")}
    assert set(rows) == {"bump", "build", "sbom", "check", "publish", "push"}
    assert "done now" in rows["bump"] and "3 files changed" in rows["bump"]
    assert re.search(r"out_rel-1\.3\.0-py3-none-any\.whl +[\d.]+ k?B +sha256:[0-9a-f]{12}",
                     rows["build"])
    assert re.search(r"out_rel-1\.3\.0\.cdx\.json: \d+ components?", rows["sbom"])
    assert "2 sent, 0 skipped (already there), verified" in rows["publish"]
    assert "not pushed" in rows["push"]
    assert "to push: git push --atomic origin refs/heads/main refs/tags/v1.3.0" in rows["push"]
    assert len(summary) < 24  # fits on one screen (with nox's closing line)
    again = success(nox(repo.path, *args, env=credentials))
    assert "nothing to release" in again


@pytest.mark.slow
def test_publish_to_pypi_without_credentials_says_so(
    tmp_path: Path, pypiserver: Index
) -> None:
    repo = make_sample(tmp_path / "nocred", name="out-nocred")
    repo.commit("chore: noxfile", {"noxfile.py": NOXFILE})
    success(nox(repo.path, "-s", "build", "--", "--no-isolation"))
    home = tmp_path / "home"
    env = isolated_environ(home)  # no ~/.pypirc, no keyring configuration
    for var in ("TWINE_USERNAME", "TWINE_PASSWORD", "TWINE_REPOSITORY_URL", "CI"):
        env.pop(var, None)
    # No network: twine's trusted-publishing request to PyPI goes to a closed port.
    env |= {"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1", "PYTHONPATH":
            os.environ.get("PYTHONPATH", "")}
    result = subprocess.run(
        [sys.executable, "-m", "nox", "--no-color", "-s", "publish", "--", "--repository",
         "pypi", "--index-url", pypiserver.simple, "--allow-untagged", "--yes"],
        cwd=repo.path, env=env, capture_output=True, text=True, check=False,
    )
    last = failure(result)
    assert "twine found no usable credentials for pypi" in last
    assert "TWINE_USERNAME/TWINE_PASSWORD" in last
    assert "retrying" not in result.stderr


def test_the_readme_shows_a_release_in_the_current_format() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("## What it prints"):readme.index("## Configuration")]
    assert "nox > release acme-widgets 0.4.1 -> 0.5.0 (tag v0.5.0)" in section
    for row in ("  bump     done now     3 files changed, commit ",
                "  push     not pushed   to push: git push --atomic origin refs/heads/main",
                "nox > nothing to release: "):
        assert row in section


@pytest.mark.slow
def test_artifact_sessions_say_what_they_made_and_sent(
    tmp_path: Path, pypiserver: Index, credentials: dict[str, str]
) -> None:
    repo = make_sample(tmp_path / "arts", name="out-arts")
    repo.commit("chore: noxfile", {"noxfile.py": NOXFILE})
    built = success(nox(repo.path, "-s", "build", "--", "--no-isolation"))
    for name in ("out_arts-1.2.3-py3-none-any.whl", "out_arts-1.2.3.tar.gz"):
        assert re.search(rf"built dist/{re.escape(name)}  [\d.]+ k?B  sha256:[0-9a-f]{{12}}", built)
    sbom = success(nox(repo.path, "-s", "sbom", "--", "--no-index"))
    assert re.search(r"wrote dist/out_arts-1\.2\.3\.cdx\.json and .*: \d+ component", sbom)
    checked = success(nox(repo.path, "-s", "twine-check"))
    assert "2 artifact(s) of out-arts 1.2.3 (no release tag on HEAD)" in checked
    publish = ["-s", "publish", "--", "--repository", pypiserver.url, "--allow-untagged", "--yes"]
    sent = success(nox(repo.path, *publish, env=credentials))
    assert "2 uploaded, 0 already there; all verified on the index" in sent
    again = success(nox(repo.path, *publish, env=credentials))  # nothing to do: a success
    assert "nothing to upload: every file is already on the index" in again
