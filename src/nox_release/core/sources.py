"""Version sources: the places a project writes its version, read and rewritten in place.

Each source works on a file's *text* (decoded UTF-8, newlines untouched) so that several sources
in one file compose, and the caller decides when bytes reach the disk:

* :class:`PyprojectVersion` -- ``[project] version`` in ``pyproject.toml``, edited with tomlkit;
  the file stays byte-for-byte the same but for the version string (quote style kept).
* :class:`PythonVersion` -- ``__version__ = "..."`` in a Python file (either quote, optional
  annotation), for hatchling's ``[tool.hatch.version] path`` and listed ``.py`` files.
* :class:`PatternVersion` -- any text with a ``{version}`` (PEP 440) or ``{semver}`` placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from nox_release._errors import VersionSourceError
from nox_release.core.toml import TomlError, loads
from nox_release.core.version import Version

__all__ = [
    "PatternVersion",
    "PyprojectVersion",
    "PythonVersion",
    "SetupCfgVersion",
    "UvLockVersion",
    "VersionSource",
]

# A version-shaped run of characters: what a placeholder can stand for in free text.
_VERSIONISH = r"[0-9][0-9A-Za-z.+!-]*"  # greedy: backs off to the literal tail


class VersionSource(Protocol):
    """Reads and rewrites the version in one file's text."""

    @property
    def path(self) -> Path:
        """The file."""

    @property
    def label(self) -> str:
        """How the source is named in messages (path and what in it)."""

    def read(self, text: str) -> str:
        """The version string this source holds in ``text`` (raises VersionSourceError)."""

    def write(self, text: str, version: Version) -> str:
        """``text`` with this source's version replaced by ``version``."""


@dataclass(frozen=True)
class PyprojectVersion:
    path: Path
    table: tuple[str, ...] = ("project",)  # ("tool", "poetry") for poetry-core

    @property
    def label(self) -> str:
        return f"{self.path.name} [{'.'.join(self.table)}] version"

    def _item(self, text: str) -> tuple[object, object]:
        import tomlkit
        from tomlkit.exceptions import TOMLKitError

        try:
            doc = tomlkit.parse(text)
        except TOMLKitError as exc:
            raise VersionSourceError(f"{self.path} is not valid TOML: {exc}.") from None
        project: object = doc
        for key in self.table:
            project = project.get(key) if hasattr(project, "get") else None
        if project is None or "version" not in project:  # type: ignore[operator]
            raise VersionSourceError(f"{self.path} has no [{'.'.join(self.table)}] version.")
        return doc, project

    def read(self, text: str) -> str:
        try:
            project: object = loads(text)
        except TomlError as exc:
            raise VersionSourceError(f"{self.path} is not valid TOML: {exc}.") from None
        for key in self.table:
            project = project.get(key) if isinstance(project, dict) else None
        if not isinstance(project, dict) or "version" not in project:
            raise VersionSourceError(f"{self.path} has no [{'.'.join(self.table)}] version.")
        value = project["version"]
        if not isinstance(value, str):
            raise VersionSourceError(f"{self.label} in {self.path} must be a string.")
        return str(value)

    def write(self, text: str, version: Version) -> str:
        fast = _string_replaced(text, self.table, version.pep440)
        if fast is not None:
            return fast
        import tomlkit
        from tomlkit.items import String, StringType

        doc, project = self._item(text)
        old = project["version"]  # type: ignore[index]
        literal = isinstance(old, String) and old.type in (StringType.SLL, StringType.MLL)
        project["version"] = tomlkit.string(version.pep440, literal=literal)  # type: ignore[index]
        return tomlkit.dumps(doc)  # type: ignore[arg-type]


#: ``version = "..."`` (or ``'...'``) on a line of its own: a one-line string, no escapes.
_TOML_VERSION = re.compile(
    r"""^[ \t]*version[ \t]*=[ \t]*(?:"(?P<b>[^"\\\r\n]*)"|'(?P<l>[^'\r\n]*)')(?=[ \t]*(?:#|\r?$))""",
    re.MULTILINE,
)
_TOML_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_TOML_ARRAY_TABLE = re.compile(r"^[ \t]*\[\[", re.MULTILINE)


def _string_replaced(text: str, table: tuple[str, ...], new: str) -> str | None:
    """``text`` with the table's ``version`` string replaced by ``new`` as tomlkit writes it
    (same quotes, every other byte kept), without tomlkit; None when that is not certain.

    Only under the table's own ``[header]``, and checked: the text read back must hold the same
    data but for that version. A version holds no character a TOML string escapes.
    """
    if _TOML_ARRAY_TABLE.search(text):  # tomlkit may reorder those: its writing decides
        return None
    header = re.compile(rf"^\[{re.escape('.'.join(table))}\][ \t]*(?:#[^\r\n]*)?\r?$", re.M)
    heads = list(header.finditer(text))
    if len(heads) != 1:
        return None
    start = heads[0].end()
    after = _TOML_HEADER.search(text, start)
    found = list(_TOML_VERSION.finditer(text, start, after.start() if after else len(text)))
    if len(found) != 1:
        return None
    group = "b" if found[0].group("b") is not None else "l"
    out = text[: found[0].start(group)] + new + text[found[0].end(group) :]
    try:
        data, written = loads(text), loads(out)
    except TomlError:
        return None
    inner: Any = data
    for key in table:
        inner = inner.get(key) if isinstance(inner, dict) else None
    if not isinstance(inner, dict) or "version" not in inner:
        return None
    inner["version"] = new
    return out if written == data else None


