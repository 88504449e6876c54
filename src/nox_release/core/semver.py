"""SemVer 2.0 text: the grammar, and its pre-release and build identifiers as a PEP 440 suffix."""

from __future__ import annotations

import re

__all__ = ["PEP_LABEL", "PLAIN", "SEMVER", "pep440_suffix"]

#: Pre-release kinds -> their PEP 440 label.
PEP_LABEL = {"alpha": "a", "beta": "b", "rc": "rc"}

SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
)

#: A plain ``X.Y.Z`` (ASCII digits, no leading zeros): normalised PEP 440 and canonical SemVer
#: at once, ordered as its three numbers.
PLAIN = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def pep440_suffix(pre: str | None, build: str | None) -> str | None:
    """Translate SemVer pre-release and build identifiers to a PEP 440 suffix, or None."""
    suffix = ""
    ids = pre.split(".") if pre else []
    if build is not None:
        bids = build.split(".")
        if len(bids) < 2 or bids[0] != "post" or not bids[1].isdigit():
            return None
        suffix_post = f".post{int(bids[1])}"
        rest = bids[2:]
    else:
        suffix_post, rest = "", []
    i = 0
    if len(ids) >= 2 and ids[0] in PEP_LABEL and ids[1].isdigit():
        suffix += f"{PEP_LABEL[ids[0]]}{int(ids[1])}"
        i = 2
    dev_ids = ids[i:] if build is None else rest
    if build is not None and ids[i:]:
        return None
    suffix += suffix_post
    if dev_ids:
        if len(dev_ids) != 2 or dev_ids[0] != "dev" or not dev_ids[1].isdigit():
            return None
        suffix += f".dev{int(dev_ids[1])}"
    return suffix
