"""A socket server of a test run in a thread on 127.0.0.1 for the length of a ``with`` block."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["serving"]


@contextmanager
def serving(server: socketserver.TCPServer) -> Iterator[str]:
    """Serve ``server`` (bound to 127.0.0.1) in a daemon thread; yield its root URL, then stop it
    and close its socket."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
