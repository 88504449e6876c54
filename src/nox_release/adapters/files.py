"""Files on disk: reading as stored, atomic writes, and the one all-or-nothing transaction.

Every write that a step makes to the work tree or ``dist/`` goes through :class:`Transaction`:
the same permissions rule (a replaced file keeps its mode; a new file gets what ``open()`` gives,
0o666 less the umask), the same atomic replacement (write a temporary file beside the target,
then rename; a symlink is followed: its target is replaced and the link stays a link), and
the same undo (newest first: a replaced file gets its original back by a
rename, so its inode, mode and times come back too; new files and folders are removed).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO

from nox_release._errors import RollbackError
from nox_release.adapters.signals import shielded

__all__ = ["Transaction", "default_mode", "read_text", "real", "write_atomic"]


def read_text(path: Path) -> str:
    """A file's text exactly as stored: UTF-8, newlines (CRLF too) untouched."""
    return path.read_bytes().decode("utf-8")


def default_mode() -> int:
    """What ``open()`` gives a new file: 0o666 less the process umask (mkstemp gives 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def real(path: Path) -> Path:
    """``path`` with every symlink followed (the file a write must replace)."""
    return Path(os.path.realpath(path))


def _temp_beside(path: Path, data: bytes) -> str:
    """``data`` in a new temporary file next to ``path``, with the mode ``path`` will have."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else default_mode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` in one rename, keeping its permission bits.

    A new file gets the permissions ``open()`` would give it.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    path = real(path)
    tmp = _temp_beside(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _second_name(path: Path, folder: Path | None) -> str:
    """A second name for ``path``'s current file, in ``folder`` (None: next to it): a hard link
    (the same file, not a copy), or a copy where a hard link cannot be made."""
    fd, keep = tempfile.mkstemp(dir=folder or path.parent, prefix=f".{path.name}.", suffix=".orig")
    os.close(fd)
    os.unlink(keep)
    try:
        os.link(path, keep)
    except OSError:
        shutil.copy2(path, keep)
    return keep


def _put_back(keep: str, path: Path) -> None:
    """Give ``path`` its original file back: a rename, or a move across file systems."""
    try:
        os.replace(keep, path)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.move(keep, path)


class Transaction:
    """File changes made so far, each with the action that takes it back.

    Use it as a context manager: leaving the block by an exception (Ctrl-C included) undoes
    every change, newest first, and re-raises; leaving it normally keeps them. :meth:`undo`
    can also be called by hand (it returns what could not be undone).

    The originals of replaced files are kept under a second name in ``backup_dir`` (None: next
    to each file) until the transaction ends: for the work tree, a folder outside it, so that
    a process killed mid-way leaves nothing among the user's files.
    """

    def __init__(self, backup_dir: Path | None = None) -> None:
        self._backup_dir = backup_dir
        self._undo: list[tuple[str, Callable[[], None]]] = []
        self._kept: list[str] = []  # second names of replaced files, dropped on success

    def __enter__(self) -> Transaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.keep()
            return
        with shielded():
            problems = self.undo()
        if problems:
            raise RollbackError(
                f"{exc} -- and the rollback could not finish: {'; '.join(problems)}"
            ) from exc

    # -- changes ---------------------------------------------------------------------------
    def write(self, files: Mapping[Path, str | bytes]) -> None:
        """Replace (or create) every file of ``files``: each is written in full to a temporary
        file before the first rename, so a full disk fails before anything visible changes.
        A symlink's target is written; the link stays."""
        temps: dict[Path, str] = {}
        try:
            for path, text in files.items():
                data = text.encode("utf-8") if isinstance(text, str) else text
                temps[real(path)] = _temp_beside(real(path), data)
            for path, tmp in temps.items():
                self._replace(path, tmp)
        finally:
            for tmp in temps.values():
                with contextlib.suppress(OSError):
                    os.unlink(tmp)  # only those not renamed are still there

    @contextlib.contextmanager
    def streaming(self, path: Path) -> Iterator[IO[str]]:
        """Replace (or create) ``path`` with the UTF-8 text written to the file this yields.

        The text goes to a temporary file beside ``path`` (so memory does not hold it), renamed
        over ``path`` when the block ends normally, an undoable change like :meth:`write`'s. An
        exception in the block, or no text at all, leaves ``path`` as it was.
        """
        mode = path.stat().st_mode & 0o7777 if path.exists() else default_mode()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                yield fh
                empty = fh.tell() == 0
            if not empty:
                os.chmod(tmp, mode)
                self._replace(path, tmp)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # still there unless renamed

    def _replace(self, path: Path, tmp: str) -> None:
        if os.path.lexists(path):
            keep = _second_name(path, self._backup_dir)
            self._kept.append(keep)
            os.replace(tmp, path)
            self._undo.append((f"restore {path}", lambda: _put_back(keep, path)))
        else:
            os.replace(tmp, path)
            self.made(path, path.unlink)

    def protect(self, path: Path, before: bytes | None) -> None:
        """On undo, ``path`` must hold ``before`` again (None: not exist), whoever changed it.

        For the files a plan will write, registered before the first write: a file changed by
        someone else mid-run is put back too, and one that cannot be is reported.
        """
        path = real(path)

        def step() -> None:
            exists = os.path.lexists(path)
            if before is None:
                if exists:
                    path.unlink()
            elif not exists or path.read_bytes() != before:
                write_atomic(path, before)

        self._undo.append((f"restore {path}", step))

    def mkdir(self, path: Path) -> None:
        """Create ``path`` and its missing parents; undo removes the ones made, if empty."""
        missing = [p for p in (path, *path.parents) if not p.exists()]
        path.mkdir(parents=True, exist_ok=True)
        for folder in reversed(missing):  # outermost first, so undo removes innermost first
            self.made(folder, functools.partial(_rmdir_if_empty, folder))

    def move(self, src: Path, dst: Path) -> None:
        """Rename ``src`` to ``dst`` (same file system; ``dst`` must not exist)."""
        os.replace(src, dst)
        self._undo.append((f"move {dst} back to {src}", lambda: os.replace(dst, src)))

    def move_in(self, src: Path, dst: Path) -> None:
        """Move ``src`` (maybe on another file system) to ``dst``: copied next to ``dst`` first,
        then renamed, so that the arrival is one rename and so is its undo."""
        partial = dst.with_name(f".{dst.name}.tmp")
        self.made(partial, partial.unlink)  # a copy cut short; gone once renamed
        shutil.move(str(src), partial)
        self.move(partial, dst)

    def made(self, path: Path, remove: Callable[[], None]) -> None:
        """``path`` was created; ``remove`` takes it away (nothing to do once it is gone)."""

        def step() -> None:
            if os.path.lexists(path):
                remove()

        self._undo.append((f"remove {path}", step))

    # -- ending ----------------------------------------------------------------------------
    def undo(self) -> list[str]:
        """Undo every change, newest first; return what could not be undone."""
        problems = []
        for what, step in reversed(self._undo):
            try:
                step()
            except OSError as exc:
                problems.append(f"could not {what} ({exc})")
        self._undo.clear()
        self._drop_kept()
        return problems

    def keep(self) -> None:
        """Keep every change: forget the undo steps and drop the originals' second names."""
        self._undo.clear()
        self._drop_kept()

    def _drop_kept(self) -> None:
        for keep in self._kept:
            with contextlib.suppress(OSError):
                os.unlink(keep)
        self._kept.clear()


def _rmdir_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: something else lives there now
        folder.rmdir()
