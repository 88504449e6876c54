"""[tool.nox-release]: one validated, frozen object; bad keys and values named with the fix."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from nox_release import Config, ConfigError, Project, bump, config_from_pyproject, load_config
from nox_release.core.config import KEYS
from testkit.samples import make_repo


def cfg(table: dict[str, object]) -> Config:
    return config_from_pyproject({"tool": {"nox-release": table}})


def test_defaults() -> None:
    c = config_from_pyproject({})
    assert c.tag_format == "v{version}"
    assert c.commit_message == "chore(release): {tag}"
    assert c.sign_tags is False and c.version_files == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.tag_format = "x"  # type: ignore[misc]


def test_every_key_is_a_field_with_its_default() -> None:
    fields = {f.name: f for f in dataclasses.fields(Config)}
    default = Config()
    for key in KEYS:
        assert key.attr in fields
        assert getattr(default, key.attr) == key.default or (
            not key.default and not getattr(default, key.attr)
        )
    assert len(fields) == len(KEYS)


def test_unknown_key_names_valid_ones_and_a_suggestion() -> None:
    with pytest.raises(ConfigError) as info:
        cfg({"tag_format": "v{version}"})
    msg = str(info.value)
    assert "unknown key 'tag_format'" in msg and "Did you mean 'tag-format'?" in msg
    assert "version-files" in msg and "sign-tags" in msg


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        (
            {"sign-tags": "yes"},
            "'sign-tags' in [tool.nox-release] in pyproject.toml must be true or false, not 'yes'",
        ),
        (
            {"tag-format": 1},
            "'tag-format' in [tool.nox-release] in pyproject.toml must be a string",
        ),
        (
            {"tag-format": "release"},
            "tag-format 'release' must hold exactly one of {version} or {semver}",
        ),
        ({"tag-format": "v {version}"}, "character git does not allow"),
        (
            {"builder": "poetry"},
            "'builder' in [tool.nox-release] in pyproject.toml is 'poetry'; valid choices: auto, uv, build",
        ),
        (
            {"commit-types": {"feat": "huge"}},
            "maps to 'huge'; valid effects: major, minor, patch, none",
        ),
        (
            {"version-files": "a.py"},
            "'version-files' in [tool.nox-release] in pyproject.toml must be a list",
        ),
        (
            {"version-files": [{"path": "README.md", "pattern": "no placeholder"}]},
            "exactly one {version} or {semver}",
        ),
        ({"version-files": [{"file": "x"}]}, "must be a path or"),
        ({"release-branch-format": "maint"}, "must hold {major} and {minor}"),
        ({"packages": "a"}, "must be a list of strings"),
    ],
)
def test_wrong_values_are_named(table: dict[str, object], fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        cfg(table)
    assert fragment in str(info.value)


def test_valid_table() -> None:
    c = cfg(
        {
            "tag-format": "{semver}",
            "version-files": ["src/a.py", {"path": "README.md", "pattern": "a=={version}"}],
            "commit-types": {"feat": "minor", "deps": "patch", "docs": "none"},
            "sign-tags": True,
        }
    )
    assert c.tags.render(__import__("nox_release").Version("1.0.0rc1")) == "1.0.0-rc.1"
    assert c.version_files[1].pattern == "a=={version}"
    assert c.commit_types["deps"] == "patch"


def test_load_config_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.nox-release]\nsign-tag = true\n")
    with pytest.raises(ConfigError, match=rf"{tmp_path}/pyproject.toml.*Did you mean 'sign-tags'"):
        load_config(tmp_path)
    with pytest.raises(ConfigError, match=r"no pyproject\.toml in"):
        load_config(tmp_path / "nowhere")


def test_invalid_toml_is_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'x'\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        Project(tmp_path)


def test_signed_tags_with_ssh_signing(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p", extra="[tool.nox-release]\nsign-tags = true\nchangelog = false\n"
    )
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    repo.git("config", "gpg.format", "ssh")
    repo.git("config", "user.signingkey", str(key) + ".pub")
    allowed = tmp_path / "allowed"
    allowed.write_text("maintainer@example.invalid " + (tmp_path / "key.pub").read_text())
    repo.git("config", "gpg.ssh.allowedSignersFile", str(allowed))
    bump(repo.path, "patch")
    assert "-----BEGIN SSH SIGNATURE-----" in repo.git("cat-file", "tag", "v1.2.4")
    repo.git("tag", "-v", "v1.2.4")  # raises if the signature does not verify


def test_signing_failure_rolls_back(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p", extra="[tool.nox-release]\nsign-tags = true\nchangelog = false\n"
    )
    repo.git("config", "gpg.program", "false")  # the signing program fails, for real
    before = repo.snapshot()
    with pytest.raises(Exception, match="git tag -s"):
        bump(repo.path, "patch")
    assert repo.snapshot() == before
