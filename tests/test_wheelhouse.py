"""A gathered wheelhouse: an sdist and wheels for several platforms, checked, described, published."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nox_release import ArtifactError
from nox_release.adapters.index import read_project
from nox_release.adapters.runner import tool
from nox_release.core.platforms import check_wheelhouse_shape, uv_platform
from nox_release.pipeline.gathered import release_gathered
from nox_release.steps.publish import publish
from nox_release.steps.verify import twine_check
from nox_release.steps.wheelhouse import foreign_args, wheelhouse_sbom
from testkit.publish import PASSWORD, USERNAME, Index
from testkit.publish import release as released_sample
from testkit.wheels import rewrite_wheel

PY = f"cp{sys.version_info[0]}{sys.version_info[1]}"
PLATFORMS = ("manylinux_2_17_x86_64", "macosx_11_0_arm64", "win_amd64")


def retag(wheel: Path, out: Path, platform: str, build: str | None = None) -> Path:
    """``wheel tags``: a copy of ``wheel`` for ``platform`` (RECORD rewritten by the wheel tool)."""
    args = [tool("wheel"), "tags", "--python-tag", PY, "--abi-tag", PY, "--platform-tag", platform]
    if build is not None:
        args += ["--build", build]
    made = subprocess.run([*args, str(wheel)], check=True, capture_output=True, text=True)
    name = made.stdout.strip().splitlines()[-1]
    return Path(shutil.move(wheel.parent / name, out / name))


@pytest.fixture
def gathered(tmp_path: Path) -> tuple[Path, Path]:
    return gather(tmp_path, "wh-sample")


def gather(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A tagged project and its wheelhouse/: the tag job's sdist, the matrix's three wheels."""
    repo = released_sample(tmp_path / "wh", name, "1.0.0")
    house = tmp_path / "wheelhouse"
    house.mkdir()
    (wheel,) = (repo.path / "dist").glob("*.whl")
    for platform in PLATFORMS:
        retag(wheel, house, platform)
    (sdist,) = (repo.path / "dist").glob("*.tar.gz")
    shutil.copy(sdist, house)
    return repo.path, house


def test_shape_one_sdist_one_wheel_per_platform() -> None:
    ok = [
        "a-1.0.tar.gz",
        f"a-1.0-{PY}-{PY}-win_amd64.whl",
        f"a-1.0-{PY}-{PY}-macosx_11_0_arm64.whl",
    ]
    check_wheelhouse_shape(ok, "wheelhouse")
    with pytest.raises(ArtifactError, match="holds 2 sdists"):
        check_wheelhouse_shape([*ok, "a-1.0.post0.tar.gz"], "wheelhouse")
    twice = f"a-1.0-1-{PY}-{PY}-win_amd64.whl"
    with pytest.raises(ArtifactError, match=f"are both for {PY}-{PY}-win_amd64: a release has one"):
        check_wheelhouse_shape([*ok, twice], "wheelhouse")


@pytest.mark.parametrize(
    ("platform", "uv"),
    [
        ("manylinux_2_28_aarch64", "aarch64-manylinux_2_28"),
        ("macosx_11_0_arm64", "aarch64-apple-darwin"),
        ("win_amd64", "x86_64-pc-windows-msvc"),
        ("musllinux_1_2_x86_64", "x86_64-unknown-linux-musl"),
        ("any", None),
    ],
)
def test_uv_platform(platform: str, uv: str | None) -> None:
    assert uv_platform(platform) == uv


@pytest.mark.slow
def test_check_describe_publish_a_gathered_wheelhouse(
    gathered: tuple[Path, Path], pypiserver: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, house = gathered
    checked = twine_check(root, dist=house, require_tag=True)
    assert len(checked.artifacts) == 4 and checked.tag == "v1.0.0"
    wheels = sorted(house.glob("*.whl"))
    assert [foreign_args(w) is None for w in wheels].count(False) >= 2  # other platforms
    results = wheelhouse_sbom(root, house, no_index=True)
    assert len(results) == 3
    for wheel in wheels:
        doc = json.loads((house / (wheel.name[: -len(".whl")] + ".cdx.json")).read_text())
        assert doc["metadata"]["component"]["name"] == "wh-sample"
        assert (house / (wheel.name[: -len(".whl")] + ".spdx.json")).is_file()
    monkeypatch.setenv("TWINE_USERNAME", USERNAME)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    monkeypatch.delenv("CI", raising=False)
    result = publish(root, dist=house, repository=pypiserver.url, yes=True)
    assert len(result.uploaded) == 4
    listed = read_project(pypiserver.simple, "wh-sample", retries=0).files
    assert sorted(listed) == sorted(p.name for p in [*wheels, *house.glob("*.tar.gz")])


def test_a_wheelhouse_with_a_platform_twice_or_a_broken_record_is_refused(
    gathered: tuple[Path, Path],
) -> None:
    root, house = gathered
    spare = house.parent / "spare"
    spare.mkdir()
    (linux,) = house.glob("*manylinux*.whl")
    twice = retag(shutil.copy(linux, spare / linux.name), house, PLATFORMS[0], build="1")
    with pytest.raises(ArtifactError, match="are both for"):
        twine_check(root, dist=house)
    twice.unlink()

    def damage(files: dict[str, bytes]) -> dict[str, bytes]:
        return {m: d + b"# changed\n" if m.endswith("__init__.py") else d for m, d in files.items()}

    rewrite_wheel(shutil.copy(linux, spare / "copy.whl"), linux, damage, fix_record=False)
    with pytest.raises(ArtifactError, match="RECORD"):
        twine_check(root, dist=house)


@pytest.mark.slow
def test_release_a_gathered_wheelhouse(
    tmp_path: Path, pypiserver: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, house = gather(tmp_path, "wh-gathered")
    monkeypatch.setenv("TWINE_USERNAME", USERNAME)
    monkeypatch.setenv("TWINE_PASSWORD", PASSWORD)
    monkeypatch.delenv("CI", raising=False)
    lines: list[str] = []
    release_gathered(
        root, house, publish=True, repository=pypiserver.url, no_index=True, log=lines.append
    )
    assert len(list(house.glob("*.cdx.json"))) == 3 and len(list(house.glob("*.spdx.json"))) == 3
    listed = read_project(pypiserver.simple, "wh-gathered", retries=0).files
    assert len(listed) == 4
    assert lines[-1].endswith("(v1.0.0): check -> sbom -> validate -> publish")
    (sdist,) = house.glob("*.tar.gz")
    shutil.copy(sdist, house / sdist.name.replace("1.0.0", "1.0.0.post1"))
    with pytest.raises(ArtifactError, match="holds 2 sdists"):
        release_gathered(root, house, dry_run=True)
