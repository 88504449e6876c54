"""The pure core of release-bump-auto: Conventional Commits parsing and the bump decision."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nox_release import BumpError, Version
from nox_release.core.commits import (
    DEFAULT_TYPES,
    EFFECTS,
    Effect,
    commit_effect,
    is_release_commit,
    next_version,
    parse_commit,
    strongest,
    type_map,
)

# -- parsing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "ctype", "scope", "description", "breaking"),
    [
        ("feat: add a thing", "feat", None, "add a thing", False),
        ("fix(parser): handle empty input\n", "fix", "parser", "handle empty input", False),
        ("feat!: drop Python 3.8", "feat", None, "drop Python 3.8", True),
        ("refactor(api)!: rename run()", "refactor", "api", "rename run()", True),
        ("FEAT: shout", "feat", None, "shout", False),  # types are case-insensitive
        ("feat(scope with spaces): ok", "feat", "scope with spaces", "ok", False),
        ("docs:   many spaces  ", "docs", None, "many spaces", False),
        ("\n\nfix: leading blank lines", "fix", None, "leading blank lines", False),
        ("fix: windows line end\r\n\r\nbody\r\n", "fix", None, "windows line end", False),
        (
            "my-type: custom types are conventional",
            "my-type",
            None,
            "custom types are conventional",
            False,
        ),
    ],
)
def test_header(
    message: str, ctype: str, scope: str | None, description: str, breaking: bool
) -> None:
    commit = parse_commit(message, "abc")
    assert commit is not None
    assert (commit.type, commit.scope, commit.description, commit.breaking, commit.sha) == (
        ctype,
        scope,
        description,
        breaking,
        "abc",
    )


@pytest.mark.parametrize(
    "message",
    [
        "Update README",
        "feat:no space",
        "feat : space before the colon",
        "feat(): empty scope",
        "feat(a(b)): nested parentheses",
        "feat: ",
        "fixup! feat: squash me",
        'Revert "feat: add a thing"',
        "Merge branch 'main' into topic",
        "",
        "   \n  ",
        "1fix: types start with a letter",
        "feat\n: split header",
    ],
)
def test_not_conventional(message: str) -> None:
    assert parse_commit(message) is None


@pytest.mark.parametrize(
    ("message", "note"),
    [
        ("feat: x\n\nBREAKING CHANGE: the API is gone", "the API is gone"),
        ("feat: x\n\nBREAKING-CHANGE: hyphen form", "hyphen form"),
        (
            "fix: x\n\nA body\nover two lines.\n\nRefs: #12\nBREAKING CHANGE: late footer",
            "late footer",
        ),
        ("chore: x\n\nBREAKING CHANGE:\n  explained on the next line", None),
        (
            "fix: x\nBREAKING CHANGE: no blank line after the header",
            "no blank line after the header",
        ),
    ],
)
def test_breaking_footer(message: str, note: str | None) -> None:
    commit = parse_commit(message)
    assert commit is not None and commit.breaking
    assert commit.breaking_note == note


@pytest.mark.parametrize(
    "message",
    [
        "feat: x\n\nbreaking change: lowercase is not the token",
        "feat: x\n\nThis is not a BREAKING CHANGE: it is prose",
        "feat: x\n\nBREAKING CHANGES: plural is another token",
        "feat: BREAKING CHANGE: in the header is a description",
    ],
)
def test_not_breaking(message: str) -> None:
    commit = parse_commit(message)
    assert commit is not None and not commit.breaking


def test_multi_line_body_is_kept_out_of_the_description() -> None:
    commit = parse_commit("fix(io): short\n\nline one\nline two\n\nSigned-off-by: A <a@b.c>\n")
    assert commit is not None
    assert commit.header == "fix(io): short"
    assert commit.description == "short"
    assert not commit.breaking


@pytest.mark.parametrize(
    ("message", "release"),
    [
        ("chore(release): v1.2.3", True),
        ("chore(Release): 1.2.3", True),
        ("chore(release)!: v2.0.0", True),
        ("chore: release v1.2.3", False),
        ("fix(release): a bug in the release script", False),
    ],
)
def test_release_commits(message: str, release: bool) -> None:
    commit = parse_commit(message)
    assert commit is not None
    assert is_release_commit(commit) is release


# -- effects -------------------------------------------------------------------------------------


def test_default_map_is_the_documented_one() -> None:
    patch = ["fix", "impr", "perf", "refactor", "docs", "style", "test", "build", "ci", "chore"]
    assert dict(DEFAULT_TYPES) == {"feat": "minor", **dict.fromkeys([*patch, "revert"], "patch")}


@pytest.mark.parametrize(
    ("message", "overrides", "effect"),
    [
        ("feat: x", {}, "minor"),
        ("revert: x", {}, "patch"),
        ("impr: x", {}, "patch"),
        ("fix!: x", {}, "major"),
        ("docs: x\n\nBREAKING CHANGE: y", {}, "major"),
        ("wip: x", {}, "none"),  # a type the map does not know has no effect of its own
        ("wip!: x", {}, "major"),  # ... but a breaking change is one whatever the type
        ("feat: x", {"feat": "patch"}, "patch"),  # override
        ("deps: x", {"deps": "patch"}, "patch"),  # extend
        ("Deps: x", {"DEPS": "minor"}, "minor"),  # case-insensitive
        ("docs: x", {"docs": "none"}, "none"),
        ("docs!: x", {"docs": "none"}, "none"),  # none never triggers a release
        ("fix: x", {"fix": "major"}, "major"),
    ],
)
def test_effect(message: str, overrides: dict[str, str], effect: Effect) -> None:
    commit = parse_commit(message)
    assert commit is not None
    assert commit_effect(commit, type_map(overrides)) == effect


def test_type_map_rejects_unknown_effects() -> None:
    with pytest.raises(ValueError, match="'huge' is not one of"):
        type_map({"feat": "huge"})


# -- the decision: the pre-1.0 rule and the pre-release table of docs/auto.md ---------------------

TABLE = [
    # current, effect, --pre, major-on-zero, expected
    ("1.2.3", "patch", None, False, "1.2.4"),
    ("1.2.3", "minor", None, False, "1.3.0"),
    ("1.2.3", "major", None, False, "2.0.0"),
    ("1.2.3", "none", None, False, None),
    ("0.4.2", "patch", None, False, "0.4.3"),
    ("0.4.2", "minor", None, False, "0.5.0"),
    ("0.4.2", "major", None, False, "0.5.0"),
    ("0.4.2", "major", None, True, "1.0.0"),
    ("0.4.2", "minor", None, True, "0.5.0"),
    ("1.2.3", "patch", "rc", False, "1.2.4rc1"),
    ("1.2.3", "minor", "rc", False, "1.3.0rc1"),
    ("1.2.3", "minor", "alpha", False, "1.3.0a1"),
    ("1.2.3", "minor", "beta", False, "1.3.0b1"),
    ("1.2.3", "minor", "dev", False, "1.3.0.dev0"),
    ("1.2.3", "major", "rc", False, "2.0.0rc1"),
    ("1.3.0rc1", "patch", "rc", False, "1.3.0rc2"),
    ("1.3.0rc1", "minor", "rc", False, "1.3.0rc2"),
    ("1.3.0rc1", "major", "rc", False, "2.0.0rc1"),
    ("1.3.0a2", "patch", "rc", False, "1.3.0rc1"),
    ("1.3.0a2", "patch", "beta", False, "1.3.0b1"),
    ("1.3.0.dev1", "minor", "dev", False, "1.3.0.dev2"),
    ("1.2.4rc1", "minor", "rc", False, "1.3.0rc1"),
    ("2.0.0rc1", "major", "rc", False, "2.0.0rc2"),
    ("1.3.0rc2", "patch", None, False, "1.3.0"),
    ("1.3.0rc2", "minor", None, False, "1.3.0"),
    ("1.3.0rc2", "major", None, False, "2.0.0"),
    ("1.2.4rc1", "minor", None, False, "1.3.0"),
    ("1.3.0rc2", "none", None, False, None),
    ("1.3.0rc2", "none", "rc", False, None),
    ("0.5.0rc1", "major", "rc", False, "0.5.0rc2"),
    ("0.5.0rc1", "major", None, False, "0.5.0"),
    ("1.0.0rc1", "major", None, False, "1.0.0"),
    ("1.2.3.post1", "patch", None, False, "1.2.4"),
]


@pytest.mark.parametrize(("current", "effect", "pre", "moz", "expected"), TABLE)
def test_decision_table(
    current: str, effect: Effect, pre: str | None, moz: bool, expected: str | None
) -> None:
    decided = next_version(Version(current), effect, pre=pre, major_on_zero=moz)
    assert (decided[1] if decided else None) == (Version(expected) if expected else None)


def test_breaking_on_zero_reports_minor_as_the_part() -> None:
    assert next_version(Version("0.4.2"), "major") == ("minor", Version("0.5.0"))
    assert next_version(Version("0.4.2"), "major", major_on_zero=True) == (
        "major",
        Version("1.0.0"),
    )


@pytest.mark.parametrize(("current", "pre"), [("1.3.0rc1", "alpha"), ("1.3.0b1", "dev")])
def test_a_pre_release_never_moves_back(current: str, pre: str) -> None:
    with pytest.raises(BumpError, match="cannot move back"):
        next_version(Version(current), "patch", pre=pre)


# -- properties ----------------------------------------------------------------------------------

_types = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,10}", fullmatch=True)
_scopes = st.none() | st.from_regex(r"[a-z0-9 ._/-]{1,12}", fullmatch=True).filter(str.strip)
_words = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ,.:;'\"()!#-]{0,40}", fullmatch=True)
_body_lines = st.lists(
    st.from_regex(r"[a-z0-9 ,.:()-]{0,30}", fullmatch=True).filter(lambda s: "BREAKING" not in s),
    max_size=6,
)


@given(_types, _scopes, st.booleans(), _words, _body_lines, st.sampled_from(["", " ", "-"]))
def test_rendered_commits_parse_back(
    ctype: str, scope: str | None, bang: bool, desc: str, body: list[str], footer: str
) -> None:
    header = f"{ctype}{f'({scope})' if scope else ''}{'!' if bang else ''}: {desc}"
    message = header
    if body:
        message += "\n\n" + "\n".join(body)
    if footer:
        message += f"\n\nBREAKING{footer.strip() or ' '}CHANGE: described"
    commit = parse_commit(message + "\n", "sha")
    assert commit is not None
    assert commit.type == ctype.lower()
    assert commit.scope == scope
    assert commit.description == desc.rstrip()
    assert commit.breaking is (bang or bool(footer))
    assert commit.header == header.rstrip()


@given(st.text(max_size=200))
def test_any_text_parses_or_is_skipped(text: str) -> None:
    commit = parse_commit(text)
    if commit is not None:
        assert commit.type == commit.type.lower()
        assert commit.description.strip() == commit.description
        assert "\n" not in commit.header


_versions = st.builds(
    lambda x, y, z, pre: Version.from_parts((x, y, z), pre=pre),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 3),
    st.none() | st.tuples(st.sampled_from(["alpha", "beta", "rc"]), st.integers(1, 3)),
)


@given(
    _versions,
    st.sampled_from(EFFECTS),
    st.none() | st.sampled_from(["alpha", "beta", "rc", "dev"]),
    st.booleans(),
)
def test_decisions_only_move_forward(
    current: Version, effect: Effect, pre: str | None, moz: bool
) -> None:
    try:
        decided = next_version(current, effect, pre=pre, major_on_zero=moz)
    except BumpError:  # moving a pre-release back (rc -> alpha) is refused, never wrong
        assert pre is not None and current.is_prerelease
        return
    if effect == "none":
        assert decided is None
        return
    assert decided is not None
    part, new = decided
    assert new > current
    assert new.is_prerelease is (pre is not None)
    if current.major == 0 and not moz:
        assert new.major == 0 and part != "major"  # 1.0.0 is an explicit major bump
    if pre is None:  # without --pre the result is a final release, never beyond the part's reach
        assert new == current.next_release(part)


@given(_versions, st.booleans())
def test_a_stronger_effect_never_gives_a_lower_version(current: Version, moz: bool) -> None:
    results = [next_version(current, e, major_on_zero=moz) for e in EFFECTS[1:]]
    versions = [r[1] for r in results if r is not None]
    assert versions == sorted(versions)


@given(st.lists(st.sampled_from(EFFECTS)))
def test_strongest(effects: list[Effect]) -> None:
    assert strongest(effects) == max(effects, key=EFFECTS.index, default="none")


# -- one parser, one truth: the decision and the changelog read messages alike ----------------
def test_the_shipped_cliff_config_rewrites_messages_as_the_decision_does() -> None:
    import tomlkit

    from nox_release import default_cliff_config
    from nox_release.core.commits import PREPROCESSORS

    git = tomlkit.parse(default_cliff_config())["git"]
    shipped = [(p["pattern"], p["replace"]) for p in git["commit_preprocessors"]]  # type: ignore[index, union-attr]
    assert shipped == list(PREPROCESSORS)
    assert git["split_commits"] is True  # type: ignore[index]


@pytest.mark.parametrize(
    ("message", "entries"),
    [
        ("feat: a\nfix: b", [("feat", "a", False), ("fix", "b", False)]),
        (
            "Squashed commit of the following:\n\n* feat: squashed\n* docs: typo\n\nmore text",
            [("feat", "squashed", False), ("docs", "typo", False)],
        ),
        ("Add a thing (#12)\n\n- fix(io): close files\n", [("fix", "close files", False)]),
        ("feat: x\n\nBREAKING CHANGE: renamed", [("feat", "x (renamed)", True)]),
        ("BREAKING CHANGE: only a footer", [("breaking", "only a footer", True)]),
        ('Revert "feat: a"\n\nThis reverts commit abc.', [("revert", 'Revert "feat: a"', False)]),
        ("Update README\n\nSome words: not a header", []),
    ],
)
def test_every_conventional_line_of_a_message_counts(
    message: str, entries: list[tuple[str, str, bool]]
) -> None:
    from nox_release.core.commits import parse_message

    assert [(c.type, c.description, c.breaking) for c in parse_message(message)] == entries
