"""Conventional Commits 1.0 and the bump they call for (pure core: no I/O).

* :func:`parse_commit` reads one commit message: ``type(scope)!: description``, an optional
  multi-line body, and footers, of which ``BREAKING CHANGE:`` / ``BREAKING-CHANGE:`` mark a
  breaking change. A message whose first line is not a Conventional Commits header gives None.
* :func:`commit_effect` maps a parsed commit to ``major``, ``minor``, ``patch`` or ``none`` with
  the type map (:data:`DEFAULT_TYPES` extended by ``[tool.nox-release] commit-types``).
* :func:`next_version` turns the strongest effect into the next version: the pre-1.0 rule
  (``major-on-zero``) and the pre-release rules (``--pre``) live here.

Written by hand: git-cliff and commitizen parse Conventional Commits too, but only inside their
own command lines (one process each, seconds on big histories), and no library on PyPI parses the
footers and exposes the result as data without pulling in a framework. The grammar is small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from nox_release.core.version import Part, Version, normalise_pre_kind

__all__ = [
    "DEFAULT_TYPES",
    "EFFECTS",
    "PREPROCESSORS",
    "ConventionalCommit",
    "Effect",
    "commit_effect",
    "is_release_commit",
    "lines_with",
    "next_version",
    "parse_commit",
    "parse_message",
    "strongest",
    "type_map",
]

Effect = Literal["major", "minor", "patch", "none"]

#: Effects from the weakest to the strongest.
EFFECTS: tuple[Effect, ...] = ("none", "patch", "minor", "major")
_RANK = {e: i for i, e in enumerate(EFFECTS)}

#: The default map of commit types; ``commit-types`` overrides or extends it. A breaking change
#: (``!`` or a ``BREAKING CHANGE:`` footer) is ``major`` whatever its type, unless the type is
#: mapped to ``none``.
DEFAULT_TYPES: Mapping[str, Effect] = {
    "feat": "minor",
    "fix": "patch",
    "impr": "patch",
    "perf": "patch",
    "refactor": "patch",
    "docs": "patch",
    "style": "patch",
    "test": "patch",
    "build": "patch",
    "ci": "patch",
    "chore": "patch",
    "revert": "patch",
}

# type: a word (letters first); scope: anything but parentheses; then "!"? and ": description".
# Matched at the start of the message (not on a sliced first line): one C-level scan per commit.
_HEADER = re.compile(
    r"(?P<type>[A-Za-z][A-Za-z0-9_-]*)"
    r"(?:\((?P<scope>[^()\r\n]+)\))?"
    r"(?P<bang>!)?"
    r": +(?P<description>\S(?:[^\n]*\S)?)"
)  # the description ends at its line's last non-blank (re's \s is str.isspace: rstrip's set)
# A breaking-change footer: uppercase, as the specification requires (rule 16), at a line start.
_BREAKING = re.compile(r"^BREAKING[ -]CHANGE:(?:[ \t]+(?P<note>.*)|[ \t]*$)", re.MULTILINE)


class ConventionalCommit(NamedTuple):
    """One commit that follows Conventional Commits 1.0 (a tuple: cheap on 100,000 commits)."""

    type: str
    """The type, lower-cased (types are case-insensitive, rule 15)."""
    scope: str | None
    description: str
    breaking: bool
    """``!`` after the type/scope, or a ``BREAKING CHANGE:`` / ``BREAKING-CHANGE:`` footer."""
    header: str
    """The first line, as written."""
    sha: str = ""
    breaking_note: str | None = None
    """The text of the ``BREAKING CHANGE:`` footer, when there is one."""


_new = tuple.__new__


def parse_commit(message: str, sha: str = "") -> ConventionalCommit | None:
    """Parse a full commit message; None when it does not follow Conventional Commits.

    The first non-blank line must be the header ``type(scope)!: description`` (scope and ``!``
    optional, a colon and at least one space before a non-empty description). Every later line
    is body or footer; a line that starts with ``BREAKING CHANGE:`` or ``BREAKING-CHANGE:``
    (uppercase) marks a breaking change wherever the body ends and the footers begin, because a
    parser cannot tell the last body paragraph from a footer block.
    """
    text = message.lstrip() if message[:1].isspace() else message
    m = _HEADER.match(text)
    if m is None:
        return None
    ctype, scope, bang, description = m.groups()
    end = m.end()  # the header's last non-blank: what follows on its line is blank
    breaking = bang is not None
    note: str | None = None
    if end < len(text) and "BREAKING" in text:  # cheap test first: most bodies have no footer
        footer = _BREAKING.search(text, end)  # from the next line start on
        if footer is not None:
            breaking = True
            note = (footer.group("note") or "").strip() or None
    fields = (ctype.lower(), scope, description, breaking, text[:end], sha, note)
    return _new(ConventionalCommit, fields)  # tuple.__new__: a third of the named tuple's


#: The rewrites both readers apply to a message before parsing it: nox-release here, and git-cliff
#: through ``commit_preprocessors`` in the shipped ``cliff.toml`` (a test checks they are equal),
#: so that the commits deciding a version are the ones the changelog lists. In order: a
#: Conventional Commit line written as a list item (``* feat: x``, squash-merge bodies) loses its
#: bullet; ``Revert "..."`` (git's own message) is a ``revert``; a ``BREAKING CHANGE:`` footer
#: joins its header (``feat!: x (note)``); a ``BREAKING CHANGE:`` line left is a breaking
#: entry of its own; a multi-line message gets a header line of its own, so that git-cliff keeps
#: it whole and then reads each line (``split_commits``).
PREPROCESSORS: tuple[tuple[str, str], ...] = (
    (r"(?m)^[ \t]*[*-][ \t]+([A-Za-z][\w-]*(?:\([^()\n]*\))?!?: )", "$1"),
    (r'(?m)^Revert "([^\n]*)"', 'revert: Revert "$1"'),
    (
        r"(?s)^([A-Za-z][\w-]*(?:\([^()\n]*\))?)!?: ([^\n]*)(.*?)\n\nBREAKING[ -]CHANGE:[ \t]*([^\n]*)",
        "$1!: $2 ($4)$3",
    ),
    (r"(?m)^BREAKING[ -]CHANGE:[ \t]*", "breaking!: "),
    (r"^([^\n]*\n)", "nox-release: split\n\n$1"),
)
#: Texts one of which each preprocessor needs to match: tested first, most lines have none.
PREPROCESSOR_NEEDS: tuple[tuple[str, ...], ...] = (
    ("* ", "- ", "*\t", "-\t"),
    ('Revert "',),
    ("BREAKING",),
    ("BREAKING",),
    ("\n",),
)
_COMPILED = tuple(
    (re.compile(rx), re.sub(r"\$(\d+)", r"\\g<\1>", repl), needs)
    for (rx, repl), needs in zip(PREPROCESSORS, PREPROCESSOR_NEEDS, strict=True)
)


# The first characters of the one-line texts a preprocessor can change (at their start only).
_CHANGED = frozenset("*-RB")
# The preprocessors a single line can need (the last one needs a "\n"), and one search for
# any of their texts: a text holding none of them is left as it is.
_LINE_PRE = _COMPILED[:-1]
_LINE_NEED = re.compile("|".join(re.escape(n) for needs in PREPROCESSOR_NEEDS[:-1] for n in needs))


def _preprocess(
    text: str, compiled: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]
) -> str:
    for rx, repl, needs in compiled:
        for need in needs:
            if need in text:
                text = rx.sub(repl, text)
                break
    return text


def parse_message(message: str, sha: str = "") -> list[ConventionalCommit]:
    """Every Conventional Commit a message carries, as the shipped changelog lists them.

    A one-line message is one commit (or none). In a longer one, after :data:`PREPROCESSORS`,
    every line that is a Conventional Commit header counts: ``"feat: a\nfix: b"`` is two,
    a squash merge's ``* feat: ...`` lines are one each, a ``BREAKING CHANGE:`` footer makes
    its header breaking, and ``Revert "..."`` is a ``revert``.
    """
    text = message.strip()
    if "\n" not in text and text[:1] not in _CHANGED:  # no preprocessor applies to it
        commit = parse_commit(text, sha)
        return [] if commit is None else [commit]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    need = _LINE_NEED.search(text) is not None
    if need:
        text = _preprocess(text, _LINE_PRE)
        need = _LINE_NEED.search(text) is not None
    if "\n" not in text:  # the last preprocessor (the split) needs a line break
        commit = parse_commit(text, sha)
        return [] if commit is None else [commit]
    return _lines(text, sha, need)


def _lines(text: str, sha: str, need: bool) -> list[ConventionalCommit]:
    """The commits of a split message's lines, each preprocessed again (the whole text was).

    A line gives one only when it holds ": " or, preprocessed, gets one (``Revert "``,
    ``BREAKING``); a text with no preprocessor's text in it has none in any line either.
    """
    out = []
    if not need:
        for line in lines_with(text, ": "):
            commit = parse_commit(line, sha)
            if commit is not None:
                out.append(commit)
        return out
    for line in text.split("\n"):
        if ": " in line or 'Revert "' in line or "BREAKING" in line:
            if _LINE_NEED.search(line) is not None:
                line = _preprocess(line, _LINE_PRE)
            commit = parse_commit(line, sha)
            if commit is not None:
                out.append(commit)
    return out


def lines_with(text: str, mark: str) -> list[str]:
    """The lines of ``text`` that hold ``mark``, in order (found by ``str.find``: the others,
    most lines, cost nothing)."""
    out = []
    find = text.find
    at = find(mark)
    while at >= 0:
        end = find("\n", at)
        if end < 0:
            out.append(text[text.rfind("\n", 0, at) + 1 :])
            break
        out.append(text[text.rfind("\n", 0, at) + 1 : end])
        at = find(mark, end)
    return out


def is_release_commit(commit: ConventionalCommit) -> bool:
    """``chore(release): ...``, the commits the bumps make: they never count."""
    return commit.type == "chore" and (commit.scope or "").strip().lower() == "release"


def type_map(overrides: Mapping[str, str] | None = None) -> dict[str, Effect]:
    """:data:`DEFAULT_TYPES` with ``overrides`` (``commit-types``) applied; types lower-cased."""
    out: dict[str, Effect] = dict(DEFAULT_TYPES)
    for ctype, effect in (overrides or {}).items():
        if effect not in _RANK:
            raise ValueError(f"{effect!r} is not one of {', '.join(EFFECTS)}")
        out[ctype.lower()] = effect
    return out


def commit_effect(commit: ConventionalCommit, types: Mapping[str, Effect]) -> Effect:
    """What ``commit`` does to the version under the type map ``types``.

    A type mapped to ``none`` never triggers a release, breaking or not (that is how a team
    silences, say, ``wip``). Otherwise a breaking change is ``major``. A type the map does not
    know is a valid Conventional Commit with no effect of its own.
    """
    mapped = types.get(commit.type)
    if mapped == "none":
        return "none"
    if commit.breaking:
        return "major"
    return mapped if mapped is not None else "none"


def strongest(effects: Iterable[Effect]) -> Effect:
    """The strongest of ``effects`` (``none`` for none)."""
    best: Effect = "none"
    for effect in effects:
        if _RANK[effect] > _RANK[best]:
            best = effect
            if best == "major":
                break
    return best


def next_version(
    current: Version,
    effect: Effect,
    *,
    pre: str | None = None,
    major_on_zero: bool = False,
) -> tuple[Part, Version] | None:
    """The part to bump and the next version, or None when ``effect`` is ``none``.

    * Before 1.0.0 (``current.major == 0``) a breaking change bumps the minor version unless
      ``major_on_zero``; 1.0.0 is reached by an explicit major bump.
    * The target is :meth:`Version.next_release` of that part: a pre-release of ``X.Y.Z``
      finalises to ``X.Y.Z`` when that already is a release of the part, else moves on.
    * With ``pre``: when ``current`` already is a pre-release of the target, only the
      pre-release advances (``1.3.0rc1`` -> ``1.3.0rc2``; ``1.3.0a2`` + ``rc`` -> ``1.3.0rc1``;
      moving back, ``rc`` -> ``alpha``, raises :class:`BumpError`); otherwise a pre-release of
      the target starts (``1.3.0rc1`` + breaking -> ``2.0.0rc1``).
    """
    if effect == "none":
        return None
    part: Part = effect
    if part == "major" and current.major == 0 and not major_on_zero:
        part = "minor"
    target = current.next_release(part)
    if pre is None:
        return part, target
    kind = normalise_pre_kind(pre)
    if current.is_prerelease and current.post is None and current.base == target:
        return part, current.bump_pre(kind)
    return part, current.bump(part, kind)
