"""Tag names from versions and back, by the configured ``tag-format`` (pure core)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from nox_release._errors import ConfigError, VersionError
from nox_release.core.semver import PLAIN
from nox_release.core.version import Version

__all__ = ["ReleaseTag", "TagFormat", "infer_format", "newest_first"]

_PLACEHOLDERS = ("{version}", "{semver}")


@dataclass(frozen=True)
class TagFormat:
    """A tag format such as ``v{version}`` (PEP 440) or ``v{semver}`` (SemVer 2.0).

    ``{version}`` stands for :attr:`Version.pep440`, ``{semver}`` for :attr:`Version.semver`.
    """

    template: str
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        count = sum(self.template.count(p) for p in _PLACEHOLDERS)
        if count != 1:
            raise ConfigError(
                f"tag-format '{self.template}' must hold exactly one of {{version}} or {{semver}} "
                "(for example 'v{version}')."
            )
        if any(c in self.template for c in " ~^:?*[\\"):
            raise ConfigError(
                f"tag-format '{self.template}' holds a character git does not allow in tag names."
            )
        head, _, tail = self.template.replace("{semver}", "{version}").partition("{version}")
        regex = re.compile(re.escape(head) + r"(?P<v>[0-9][0-9A-Za-z.+!-]*)" + re.escape(tail))
        object.__setattr__(self, "_regex", regex)

    @property
    def uses_semver(self) -> bool:
        return "{semver}" in self.template

    def render(self, version: Version) -> str:
        """The tag name of ``version``."""
        text = version.semver if self.uses_semver else version.pep440
        return self.template.replace("{semver}", text).replace("{version}", text)

    def version_text(self, tag: str) -> str | None:
        """The text in the placeholder of a tag of this format (not parsed), or None."""
        m = self._regex.fullmatch(tag)
        return None if m is None else m.group("v")

    def parse(self, tag: str) -> Version | None:
        """The version a tag names, or None when the tag does not follow this format.

        Either rendering is read inside the placeholder, so ``v1.2.0-rc.1`` and ``v1.2.0rc1``
        both name ``1.2.0rc1``; a tag whose version is not normalised is not a release tag.
        """
        m = self._regex.fullmatch(tag)
        return None if m is None else _version(m.group("v"))

    @property
    def glob(self) -> str:
        """A ``git tag --list`` pattern that every tag of this format matches."""
        return self.template.replace("{semver}", "*").replace("{version}", "*")

    @property
    def affixes(self) -> tuple[str, str]:
        """The text before and after the placeholder: ``v{version}`` -> ``("v", "")``."""
        head, _, tail = self.template.replace("{semver}", "{version}").partition("{version}")
        return head, tail


@dataclass(frozen=True)
class ReleaseTag:
    """A tag that follows ``tag-format``: its name and the version it names."""

    name: str
    version: Version

    @property
    def ref(self) -> str:
        """The full ref name (unambiguous where a branch has the same name)."""
        return f"refs/tags/{self.name}"


@lru_cache(maxsize=1 << 14)
def _version(text: str) -> Version | None:
    """``text`` parsed (Versions are immutable: a tag read again is not parsed again)."""
    try:
        return Version.parse(text)
    except VersionError:
        return None


# The epoch and release numbers at the start of a version: enough to order tags without parsing.
_RELEASE_PREFIX = re.compile(r"(?:(\d+)!)?(\d+(?:\.\d+)*)")

_Key = tuple[int, tuple[int, ...]]


def _group_key(text: str) -> _Key | None:
    """PEP 440's first sort keys of ``text``: the epoch and the release without trailing zeros."""
    m = PLAIN.fullmatch(text)  # the usual tag: no parsing
    if m is not None:
        x, y, z = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return (0, (x, y, z) if z else (x, y) if y else (x,))
    m = _RELEASE_PREFIX.match(text)
    if m is None:
        return None
    release = tuple(int(p) for p in m.group(2).split("."))
    while len(release) > 1 and release[-1] == 0:  # 1.2 == 1.2.0 in PEP 440
        release = release[:-1]
    return (int(m.group(1) or 0), release)


def newest_first(names: Iterable[str], fmt: TagFormat) -> Iterator[ReleaseTag]:
    """The tags of ``fmt`` among ``names``, highest version first; others are left out.

    Versions are parsed lazily: the tags are grouped by epoch and release numbers (PEP 440's
    first sort keys) and only the groups reached are parsed and ordered exactly (a group of
    one tag needs no ordering).
    """
    groups: dict[_Key, list[tuple[str, str]]] = {}
    for name in names:
        text = fmt.version_text(name)
        if text is None:
            continue
        key = _group_key(text)
        if key is not None:
            groups.setdefault(key, []).append((name, text))
    for key in sorted(groups, reverse=True):
        group = groups[key]
        if len(group) == 1:
            version = _version(group[0][1])
            if version is not None:
                yield ReleaseTag(group[0][0], version)
            continue
        tags = [ReleaseTag(n, v) for n, text in group if (v := _version(text)) is not None]
        tags.sort(key=lambda t: (t.version, t.name), reverse=True)
        yield from tags


#: The formats a project's release tags are recognised in, most usual first.
_USUAL = ("v{version}", "{version}")


def infer_format(names: Iterable[str]) -> tuple[str, int] | None:
    """The usual tag format most of ``names`` follow, and how many do; None when none does.

    ``v1.2.3`` -> ``v{version}``, ``1.2.3`` -> ``{version}``; pre-release tags written the
    SemVer way (``v1.2.3-rc.1``) give ``{semver}`` so that new tags look like the old ones.
    """
    best: tuple[str, int] | None = None
    names = list(names)
    for template in _USUAL:
        fmt = TagFormat(template)
        matched = [n for n in names if fmt.parse(n) is not None]
        if matched and (best is None or len(matched) > best[1]):
            semver = [n for n in matched if "-" in (fmt.version_text(n) or "")]
            pep = [n for n in matched if fmt.parse(n).is_prerelease and n not in semver]  # type: ignore[union-attr]
            chosen = (
                template.replace("{version}", "{semver}") if len(semver) > len(pep) else template
            )
            best = (chosen, len(matched))
    return best
