"""The publish step against a real pypiserver (htpasswd auth) on 127.0.0.1, with real twine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nox_release import PublishError, ReleaseError, publish
from nox_release._errors import IndexReadError
from nox_release.adapters.credentials import redact_url
from nox_release.adapters.index import IndexFile, file_sha256, parse_html, read_project
from nox_release.adapters.runner import tool
from nox_release.adapters.targets import resolve_target, simple_url_for
from nox_release.steps.publish import _twine_failure
from testkit.publish import (
    FlakyIndex,
    Index,
    artifacts,
    build,
    free_port,
    raw_http,
    release,
    sha256,
)

pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The right credentials by default, and no CI-provided ones leaking in."""
    monkeypatch.setenv("TWINE_USERNAME", "uploader")
    monkeypatch.setenv("TWINE_PASSWORD", "Corr3ct-h0rse-battery")
    for var in ("TWINE_REPOSITORY", "TWINE_REPOSITORY_URL", "TWINE_CERT", "CI"):
        monkeypatch.delenv(var, raising=False)


def listed(index: Index, name: str) -> dict[str, str | None]:
    listing = read_project(index.simple, name, retries=0)
    return {f: i.sha256 for f, i in listing.files.items()}


def test_first_upload_then_second_run_uploads_nothing(pypiserver: Index, tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-alpha")
    dist = artifacts(repo)
    lines: list[str] = []

    first = publish(repo.path, repository=pypiserver.url, yes=True, log=lines.append, backoff=0)

    assert sorted(first.uploaded) == [p.name for p in dist]
    assert first.skipped == ()
    assert listed(pypiserver, "pub-alpha") == {p.name: sha256(p) for p in dist}
    for p in dist:  # the bytes on the server are the bytes built
        assert (pypiserver.packages / p.name).read_bytes() == p.read_bytes()
    assert any("twine" in line and "--non-interactive" in line for line in lines)

    lines.clear()
    second = publish(repo.path, repository=pypiserver.url, yes=True, log=lines.append, backoff=0)

    assert second.uploaded == ()
    assert sorted(second.skipped) == [p.name for p in dist]
    assert not any("twine" in line for line in lines)  # nothing sent
    assert "nothing to upload" in "\n".join(lines)


def test_published_package_installs_with_pip(pypiserver: Index, tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-pip", "2.1.0")
    repo.git("checkout", "-q", "--detach", "v2.1.0")  # as CI checks out a pushed tag
    publish(repo.path, repository=pypiserver.url, yes=True, backoff=0)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--no-deps",
            "--index-url",
            pypiserver.simple,
            "pub-pip==2.1.0",
        ],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            "import importlib.metadata as m, pub_pip; "
            "print(pub_pip.__version__, m.version('pub-pip'))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out == ["2.1.0", "2.1.0"]


def test_rebuilt_artifact_with_a_different_hash_is_refused(
    pypiserver: Index, tmp_path: Path
) -> None:
    repo = release(tmp_path / "p", "pub-beta", tag=False)
    publish(repo.path, repository=pypiserver.url, allow_untagged=True, yes=True, backoff=0)
    before = {p.name: p.read_bytes() for p in pypiserver.packages.glob("pub_beta-*")}
    assert len(before) == 2

    repo.commit(
        "fix: change the code", {"src/pub_beta/__init__.py": '__version__ = "1.0.0"\nX = 1\n'}
    )
    rebuilt = build(repo)
    assert {sha256(p) for p in rebuilt}.isdisjoint(
        sha256(pypiserver.packages / p.name) for p in rebuilt
    )
    lines: list[str] = []
    with pytest.raises(PublishError, match="already holds a different file") as err:
        publish(
            repo.path,
            repository=pypiserver.url,
            allow_untagged=True,
            yes=True,
            log=lines.append,
            backoff=0,
        )

    assert "nothing was overwritten" in str(err.value)
    assert {p.name: p.read_bytes() for p in pypiserver.packages.glob("pub_beta-*")} == before
    assert not any("twine" in line for line in lines)


@pytest.mark.parametrize("where", ["environment", "url"])
def test_wrong_password_is_explained_and_never_shown(
    pypiserver: Index,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    where: str,
) -> None:
    secret = "wr0ng-S3cret-pw-7f3a"
    name = f"pub-gamma-{where}"
    repo = release(tmp_path / "p", name)
    repository = pypiserver.url
    if where == "environment":
        monkeypatch.setenv("TWINE_PASSWORD", secret)
    else:
        monkeypatch.delenv("TWINE_USERNAME")
        monkeypatch.delenv("TWINE_PASSWORD")
        repository = pypiserver.url_with("uploader", secret)
    lines: list[str] = []

    with pytest.raises(PublishError, match="refused the credentials") as err:
        publish(repo.path, repository=repository, yes=True, log=lines.append, backoff=0)

    captured = capfd.readouterr()
    message = str(err.value)
    assert "HTTP 403" in message and "TWINE_PASSWORD" in message
    everything = "\n".join([message, *lines, captured.out, captured.err, repr(err.value)])
    assert "twine" in everything  # the command was logged ...
    assert secret not in everything  # ... but never the password
    assert listed(pypiserver, name) == {}  # and nothing arrived


def test_missing_credentials_never_prompt(
    pypiserver: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = release(tmp_path / "p", "pub-nocreds")
    monkeypatch.delenv("TWINE_USERNAME")
    monkeypatch.delenv("TWINE_PASSWORD")
    with pytest.raises(PublishError, match=r"no usable credentials .*Credential not found"):
        publish(repo.path, repository=pypiserver.url, yes=True, backoff=0)
    assert listed(pypiserver, "pub-nocreds") == {}


def test_server_down_fails_clearly_before_anything_is_sent(tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-down")
    port = free_port()  # nothing listens there
    lines: list[str] = []
    before = {p.name: p.read_bytes() for p in artifacts(repo)}

    with pytest.raises(ReleaseError, match=r"could not read .* after 2 attempt\(s\)") as err:
        publish(
            repo.path,
            repository=f"http://127.0.0.1:{port}/",
            yes=True,
            log=lines.append,
            retries=1,
            backoff=0,
        )

    assert "Connection refused" in str(err.value) or "refused" in str(err.value).lower()
    assert any("retrying" in line for line in lines)  # the transient failure was retried once
    assert not any("twine" in line for line in lines)  # no upload was even attempted
    assert {p.name: p.read_bytes() for p in artifacts(repo)} == before


def test_untagged_publish_is_refused_and_allowed_explicitly(
    pypiserver: Index, tmp_path: Path
) -> None:
    repo = release(tmp_path / "p", "pub-delta", tag=False)

    with pytest.raises(ReleaseError, match="no release tag"):
        publish(repo.path, repository=pypiserver.url, yes=True, backoff=0)
    assert listed(pypiserver, "pub-delta") == {}

    result = publish(repo.path, repository=pypiserver.url, allow_untagged=True, yes=True, backoff=0)
    assert len(result.uploaded) == 2
    assert len(listed(pypiserver, "pub-delta")) == 2


def test_dirty_tree_is_refused(pypiserver: Index, tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-dirty")
    repo.write("src/pub_dirty/__init__.py", '__version__ = "1.0.0"\nEDITED = True\n')
    with pytest.raises(ReleaseError, match="uncommitted changes"):
        publish(repo.path, repository=pypiserver.url, yes=True, backoff=0)


def test_dry_run_sends_nothing_and_attestations_are_passed_on(
    pypiserver: Index, tmp_path: Path
) -> None:
    repo = release(tmp_path / "p", "pub-eps")
    dist = artifacts(repo)
    for p in dist:
        (p.parent / f"{p.name}.publish.attestation").write_text("{}")
    lines: list[str] = []

    dry = publish(repo.path, repository=pypiserver.url, dry_run=True, log=lines.append)

    out = "\n".join(lines)
    assert not dry.applied and dry.uploaded == ()
    assert f"upload to: {pypiserver.url}" in out and "dry run: nothing was sent" in out
    for p in dist:
        assert f"upload: {p.name}  sha256:{sha256(p)}" in out
        assert f"with attestation {p.name}.publish.attestation" in out
    assert listed(pypiserver, "pub-eps") == {}

    lines.clear()
    publish(repo.path, repository=pypiserver.url, yes=True, log=lines.append, backoff=0)
    command = next(line for line in lines if "twine" in line and " upload " in line)
    assert "--attestations" in command and ".publish.attestation" in command
    assert len(listed(pypiserver, "pub-eps")) == 2


def test_interactive_confirmation_shows_target_and_declining_sends_nothing(
    pypiserver: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = release(tmp_path / "p", "pub-ask")
    import nox_release.steps.publish as step

    questions: list[str] = []
    lines: list[str] = []
    real_interactive = step._interactive
    monkeypatch.setattr(step, "_interactive", lambda: True)

    def decline(question: str) -> bool:
        questions.append(question)
        return False

    with pytest.raises(PublishError, match="not confirmed"):
        publish(repo.path, repository=pypiserver.url, confirm=decline, log=lines.append)
    assert questions == [f"Upload 2 file(s) to {pypiserver.url}? [y/N] "]
    assert "upload: pub_ask-1.0.0.tar.gz" in "\n".join(lines)  # the files were shown first
    assert listed(pypiserver, "pub-ask") == {}

    monkeypatch.setattr(step, "_interactive", real_interactive)
    monkeypatch.setenv("CI", "true")  # the real check: CI never prompts
    result = publish(repo.path, repository=pypiserver.url, confirm=decline, backoff=0)
    assert len(result.uploaded) == 2 and len(questions) == 1


def test_transient_upload_failure_is_retried_and_verified(
    flaky_index: FlakyIndex, tmp_path: Path
) -> None:
    repo = release(tmp_path / "p", "pub-flaky")
    dist = artifacts(repo)
    flaky_index.project = "pub-flaky"
    flaky_index.files = {p.name: sha256(p) for p in dist}
    # twine itself re-posts a 5xx answer up to 5 times at once; the 6th answer succeeds, so it
    # is publish's own retry (after re-reading the index) that gets the files through.
    flaky_index.failures = 5
    lines: list[str] = []

    result = publish(repo.path, repository=flaky_index.url, yes=True, log=lines.append, backoff=0)

    assert sorted(result.uploaded) == [p.name for p in dist]
    assert flaky_index.uploaded == {p.name for p in dist}
    assert any("failed (HTTP 503" in line and "retrying" in line for line in lines)
    assert "all verified on the index" in lines[-1]


def test_persistent_5xx_gives_up_after_the_retries(flaky_index: FlakyIndex, tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-fail")
    flaky_index.project = "pub-fail"
    flaky_index.files = {p.name: sha256(p) for p in artifacts(repo)}
    flaky_index.failures = 100
    with pytest.raises(PublishError, match=r"failed after 3 attempt\(s\) \(HTTP 503"):
        publish(repo.path, repository=flaky_index.url, yes=True, retries=2, backoff=0)
    # bounded: 3 twine runs (retries=2), each re-posting at most 5 times by itself
    assert 3 <= flaky_index.posts <= 15
    assert flaky_index.uploaded == set()


def test_session_runs_under_nox(pypiserver: Index, tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-nox", tag=False)
    (repo.path / "noxfile.py").write_text("import nox_release\nnox_release.register()\n")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    base = [sys.executable, "-m", "nox", "--no-venv", "-s", "publish", "--"]

    refused = subprocess.run(
        [*base, "--repository", pypiserver.url, "--dry-run"],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "no release tag" in refused.stderr and "Traceback" not in refused.stderr

    ok = subprocess.run(
        [*base, "--repository", pypiserver.url, "--dry-run", "--allow-untagged"],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "dry run: nothing was sent" in ok.stderr
    assert listed(pypiserver, "pub-nox") == {}


# -- the index adapter and the target, without a server ------------------------------------------


def test_simple_urls_and_redaction() -> None:
    assert simple_url_for("https://upload.pypi.org/legacy/") == "https://pypi.org/simple/"
    assert simple_url_for("https://test.pypi.org/legacy/") == "https://test.pypi.org/simple/"
    assert simple_url_for("http://u:p@127.0.0.1:8080") == "http://127.0.0.1:8080/simple/"
    assert simple_url_for("https://nexus.example/repository/py/legacy/") == (
        "https://nexus.example/repository/py/simple/"
    )
    assert redact_url("https://u:s3cr%40t@host/x/") == "https://***@host/x/"


def test_resolve_target_keeps_secrets_out_of_arguments(tmp_path: Path) -> None:
    pypirc = tmp_path / ".pypirc"
    pypirc.write_text(
        "[distutils]\nindex-servers =\n    private\n\n"
        "[private]\nrepository = https://index.example/legacy/\nusername = bob\npassword = p@ss!\n"
    )
    target = resolve_target("private", environ={"TWINE_REPOSITORY_URL": "x"}, pypirc=pypirc)
    assert target.twine_args == ("--repository", "private")
    assert target.twine_env["TWINE_REPOSITORY_URL"] == ""  # cannot redirect the upload
    assert target.simple_url == "https://index.example/simple/"
    assert target.read_credentials is not None and target.read_credentials.username == "bob"
    assert "p@ss!" in target.secrets and "p%40ss%21" in target.secrets
    assert "p@ss" not in repr(target)

    url = resolve_target("https://me:t0k%2Fen@host.example/", environ={})
    assert url.twine_args == ("--repository-url", "https://host.example/")
    assert url.twine_env["TWINE_PASSWORD"] == "t0k/en" and "t0k/en" in url.secrets

    pypi = resolve_target("pypi", environ={"TWINE_PASSWORD": "pypi-abc"}, pypirc=pypirc)
    assert pypi.upload_url == "https://upload.pypi.org/legacy/"
    assert pypi.read_credentials is None  # PyPI's simple API is public: no token sent there
    none = resolve_target("pypi", environ={}, pypirc=tmp_path / "absent")
    assert "TWINE_USERNAME" not in none.twine_env and "TWINE_PASSWORD" not in none.twine_env

    with pytest.raises(PublishError, match="'nowhere' is not listed"):
        resolve_target("nowhere", environ={}, pypirc=pypirc)


def test_html_parsing_and_hashing_without_a_listed_hash(pypiserver: Index, tmp_path: Path) -> None:
    page = (
        '<html><head><base href="https://files.example/root/"></head><body>'
        '<a href="a/x-1.0.tar.gz#sha256=ABCDEF">x-1.0.tar.gz</a>'
        '<a href="x-1.0-py3-none-any.whl#md5=00">x-1.0-py3-none-any.whl</a></body></html>'
    )
    files = parse_html(page, "https://index.example/simple/x/")
    assert files["x-1.0.tar.gz"] == IndexFile(
        "x-1.0.tar.gz", "https://files.example/root/a/x-1.0.tar.gz", "abcdef"
    )
    assert files["x-1.0-py3-none-any.whl"].sha256 is None

    repo = release(tmp_path / "p", "pub-hash")
    served = next((repo.path / "dist").glob("*.whl"))
    (pypiserver.packages / served.name).write_bytes(served.read_bytes())
    unhashed = IndexFile(served.name, f"{pypiserver.url}packages/{served.name}", None)
    assert file_sha256(unhashed, retries=0) == sha256(served)


def test_index_reads_retry_5xx_and_read_pep691_json(flaky_index: FlakyIndex) -> None:
    flaky_index.project = "thing"
    flaky_index.files = {"thing-1.0.tar.gz": "ab" * 32}
    flaky_index.uploaded = {"thing-1.0.tar.gz"}
    flaky_index.get_failures = 2
    lines: list[str] = []
    listing = read_project(flaky_index.simple, "Thing", retries=2, backoff=0, log=lines.append)
    assert listing.format == "json" and listing.found
    assert listing.files["thing-1.0.tar.gz"].sha256 == "ab" * 32
    assert listing.files["thing-1.0.tar.gz"].url == f"{flaky_index.url}files/thing-1.0.tar.gz"
    assert len(lines) == 2 and all("503" in line for line in lines)


def test_twine_connection_errors_are_transient(tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-conn")
    wheel = next((repo.path / "dist").glob("*.whl"))
    proc = subprocess.run(
        [
            tool("twine"),
            "--no-color",
            "upload",
            "--non-interactive",
            "--disable-progress-bar",
            "--repository-url",
            f"http://127.0.0.1:{free_port()}/",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "TWINE_USERNAME": "u", "TWINE_PASSWORD": "p"},
    )
    assert proc.returncode != 0
    kind, status, _reason = _twine_failure(proc.stdout + proc.stderr)
    assert (kind, status) == ("transient", None)


# -- review fixes: index URLs without a scheme, answers that are not HTTP, tokens as the user ----


def test_an_index_url_without_a_scheme_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(
        PublishError,
        match=r"^the index URL 'pypi\.example/simple' is not an http:// or https:// URL: "
        r"give .* as --index-url https://host/simple/\.$",
    ):
        resolve_target("https://upload.example/legacy/", index_url="pypi.example/simple")
    with pytest.raises(PublishError) as err:
        resolve_target("https://upload.example/legacy/", index_url="T0ken-9z@pypi.example/simple")
    assert "T0ken-9z" not in str(err.value) and "'***@pypi.example/simple'" in str(err.value)
    pypirc = tmp_path / ".pypirc"
    pypirc.write_text("[distutils]\nindex-servers = private\n[private]\nrepository = idx.example\n")
    with pytest.raises(PublishError, match=r"gives the repository 'idx\.example', which is not"):
        resolve_target("private", environ={}, pypirc=pypirc)
    # The index adapter itself, given such a URL: one sentence too, not urllib's ValueError.
    with pytest.raises(IndexReadError, match=r"pypi\.example/simple/thing/ is not a URL an index"):
        read_project("pypi.example/simple/", "thing", retries=0)


def test_the_publish_session_refuses_an_index_url_without_a_scheme(tmp_path: Path) -> None:
    repo = release(tmp_path / "p", "pub-scheme")
    (repo.path / "noxfile.py").write_text("import nox_release\nnox_release.register()\n")
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "nox", "--no-venv", "-s", "publish", "--", "--dry-run"),
            *("--index-url", "pypi.example/simple"),
        ],
        cwd=repo.path,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "the index URL 'pypi.example/simple' is not an http:// or https:// URL" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_answers_that_are_not_http_are_read_errors() -> None:
    lines: list[str] = []
    with (
        raw_http(b"SSH-2.0-OpenSSH_9.6\r\n") as url,  # a server that does not speak HTTP
        pytest.raises(IndexReadError, match=r"after 2 attempt\(s\) \(BadStatusLine"),
    ):
        read_project(url + "simple/", "thing", retries=1, backoff=0, log=lines.append)
    assert len(lines) == 1 and "retrying" in lines[0]
    cut = b"HTTP/1.0 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10  # body cut short
    with raw_http(cut) as url:
        with pytest.raises(IndexReadError, match=r"could not read .*IncompleteRead"):
            read_project(url + "simple/", "thing", retries=0)
        # Hashing a download: a partial file must not pass for a file with another sha256.
        unhashed = IndexFile("x-1.0.tar.gz", url + "x-1.0.tar.gz", None)
        with pytest.raises(IndexReadError, match=r"could not read .*IncompleteRead"):
            file_sha256(unhashed, retries=0)


def test_a_token_as_the_user_of_a_url_is_a_secret() -> None:
    target = resolve_target(
        "https://upload.example/legacy/",
        index_url="https://glpat-Tok3n@upload.example/simple/",
        environ={},
    )
    assert "glpat-Tok3n" in target.secrets
    assert target.simple_url == "https://upload.example/simple/"
    assert "glpat-Tok3n" not in repr(target)
    assert redact_url("glpat-Tok3n@upload.example/simple/") == "***@upload.example/simple/"
