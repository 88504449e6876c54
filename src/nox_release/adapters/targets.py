"""Where ``publish`` uploads to and reads from: an index name, a ``~/.pypirc`` section or a URL.

:func:`resolve_target` turns the ``repository`` setting into upload and read URLs, twine's
arguments and environment, and the credentials for reading the index, the way twine itself
resolves them; every secret met on the way is collected so that it can be redacted.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from nox_release._errors import PublishError
from nox_release.adapters.credentials import (
    Credentials,
    redact_url,
    split_credentials,
    url_secrets,
)
from nox_release.adapters.runner import secret_forms

__all__ = [
    "PYPI_UPLOAD_URL",
    "TESTPYPI_UPLOAD_URL",
    "Target",
    "host",
    "resolve_target",
    "simple_url_for",
]

PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/"
TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/"

#: Upload host -> the simple API of the same index (PyPI's upload and read hosts differ).
_KNOWN_SIMPLE = {
    "upload.pypi.org": "https://pypi.org/simple/",
    "pypi.org": "https://pypi.org/simple/",
    "test.pypi.org": "https://test.pypi.org/simple/",
}


def simple_url_for(upload_url: str) -> str:
    """The simple API root of the index that ``upload_url`` uploads to.

    PyPI and TestPyPI are known; for any other index (pypiserver, devpi's root, Nexus, ...) the
    upload URL's ``/legacy/`` suffix, if any, is replaced by ``/simple/``. Indexes laid out
    differently are read from an explicit ``index_url``.
    """
    clean, _ = split_credentials(upload_url)
    parts = urlsplit(clean)
    known = _KNOWN_SIMPLE.get(parts.hostname or "")
    if known is not None:
        return known
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    if path.endswith("/legacy/"):
        path = path[: -len("legacy/")]
    return urlunsplit((parts.scheme, parts.netloc, path + "simple/", "", ""))


@dataclass(frozen=True)
class Target:
    """Where ``publish`` uploads to and reads from. Holds no secret in any shown field."""

    repository: str  # as configured: pypi, testpypi, a ~/.pypirc name, or the (redacted) URL
    upload_url: str  # without credentials
    simple_url: str  # without credentials
    twine_args: tuple[str, ...]  # --repository NAME or --repository-url URL
    twine_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    read_credentials: Credentials | None = field(default=None, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def shown(self) -> str:
        if self.repository == self.upload_url:
            return self.upload_url
        return f"{self.repository} ({self.upload_url})"


def _check_parses(what: str, url: str | None) -> None:
    """A URL-like value that urllib cannot take apart (``http://[::1``) is named, not raised."""
    if url is None or "://" not in url:
        return
    try:
        urlsplit(url).port  # noqa: B018 - parses the host and the port
    except ValueError as exc:
        raise PublishError(
            f"{what} '{redact_url(url)}' is not a valid URL ({exc}): give it as "
            "https://host[:port]/path/"
        ) from None


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _pypirc(path: Path) -> configparser.RawConfigParser:
    # Read as twine does (packaging.python.org's .pypirc spec); written here because twine's
    # reader is not a public API. Interpolation is off, as in twine.
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        # The parser's message may quote a line holding a password: never show it.
        raise PublishError(
            f"{path} is not a valid .pypirc file: fix its syntax (see "
            "https://packaging.python.org/specifications/pypirc/)."
        ) from None
    return parser


def resolve_target(
    repository: str,
    *,
    index_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    pypirc: Path | None = None,
) -> Target:
    """Turn ``repository`` (``pypi``, ``testpypi``, a ``~/.pypirc`` section or an upload URL)
    into upload and read URLs, twine arguments and the credentials for reading the index.

    Credentials are never put on twine's command line: a password in the upload URL is passed
    as ``TWINE_USERNAME``/``TWINE_PASSWORD`` in twine's environment. When no credentials are
    set, none are invented, so that twine can use keyring or PyPI trusted publishing.
    """
    env = os.environ if environ is None else environ
    for what, url in (("--repository", repository), ("--index-url", index_url)):
        _check_parses(what, url)
    if index_url is not None and not _is_url(index_url):
        raise PublishError(
            f"the index URL '{redact_url(index_url)}' is not an http:// or https:// URL: give "
            "the index's simple API in full, as --index-url https://host/simple/."
        )
    pypirc_path = pypirc if pypirc is not None else Path(os.path.expanduser("~/.pypirc"))
    login = _Login(env.get("TWINE_USERNAME") or None, env.get("TWINE_PASSWORD") or None)
    if _is_url(repository):
        upload = _url_repository(repository, login)
    else:
        upload = _pypirc_repository(repository, pypirc_path, login)
    simple = index_url or simple_url_for(upload.url)
    secrets = [*secret_forms(env.get("TWINE_PASSWORD")), *upload.secrets, *url_secrets(simple)]
    simple, index_creds = split_credentials(simple)
    read_creds = index_creds
    if read_creds is None:
        read_creds, keyring_secrets = _upload_credentials(simple, upload)
        secrets += keyring_secrets
    return Target(
        repository=upload.shown,
        upload_url=upload.url,
        simple_url=simple,
        twine_args=upload.twine_args,
        twine_env=upload.twine_env,
        read_credentials=read_creds,
        secrets=tuple(dict.fromkeys(s for s in secrets if s)),
    )


@dataclass(frozen=True)
class _Login:
    """A username and password for the upload host, either possibly unknown."""

    username: str | None
    password: str | None = field(repr=False)


@dataclass(frozen=True)
class _Upload:
    """Where twine uploads to, as configured, and the login and secrets met on the way there."""

    shown: str  # the repository as shown: its name, or the upload URL
    url: str  # without credentials
    twine_args: tuple[str, ...]
    twine_env: dict[str, str] = field(repr=False)
    login: _Login
    secrets: tuple[str, ...] = field(repr=False)


def _url_repository(repository: str, login: _Login) -> _Upload:
    """An upload URL; credentials in it go to twine's environment, not its command line."""
    upload_url, url_creds = split_credentials(repository)
    twine_env: dict[str, str] = {}
    secrets: list[str] = []
    if url_creds is not None:
        secrets += url_secrets(repository)
        login = _Login(url_creds.username, url_creds.password or login.password)
        twine_env["TWINE_USERNAME"] = url_creds.username
        if url_creds.password:
            twine_env["TWINE_PASSWORD"] = url_creds.password
    args = ("--repository-url", upload_url)
    return _Upload(upload_url, upload_url, args, twine_env, login, tuple(secrets))


def _pypirc_repository(repository: str, pypirc_path: Path, login: _Login) -> _Upload:
    """A repository name: ``pypi``, ``testpypi`` or a section of ``~/.pypirc``."""
    secrets: list[str] = []
    parser = _pypirc(pypirc_path) if pypirc_path.is_file() else None
    if parser is not None and parser.has_option("server-login", "password"):
        secrets += secret_forms(parser.get("server-login", "password"))
    servers = (
        parser.get("distutils", "index-servers", fallback="pypi testpypi").split()
        if parser is not None
        else ["pypi", "testpypi"]
    )
    defaults = {"pypi": PYPI_UPLOAD_URL, "testpypi": TESTPYPI_UPLOAD_URL}
    section = repository if parser is not None and parser.has_section(repository) else None
    if repository not in servers and repository != "pypi":
        raise PublishError(
            f"the repository '{repository}' is not listed in 'index-servers' of "
            f"{pypirc_path}: add a [{repository}] section there, or give an upload URL "
            "(--repository https://...)."
        )
    upload_url = defaults.get(repository, "")
    username, password = login.username, login.password
    if section is not None and parser is not None:
        upload_url = parser.get(section, "repository", fallback=upload_url)
        if parser.has_option(section, "password"):
            secrets += secret_forms(parser.get(section, "password"))
            password = password or parser.get(section, "password")
        if parser.has_option(section, "username"):
            username = username or parser.get(section, "username")
    _check_section_url(repository, pypirc_path, upload_url)
    secrets += url_secrets(upload_url)
    upload_url, _ = split_credentials(upload_url)
    # TWINE_REPOSITORY_URL would silently win over --repository: blank it.
    twine_env = {"TWINE_REPOSITORY_URL": ""}
    args = ("--repository", repository)
    return _Upload(
        repository, upload_url, args, twine_env, _Login(username, password), tuple(secrets)
    )


def _check_section_url(repository: str, pypirc_path: Path, upload_url: str) -> None:
    """Raise unless ``~/.pypirc`` (or the default) gives ``repository`` an http(s) URL."""
    if not upload_url:
        raise PublishError(
            f"the [{repository}] section of {pypirc_path} has no 'repository' URL: add "
            "'repository = https://...' to it, or give an upload URL (--repository https://...)."
        )
    if not _is_url(upload_url):
        raise PublishError(
            f"the [{repository}] section of {pypirc_path} gives the repository "
            f"'{redact_url(upload_url)}', which is not an http:// or https:// URL: write it "
            "in full, as 'repository = https://host/legacy/'."
        )


_PYPI_HOSTS = ("pypi.org", "test.pypi.org", "upload.pypi.org", "files.pythonhosted.org")


def _upload_credentials(simple: str, upload: _Upload) -> tuple[Credentials | None, list[str]]:
    """The upload login, for reading a private index on the upload host, and the secret forms
    of a password looked up in keyring for it."""
    username, password = upload.login.username, upload.login.password
    same_host = host(simple) == host(upload.url)
    if not (same_host and host(simple) not in _PYPI_HOSTS and username):
        return None, []
    # A private index usually wants the upload credentials for reading too; they are only
    # ever sent to the upload host, never to PyPI (whose simple API is public).
    secrets: list[str] = []
    if password is None:
        password = _keyring_password(upload.url, username)
        secrets = secret_forms(password)
    return (Credentials(username, password) if password else None), secrets


def host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def _keyring_password(url: str, username: str) -> str | None:
    """The password keyring holds for ``url`` (twine's lookup key), or None."""
    try:
        import keyring

        value = keyring.get_password(url, username)
    except Exception:  # no keyring, no backend, a locked one: twine will try for itself
        return None
    return value if isinstance(value, str) else None