def _py_version(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?P<head>[ \t]*{re.escape(name)}[ \t]*(?::[ \t]*[\w.\[\]]+[ \t]*)?=[ \t]*)"
        r"(?P<q>['\"])(?P<v>[^'\"\n]*)(?P=q)",
        re.MULTILINE,
    )


class _OneMatch:
    """A source whose version is the ``v`` group of the one match :meth:`_match` finds."""

    def _match(self, text: str) -> re.Match[str]:
        raise NotImplementedError

    def read(self, text: str) -> str:
        return self._match(text).group("v")

    def write(self, text: str, version: Version) -> str:
        m = self._match(text)
        return text[: m.start("v")] + version.pep440 + text[m.end("v") :]


@dataclass(frozen=True)
class PythonVersion(_OneMatch):
    path: Path
    name: str = "__version__"

    @property
    def label(self) -> str:
        return f"{self.path.name} {self.name}"

    def _match(self, text: str) -> re.Match[str]:
        matches = list(_py_version(self.name).finditer(text))
        if len(matches) != 1:
            found = "no" if not matches else f"{len(matches)}"
            raise VersionSourceError(
                f"{self.path} has {found} '{self.name} = \"...\"' lines; nox-release needs exactly "
                "one (or list the file with a pattern in version-files)."
            )
        return matches[0]


_CFG_VERSION = re.compile(r"^(?P<head>version[ \t]*[=:][ \t]*)(?P<v>[0-9][^\s#;]*)", re.MULTILINE)


@dataclass(frozen=True)
class SetupCfgVersion(_OneMatch):
    """``version = 1.2.3`` in the ``[metadata]`` section of ``setup.cfg``."""

    path: Path

    @property
    def label(self) -> str:
        return f"{self.path.name} [metadata] version"

    def _match(self, text: str) -> re.Match[str]:
        head = re.search(r"^\[metadata\][ \t]*$", text, re.MULTILINE)
        if head is not None:
            end = re.compile(r"^\[", re.MULTILINE).search(text, head.end())
            m = _CFG_VERSION.search(text, head.end(), end.start() if end else len(text))
            if m is not None:
                return m
        raise VersionSourceError(f"{self.path} has no [metadata] version literal.")


@dataclass(frozen=True)
class UvLockVersion(_OneMatch):
    """The ``version`` of the project's own package (editable or virtual) in ``uv.lock``."""

    path: Path
    package: str

    @property
    def label(self) -> str:
        return f"{self.path.name} {self.package}"

    def _match(self, text: str) -> re.Match[str]:
        rx = re.compile(
            r'^\[\[package\]\]\r?\nname = "' + re.escape(self.package) + r'"\r?\n'
            r'version = "(?P<v>[^"]*)"\r?\nsource = \{ (?:editable|virtual) = ',
            re.MULTILINE,
        )
        m = rx.search(text)
        if m is None:
            raise VersionSourceError(
                f"{self.path} has no entry for {self.package}: run 'uv lock' and commit uv.lock."
            )
        return m


@dataclass(frozen=True)
class PatternVersion:
    path: Path
    pattern: str

    @property
    def label(self) -> str:
        return f"{self.path.name} pattern '{self.pattern}'"

    @property
    def _semver(self) -> bool:
        return "{semver}" in self.pattern

    def _regex(self) -> re.Pattern[str]:
        placeholder = "{semver}" if self._semver else "{version}"
        head, _, tail = self.pattern.partition(placeholder)
        # The version ends where the literal text after it starts (or at a non-version char);
        # greedy, so "version {version}." reads "1.0.0" from "version 1.0.0." and not "1".
        end = re.escape(tail) if tail else r"(?![0-9A-Za-z.+!-])"
        return re.compile(re.escape(head) + f"(?P<v>{_VERSIONISH})" + f"(?={end})")

    def _matches(self, text: str) -> list[re.Match[str]]:
        matches = list(self._regex().finditer(text))
        if not matches:
            raise VersionSourceError(
                f"{self.path} has no text matching the pattern '{self.pattern}': fix the pattern "
                "in version-files or put the version back in the file."
            )
        return matches

    def read(self, text: str) -> str:
        found = {m.group("v") for m in self._matches(text)}
        if len(found) > 1:
            raise VersionSourceError(
                f"{self.path} holds different versions for pattern '{self.pattern}': "
                f"{', '.join(sorted(found))}."
            )
        raw = found.pop()
        if self._semver:
            # Report the PEP 440 form so that sources compare as equals.
            return Version.parse(raw).pep440 if _parses(raw) else raw
        return raw

    def write(self, text: str, version: Version) -> str:
        new = version.semver if self._semver else version.pep440
        out, last = [], 0
        for m in self._matches(text):
            out += [text[last : m.start("v")], new]
            last = m.end("v")
        out.append(text[last:])
        return "".join(out)


def _parses(raw: str) -> bool:
    try:
        Version.parse(raw)
    except Exception:
        return False
    return True
