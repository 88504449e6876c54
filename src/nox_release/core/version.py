"""The version value type: one parsed version, two renderings (pure core, no I/O).

A :class:`Version` wraps :class:`packaging.version.Version` and adds what a release needs:

* strict parsing: only *normalised* PEP 440 (``1.2.0rc1``) or *canonical* SemVer 2.0
  (``1.2.0-rc.1``) is accepted, so that what is written to files, metadata and tags is exactly
  what was typed; local versions (``+build``), which PyPI rejects, are refused;
* two renderings of the same value: :attr:`Version.pep440` and :attr:`Version.semver`;
* bumps that always return a strictly greater version.

The mapping between the two forms:

============================  ==============================
PEP 440                       SemVer 2.0
============================  ==============================
``1.2.0``                     ``1.2.0``
``1.2.0a3``                   ``1.2.0-alpha.3``
``1.2.0b2``                   ``1.2.0-beta.2``
``1.2.0rc1``                  ``1.2.0-rc.1``
``1.2.0.dev4``                ``1.2.0-dev.4``
``1.2.0rc1.dev2``             ``1.2.0-rc.1.dev.2``
``1.2.0.post1``               ``1.2.0+post.1`` (build metadata: SemVer has no post-releases)
============================  ==============================

Versions are always *compared* as PEP 440, never by SemVer precedence (which, for example, sorts
``-dev.0`` after ``-alpha.1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from packaging.version import InvalidVersion
from packaging.version import Version as _PVersion

from nox_release._errors import BumpError, VersionError
from nox_release.core.semver import PEP_LABEL, PLAIN, SEMVER, pep440_suffix

__all__ = ["PRE_KINDS", "Part", "PreKind", "Version", "normalise_pre_kind"]

Part = Literal["major", "minor", "patch"]
PreKind = Literal["dev", "alpha", "beta", "rc"]

#: Pre-release kinds in the order PEP 440 sorts them: a move is only ever to the right.
PRE_KINDS: tuple[PreKind, ...] = ("dev", "alpha", "beta", "rc")
_KIND_OF_LABEL: dict[str, PreKind] = {"a": "alpha", "b": "beta", "rc": "rc"}
_KIND_ALIASES: dict[str, PreKind] = {
    "dev": "dev",
    "a": "alpha",
    "alpha": "alpha",
    "b": "beta",
    "beta": "beta",
    "rc": "rc",
}
_ACCEPTED = "write it like 1.2.0, 1.2.0rc1 (PEP 440) or 1.2.0-rc.1 (SemVer)"


def normalise_pre_kind(kind: str) -> PreKind:
    """Return the canonical pre-release kind for ``kind`` (``a`` -> ``alpha``, ...).

    Raises :class:`VersionError` naming the accepted kinds for anything else.
    """
    try:
        return _KIND_ALIASES[kind.strip().lower()]
    except KeyError:
        raise VersionError(
            f"'{kind}' is not a pre-release kind: use one of alpha, beta, rc or dev."
        ) from None


class Version:
    """An immutable release version with PEP 440 and SemVer renderings.

    Construct with :meth:`parse` (or ``Version("1.2.0")``). Two versions compare and hash as
    their PEP 440 values, so ``Version("1.2.0rc1") == Version("1.2.0-rc.1")``.
    """

    __slots__ = ("_v",)
    _v: _PVersion

    def __init__(self, text: str) -> None:
        object.__setattr__(self, "_v", _parse(text))

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse a normalised PEP 440 or canonical SemVer version; raise :class:`VersionError`."""
        return cls(text)

    @classmethod
    def lenient(cls, text: str) -> tuple[Version, str | None]:
        """Parse ``text``, accepting a valid but non-normalised PEP 440 version.

        Returns the version and, when ``text`` was not normalised, a warning saying how it was
        read (a bump writes the normalised form).
        """
        try:
            return cls(text), None
        except VersionError:
            pv = _readable(text)
            if pv.local is not None:
                raise
        return cls(str(pv)), (
            f"'{text}' is not a normalised version: read as '{pv}', which a bump writes"
        )

    @classmethod
    def from_parts(
        cls,
        release: Sequence[int],
        *,
        pre: tuple[PreKind, int] | None = None,
        post: int | None = None,
        dev: int | None = None,
    ) -> Version:
        """Build a version from its parts; ``pre`` is ``(kind, number)`` with kind alpha/beta/rc."""
        text = ".".join(str(int(p)) for p in release)
        if pre is not None:
            kind, number = pre
            if kind == "dev":
                raise VersionError("a 'dev' pre-release is given with dev=N, not pre=('dev', N).")
            text += f"{PEP_LABEL[kind]}{number}"
        if post is not None:
            text += f".post{post}"
        if dev is not None:
            text += f".dev{dev}"
        return cls(text)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Version is immutable")

    def __reduce__(self) -> tuple[type[Version], tuple[str]]:
        return (Version, (self.pep440,))

    # -- parts -------------------------------------------------------------------------------
    @property
    def release(self) -> tuple[int, ...]:
        """The release segment, as written (``(1, 2, 0)``)."""
        return self._v.release

    @property
    def major(self) -> int:
        return self._v.major

    @property
    def minor(self) -> int:
        return self._v.minor

    @property
    def patch(self) -> int:
        return self._v.micro

    @property
    def pre(self) -> tuple[PreKind, int] | None:
        """``(kind, number)`` of an alpha/beta/rc pre-release, else None."""
        if self._v.pre is None:
            return None
        label, number = self._v.pre
        return (_KIND_OF_LABEL[label], number)

    @property
    def post(self) -> int | None:
        return self._v.post

    @property
    def dev(self) -> int | None:
        return self._v.dev

    @property
    def is_prerelease(self) -> bool:
        """True for alpha, beta, rc and dev releases (the ones an index flags as pre-releases)."""
        return self._v.is_prerelease

    @property
    def pre_kind(self) -> PreKind | None:
        """The kind of pre-release this is (``rc`` for ``1.2.0rc1.dev2``), or None."""
        if self.pre is not None:
            return self.pre[0]
        if self.dev is not None and self.post is None:
            return "dev"
        return None

    @property
    def base(self) -> Version:
        """The final release this version leads to or follows (``1.2.0`` for ``1.2.0rc1``)."""
        return Version.from_parts(self._triple())

    # -- renderings --------------------------------------------------------------------------
    @property
    def pep440(self) -> str:
        """The normalised PEP 440 form, for files, metadata and artifacts."""
        return str(self._v)

    @property
    def semver(self) -> str:
        """The SemVer 2.0 form (see the module docs); raises for epochs or >3 release parts."""
        if self._v.epoch:
            raise VersionError(f"'{self.pep440}' has an epoch, which SemVer cannot express.")
        if len(self.release) > 3:
            raise VersionError(
                f"'{self.pep440}' has {len(self.release)} release numbers; SemVer takes three."
            )
        text = "{}.{}.{}".format(*self._triple())
        pre: list[str] = []
        build: list[str] = []
        if self.pre is not None:
            pre += [self.pre[0], str(self.pre[1])]
        if self.post is not None:
            build += ["post", str(self.post)]
        if self.dev is not None:
            (build if self.post is not None else pre).extend(["dev", str(self.dev)])
        if pre:
            text += "-" + ".".join(pre)
        if build:
            text += "+" + ".".join(build)
        return text

    def __str__(self) -> str:
        return self.pep440

    def __repr__(self) -> str:
        return f"Version('{self.pep440}')"

    # -- comparison (as PEP 440) -------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._v == other._v

    def __hash__(self) -> int:
        return hash(self._v)

    def __lt__(self, other: Version) -> bool:
        return self._v < other._v

    def __le__(self, other: Version) -> bool:
        return self._v <= other._v

    def __gt__(self, other: Version) -> bool:
        return self._v > other._v

    def __ge__(self, other: Version) -> bool:
        return self._v >= other._v

    # -- bumps -------------------------------------------------------------------------------
    def _triple(self) -> tuple[int, int, int]:
        r = self.release
        if len(r) > 3:
            raise BumpError(
                f"'{self.pep440}' has {len(r)} release numbers; nox-release bumps MAJOR.MINOR.PATCH."
            )
        padded = (*r, 0, 0)
        return (padded[0], padded[1], padded[2])

    def next_release(self, part: Part) -> Version:
        """The next *final* release of ``part``.

        From a final version this increments ``part``. From a pre-release (or dev release) of
        ``X.Y.Z`` the result is ``X.Y.Z`` itself when that already is a release of ``part``
        (``1.3.0rc1`` -> minor -> ``1.3.0``), as npm and most SemVer tools do.
        """
        x, y, z = self._triple()
        if self.is_prerelease and self.post is None:
            reached = {"patch": True, "minor": z == 0, "major": y == 0 and z == 0}[part]
            if reached:
                return self._checked(Version.from_parts((x, y, z)))
        if part == "major":
            target = (x + 1, 0, 0)
        elif part == "minor":
            target = (x, y + 1, 0)
        elif part == "patch":
            target = (x, y, z + 1)
        else:  # pragma: no cover - guarded by Literal
            raise BumpError(f"'{part}' is not a bump: use major, minor or patch.")
        return self._checked(Version.from_parts(target))

    def bump(self, part: Part, pre: str | None = None) -> Version:
        """Bump ``part``; with ``pre`` (alpha, beta, rc, dev) start a pre-release of the result.

        With ``pre``, the release numbers always move on from the current release
        (``1.2.3`` -> minor, alpha -> ``1.3.0a1``; ``1.3.0rc1`` -> minor, alpha -> ``1.4.0a1``);
        to advance or move the current pre-release use :meth:`bump_pre`.
        """
        if pre is None:
            return self.next_release(part)
        kind = normalise_pre_kind(pre)
        target = Version.from_parts(self._triple()).next_release(part)
        return self._checked(target._start_pre(kind))

    def _start_pre(self, kind: PreKind) -> Version:
        if kind == "dev":
            return Version.from_parts(self.release, dev=0)
        return Version.from_parts(self.release, pre=(kind, 1))

    def bump_pre(self, kind: str | None = None) -> Version:
        """Advance the pre-release number, or move it on to a later ``kind``.

        ``1.3.0a1`` -> ``1.3.0a2``; ``1.3.0a2`` + ``beta`` -> ``1.3.0b1``; ``1.3.0.dev1`` ->
        ``1.3.0.dev2``; ``1.3.0rc1.dev2`` -> ``1.3.0rc1``. Moving back (rc to beta) is refused.
        """
        current = self.pre_kind
        if current is None:
            raise BumpError(
                f"{self.pep440} is not a pre-release: start one with a major, minor or patch "
                "bump and --pre alpha|beta|rc."
            )
        wanted = current if kind is None else normalise_pre_kind(kind)
        order = PRE_KINDS.index
        if order(wanted) < order(current):
            raise BumpError(
                f"{self.pep440} is a {current} pre-release and cannot move back to {wanted}: "
                f"pre-releases go {' -> '.join(PRE_KINDS)}."
            )
        if wanted != current:
            return self._checked(Version.from_parts(self.release)._start_pre(wanted))
        if self.pre is not None and self.dev is not None:
            return self._checked(Version.from_parts(self.release, pre=self.pre))
        if self.pre is not None:
            return self._checked(
                Version.from_parts(self.release, pre=(self.pre[0], self.pre[1] + 1))
            )
        return self._checked(Version.from_parts(self.release, dev=(self.dev or 0) + 1))

    def finalize(self) -> Version:
        """The final release a pre-release leads to (``1.3.0rc2`` -> ``1.3.0``)."""
        if not self.is_prerelease:
            raise BumpError(
                f"{self.pep440} is already a final release: there is nothing to finalise."
            )
        if self.post is not None:
            return self._checked(Version.from_parts(self.release, post=self.post))
        return self._checked(Version.from_parts(self.release))

    def bump_post(self) -> Version:
        """The next post-release of a final release (``1.2.3`` -> ``1.2.3.post1``)."""
        if self.pre is not None or (self.dev is not None and self.post is None):
            raise BumpError(
                f"{self.pep440} is a pre-release: post-releases follow a final release only."
            )
        if self.dev is not None:  # 1.2.3.post1.dev0 -> 1.2.3.post1
            return self._checked(Version.from_parts(self.release, post=self.post))
        return self._checked(Version.from_parts(self.release, post=(self.post or 0) + 1))

    def _checked(self, new: Version) -> Version:
        if not new > self:  # the invariant every bump keeps
            raise BumpError(f"bumping {self.pep440} gave {new.pep440}, which is not greater.")
        return new


