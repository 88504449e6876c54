"""The docs document every session and every configuration key shipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release.core.config import KEYS
from nox_release.sessions import SESSIONS

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
DOCS = README + "".join(p.read_text() for p in sorted((ROOT / "docs").glob("*.md")))


@pytest.mark.parametrize("key", [k.name for k in KEYS])
def test_every_config_key_is_in_the_readme_table(key: str) -> None:
    assert f"| `{key}` |" in README


@pytest.mark.parametrize("name", [s.name for s in SESSIONS])
def test_every_session_is_documented(name: str) -> None:
    assert f"| `{name}` |" in README  # a row of the README's sessions table
    assert f"nox -s {name}" in DOCS  # and shown in use somewhere


def test_readme_has_the_two_setup_commands() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = "python3 -m pip install -e '.[test,lint]' && python3 -m nox -s lint tests"
    assert test_cmd in README
    # .ci/run runs the same command (inside its virtual environment: python instead of python3).
    assert test_cmd.replace("python3", "python") in ci.replace("-q ", "")


def test_public_api_is_complete_and_lazy() -> None:
    import subprocess
    import sys

    import nox_release

    for name in nox_release.__all__:
        assert getattr(nox_release, name) is not None
    # Importing the package loads none of the heavy modules.
    code = (
        "import sys, nox_release\n"
        "heavy = [m for m in ('nox', 'tomlkit', 'packaging', 'twine', 'cyclonedx', 'spdx_tools',"
        " 'typing', 'subprocess') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
