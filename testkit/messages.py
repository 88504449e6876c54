"""Commit messages that the readers of commit messages are compared on (tests and oracles).

Hand-picked lines (every shape the parsers and preprocessors treat apart), trailers and list
items in bodies, joined by every kind of line break and blank, and the generator of
``benchmarks/genrepo.py`` (the benchmarks' histories).
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

from nox_release.core.commits import PREPROCESSORS
from nox_release.core.forge import Forge

LINES = [
    "feat: add a thing",
    "fix(api): mend it",
    "perf(core)!: speed",
    "feat:x without a space",
    "feat:",
    "feat: ",
    "feat:\t",
    "fix:  two spaces",
    "Feat: capital",
    "FIX(Io): upper",
    "fix_it: underscore",
    "feat(a b,c): odd scope",
    "feat(a(b)): nested scope",
    "feat(): empty scope",
    "feat(x)(y): two scopes",
    "feat!: bang",
    "feat!:",
    "docs(x)!:   spaced",
    "security: close (#12)",
    "security(a(b)): nested",
    "fix(security): guard",
    "deprecated: old",
    "deprecation(x)!: old",
    "removed(cli)!: drop",
    "remove: gone",
    "impr: better",
    "refactor(a): move",
    "chore(release): v1.2.3",
    "chore(release)!: v2",
    "revert: undo",
    "test: cover",
    "feat: ünïcode ß",
    "nox-release: split",
    "nox-release: split more",
    "Refs: #3231",
    "See #12 and !7, [#3] and a&#4; url/#5",
    "#12 first",
    "!12 first",
    "feat #12",
    "feat(#12): linked scope",
    "feat!#12",
    "Update README",
    "fixes the tests",
    "Some words: not a header",
    "word (x): y",
    "a-b_c9: dashes",
    "9fix: digit first",
    "-fix: dash first",
    "* feat(x): squashed",
    "- fix: dash bullet",
    "*\tdocs: tab bullet",
    "  * perf: indented bullet",
    "\t- feat: tab indented bullet",
    "* * feat: double bullet",
    "*feat: no blank",
    "* Feat: capital bullet",
    "* feat(): empty",
    "* BREAKING-CHANGE: bulleted footer",
    "* BREAKING CHANGE: bulleted footer",
    '- Revert "feat: a"',
    'Revert "feat: a"',
    'Revert "x',
    "Revert x",
    '  Revert "indented"',
    "BREAKING CHANGE: renamed",
    "BREAKING-CHANGE: renamed",
    "BREAKING CHANGE:",
    "BREAKING CHANGE:\t tabbed",
    "BREAKING CHANGE:no blank",
    "BREAKING CHANGES: plural",
    "breaking change: lower",
    "  BREAKING CHANGE: indented",
    "\u3000feat: ideographic space",
    "\xa0fix: nbsp",
    "\x1cfeat: file separator",
    "\x85feat: next line",
    "feat: trailing\u2028",
    " feat: leading blank",
    "\tfix: leading tab",
    "fix: trailing blanks   ",
    "fix: trailing tab\t",
    "",
    " ",
    "\t",
    "\u2003",
]
SEPARATORS = ["\n", "\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\n \n", "\n\t\n", "\n\r\n"]
EDGES = ["", "", "", " ", "\n", "\r\n", "\t", "\u3000", "\n\n", " \r"]
BODY = [
    "some prose about it",
    "over: two lines",
    "and more words here",
    "Refs: #12",
    "Signed-off-by: A Person <a@example.invalid>",
    "Co-authored-by: B <b@example.invalid>",
    "See: https://example.invalid/x",
    "- a list item",
    "* another: with a colon",
    "  - feat: an indented list item",
    "- fix(core)!: a breaking list item",
    "fix: a commit in the body",
    "FEAT: upper case in the body",
    "Wip!: unknown but breaking",
    "remove(a) b #1: a link could close it",
    "security(x) y !2: and a merge request",
    "closes #3 and !4",
    "nox-release: split",
    "chore(release): v1.2.3",
    "docs(#5): a linked scope",
]


def _message(rng: random.Random) -> str:
    pieces = [rng.choice(LINES) for _ in range(rng.choice([1, 1, 2, 3, 4, 6]))]
    if rng.random() < 0.3:
        pieces.insert(rng.randint(1, len(pieces)), rng.choice(BODY))
    text = pieces[0]
    for piece in pieces[1:]:
        text += rng.choice(SEPARATORS) + piece
    return rng.choice(EDGES) + text + rng.choice(EDGES)


def _messages() -> list[str]:
    rng = random.Random(20261204)
    fixed = ["", " ", "\n", "\r\n", "\r", "feat: x", "feat: x\n", "x\ny", "a\rb", "feat: x \t"]
    fixed += [
        "feat: x \t\nBREAKING CHANGE: y",
        "feat: x\u3000\r\n\r\nBREAKING-CHANGE:",
        "fix: a\x1c",
    ]
    return fixed + [_message(rng) for _ in range(4000)] + list(LINES)


def _genrepo_messages() -> list[str]:
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "genrepo.py"
    spec = importlib.util.spec_from_file_location("_genrepo_for_parsers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    rng = random.Random(7)
    return [module.message(rng, breaking_allowed=i % 2 == 0) for i in range(3000)]


MESSAGES = _messages()
GENREPO = _genrepo_messages()
_GITHUB = [
    (p["pattern"], p["replace"]) for p in Forge("github", "https://github.com/o/r").preprocessors()
]
_GITLAB = [
    (p["pattern"], p["replace"]) for p in Forge("gitlab", "https://gitlab.com/g/r").preprocessors()
]
GIVEN = {
    "shipped": list(PREPROCESSORS),
    "github": [*PREPROCESSORS, *_GITHUB],
    "gitlab": [*PREPROCESSORS, *_GITLAB],
    "extra": [*PREPROCESSORS, (r"(?m)^Merged (\w+)", "feat: $1")],
    "reordered": list(reversed(PREPROCESSORS)),
    "links only": _GITLAB,
}
