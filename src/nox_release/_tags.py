"""Tag names from versions and back, by the configured ``tag-format`` (pure core)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._errors import ConfigError, VersionError
from ._version import Version

__all__ = ["TagFormat"]

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
        if m is None:
            return None
        try:
            return Version.parse(m.group("v"))
        except VersionError:
            return None

    @property
    def glob(self) -> str:
        """A ``git tag --list`` pattern that every tag of this format matches."""
        return self.template.replace("{semver}", "*").replace("{version}", "*")

    @property
    def affixes(self) -> tuple[str, str]:
        """The text before and after the placeholder: ``v{version}`` -> ``("v", "")``."""
        head, _, tail = self.template.replace("{semver}", "{version}").partition("{version}")
        return head, tail
