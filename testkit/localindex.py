"""A throw-away package index on 127.0.0.1: pypiserver with htpasswd authentication.

Used by the demo (``nox -s demo``), the publish benchmark and the tests, so that a whole release
with upload can be tried without any index on the network. ``pypiserver`` and ``passlib`` are
not dependencies of nox-release: install them where this is used (the ``test`` extra has them).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import ReleaseError

__all__ = ["LocalIndex", "free_port", "local_index"]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LocalIndex:
    """A running index: upload to ``url``, read ``simple``; its files are in ``packages``."""

    url: str
    simple: str
    packages: Path
    username: str
    password: str

    def url_with(self, username: str, password: str) -> str:
        """``url`` with credentials in it (as some users configure their repository)."""
        return self.url.replace("http://", f"http://{username}:{password}@")


@contextmanager
def local_index(
    root: Path,
    *,
    username: str = "uploader",
    password: str = "uploader-password",
    timeout: float = 60,
) -> Iterator[LocalIndex]:
    """Start pypiserver on 127.0.0.1 serving ``root/packages``; stop it on exit."""
    with warnings.catch_warnings():  # passlib imports the deprecated crypt module
        warnings.simplefilter("ignore", DeprecationWarning)
        from passlib.apache import HtpasswdFile

    packages = root / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    htpasswd = HtpasswdFile(str(root / "htpasswd"), new=True)
    htpasswd.set_password(username, password)
    htpasswd.save()
    port = free_port()
    log_path = root / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pypiserver",
                "run",
                "-p",
                str(port),
                "-i",
                "127.0.0.1",
                "-a",
                "update",
                "-P",
                str(root / "htpasswd"),
                "--disable-fallback",
                "--server",
                "wsgiref",
                str(packages),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise ReleaseError(f"pypiserver exited at start: {log_path.read_text()[-500:]}")
            try:
                with urllib.request.urlopen(url + "health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ReleaseError(f"pypiserver did not answer on {url} within {timeout} s.")
            time.sleep(0.1)
        yield LocalIndex(url, url + "simple/", packages, username, password)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
