"""The index adapter: which files a package index holds for a project, read from its simple API.

``twine upload --skip-existing`` only works against PyPI and TestPyPI, so ``publish`` reads the
index itself, through the standard "simple" repository API every index serves: PEP 691 JSON
(``application/vnd.pypi.simple.v1+json``) when the index offers it, else the PEP 503 HTML page
(``<a href="...#sha256=...">``). Written by hand with :mod:`urllib` and :mod:`html.parser`:
neither twine nor packaging exposes a reader, and pip's is internal.

Credentials are sent only when given, and URLs are shown only redacted
(:mod:`nox_release.adapters.credentials`).
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import IO, Any, TypeVar
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from nox_release._errors import IndexReadError
from nox_release.adapters.credentials import Credentials, redact_url
from nox_release.adapters.dist import sha256_stream
from nox_release.core.log import Log, quiet

__all__ = ["IndexFile", "Listing", "file_sha256", "project_page_url", "read_project"]

_JSON = "application/vnd.pypi.simple.v1+json"
_ACCEPT = f"{_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

T = TypeVar("T")


@dataclass(frozen=True)
class IndexFile:
    """One file the index lists for the project."""

    filename: str
    url: str
    sha256: str | None  # None when the index gives no sha256 (see :func:`file_sha256`)


@dataclass(frozen=True)
class Listing:
    """What the index holds for one project (``found`` False: the index does not know it)."""

    url: str  # the project page, redacted
    found: bool
    files: dict[str, IndexFile]
    format: str  # "json", "html" or "none"


# -- URLs ---------------------------------------------------------------------------------------


def project_page_url(simple_url: str, name: str) -> str:
    """The project page under a simple API root: ``<root>/<normalized-name>/`` (PEP 503)."""
    from packaging.utils import canonicalize_name

    root = simple_url if simple_url.endswith("/") else simple_url + "/"
    return urljoin(root, f"{canonicalize_name(name)}/")


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)


# -- HTTP ---------------------------------------------------------------------------------------


class _Redirected(Exception):
    def __init__(self, location: str) -> None:
        self.location = location


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects within the index only: credentials never travel to another host, and a
    pypiserver 'fallback' redirect to PyPI is not mistaken for this index's files."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not _same_origin(req.full_url, newurl):
            raise _Redirected(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOriginRedirects())


def _user_agent() -> str:
    from nox_release import __version__

    return f"nox-release/{__version__}"


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500
    # http.client.HTTPException: a garbled status line, a body cut short (IncompleteRead).
    return isinstance(
        exc,
        (
            urllib.error.URLError,
            socket.timeout,
            ConnectionError,
            TimeoutError,
            http.client.HTTPException,
        ),
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, http.client.IncompleteRead):
        return f"IncompleteRead: the answer was cut short, {exc.expected} byte(s) missing"
    if isinstance(exc, http.client.HTTPException):
        # Their text is what the server sent (a status line): name the kind only.
        return f"{type(exc).__name__}: the server's answer is not valid HTTP"
    return str(exc) or type(exc).__name__


def _fetch(
    url: str,
    consume: Callable[[Any], T],
    *,
    accept: str,
    credentials: Credentials | None,
    retries: int,
    backoff: float,
    timeout: float,
    log: Log,
) -> T:
    """GET ``url`` and return ``consume(response)``; connection errors and 5xx answers (also
    while reading the body) are retried ``retries`` times with exponential backoff; 4xx answers
    are raised at once as :class:`urllib.error.HTTPError`; a URL urllib cannot open (no scheme,
    a bad port) raises :class:`IndexReadError`."""
    headers = {"Accept": accept, "User-Agent": _user_agent(), "Cache-Control": "max-age=0"}
    if credentials is not None:
        headers["Authorization"] = credentials.header()
    shown = redact_url(url)
    attempt = 0
    while True:
        try:
            request = urllib.request.Request(url, headers=headers)
            with _OPENER.open(request, timeout=timeout) as response:
                return consume(response)
        except ValueError:
            # "unknown url type", http.client.InvalidURL, a non-numeric port: not a URL urllib
            # can open. The exception's text may quote the whole URL: it is not shown.
            raise IndexReadError(
                f"{shown} is not a URL an index can be read from: give it as "
                "https://host/path/ (or http://)."
            ) from None
        except Exception as exc:  # classified here; anything else propagates unchanged
            if not _transient(exc):
                raise
            if attempt >= retries:
                raise IndexReadError(
                    f"could not read {shown} after {attempt + 1} attempt(s) ({_reason(exc)}): "
                    "check the index URL and that the index is up, then run again.",
                    status=getattr(exc, "code", None),
                ) from None
            delay = backoff * (2**attempt)
            log(f"reading {shown} failed ({_reason(exc)}); retrying in {delay:g} s")
            time.sleep(delay)
            attempt += 1


# -- reading the project page --------------------------------------------------------------------


class _Links(HTMLParser):
    """PEP 503 project page: every ``<a href>`` with its text, honouring ``<base href>``."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = page_url
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "base" and values.get("href"):
            self.base = urljoin(self.base, values["href"] or "")
        elif tag == "a" and values.get("href"):
            self._href = values["href"]
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((urljoin(self.base, self._href), "".join(self._text).strip()))
            self._href = None


