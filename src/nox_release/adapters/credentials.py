"""Credentials in URLs: taken out, sent only where they belong, and never shown.

URLs are shown only through :func:`redact_url`, so no password (or token given as the user)
embedded in a URL reaches a message or a log; :func:`url_secrets` lists what to redact from
other tools' output.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from nox_release.adapters.runner import secret_forms

__all__ = ["Credentials", "redact_url", "split_credentials", "url_secrets"]


@dataclass(frozen=True)
class Credentials:
    """A username and password for HTTP basic authentication (the password never in repr)."""

    username: str
    password: str = field(repr=False)

    def header(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` (or ``token@``) replaced by ``***@``; also in a URL
    given without its scheme (``token@host/simple``), which is shown in error messages; also in
    a URL urllib cannot parse (``http://[::1``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        scheme, sep, rest = url.rpartition("://")
        head, slash, tail = rest.partition("/")
        if "@" in head:
            head = "***@" + head.rsplit("@", 1)[1]
        return scheme + sep + head + slash + tail
    if not parts.netloc and "://" not in url:
        head, sep, rest = url.partition("/")
        if "@" in head:
            return "***@" + head.rsplit("@", 1)[1] + sep + rest
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """``url`` without its ``user:password@`` part, and those credentials (None if absent)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    clean = urlunsplit(parts._replace(netloc=host))
    return clean, Credentials(unquote(user), unquote(password))


def url_secrets(url: str) -> list[str]:
    """What of ``url`` must never be shown: the password of its ``user:password@`` part, or the
    user when there is no password (a token given as ``https://TOKEN@host/``, as GitLab and
    GitHub take it), decoded and as written in the URL. Empty when the URL has no credentials."""
    _clean, credentials = split_credentials(url)
    if credentials is None:
        return []
    secret = credentials.password or credentials.username
    userinfo = urlsplit(url).netloc.rsplit("@", 1)[0]
    written = userinfo.partition(":")[2] if credentials.password else userinfo.partition(":")[0]
    return sorted({*secret_forms(secret), *([written] if written else [])}, key=len, reverse=True)
