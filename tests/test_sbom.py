"""The sbom step on real projects with real dependencies, offline, checked by independent validators."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nox_release import ReleaseError, SbomError, SbomResult, sbom, write_checksums
from nox_release.adapters.runner import tool
from testkit.samples import Repo
from testkit.sbom import Wheelhouse, make_sample, serve_directory

pytestmark = pytest.mark.slow

WHEEL = "sample_app-1.2.3-py3-none-any.whl"


@pytest.fixture
def sample(tmp_path: Path) -> Repo:
    """sample-app 1.2.3 (requires dep-a; devdep only as dev group and extra), wheel in dist/."""
    return make_sample(tmp_path / "sample-app")


def run(repo: Repo, wheels: Wheelhouse, **kwargs: Any) -> SbomResult:
    kwargs.setdefault("find_links", wheels.links)
    kwargs.setdefault("no_index", True)
    return sbom(repo.path, **kwargs)


def cyclonedx_errors(path: Path) -> object:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.V1_6).validate_str(path.read_text())


def pyspdxtools(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("pyspdxtools"), "-i", str(path)], capture_output=True, text=True, check=False
    )


def edges_cdx(doc: dict[str, Any]) -> set[tuple[str, str]]:
    by_ref = {c["bom-ref"]: c["name"] for c in doc["components"]}
    root = doc["metadata"]["component"]
    by_ref[root["bom-ref"]] = root["name"]
    return {
        (by_ref[d["ref"]], by_ref[t]) for d in doc["dependencies"] for t in d.get("dependsOn", [])
    }


def edges_spdx(doc: dict[str, Any]) -> set[tuple[str, str]]:
    by_id = {p["SPDXID"]: p["name"] for p in doc["packages"]}
    return {
        (by_id[r["spdxElementId"]], by_id[r["relatedSpdxElement"]])
        for r in doc["relationships"]
        if r["relationshipType"] == "DEPENDS_ON"
    }


def test_both_documents_are_valid_and_describe_the_runtime_set(
    sample: Repo, wheelhouse: Wheelhouse
) -> None:
    result = run(sample, wheelhouse)
    dist = sample.path / "dist"
    assert result.cyclonedx == dist / "sample_app-1.2.3.cdx.json"
    assert result.spdx == dist / "sample_app-1.2.3.spdx.json"
    assert cyclonedx_errors(result.cyclonedx) is None
    checked = pyspdxtools(result.spdx)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    cdx = json.loads(result.cyclonedx.read_text())
    assert cdx["specVersion"] == "1.6"
    root = cdx["metadata"]["component"]
    assert (root["name"], root["version"], root["purl"]) == (
        "sample-app",
        "1.2.3",
        "pkg:pypi/sample-app@1.2.3",
    )
    assert root["licenses"] == [{"license": {"acknowledgement": "declared", "id": "MIT"}}]
    assert "externalReferences" not in root  # the temporary local file is not recorded
    # The runtime set, resolved as pip would: the newest dep-b; devdep (dev group / extra) absent.
    assert {(c["name"], c["version"], c["purl"]) for c in cdx["components"]} == {
        ("dep-a", "1.0.0", "pkg:pypi/dep-a@1.0.0"),
        ("dep-b", "2.1.0", "pkg:pypi/dep-b@2.1.0"),
    }
    assert edges_cdx(cdx) == {("sample-app", "dep-a"), ("dep-a", "dep-b")}
    assert result.components == (("dep-a", "1.0.0"), ("dep-b", "2.1.0"))

    spdx = json.loads(result.spdx.read_text())
    assert spdx["spdxVersion"] == "SPDX-2.3"
    described = [r for r in spdx["relationships"] if r["relationshipType"] == "DESCRIBES"]
    (root_pkg,) = [p for p in spdx["packages"] if p["SPDXID"] == described[0]["relatedSpdxElement"]]
    assert (root_pkg["name"], root_pkg["versionInfo"], root_pkg["licenseDeclared"]) == (
        "sample-app",
        "1.2.3",
        "MIT",
    )
    purls = {ref["referenceLocator"] for p in spdx["packages"] for ref in p["externalRefs"]}
    assert purls == {root["purl"]} | {c["purl"] for c in cdx["components"]}
    assert {p["licenseDeclared"] for p in spdx["packages"]} == {"MIT", "Apache-2.0", "BSD-3-Clause"}
    assert edges_spdx(spdx) == edges_cdx(cdx)
    for path in (result.cyclonedx, result.spdx):
        assert "devdep" not in path.read_text()
        assert "nox-release-sbom-" not in path.read_text()  # no temporary path leaks


def test_documents_are_reproducible_across_runs_and_installers(
    sample: Repo, wheelhouse: Wheelhouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run(sample, wheelhouse)
    texts = (first.cyclonedx.read_bytes(), first.spdx.read_bytes())
    # Without SOURCE_DATE_EPOCH the HEAD commit's time is used: same commit, same bytes, even
    # from another installer (venv + pip instead of uv).
    again = run(sample, wheelhouse, installer="pip")
    assert (again.cyclonedx.read_bytes(), again.spdx.read_bytes()) == texts
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    third = run(sample, wheelhouse)
    cdx = json.loads(third.cyclonedx.read_text())
    spdx = json.loads(third.spdx.read_text())
    assert cdx["metadata"]["timestamp"] == "2023-11-14T22:13:20+00:00"
    assert spdx["creationInfo"]["created"] == "2023-11-14T22:13:20Z"
    assert cdx["serialNumber"].startswith("urn:uuid:")
    assert cdx["serialNumber"] != json.loads(texts[0])["serialNumber"]  # another timestamp
    assert spdx["documentNamespace"].endswith(cdx["serialNumber"].removeprefix("urn:uuid:"))


def record_problems(wheel: Path) -> list[str]:
    """Check RECORD the way an installer could: every file listed with its sha256 and size."""
    problems = []
    with zipfile.ZipFile(wheel) as zf:
        (record,) = [n for n in zf.namelist() if n.endswith(".dist-info/RECORD")]
        rows = {r[0]: r for r in csv.reader(io.StringIO(zf.read(record).decode()))}
        files = [n for n in zf.namelist() if not n.endswith("/")]
        if set(rows) != set(files):
            problems.append(f"RECORD lists {sorted(rows)}, the wheel holds {sorted(files)}")
        for name in files:
            if name == record:
                if rows[name][1:] != ["", ""]:
                    problems.append("RECORD hashes itself")
                continue
            data = zf.read(name)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            if rows.get(name, [name, "", ""])[1:] != [f"sha256={digest}", str(len(data))]:
                problems.append(f"RECORD is wrong for {name}")
    return problems


def test_embed_puts_the_sbom_in_the_wheel_and_the_installed_package(
    sample: Repo, wheelhouse: Wheelhouse, tmp_path: Path
) -> None:
    wheel = sample.path / "dist" / WHEEL
    with zipfile.ZipFile(wheel) as zf:
        before = {n: zf.read(n) for n in zf.namelist() if not n.endswith("RECORD")}
    result = run(sample, wheelhouse, embed=True)
    assert result.embedded
    member = "sample_app-1.2.3.dist-info/sboms/sample_app-1.2.3.cdx.json"
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read(member) == result.cyclonedx.read_bytes()
        after = {n: zf.read(n) for n in zf.namelist() if not n.endswith("RECORD")}
        assert zf.namelist()[-1].endswith(".dist-info/RECORD")
    assert {n: d for n, d in after.items() if n != member} == before  # nothing else changed
    assert record_problems(wheel) == []
    twine = subprocess.run(
        [tool("twine"), "check", "--strict", str(wheel)], capture_output=True, text=True
    )
    assert twine.returncode == 0, twine.stdout + twine.stderr

    # pip installs it, and the installed package carries the SBOM (listed in its RECORD).
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    links = [a for d in wheelhouse.links for a in ("--find-links", str(d))]
    py = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-index",
            *links,
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    (installed,) = env.glob(f"lib/python*/site-packages/{member}")
    assert installed.read_bytes() == result.cyclonedx.read_bytes()
    (record,) = env.glob("lib/python*/site-packages/sample_app-1.2.3.dist-info/RECORD")
    assert member in record.read_text()

    # A second run replaces the embedded SBOM: same document, byte-identical wheel.
    wheel_bytes = wheel.read_bytes()
    run(sample, wheelhouse, embed=True)
    assert wheel.read_bytes() == wheel_bytes


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_requirements_lock_from_config_describes_the_locked_set(
    tmp_path: Path, wheelhouse: Wheelhouse
) -> None:
    repo = make_sample(
        tmp_path / "sample-app",
        extra='\n[tool.nox-release]\nsbom-lock = "requirements.lock"\nsbom-embed = true\n',
    )
    # A hashed lock (pip-compile --generate-hashes style) switches pip to hash-checking mode.
    a, b = (next(wheelhouse.main.glob(f"{n}-*.whl")) for n in ("dep_a", "dep_b"))
    repo.write(
        "requirements.lock",
        f"dep-a==1.0.0 --hash=sha256:{sha256(a)}\ndep-b==2.0.0 --hash=sha256:{sha256(b)}\n",
    )
    result = run(repo, wheelhouse, installer="pip")
    assert result.lock == repo.path / "requirements.lock"
    assert result.embedded  # sbom-embed = true
    assert result.components == (("dep-a", "1.0.0"), ("dep-b", "2.0.0"))  # not the newest 2.1.0
    # lock=False ignores the key: a fresh resolution again.
    assert run(repo, wheelhouse, lock=False).components == (("dep-a", "1.0.0"), ("dep-b", "2.1.0"))

    # A lock that misses a requirement of the wheel is refused, and nothing is replaced.
    repo.write("partial.txt", "dep-a==1.0.0\n")
    docs = {p: p.read_bytes() for p in (result.cyclonedx, result.spdx, result.wheel)}
    with pytest.raises(SbomError, match=r"partial\.txt does not satisfy .*update the lock"):
        run(repo, wheelhouse, lock="partial.txt")
    assert {p: p.read_bytes() for p in docs} == docs
    with pytest.raises(SbomError, match=r"missing\.txt does not exist"):
        run(repo, wheelhouse, lock="missing.txt")


def test_uv_lock_describes_the_locked_runtime_set(tmp_path: Path, wheelhouse: Wheelhouse) -> None:
    repo = make_sample(tmp_path / "sample-app")
    # Lock against the older wheelhouse only: dep-b 2.0.0, and devdep in the dev group.
    subprocess.run(
        [tool("uv"), "lock", "--offline", "--no-index", "--find-links", str(wheelhouse.main)],
        cwd=repo.path,
        check=True,
        capture_output=True,
    )
    assert "devdep" in repo.read("uv.lock")
    result = run(repo, wheelhouse, lock="uv.lock")
    assert result.components == (("dep-a", "1.0.0"), ("dep-b", "2.0.0"))
    for path in (result.cyclonedx, result.spdx):
        assert "devdep" not in path.read_text()
    assert cyclonedx_errors(result.cyclonedx) is None
    assert pyspdxtools(result.spdx).returncode == 0
    assert any(c[1] == "export" for c in result.commands)  # read with 'uv export'


def test_no_wheel_says_to_build_first(tmp_path: Path, wheelhouse: Wheelhouse) -> None:
    repo = make_sample(tmp_path / "sample-app", build=False)
    with pytest.raises(ReleaseError, match="run the build session first"):
        run(repo, wheelhouse)
    # Only an sdist: still no wheel to describe.
    dist = repo.path / "dist"
    dist.mkdir()
    pkg_info = b"Metadata-Version: 2.4\nName: sample-app\nVersion: 1.2.3\n"
    with tarfile.open(dist / "sample_app-1.2.3.tar.gz", "w:gz") as tf:
        info = tarfile.TarInfo("sample_app-1.2.3/PKG-INFO")
        info.size = len(pkg_info)
        tf.addfile(info, io.BytesIO(pkg_info))
    with pytest.raises(SbomError, match=r"holds no wheel: run the build session first"):
        run(repo, wheelhouse)
    assert sorted(p.name for p in dist.iterdir()) == ["sample_app-1.2.3.tar.gz"]


@pytest.mark.parametrize("kind", ["cyclonedx", "spdx"])
def test_an_invalid_document_is_not_left_behind(
    sample: Repo, wheelhouse: Wheelhouse, kind: str
) -> None:
    from spdx_tools.spdx.model import Relationship, RelationshipType

    def spoil(which: str, doc: Any) -> None:
        if which != kind:
            return
        if which == "cyclonedx":
            doc["components"][0]["type"] = "not-a-type"
        else:
            doc.relationships.append(
                Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, "SPDXRef-nowhere")
            )

    dist = sample.path / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    with pytest.raises(
        SbomError, match=f"is not valid {'CycloneDX' if kind == 'cyclonedx' else 'SPDX'}"
    ):
        run(sample, wheelhouse, embed=True, before_validate=spoil)
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before  # no document, same wheel


def test_dry_run_writes_nothing_and_hides_secrets(sample: Repo, wheelhouse: Wheelhouse) -> None:
    lines: list[str] = []
    dist = sample.path / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    result = run(
        sample,
        wheelhouse,
        embed=True,
        dry_run=True,
        log=lines.append,
        installer_args=["--extra-index-url", "https://token:s3cr3t@127.0.0.1:9/simple/"],
    )
    assert not result.written
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
    text = "\n".join(lines)
    assert "would write dist/sample_app-1.2.3.cdx.json" in text
    assert "would write dist/sample_app-1.2.3.spdx.json" in text
    assert "would embed sample_app-1.2.3.cdx.json into " + WHEEL in text
    assert "cyclonedx-py environment" in text
    assert "s3cr3t" not in text and "***" in text


NOXFILE = """\
import nox_release