def _filename_of(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def parse_html(text: str, page_url: str) -> dict[str, IndexFile]:
    """The files of a PEP 503 project page."""
    parser = _Links(page_url)
    parser.feed(text)
    parser.close()
    files: dict[str, IndexFile] = {}
    for href, label in parser.links:
        url, fragment = urldefrag(href)
        name = label or _filename_of(url)
        algo, _, digest = fragment.partition("=")
        sha = digest.lower() if algo.lower() == "sha256" and digest else None
        files[name] = IndexFile(name, url, sha)
    return files


def parse_json(data: Any, page_url: str) -> dict[str, IndexFile]:
    """The files of a PEP 691 JSON project page."""
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise ValueError("no 'files' list")
    files: dict[str, IndexFile] = {}
    for entry in data["files"]:
        name, url = entry["filename"], urljoin(page_url, entry["url"])
        sha = (entry.get("hashes") or {}).get("sha256")
        files[name] = IndexFile(name, url, sha.lower() if isinstance(sha, str) else None)
    return files


def read_project(
    simple_url: str,
    name: str,
    *,
    credentials: Credentials | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 30.0,
    log: Log = quiet,
) -> Listing:
    """Read the files the index at ``simple_url`` lists for the project ``name``.

    A 404 (or a redirect to another host, as pypiserver's fallback to PyPI does) means the
    index does not hold the project: an empty, not-``found`` listing. Connection errors and
    5xx answers are retried; anything else raises :class:`IndexReadError` naming the URL.
    """
    page = project_page_url(simple_url, name)
    shown = redact_url(page)

    def consume(response: Any) -> tuple[str, str, str, bytes]:
        headers = response.headers
        charset = headers.get_content_charset() or "utf-8"
        return response.geturl(), headers.get_content_type(), charset, response.read()

    try:
        final_url, ctype, charset, body = _fetch(
            page,
            consume,
            accept=_ACCEPT,
            credentials=credentials,
            retries=retries,
            backoff=backoff,
            timeout=timeout,
            log=log,
        )
    except _Redirected as exc:
        log(
            f"{shown} redirects to another host ({redact_url(exc.location)}): "
            "the index does not hold the project"
        )
        return Listing(shown, False, {}, "none")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return Listing(shown, False, {}, "none")
        raise IndexReadError(_refusal(shown, exc.code, str(exc.reason)), status=exc.code) from None
    try:
        if ctype == _JSON or (ctype not in ("text/html",) and body.lstrip()[:1] == b"{"):
            return Listing(shown, True, parse_json(json.loads(body), final_url), "json")
        text = body.decode(charset, "replace")
        return Listing(shown, True, parse_html(text, final_url), "html")
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexReadError(
            f"{shown} answered a page that is neither a PEP 691 nor a PEP 503 project page "
            f"({exc}): check the index URL (--index-url)."
        ) from None


def _refusal(shown: str, code: int, reason: str) -> str:
    if code in (401, 403):
        return (
            f"{shown} refused to list the project (HTTP {code} {reason}): the index needs "
            "credentials to read; set TWINE_USERNAME and TWINE_PASSWORD, or put them in the "
            "index URL."
        )
    return f"{shown} answered HTTP {code} {reason}: check the index URL (--index-url)."


def file_sha256(
    file: IndexFile,
    *,
    credentials: Credentials | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 60.0,
    log: Log = quiet,
) -> str:
    """The sha256 of a listed file: from the listing, else by downloading and hashing it."""
    if file.sha256 is not None:
        return file.sha256

    def consume(response: Any) -> str:
        digest = sha256_stream(response)
        missing = getattr(response, "length", None)
        if missing:  # read in chunks, http.client takes a body cut short for the end
            raise http.client.IncompleteRead(b"", missing)
        return digest

    try:
        return _fetch(
            file.url,
            consume,
            accept="*/*",
            credentials=credentials,
            retries=retries,
            backoff=backoff,
            timeout=timeout,
            log=log,
        )
    except _Redirected as exc:
        raise IndexReadError(
            f"{redact_url(file.url)} redirects to another host ({redact_url(exc.location)}) and "
            "the index gives no sha256 for it: nox-release cannot tell whether it is this file."
        ) from None
    except urllib.error.HTTPError as exc:
        raise IndexReadError(
            _refusal(redact_url(file.url), exc.code, str(exc.reason)), status=exc.code
        ) from None