def _parse(text: str) -> _PVersion:
    if not isinstance(text, str):
        raise VersionError(f"a version must be a string, not {type(text).__name__}: {text!r}.")
    if PLAIN.fullmatch(text) is not None:  # normalised and canonical: the checks below pass
        return _PVersion(text)
    m = SEMVER.fullmatch(text)
    if m is not None:
        suffix = pep440_suffix(m.group(4), m.group(5))
        if suffix is not None:
            pv = _PVersion(f"{m.group(1)}.{m.group(2)}.{m.group(3)}{suffix}")
            canonical = Version.__new__(Version)
            object.__setattr__(canonical, "_v", pv)
            if canonical.semver != text:
                raise VersionError(
                    f"'{text}' is not in canonical SemVer form: write '{canonical.semver}' "
                    f"(or '{canonical.pep440}' as PEP 440)."
                )
            return pv
        if m.group(5) is not None and m.group(4) is None:
            raise VersionError(
                f"'{text}' carries build metadata '+{m.group(5)}', which PyPI rejects for upload "
                f"(only '+post.N' is read, as a post-release); {_ACCEPTED}."
            )
    pv = _readable(text)
    if pv.local is not None:
        raise VersionError(
            f"'{text}' has the local version label '+{pv.local}', which PyPI rejects for upload: "
            f"drop it and {_ACCEPTED}."
        )
    if str(pv) != text:
        forms = f"'{pv}'"
        try:
            probe = Version.__new__(Version)
            object.__setattr__(probe, "_v", pv)
            if probe.semver != str(pv):
                forms += f" (PEP 440) or '{probe.semver}' (SemVer)"
        except VersionError:
            pass
        raise VersionError(
            f"'{text}' is not a normalised version: PEP 440 reads it as '{pv}', so write {forms}."
        )
    return pv


def _readable(text: str) -> _PVersion:
    """``text`` as any valid PEP 440 version; :class:`VersionError` when it is none."""
    try:
        return _PVersion(text)
    except InvalidVersion:
        raise VersionError(
            f"'{text}' is not a version nox-release can read: {_ACCEPTED}."
        ) from None
