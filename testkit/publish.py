"""For the publish tests: the index's credentials, sample releases built with uv, and small
stdlib servers that fail on purpose (the real index is ``testkit.localindex``)."""

from __future__ import annotations

import hashlib
import json
import os
import socketserver
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from nox_release.adapters.runner import tool
from testkit.localindex import LocalIndex
from testkit.localindex import free_port as free_port  # re-exported for the tests
from testkit.samples import Repo, make_repo
from testkit.serving import serving

USERNAME = "uploader"
PASSWORD = "Corr3ct-h0rse-battery"

#: The running index the tests upload to (the demo and the benchmark use the same launcher).
Index = LocalIndex


def build(repo: Repo) -> list[Path]:
    """Build the sdist and wheel of ``repo`` into its ``dist/`` with uv (no isolation)."""
    subprocess.run(
        [
            tool("uv"),
            "build",
            "--no-build-isolation",
            "--python",
            sys.executable,
            "--out-dir",
            "dist",
            "-q",
        ],
        cwd=repo.path,
        check=True,
        env={**os.environ, "UV_OFFLINE": "1", "UV_NO_CACHE": "1"},
        capture_output=True,
    )
    return artifacts(repo)


def artifacts(repo: Repo) -> list[Path]:
    """The wheel and sdist in ``repo``'s ``dist/`` (uv also writes a ``.gitignore`` there)."""
    return sorted(p for p in (repo.path / "dist").iterdir() if p.name.endswith((".whl", ".gz")))


def release(
    path: Path, name: str, version: str = "1.0.0", *, tag: bool = True, body: str = ""
) -> Repo:
    """A committed sample project ``name`` at ``version`` (tagged ``v<version>``), built."""
    module = name.replace("-", "_")
    repo = make_repo(
        path,
        name=name,
        version=version,
        extra='readme = "README.md"\n',
        files={
            f"src/{module}/__init__.py": f'__version__ = "{version}"\n{body}',
            "README.md": f"# {name}\n\nA sample release.\n",
        },
    )
    if tag:
        repo.tag(f"v{version}")
    build(repo)
    return repo


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class FlakyIndex:
    """A stdlib HTTP index: uploads answer 503 ``failures`` times, then succeed; the simple
    API (PEP 691 JSON) lists what was accepted, with the hashes given in ``files``."""

    project: str
    files: dict[str, str]  # filename -> sha256 it lists once uploaded
    failures: int = 1
    posts: int = 0
    gets: int = 0
    get_failures: int = 0
    uploaded: set[str] = field(default_factory=set)
    url: str = ""

    @property
    def simple(self) -> str:
        return self.url + "simple/"


@contextmanager
def flaky_server() -> Iterator[FlakyIndex]:
    """A running :class:`FlakyIndex` (nothing to list, no failures set yet)."""
    index = FlakyIndex(project="", files={})

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            index.gets += 1
            if index.get_failures > 0:
                index.get_failures -= 1
                self.send_error(503)
                return
            if self.path != f"/simple/{index.project}/" or not index.uploaded:
                self.send_error(404)
                return
            body = json.dumps(
                {
                    "meta": {"api-version": "1.1"},
                    "name": index.project,
                    "files": [
                        {"filename": n, "url": f"../../files/{n}", "hashes": {"sha256": h}}
                        for n, h in index.files.items()
                        if n in index.uploaded
                    ],
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            data = self.rfile.read(length)
            index.posts += 1
            if index.failures > 0:
                index.failures -= 1
                self.send_error(503)
                return
            for name in index.files:
                if f'filename="{name}"'.encode() in data:
                    index.uploaded.add(name)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        index.url = url
        yield index


@contextmanager
def raw_http(answer: bytes) -> Iterator[str]:
    """A server on 127.0.0.1 that reads one request per connection and answers ``answer``
    byte for byte (not necessarily HTTP), then closes; yields its root URL."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(65536)
            self.request.sendall(answer)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with serving(server) as url:
        yield url
