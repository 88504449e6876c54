"""twine for ``publish``: the ``twine upload`` command line, and what a failed upload means.

:func:`twine_failure` reads twine's output (with or without colour) and sorts the failure into
one of a few kinds, so that ``publish`` retries what may pass on a second try and explains the
rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from nox_release.adapters.runner import strip_ansi, tool
from nox_release.adapters.targets import Target

__all__ = ["twine_command", "twine_failure"]

_HTTP_STATUS = re.compile(r"HTTPError: (\d{3})\b")
_CONNECTION = re.compile(
    r"ConnectionError|ConnectTimeout|ReadTimeout|Timeout|Connection aborted|"
    r"Connection refused|RemoteDisconnected|Max retries exceeded|NewConnectionError|"
    r"Connection reset",
    re.IGNORECASE,
)

#: twine asks the index for an OIDC audience when it has no username and password.
_TRUSTED_PUBLISHING = re.compile(r"/_/oidc/|trusted publishing", re.IGNORECASE)


def twine_failure(output: str) -> tuple[str, int | None, str]:
    """(kind, HTTP status, short reason) of a failed ``twine upload``; kind is "transient",
    "credentials", "no-credentials", "exists", "client" or "other"."""
    text = strip_ansi(output)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    status_match = None
    for line in lines:
        status_match = _HTTP_STATUS.search(line) or status_match
    if status_match is not None:
        return _http_failure(lines, int(status_match.group(1)))
    missing = next(
        (ln for ln in lines if "NonInteractive:" in ln or "TrustedPublishingFailure" in ln), None
    )
    if missing is not None:
        return "no-credentials", None, _shorten(missing)
    if any(_TRUSTED_PUBLISHING.search(line) for line in lines):
        # No username/password: twine tried PyPI trusted publishing (an OIDC token) and failed.
        last = lines[-1] if lines else "no output"
        error = re.search(r"(\w+(?:Error|Exception|Failure))\b", last)
        why = error.group(1) if error else _shorten(last, 120)
        return (
            "no-credentials",
            None,
            f"no username or password, and trusted publishing failed: {why}",
        )
    if any(_CONNECTION.search(line) for line in lines):
        last = next((ln for ln in reversed(lines) if _CONNECTION.search(ln)), lines[-1])
        return "transient", None, _shorten(last)
    return "other", None, _shorten(lines[-1] if lines else "no output")


def _http_failure(lines: list[str], status: int) -> tuple[str, int | None, str]:
    """The kind of a failure that twine reports with an HTTP ``status``."""
    line = next(ln for ln in lines if _HTTP_STATUS.search(ln))
    # "HTTPError: 403 Forbidden from https://..." -> "HTTP 403 Forbidden"
    words = line.split("HTTPError:", 1)[1].strip().split(" from ", 1)[0]
    reason = f"HTTP {words}"
    if status >= 500:
        return "transient", status, reason
    if status in (401, 403):
        return "credentials", status, reason
    if status in (400, 409):
        return "exists", status, reason
    return "client", status, reason


def _shorten(text: str, limit: int = 240) -> str:
    text = text.removeprefix("ERROR").strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def twine_command(target: Target, files: Sequence[tuple[Path, Sequence[Path]]]) -> list[str]:
    """``twine upload`` of ``files``, each a (path, its attestations) pair, to ``target``."""
    args = [
        tool("twine"),
        "--no-color",
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        *target.twine_args,
    ]
    if any(attestations for _path, attestations in files):
        args.append("--attestations")
    for path, attestations in files:
        args.append(str(path))
        args.extend(str(a) for a in attestations)
    return args
