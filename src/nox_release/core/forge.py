"""The GitHub or GitLab repository behind a git remote URL, for the changelog's links (pure)."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

__all__ = ["Forge", "forge_from_remote"]


@dataclass(frozen=True)
class Forge:
    """A GitHub or GitLab repository's web address, from which links are made."""

    kind: str  # "github" or "gitlab"
    web: str  # https://github.com/owner/repo

    @property
    def _base(self) -> str:
        return self.web + ("/-" if self.kind == "gitlab" else "")

    @property
    def commit_url(self) -> str:
        return self._base + "/commit"

    @property
    def compare_url(self) -> str:
        return self._base + "/compare"

    def preprocessors(self) -> list[dict[str, str]]:
        """git-cliff ``commit_preprocessors`` that link ``#123`` (GitLab: also ``!123``)."""
        # Not after '[' (already a link), a word character, '&' (an entity) or '/' (a URL).
        lead = r"(^|[^\[\w&/])"
        if self.kind == "github":
            return [
                {
                    "pattern": lead + r"#([0-9]+)\b",
                    "replace": f"${{1}}[#${{2}}]({self.web}/pull/${{2}})",
                }
            ]
        return [
            {
                "pattern": lead + r"#([0-9]+)\b",
                "replace": f"${{1}}[#${{2}}]({self._base}/issues/${{2}})",
            },
            {
                "pattern": lead + r"!([0-9]+)\b",
                "replace": f"${{1}}[!${{2}}]({self._base}/merge_requests/${{2}})",
            },
        ]


_SCP = re.compile(r"^(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+):(?!//)(?P<path>[^\s]+)$")


def forge_from_remote(url: str | None) -> Forge | None:
    """The GitHub/GitLab repository a remote URL points at (https, ssh or scp form), or None.

    Credentials in the URL are dropped; local paths and other hosts give None.
    """
    if not url:
        return None
    url = url.strip()
    scheme = "https"
    port = ""
    if "://" in url:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        host = parts.hostname or ""
        path = parts.path
        if parts.scheme in ("https", "http"):
            scheme = parts.scheme
            try:
                port = f":{parts.port}" if parts.port else ""
            except ValueError:
                return None
    else:
        m = _SCP.match(url)
        if m is None:
            return None
        host, path = m.group("host"), m.group("path")
    host = host.lower()
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if path.count("/") < 1 or not all(path.split("/")):
        return None
    if "github" in host:
        kind = "github"
    elif "gitlab" in host:
        kind = "gitlab"
    else:
        return None
    return Forge(kind, f"{scheme}://{host}{port}/{path}")
