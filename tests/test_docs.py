"""The docs document every session and every configuration key shipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from nox_release._config import KEYS
from nox_release._sessions import SESSIONS

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