nox_release.register()
"""


def test_the_sbom_session(sample: Repo, wheelhouse: Wheelhouse, tmp_path: Path) -> None:
    sample.write("noxfile.py", NOXFILE)
    src = Path(__file__).resolve().parent.parent / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    links = [a for d in wheelhouse.links for a in ("--find-links", str(d))]
    nox = [sys.executable, "-m", "nox", "--no-install", "-f", str(sample.path / "noxfile.py")]
    ok = subprocess.run(
        [*nox, "-s", "sbom", "--", "--no-index", *links, "--embed"],
        cwd=sample.path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert (sample.path / "dist" / "sample_app-1.2.3.spdx.json").is_file()
    with zipfile.ZipFile(sample.path / "dist" / WHEEL) as zf:
        assert "sample_app-1.2.3.dist-info/sboms/sample_app-1.2.3.cdx.json" in zf.namelist()

    empty = make_sample(tmp_path / "unbuilt", build=False)
    empty.write("noxfile.py", NOXFILE)
    failed = subprocess.run(
        [*nox[:-1], str(empty.path / "noxfile.py"), "-s", "sbom"],
        cwd=empty.path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0
    assert "run the build session first" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_spdx_mapping_of_licences_that_are_not_spdx_expressions() -> None:
    from datetime import datetime

    from nox_release.steps.sbom.spdx import render_spdx, spdx_document

    def component(name: str, licenses: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "bom-ref": f"{name}==1.0",
            "name": name,
            "version": "1.0",
            "purl": f"pkg:pypi/{name}@1.0",
            "licenses": licenses,
        }

    cdx = {
        "serialNumber": "urn:uuid:00000000-0000-5000-8000-000000000000",
        "metadata": {"component": component("Root_Pkg", [{"license": {"name": "Custom Licence"}}])},
        "components": [
            component("two", [{"expression": "MIT OR Apache-2.0"}]),
            component("three", [{"license": {"id": "MIT"}}, {"license": {"id": "BSD-3-Clause"}}]),
        ],
        "dependencies": [
            {"ref": "Root_Pkg==1.0", "dependsOn": ["two==1.0", "three==1.0"]},
            {"ref": "two==1.0", "dependsOn": ["unknown==9"]},  # not installed: no edge
        ],
    }
    text = render_spdx(spdx_document(cdx, datetime(2024, 1, 2, 3, 4, 5)), "test")
    doc = json.loads(text)
    packages = {p["name"]: p for p in doc["packages"]}
    assert packages["Root_Pkg"]["SPDXID"] == "SPDXRef-Package-root-pkg-1.0"
    assert packages["Root_Pkg"]["licenseDeclared"] == "NOASSERTION"
    assert "Custom Licence" in packages["Root_Pkg"]["licenseComments"]
    assert packages["two"]["licenseDeclared"] == "MIT OR Apache-2.0"
    assert packages["three"]["licenseDeclared"] == "MIT AND BSD-3-Clause"
    assert edges_spdx(doc) == {("Root_Pkg", "two"), ("Root_Pkg", "three")}
    assert doc["creationInfo"]["created"] == "2024-01-02T03:04:05Z"


# -- review fixes: credentials as the user part, SHA256SUMS after --embed, atomic rollback -------

TOKEN = "glpat-T0kenAsUser-8d2f"


def test_url_secrets_of_installer_arguments() -> None:
    from nox_release.steps.sbom.installer import installer_secrets

    found = installer_secrets(
        [
            "--index-url",
            f"https://{TOKEN}@pypi.example/simple/",  # a token as the user: the secret
            "--find-links=https://bot:p%40ss@files.example/",  # a password: the secret, not bot
            "--extra-index-url",
            "https://pypi.example/simple/",
            "wheelhouse",
        ]
    )
    assert set(found) == {TOKEN, "p@ss", "p%40ss"}


def test_a_token_in_a_find_links_url_is_never_shown(sample: Repo, wheelhouse: Wheelhouse) -> None:
    lines: list[str] = []
    with serve_directory(wheelhouse.main) as url:
        link = url.replace("http://", f"http://{TOKEN}@")
        result = sbom(
            sample.path, no_index=True, find_links=[link, wheelhouse.newer], log=lines.append
        )
    # dep-a came through the served find-links page, dep-b 2.1.0 from the local folder.
    assert result.components == (("dep-a", "1.0.0"), ("dep-b", "2.1.0"))
    text = "\n".join(lines)
    assert f"--find-links {url.replace('http://', 'http://***@')}" in text  # logged, redacted
    assert TOKEN not in text
    for path in (result.cyclonedx, result.spdx):
        assert TOKEN not in path.read_text()


def test_index_urls_are_parameters_and_their_credentials_are_hidden(sample: Repo) -> None:
    index = f"https://{TOKEN}@pypi.example/simple/"
    extra = "https://bot:p%40ss@extra.example/simple/"
    lines: list[str] = []
    result = sbom(
        sample.path,
        index_url=index,
        extra_index_urls=[extra],
        find_links=[f"https://{TOKEN}@files.example/links/"],
        dry_run=True,
        log=lines.append,
    )
    install = next(c for c in result.commands if "install" in c)
    assert install[install.index("--index-url") + 1] == index  # the installer gets them as is
    assert install[install.index("--extra-index-url") + 1] == extra
    text = "\n".join(lines)
    assert "--index-url https://***@pypi.example/simple/" in text
    assert "--extra-index-url https://bot:***@extra.example/simple/" in text
    assert "--find-links https://***@files.example/links/" in text
    assert TOKEN not in text and "p%40ss" not in text


def test_the_sbom_session_passes_index_urls_and_hides_tokens(sample: Repo) -> None:
    sample.write("noxfile.py", NOXFILE)
    src = Path(__file__).resolve().parent.parent / "src"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "nox", "--no-install", "-s", "sbom", "--", "--dry-run"),
            *("--index-url", f"https://{TOKEN}@pypi.example/simple/"),
            *("--extra-index-url", "https://extra.example/simple/"),
        ],
        cwd=sample.path,
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "--index-url https://***@pypi.example/simple/" in proc.stderr
    assert "--extra-index-url https://extra.example/simple/" in proc.stderr
    assert TOKEN not in proc.stdout + proc.stderr


def test_embed_rewrites_sha256sums_with_the_new_wheel(sample: Repo, wheelhouse: Wheelhouse) -> None:
    dist = sample.path / "dist"
    sums = write_checksums(dist)  # as the build step leaves it
    before = sums.read_text()
    lines: list[str] = []
    run(sample, wheelhouse, embed=True, dry_run=True, log=lines.append)
    assert "would rewrite dist/SHA256SUMS" in "\n".join(lines)
    assert sums.read_text() == before

    result = run(sample, wheelhouse, embed=True)
    assert sums.read_text() != before
    assert f"{sha256(result.wheel)}  {WHEEL}\n" in sums.read_text()
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # Without --embed the wheel does not change, and neither does SHA256SUMS.
    after = sums.read_bytes()
    run(sample, wheelhouse, embed=False)
    assert sums.read_bytes() == after


def test_a_failed_replace_puts_the_originals_back_by_rename(tmp_path: Path) -> None:
    from nox_release.adapters.files import Transaction

    wheel = tmp_path / "a.whl"
    wheel.write_bytes(b"the original wheel")
    wheel.chmod(0o640)
    os.utime(wheel, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = wheel.stat()
    new = tmp_path / "b.cdx.json"
    blocked = tmp_path / "c.spdx.json"  # a folder: no file can replace it, the third step fails
    blocked.mkdir()
    (blocked / "keep").write_text("x")
    with pytest.raises(OSError), Transaction() as txn:
        txn.write({wheel: b"embedded", new: b"{}", blocked: b"{}"})
    after = wheel.stat()
    assert wheel.read_bytes() == b"the original wheel"
    # The original file itself came back (a rename), not a rewrite of the replacement.
    assert (after.st_ino, after.st_mode, after.st_mtime_ns) == (
        before.st_ino,
        before.st_mode,
        before.st_mtime_ns,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.whl", "c.spdx.json"]  # no temps
    assert [p.name for p in blocked.iterdir()] == ["keep"]
