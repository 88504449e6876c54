"""A gathered wheelhouse's shape: one sdist, and no two wheels for one platform (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from nox_release._errors import ArtifactError

__all__ = ["check_wheelhouse_shape", "uv_platform"]


def check_wheelhouse_shape(names: Sequence[str], where: str) -> None:
    """At most one sdist, and no tag (interpreter-abi-platform) claimed by two wheels."""
    sdists = [n for n in names if n.endswith(".tar.gz")]
    if len(sdists) > 1:
        raise ArtifactError(
            f"{where} holds {len(sdists)} sdists ({', '.join(sorted(sdists))}): a release has "
            "one; keep the one built by the tag job"
        )
    claimed: dict[Tag, str] = {}
    for name in sorted(n for n in names if n.endswith(".whl")):
        try:
            tags = parse_wheel_filename(name)[3]
        except InvalidWheelFilename as exc:
            raise ArtifactError(
                f"{name} in {where} is not a wheel's name ({exc}): rebuild it"
            ) from None
        for tag in sorted(tags, key=str):
            other = claimed.setdefault(tag, name)
            if other != name:
                raise ArtifactError(
                    f"{other} and {name} in {where} are both for {tag}: a release has one "
                    "wheel per platform; drop the one the matrix built twice"
                )


_ARCH = {"arm64": "aarch64", "amd64": "x86_64", "universal2": "aarch64"}
_RULES = (
    (re.compile(r"manylinux_2_(\d+)_(x86_64|aarch64)"), "{arch}-manylinux_2_{n}"),
    (re.compile(r"manylinux2014_(x86_64|aarch64)"), "{arch}-manylinux2014"),
    (re.compile(r"musllinux_1_\d+_(x86_64|aarch64)"), "{arch}-unknown-linux-musl"),
    (re.compile(r"macosx_\d+_\d+_(x86_64|arm64|universal2)"), "{arch}-apple-darwin"),
    (re.compile(r"linux_(x86_64|aarch64)"), "{arch}-unknown-linux-gnu"),
    (re.compile(r"win_(amd64|arm64)"), "{arch}-pc-windows-msvc"),
    (re.compile(r"win32"), "i686-pc-windows-msvc"),
)


def uv_platform(platform: str) -> str | None:
    """uv's ``--python-platform`` value for a wheel's platform tag, or None if uv has none."""
    for rule, value in _RULES:
        m = rule.fullmatch(platform)
        if m is not None:
            groups = m.groups()
            n, arch = (
                (groups[0], groups[1]) if len(groups) == 2 else ("", groups[0] if groups else "")
            )
            return value.replace("{arch}", _ARCH.get(arch, arch)).replace("{n}", n)
    return None
