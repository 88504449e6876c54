"""The one isolation of git from the user's and the machine's configuration, for every test.

Git then sees only ``home/.gitconfig``: a known identity, no signing, no global hooks or
templates, ``main`` as the first branch; and nothing of the calling shell's ``GIT_*`` state, CI
output file or reproducible-build clock. The uv and pip caches stay the user's. The pytest fixtures (``testkit.fixtures.git``) apply it
per test and per session with a monkeypatch; :func:`isolated_environ` gives the same as a
dictionary for a subprocess.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

__all__ = ["CLEARED", "EMAIL", "NAME", "Environ", "isolate", "isolated_environ", "isolation"]

NAME = "Test Maintainer"
EMAIL = "maintainer@example.invalid"

#: Removed from the environment: a caller's repository, index or work tree, a CI output file and
#: a reproducible-build clock would each change what the code under test does.
CLEARED = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GITHUB_OUTPUT", "SOURCE_DATE_EPOCH")

_GITCONFIG = (
    "[user]\n\tname = {name}\n\temail = {email}\n"
    "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
    "[advice]\n\tdetachedHead = false\n"
)


#: The package caches of the user running the tests, kept although HOME changes: an isolated
#: build or an SBOM environment then finds its backend and dependencies in the cache instead of
#: downloading them again for every test (uv and pip caches are safe to share between processes).
_CACHES = {
    "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv"),
    "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip"),
}


class Environ(Protocol):
    """What :func:`isolate` needs of ``pytest.MonkeyPatch``."""

    def setenv(self, name: str, value: str, prepend: str | None = None) -> None: ...

    def delenv(self, name: str, raising: bool = True) -> None: ...


def isolation(home: Path, *, name: str = NAME, email: str = EMAIL) -> dict[str, str]:
    """Write ``home/.gitconfig``; return the variables to set (and remove :data:`CLEARED`)."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / ".gitconfig"
    config.write_text(_GITCONFIG.format(name=name, email=email))
    return {
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(home),
        **_CACHES,
    }


def isolate(env: Environ, home: Path) -> None:
    """Apply :func:`isolation` through ``env`` (a ``pytest.MonkeyPatch``), undone with it."""
    for var, value in isolation(home).items():
        env.setenv(var, value)
    for var in CLEARED:
        env.delenv(var, raising=False)


def isolated_environ(
    home: Path, base: Mapping[str, str] | None = None, **identity: str
) -> dict[str, str]:
    """``base`` (default ``os.environ``) with :func:`isolation` applied, for a subprocess."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in CLEARED}
    return env | isolation(home, **identity)
