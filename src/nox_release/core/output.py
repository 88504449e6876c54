"""How nox-release words what it prints: error sentences, tool-output tails, sizes, step lines."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "artifact_line",
    "bump_line",
    "command_name",
    "human_size",
    "push_command",
    "sentence",
    "step_line",
    "tool_tail",
]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TRACEBACK_NOISE = (
    "Traceback (most recent call last)",
    "The above exception was the direct cause",
    "During handling of the above exception",
)
_RETRY_NOISE = re.compile(r"^WARNING\s+Retrying \(Retry\(")


def sentence(message: str) -> str:
    """``message`` as one line without a final period: nox's ``session.error`` adds the one."""
    text = " ".join(line.strip() for line in message.strip().splitlines() if line.strip())
    return text.rstrip(" .")


def tool_tail(output: str, count: int = 3, limit: int = 200) -> str:
    """The last ``count`` relevant lines of a tool's ``output``, joined with `` | ``.

    Relevant: not blank, not a Python traceback's frames or chaining lines (only the exception's
    own line stays), not a retry warning; repeated lines are shown once.
    """
    lines = [_ANSI.sub("", line).rstrip() for line in output.splitlines()]
    has_traceback = any(line.startswith(_TRACEBACK_NOISE[0]) for line in lines)
    kept: list[str] = []
    for line in lines:
        if not line.strip() or line.startswith(_TRACEBACK_NOISE) or _RETRY_NOISE.match(line):
            continue
        if has_traceback and (line[:1].isspace() or set(line.strip()) <= set("^~ ")):
            continue
        text = line.strip()
        text = text if len(text) <= limit else text[: limit - 3] + "..."
        if text in kept:
            kept.remove(text)
        kept.append(text)
    return " | ".join(kept[-count:]) if kept else "no output"


def command_name(argv: Sequence[str]) -> str:
    """A short name of a command line: the program's name and its sub-command (``uv build``,
    ``python -m twine``, ``git commit``), for sentences; the whole line is logged elsewhere."""
    if not argv:
        return ""
    words = [re.split(r"[\\/]", argv[0])[-1]]
    rest = list(argv[1:])
    while rest and len(words) < 3:
        word = rest.pop(0)
        if word == "-m" and rest:
            words += [word, rest.pop(0)]
            break
        if word.startswith("-") or "/" in word or "\\" in word:
            break
        words.append(word)
    return " ".join(words)


def human_size(size: int) -> str:
    """``size`` bytes as ``812 B``, ``14.2 kB`` or ``3.1 MB`` (powers of 1000, as PyPI shows)."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def step_line(step: str, what: str) -> str:
    """One step's account: ``"build    mypkg 1.2.4: ..."`` (the step's name in a column)."""
    return f"{step:<8} {what}"


def push_command(remote: str, branch: str, tag: str) -> str:
    """The command that pushes a release's branch and tag together."""
    return f"git push --atomic {remote} refs/heads/{branch} refs/tags/{tag}"


def artifact_line(name: str, size: int, sha256: str) -> str:
    """An artifact as the output shows it: name, size and the start of its sha256."""
    return f"{name}  {human_size(size)}  sha256:{sha256[:12]}"


def bump_line(
    name: str, previous: str, version: str, files: Sequence[str], commit: str | None, tag: str
) -> str:
    """What a bump did: old -> new version, the files it changed, the commit and the tag."""
    shown = ", ".join(files[:4]) + (f" and {len(files) - 4} more" if len(files) > 4 else "")
    count = f"{len(files)} file{'' if len(files) == 1 else 's'}"
    return (
        f"released {name} {previous} -> {version}: {count} changed ({shown}), "
        f"commit {(commit or '')[:12]}, tag {tag}"
    )
