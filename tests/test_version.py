"""The pure versioning core: parsing, both renderings, bumps (with property tests)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nox_release import BumpError, Version, VersionError

PAIRS = [
    ("1.2.0", "1.2.0"),
    ("1.2.0rc1", "1.2.0-rc.1"),
    ("1.2.0a3", "1.2.0-alpha.3"),
    ("1.2.0b2", "1.2.0-beta.2"),
    ("1.2.0.dev4", "1.2.0-dev.4"),
    ("1.2.0rc1.dev2", "1.2.0-rc.1.dev.2"),
    ("1.2.0.post1", "1.2.0+post.1"),
    ("1.2.0.post1.dev3", "1.2.0+post.1.dev.3"),
    ("0.0.1", "0.0.1"),
]


@pytest.mark.parametrize(("pep", "sem"), PAIRS)
def test_both_forms_parse_to_one_value(pep: str, sem: str) -> None:
    a, b = Version(pep), Version(sem)
    assert a == b and hash(a) == hash(b)
    assert a.pep440 == b.pep440 == pep
    assert a.semver == b.semver == sem
    assert str(a) == pep


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1.2.0-RC1", "write '1.2.0rc1' (PEP 440) or '1.2.0-rc.1' (SemVer)"),
        ("1.2.0preview1", "PEP 440 reads it as '1.2.0rc1'"),
        ("v1.2.0", "PEP 440 reads it as '1.2.0'"),
        ("1.2.0 ", "not a normalised version"),
        ("1.2.0+local.7", "PyPI rejects for upload"),
        ("1.2.0rc1+abc", "local version label '+abc'"),
        ("1.2.0-rc.01", "not in canonical SemVer form: write '1.2.0-rc.1'"),
        ("banana", "not a version nox-release can read"),
        ("1.2.0-alpha.1.beta.2", "nox-release can read"),
        ("01.2.0", "not a normalised version"),
    ],
)
def test_refusals_name_value_and_accepted_forms(text: str, fragment: str) -> None:
    with pytest.raises(VersionError) as info:
        Version(text)
    assert fragment in str(info.value)
    assert repr(text) in str(info.value) or f"'{text}'" in str(info.value)


def test_semver_cannot_express_epochs_or_four_parts() -> None:
    with pytest.raises(VersionError, match="epoch"):
        _ = Version("1!1.0").semver
    with pytest.raises(VersionError, match="SemVer takes three"):
        _ = Version("1.2.3.4").semver


def test_value_semantics() -> None:
    v = Version("1.2.3")
    with pytest.raises(AttributeError):
        v.foo = 1  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(v)) == v
    assert sorted(
        [
            Version("1.0.0"),
            Version("1.0.0rc1"),
            Version("1.0.0.dev0"),
            Version("1.0.0a1"),
            Version("1.0.0.post1"),
        ]
    ) == [
        Version("1.0.0.dev0"),
        Version("1.0.0a1"),
        Version("1.0.0rc1"),
        Version("1.0.0"),
        Version("1.0.0.post1"),
    ]
    assert repr(Version("1.0.0-rc.1")) == "Version('1.0.0rc1')"


@pytest.mark.parametrize(
    ("start", "op", "expected"),
    [
        ("1.2.3", ("patch", None), "1.2.4"),
        ("1.2.3", ("minor", None), "1.3.0"),
        ("1.2.3", ("major", None), "2.0.0"),
        ("1.2.3", ("minor", "alpha"), "1.3.0a1"),
        ("1.2.3", ("patch", "rc"), "1.2.4rc1"),
        ("1.2.3", ("major", "dev"), "2.0.0.dev0"),
        ("1.3.0rc1", ("patch", None), "1.3.0"),
        ("1.3.0rc1", ("minor", None), "1.3.0"),
        ("1.3.0rc1", ("major", None), "2.0.0"),
        ("1.3.1rc1", ("minor", None), "1.4.0"),
        ("2.0.0b1", ("major", None), "2.0.0"),
        ("1.3.0rc1", ("minor", "alpha"), "1.4.0a1"),
        ("1.3.0.dev2", ("patch", None), "1.3.0"),
        ("1.2", ("patch", None), "1.2.1"),
        ("1.2.3.post1", ("patch", None), "1.2.4"),
    ],
)
def test_bump_table(start: str, op: tuple[str, str | None], expected: str) -> None:
    part, pre = op
    assert Version(start).bump(part, pre) == Version(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "kind", "expected"),
    [
        ("1.3.0a1", None, "1.3.0a2"),
        ("1.3.0a2", "beta", "1.3.0b1"),
        ("1.3.0a2", "alpha", "1.3.0a3"),
        ("1.3.0b1", "rc", "1.3.0rc1"),
        ("1.3.0a1", "rc", "1.3.0rc1"),
        ("1.3.0.dev1", None, "1.3.0.dev2"),
        ("1.3.0.dev1", "alpha", "1.3.0a1"),
        ("1.3.0rc1.dev2", None, "1.3.0rc1"),
        ("1.3.0-rc.1", "b", None),
    ],
)
def test_bump_pre_table(start: str, kind: str | None, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(BumpError, match="cannot move back to beta"):
            Version(start).bump_pre(kind)
    else:
        assert Version(start).bump_pre(kind) == Version(expected)


def test_bump_refusals() -> None:
    with pytest.raises(BumpError, match="not a pre-release"):
        Version("1.2.3").bump_pre()
    with pytest.raises(BumpError, match="already a final release"):
        Version("1.2.3").finalize()
    with pytest.raises(BumpError, match="post-releases follow a final release"):
        Version("1.2.3rc1").bump_post()
    with pytest.raises(VersionError, match="not a pre-release kind"):
        Version("1.2.3").bump("minor", "preview")
    assert Version("1.3.0rc2").finalize() == Version("1.3.0")
    assert Version("1.2.3").bump_post() == Version("1.2.3.post1")
    assert Version("1.2.3.post1").bump_post() == Version("1.2.3.post2")


# -- properties --------------------------------------------------------------------------------
numbers = st.integers(min_value=0, max_value=10_000)
kinds = st.sampled_from(["alpha", "beta", "rc"])


@st.composite
def versions(draw: st.DrawFn) -> Version:
    release = (draw(numbers), draw(numbers), draw(numbers))
    pre = draw(st.none() | st.tuples(kinds, numbers))
    post = draw(st.none() | numbers)
    dev = draw(st.none() | numbers)
    return Version.from_parts(release, pre=pre, post=post, dev=dev)  # type: ignore[arg-type]


@given(versions())
def test_round_trip_pep440_semver(v: Version) -> None:
    assert Version(v.semver) == v
    assert Version(v.pep440) == v
    assert Version(v.semver).semver == v.semver
    assert Version(v.semver).pep440 == v.pep440


@given(
    versions(),
    st.sampled_from(["major", "minor", "patch"]),
    st.none() | st.sampled_from(["alpha", "beta", "rc", "dev"]),
)
def test_every_bump_is_strictly_greater(v: Version, part: str, pre: str | None) -> None:
    assert v.bump(part, pre) > v  # type: ignore[arg-type]


@given(versions(), st.none() | st.sampled_from(["dev", "alpha", "beta", "rc"]))
def test_pre_bumps_are_greater_or_refused(v: Version, kind: str | None) -> None:
    try:
        new = v.bump_pre(kind)
    except BumpError:
        return
    assert new > v


@given(versions())
def test_finalise_and_post_are_greater_or_refused(v: Version) -> None:
    for op in (v.finalize, v.bump_post):
        try:
            new = op()
        except BumpError:
            continue
        assert new > v
