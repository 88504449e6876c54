"""The nox sessions: parse posargs, call one step, report. No release logic lives here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from nox_release._errors import CommandError, ReleaseError
from nox_release.core.output import sentence
from nox_release.sessions import artifacts, registry, release, versions
from nox_release.sessions.registry import HelpShown, Session, SessionSpec

__all__ = ["SESSIONS", "register"]

#: Each module registers its sessions when imported; they are listed in this order.
_MODULES = (versions.__name__, artifacts.__name__, release.__name__)

#: Every session nox-release offers, in the order ``nox -l`` lists them.
SESSIONS: list[SessionSpec] = sorted(
    registry.SESSIONS, key=lambda spec: _MODULES.index(spec.func.__module__)
)


def _wrap(spec: SessionSpec, root: Path | None) -> Callable[[Session], None]:
    def session_func(session: Session) -> None:
        try:
            spec.func(session, root if root is not None else Path.cwd())
        except HelpShown:
            return  # argparse printed the help once, on stdout: a success
        except ReleaseError as exc:
            if _verbose(session):
                for output in _tool_outputs(exc):
                    session.log(output.rstrip())
            session.error(sentence(str(exc)))

    session_func.__doc__ = spec.doc
    session_func.__name__ = spec.name.replace("-", "_")
    session_func.__qualname__ = session_func.__name__
    return session_func


def _verbose(session: Session) -> bool:
    """Whether nox runs with ``--verbose`` (then failed tools' whole output is shown)."""
    runner = getattr(session, "_runner", None)
    return bool(getattr(getattr(runner, "global_config", None), "verbose", False))


def _tool_outputs(exc: BaseException) -> list[str]:
    """The output of every failed tool behind ``exc`` (its causes and contexts)."""
    outputs: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, CommandError) and current.output.strip():
            outputs.append(current.output)
        current = current.__cause__ or current.__context__
    return outputs


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
