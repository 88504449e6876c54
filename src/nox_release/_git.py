"""The git adapter: one subprocess wrapper, and the few queries a release needs."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from ._errors import GitError

__all__ = ["Git"]


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every git call runs with: no prompts, stable English output."""
    env = dict(os.environ)
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"})
    if extra:
        env.update(extra)
    return env


class Git:
    """Runs ``git`` in one working directory. Every failure is a :class:`GitError`."""

    def __init__(self, cwd: Path | str) -> None:
        self.cwd = Path(cwd)

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float | None = None,
        env: dict[str, str] | None = None,
        strip: bool = True,
    ) -> str:
        """Run ``git *args`` and return its stdout (stripped); raise :class:`GitError` on failure."""
        try:
            proc = subprocess.run(
                ["git", *args],
                cwd=self.cwd,
                capture_output=True,
                text=True,
                env=git_env(env),
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH: install git first.") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"'git {' '.join(args)}' did not answer within {timeout} s.") from None
        if check and proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip()
            raise GitError(f"'git {' '.join(args)}' failed in {self.cwd}: {detail}")
        return proc.stdout.strip() if strip else proc.stdout

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
        proc = subprocess.Popen(
            ["git", *args],
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=git_env(),
        )
        assert proc.stdout is not None
        buf = b""
        bsep = sep.encode()
        finished = False
        try:
            while True:
                chunk = proc.stdout.read(1 << 16)
                if not chunk:
                    break
                buf += chunk
                *records, buf = buf.split(bsep)
                for record in records:
                    yield record.decode("utf-8", "replace")
            if buf:
                yield buf.decode("utf-8", "replace")
            finished = True
        finally:
            if not finished:
                proc.kill()
            proc.stdout.close()
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            code = proc.wait()
            if finished and code != 0:
                raise GitError(f"'git {' '.join(args)}' failed in {self.cwd}: {err.strip()}")

    # -- queries ---------------------------------------------------------------------------
    def toplevel(self) -> Path:
        try:
            return Path(self.run("rev-parse", "--show-toplevel"))
        except GitError:
            raise GitError(
                f"{self.cwd} is not inside a git repository: run 'git init' and commit first."
            ) from None

    def git_dir(self) -> Path:
        return Path(self.run("rev-parse", "--absolute-git-dir"))

    def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository without commits."""
        out = self.run("rev-parse", "-q", "--verify", "HEAD^{commit}", check=False)
        return out or None

    def branch(self) -> str | None:
        """The short name of the current branch, or None on a detached HEAD."""
        return self.run("symbolic-ref", "-q", "--short", "HEAD", check=False) or None

    def dirty_files(self) -> list[str]:
        """Tracked files with staged or unstaged changes (untracked files are not listed)."""
        out = self.run("status", "--porcelain=v1", "--untracked-files=no", strip=False)
        return [line[3:] for line in out.splitlines() if line.strip()]

    def tag_exists(self, tag: str) -> bool:
        return bool(self.run("rev-parse", "-q", "--verify", f"refs/tags/{tag}", check=False))

    def tag_target(self, tag: str) -> str:
        """The commit a tag points at."""
        return self.run("rev-parse", f"refs/tags/{tag}^{{commit}}")

    def remote_url(self, remote: str) -> str | None:
        return self.run("remote", "get-url", remote, check=False) or None

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
        return self.run("rev-parse", "--is-shallow-repository") == "true"
