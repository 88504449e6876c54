"""The GitHub or GitLab repository behind a git remote URL, for the changelog's links (pure).

The URL is split the way :func:`urllib.parse.urlsplit` splits it (scheme, host, port, path),
by the few rules a remote URL needs, so that the core imports nothing that reaches the world.
"""

from __future__ import annotations

import re
import unicodedata
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

#: A URL as urlsplit reads it: the scheme up to the first ':', the netloc after '//' up to the
#: first '/', '?' or '#', and the path up to the query or fragment.
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):(?://(?P<netloc>[^/?#]*))?(?P<path>[^?#]*)")

#: What urlsplit strips from the front (C0 controls and space) and removes everywhere.
_LEADING = "".join(map(chr, range(0x21)))
_UNSAFE = str.maketrans("", "", "\t\r\n")


def _netloc_ok(netloc: str) -> bool:
    """False for a netloc urlsplit rejects: IPv6 brackets (never a forge's host), or characters
    that NFKC normalisation turns into URL delimiters."""
    if "[" in netloc or "]" in netloc:
        return False
    if netloc.isascii():
        return True
    n = netloc.replace("@", "").replace(":", "").replace("#", "").replace("?", "")
    normal = unicodedata.normalize("NFKC", n)
    return n == normal or not any(c in normal for c in "/?#@:")


def _split_url(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, host, port, path) of a URL with a scheme, as urlsplit gives them, or None.

    The scheme is lower-cased and the port is ``":<port>"`` (or ``""``) for http(s) only; None
    for a URL whose host part or http(s) port urlsplit rejects.
    """
    m = _URL.match(url.lstrip(_LEADING).translate(_UNSAFE))
    if m is None:
        return None
    scheme, netloc, path = m.group("scheme").lower(), m.group("netloc") or "", m.group("path")
    if not _netloc_ok(netloc):
        return None
    host, _, port = netloc.rpartition("@")[2].partition(":")
    if scheme not in ("https", "http") or not port:
        return scheme, host, "", path
    if not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return None
    return scheme, host, f":{int(port)}" if int(port) else "", path


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
        parts = _split_url(url)
        if parts is None or parts[0] not in ("https", "http", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        host, path = parts[1], parts[3]
        if parts[0] in ("https", "http"):
            scheme, port = parts[0], parts[2]
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
