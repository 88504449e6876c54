"""The git adapter: one subprocess wrapper, and the few queries a release needs."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from nox_release._errors import GitError
from nox_release.adapters.drain import Chunks, Drain, Started, run_git
from nox_release.core.output import tool_tail

__all__ = ["PRELOAD", "Chunks", "Git"]  # Chunks: what Git.chunks returns


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every git call runs with: no prompts, stable English output."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"})
    if extra:
        env.update(extra)
    return env


#: git commands that never change a repository: they leave remembered answers in place.
_READERS = frozenset(
    {
        "cat-file",
        "check-ignore",
        "check-ref-format",
        "diff",
        "for-each-ref",
        "log",
        "ls-files",
        "ls-remote",
        "merge-base",
        "rev-list",
        "rev-parse",
        "show",
        "status",
        "symbolic-ref",
    }
)

_READER_FORMS = frozenset(
    {("remote", "get-url"), ("tag", "--list"), ("tag", "--points-at"), ("config", "--get")}
)


#: The questions :meth:`Git.preload` answers, as :meth:`Git.run` remembers them.
#: The one ``rev-parse`` of :meth:`Git.preload`.
PRELOAD = (
    "rev-parse",
    "--show-toplevel",
    "--is-shallow-repository",
    "-q",
    "--verify",
    "HEAD^{commit}",
)
_PRELOADED = (
    ("rev-parse", "--show-toplevel"),
    ("rev-parse", "--is-shallow-repository"),
    ("rev-parse", "-q", "--verify", "HEAD^{commit}"),
)


class Git:
    """Runs ``git`` in one working directory. Every failure is a :class:`GitError`."""

    def __init__(self, cwd: Path | str) -> None:
        self.cwd = Path(cwd)
        self.memo: dict[object, object] = {}
        """What readers keep between calls, keyed by commit ids (see adapters.rangelog)."""
        self._answers: dict[tuple[str, ...], str] = {}
        self._ahead: dict[tuple[str, ...], Started] = {}

    def knows(self, *args: str) -> bool:
        """Whether the answer of ``git *args`` is remembered, or on its way (read ahead)."""
        return args in self._answers or args in self._ahead

    def read_ahead(self, *commands: Sequence[str]) -> None:
        """Start these readers now, side by side, while the caller works on: the first
        :meth:`run` of each with ``remember`` takes its answer (as if git ran then). Only what
        the caller will ask: one not taken is stopped by :meth:`forget`, as when anything is
        written."""
        for command in commands:
            args = tuple(command)
            if not self.knows(*args):
                with contextlib.suppress(OSError):  # no temporary file: asked when needed
                    self._ahead[args] = Started(["git", *args], self.cwd, git_env())

    def drop_ahead(self, *commands: Sequence[str]) -> None:
        """Stop these readers if they were read ahead and not taken."""
        for command in commands:
            started = self._ahead.pop(tuple(command), None)
            if started is not None:
                started.cancel()

    def forget(self) -> None:
        """Drop the remembered answers (:meth:`run` ``remember``): refs may have moved."""
        self._answers.clear()
        while self._ahead:
            self._ahead.popitem()[1].cancel()  # not taken: not needed

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = None,
        env: dict[str, str] | None = None,
        strip: bool = True,
        remember: bool = False,
    ) -> str:
        """Run ``git *args`` and return its stdout (stripped); raise :class:`GitError` on failure.

        ``remember``: a query whose answer is kept until a command that is not a reader runs
        (or :meth:`forget`; the release lock calls it when taken), so the checks of one step
        ask git once.
        """
        if remember and args in self._answers:
            return self._answers[args]
        started = self._ahead.pop(args, None) if remember and env is None else None
        if started is not None:
            code, stdout, stderr = started.result()
        else:
            if args and args[0] not in _READERS and tuple(args[:2]) not in _READER_FORMS:
                self.forget()
            code, stdout, stderr = run_git(["git", *args], self.cwd, git_env(env), timeout)
        if check and code != 0:
            raise self.failure(args, stderr or stdout)
        out = stdout.strip() if strip else stdout
        if remember:
            self._answers[args] = out
        return out

    def ok(self, *args: str, timeout: float | None = None) -> bool:
        """True when ``git *args`` exits 0."""
        try:
            self.run(*args, timeout=timeout)
        except GitError:
            return False
        return True

    def stream(self, args: Sequence[str], sep: str = "\x00") -> Iterator[str]:
        """Yield the ``sep``-separated records of a long git output as they arrive.

        One process, read incrementally: history is never loaded whole. Closing the generator
        early stops git.
        """
        for text in self.chunks(args, sep):
            records = text.split(sep)
            if records[-1] == "":
                records.pop()
            yield from records

    def chunks(self, args: Sequence[str], sep: str = "\x00") -> Chunks:
        """A long git output as it arrives, in pieces that end just after a ``sep`` (the last
        one may not): whole records, read in bulk. See :meth:`stream`.

        git starts at once, before the first piece is asked for: it walks the history while
        the caller does other work; and it writes into a large pipe (1 MiB on Linux), so that it
        runs ahead while the caller reads what came before.
        """
        return Chunks(Drain(["git", *args], self.cwd, git_env()), args, sep, self.failure)

    def failure(self, args: Sequence[str], output: str) -> GitError:
        """The error for a failed ``git *args``: outside a repository and before the first
        commit say so in a sentence; otherwise the command and its last relevant lines."""
        if "not a git repository" in output:
            return GitError(
                f"{self.cwd} is not inside a git repository: run 'git init' and commit first"
            )
        head = ("malformed object name", "ambiguous argument 'HEAD'", "bad revision 'HEAD'")
        if any(a.startswith("HEAD") or a.endswith("HEAD") for a in args) and any(
            h in output for h in head
        ):
            return GitError(
                f"the repository at {self.cwd} has no commit yet: commit the project first"
            )
        return GitError(f"'git {' '.join(args)}' failed in {self.cwd}: {tool_tail(output)}")

    # -- queries ---------------------------------------------------------------------------
    def toplevel(self) -> Path:
        try:
            return Path(self.run("rev-parse", "--show-toplevel", remember=True))
        except GitError:
            raise GitError(
                f"{self.cwd} is not inside a git repository: run 'git init' and commit first."
            ) from None

    def preload(self) -> None:
        """Ask :meth:`toplevel`, :meth:`is_shallow` and :meth:`head` in one ``rev-parse``: the
        answers are remembered as if each had been asked (none is, unless all three came)."""
        if any(key in self._answers for key in _PRELOADED):
            return
        lines = self.run(*PRELOAD, check=False, remember=True).split("\n")
        if len(lines) == 2:
            lines.append("")  # no commit yet: -q --verify says nothing
        if len(lines) == 3 and lines[0] and lines[1] in ("true", "false"):
            self._answers.update(zip(_PRELOADED, lines, strict=True))

    def git_dir(self) -> Path:
        return Path(self.run("rev-parse", "--absolute-git-dir", remember=True))

    def state_dir(self) -> Path:
        """nox-release's own folder in the git directory (created): never committed, one per
        clone, and it survives a failed run."""
        path = self.git_dir() / "nox-release"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository without commits."""
        out = self.run("rev-parse", "-q", "--verify", "HEAD^{commit}", check=False, remember=True)
        return out or None

    def branch(self) -> str | None:
        """The short name of the current branch, or None on a detached HEAD."""
        return self.run("symbolic-ref", "-q", "--short", "HEAD", check=False, remember=True) or None

    def dirty_files(self) -> list[str]:
        """Tracked files with staged or unstaged changes (untracked files are not listed)."""
        out = self.run(
            "status", "--porcelain=v1", "--untracked-files=no", strip=False, remember=True
        )
        return [line[3:] for line in out.splitlines() if line.strip()]

    def untracked_files(self) -> list[str]:
        """Files git does not track and no ``.gitignore`` rule hides (folders end with /)."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=normal", strip=False)
        return [rec[3:] for rec in out.split("\0") if rec.startswith("?? ")]

    def tag_exists(self, tag: str) -> bool:
        return bool(self.run("rev-parse", "-q", "--verify", f"refs/tags/{tag}", check=False))

    def tag_target(self, tag: str) -> str:
        """The commit a tag points at."""
        return self.run("rev-parse", f"refs/tags/{tag}^{{commit}}")

    def remote_url(self, remote: str) -> str | None:
        return self.run("remote", "get-url", remote, check=False, remember=True) or None

    def remote_has_tag(self, remote: str, tag: str, timeout: float = 20) -> bool | None:
        """Whether ``remote`` has ``tag``; None when there is no such remote or it is unreachable."""
        if self.remote_url(remote) is None:
            return None
        try:
            out = self.run("ls-remote", "--tags", remote, f"refs/tags/{tag}", timeout=timeout)
        except GitError:
            return None
        return bool(out.strip())

    def tags(self, pattern: str, merged: str | None = None) -> list[str]:
        """Tag names matching the glob ``pattern``; with ``merged``, only tags reachable from it."""
        args = ["tag", "--list", pattern]
        if merged is not None:
            args += ["--merged", merged]
        return self.run(*args).splitlines()

    def tags_at(self, rev: str = "HEAD") -> list[str]:
        return self.run("tag", "--points-at", rev).splitlines()

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository", remember=True) == "true"

    def tag_names(self, pattern: str) -> list[str]:
        """Every tag name matching the glob ``pattern`` (ref names only: no history walk)."""
        out = self.run(
            "for-each-ref", "--format=%(refname:strip=2)", f"refs/tags/{pattern}", remember=True
        )
        return out.splitlines()

    def is_ancestor(self, ancestor: str, rev: str) -> bool:
        """Whether ``ancestor`` is reachable from ``rev`` (stops at ``ancestor``)."""
        return self.ok("merge-base", "--is-ancestor", ancestor, rev)

    def branch_tip(self, branch: str) -> str | None:
        """The commit ``branch`` points at, or None when there is no such branch."""
        return self.run("rev-parse", "-q", "--verify", f"refs/heads/{branch}", check=False) or None

    def commit_time(self, rev: str = "HEAD") -> int:
        """The committer time of ``rev``, in seconds since the epoch."""
        return int(self.run("show", "-s", "--no-show-signature", "--format=%ct", rev))

    def valid_branch_name(self, name: str) -> bool:
        return self.ok("check-ref-format", "--branch", name)

    def valid_tag_name(self, tag: str) -> bool:
        """Whether git accepts ``tag`` as a tag name (``git check-ref-format``)."""
        return bool(tag) and self.ok("check-ref-format", f"refs/tags/{tag}")

    def tracked(self, paths: Sequence[str | Path]) -> set[str]:
        """Which of ``paths`` (relative to the top level) git tracks."""
        if not paths:
            return set()
        out = self.run("ls-files", "-z", "--full-name", "--", *[str(p) for p in paths], strip=False)
        return {p for p in out.split("\0") if p}

    def ignored(self, paths: Sequence[str | Path]) -> list[str]:
        """Which of ``paths`` a ``.gitignore`` (or exclude file) keeps out of ``git add``."""
        if not paths:
            return []
        out = self.run("check-ignore", "--", *[str(p) for p in paths], check=False)
        return out.splitlines()

    def store_blobs(self, paths: Sequence[Path]) -> list[str]:
        """Write each file's bytes into the object database; their blob ids, in order."""
        if not paths:
            return []
        proc = subprocess.run(
            ["git", "hash-object", "-w", "--no-filters", "--stdin-paths"],
            cwd=self.cwd,
            input="".join(f"{p}\n" for p in paths),
            capture_output=True,
            text=True,
            env=git_env(),
            check=False,
        )
        if proc.returncode != 0:
            raise GitError(f"'git hash-object' failed in {self.cwd}: {proc.stderr.strip()}")
        return proc.stdout.split()

    def blob(self, blob: str) -> bytes:
        """The bytes of a blob."""
        proc = subprocess.run(
            ["git", "cat-file", "blob", blob], cwd=self.cwd, capture_output=True, env=git_env()
        )
        if proc.returncode != 0:
            raise GitError(f"'git cat-file blob {blob}' failed in {self.cwd}")
        return proc.stdout

    def parent(self, rev: str) -> str | None:
        """The first parent of ``rev`` (None for a root commit)."""
        return self.run("rev-parse", "-q", "--verify", f"{rev}^1", check=False) or None

    def message(self, rev: str) -> str:
        """The commit message of ``rev``, as written."""
        return self.run("show", "-s", "--no-show-signature", "--format=%B", rev)

    def remote_branch(self, remote: str, branch: str, timeout: float = 30) -> str | None:
        """The commit ``branch`` points at on ``remote`` (None: no such branch there)."""
        out = self.run("ls-remote", "--heads", remote, f"refs/heads/{branch}", timeout=timeout)
        return out.split()[0] if out.strip() else None

    def has_commit(self, rev: str) -> bool:
        return self.ok("cat-file", "-e", f"{rev}^{{commit}}")

    def reachable(self, remote: str, timeout: float = 30) -> bool:
        """Whether ``remote`` answers (``git ls-remote``)."""
        return self.ok("ls-remote", remote, timeout=timeout)

    # -- changes ---------------------------------------------------------------------------
    def add(self, paths: Sequence[str | Path]) -> None:
        self.run("add", "--", *[str(p) for p in paths])

    def commit(self, message: str) -> None:
        """Commit what is staged (the user's hooks run)."""
        self.run("commit", "-q", "-m", message)

    def create_tag(self, tag: str, message: str, *, sign: bool = False) -> None:
        """An annotated tag (signed with ``sign``) at HEAD."""
        self.run("tag", "-s" if sign else "-a", "-m", message, tag)

    def delete_tag(self, tag: str) -> None:
        self.run("tag", "-d", tag)

    def move_branch(self, branch: str, new: str, old: str, reason: str) -> None:
        """Move ``branch`` from ``old`` to ``new``, only if it still points at ``old``."""
        self.run("update-ref", "-m", f"nox-release: {reason}", f"refs/heads/{branch}", new, old)

    def rewind(self, branch: str, new: str, old: str, reason: str) -> None:
        """Move the checked-out ``branch`` from ``old`` to ``new`` as ``reset --keep`` would
        (index and work tree follow, uncommitted changes stay), but only if it still points at
        ``old``: the ref moves by compare-and-swap, so a commit someone else made is never lost."""
        self.run("update-index", "-q", "--refresh", check=False)  # stat info, not contents
        self.run("read-tree", "-m", "-u", old, new)  # refuses, changing nothing, on a conflict
        try:
            self.move_branch(branch, new, old, reason)
        except GitError:
            self.run("read-tree", "-m", "-u", new, old)
            raise

    def unstage(self, paths: Sequence[str | Path]) -> None:
        """Put the index entries of ``paths`` back to HEAD's."""
        self.run("reset", "-q", "--", *[str(p) for p in paths])

    def create_branch(self, name: str, target: str) -> None:
        self.run("branch", name, target)

    def delete_branch(self, name: str) -> None:
        self.run("branch", "-D", name)

    def push_atomic(self, remote: str, refs: Sequence[str]) -> None:
        """Push ``refs`` (each ``src:dst``) to ``remote`` all or nothing."""
        self.run("push", "--atomic", remote, *refs)
