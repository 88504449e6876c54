"""The nox sessions: parse posargs, call one step, report. No release logic lives here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from nox_release._errors import ReleaseError
from nox_release.sessions import artifacts, release, versions
from nox_release.sessions.registry import SESSIONS, Session, SessionSpec

__all__ = ["SESSIONS", "register"]

_MODULES = (versions, artifacts, release)  # each registers its sessions when imported


def _wrap(spec: SessionSpec, root: Path | None) -> Callable[[Session], None]:
    def session_func(session: Session) -> None:
        try:
            spec.func(session, root if root is not None else Path.cwd())
        except ReleaseError as exc:
            session.error(str(exc))

    session_func.__doc__ = spec.doc
    session_func.__name__ = spec.name.replace("-", "_")
    session_func.__qualname__ = session_func.__name__
    return session_func


def register(
    *,
    prefix: str = "",
    exclude: Iterable[str] = (),
    only: Iterable[str] | None = None,
    root: Path | str | None = None,
) -> list[str]:
    """Register nox-release's sessions with nox; call it from ``noxfile.py``.

    ``prefix`` is put before every session name; ``exclude`` leaves the named sessions out (names
    without the prefix); ``only`` keeps just those; ``root`` is the project folder (default: the
    folder nox runs in, the noxfile's). Sessions use ``venv_backend="none"`` and are not default
    sessions, so a plain ``nox`` never releases anything. Returns the registered names.
    """
    import nox

    known = {spec.name for spec in SESSIONS}
    wanted = set(only) if only is not None else set(known)
    skipped = set(exclude)
    unknown = (wanted | skipped) - known
    if unknown:
        raise ReleaseError(
            f"nox_release.register(): unknown session(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}."
        )
    names = []
    root_path = Path(root).resolve() if root is not None else None
    for spec in SESSIONS:
        if spec.name not in wanted or spec.name in skipped:
            continue
        name = prefix + spec.name
        nox.session(name=name, venv_backend="none", default=False)(_wrap(spec, root_path))
        names.append(name)
    return names
