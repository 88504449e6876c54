"""The version written into pyproject.toml without tomlkit is byte for byte what tomlkit writes."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nox_release import Version, VersionSourceError
from nox_release.core import sources
from nox_release.core.sources import PyprojectVersion


def by_tomlkit(source: PyprojectVersion, text: str, version: Version) -> str:
    """What the write gives with tomlkit alone (or the refusal's message)."""
    with mock.patch.object(sources, "_string_replaced", lambda *_: None):
        return written(source, text, version)


def written(source: PyprojectVersion, text: str, version: Version) -> str:
    try:
        return source.write(text, version)
    except VersionSourceError as exc:
        return f"refused: {exc}"


#: Lines that can come before, inside or after the table, each a line or more of TOML.
FRAGMENTS = [
    "",
    "# a comment",
    'name = "x"',
    "name   =  'odd'  # spaced",
    'description = """two\nlines"""',
    'description = """\nversion = "9.9.9"\n"""',
    'classifiers = [\n  "A",\n  ["nested"],\n]',
    "dependencies = []",
    "[tool.other]\nversion = '5.5.5'",
    "[project.urls]\nHome = 'https://example.org'",
    "[tool.poetry]\nname = 'p'\nversion = \"0.1.0\"",
    '[[tool.list]]\nversion = "3.3.3"',
    "project.version = 'dotted'",
    "[project]",
    "[ project ]",
    "[build-system]\nrequires = ['hatchling']",
    "[project.optional-dependencies]\nx = ['y']",
    "[project.scripts]\nx = 'y:z'",
    "[tool.a]\nx = 1",
    "[tool.b]  # b\ny = 2",
    "[tool]\nz = 3",
    "tool.c.d = 4",
    "urls = {a = 'b', c = \"d\"}",
    "   ",
    "\t# indented comment",
    "[tool.poetry.dependencies]\npython = '^3.9'",
]
VERSION_LINES = [
    'version = "0.9.0"',
    "version = '0.9.0'",
    'version="0.9.0"',
    "version    =   '0.9.0'    # the version",
    '  version = "0.9.0"\t',
    'version = """0.9.0"""',
    "version = '''0.9.0'''",
    'version = "0.9\\u002e0"',
    "version = 1.0",
    '"version" = "0.9.0"',
    'version = "0.9.0" # c',
    'version = "0.9.0" junk',
]


@st.composite
def pyprojects(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    table = draw(st.sampled_from([("project",), ("tool", "poetry")]))
    header = "[" + ".".join(table) + "]"
    before = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=3))
    inside = draw(st.lists(st.sampled_from(FRAGMENTS[:8]), max_size=3))
    at = draw(st.integers(0, len(inside)))
    inside.insert(at, draw(st.sampled_from(VERSION_LINES)))
    after = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=3))
    lines = [*before, draw(st.sampled_from([header, header + "  # t", f"[{' '.join(table)}]"]))]
    text = "\n".join([*lines, *inside, *after]) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, table


@given(pyprojects(), st.sampled_from(["1.0.0", "0.10.0", "2.0.0rc1", "1!3.0.post2.dev1"]))
def test_the_version_is_written_as_tomlkit_writes_it(
    case: tuple[str, tuple[str, ...]], new: str
) -> None:
    text, table = case
    source = PyprojectVersion(Path("pyproject.toml"), table)
    version = Version(new)
    try:
        expected = by_tomlkit(source, text, version)
    except Exception as exc:  # tomlkit cannot read it: neither can the write
        with pytest.raises(type(exc)):
            written(source, text, version)
        return
    assert written(source, text, version) == expected


@pytest.mark.parametrize(
    "text",
    [
        '[project]\nname = "a"\nversion = "0.9.0"\n',
        "[project]\r\nversion    =   '0.9.0'    # the version\r\n[tool.other]\r\nversion = '5.5.5'\r\n",
    ],
)
def test_the_usual_files_take_the_fast_path(text: str) -> None:
    assert sources._string_replaced(text, ("project",), "1.0.0") is not None
    source = PyprojectVersion(Path("pyproject.toml"))
    assert written(source, text, Version("1.0.0")) == by_tomlkit(source, text, Version("1.0.0"))


@pytest.mark.parametrize(
    "text",
    [
        '[project]\ndescription = """\nversion = "9.9.9"\n"""\nversion = "0.9.0"\n',
        '[project]\ndescription = """\nversion = "9.9.9"\n"""\n[tool.x]\nversion = "0.9.0"\n',
        'project.version = "0.9.0"\n[project]\nname = "a"\n',
        '[project]\nversion = """0.9.0"""\n',
        '[project]\nversion = "0.9\\u002e0"\n',
        '[project]\nversion = "0.9.0"\n[[tool.list]]\nx = 1\n',
    ],
)
def test_anything_else_is_left_to_tomlkit(text: str) -> None:
    assert sources._string_replaced(text, ("project",), "1.0.0") is None
