"""One release's section cut out of a changelog's text, exactly as written there (pure)."""

from __future__ import annotations

from nox_release.core.changelog import Release, release_sections

__all__ = ["changelog_section"]


def changelog_section(text: str, release: Release) -> str | None:
    """The section of ``release`` in the changelog ``text`` (its heading to the next heading of
    the same or a higher level, trailing blank lines dropped), or None when it has none."""
    lines = text.splitlines(keepends=True)
    section = release_sections(lines, [release]).get(release[0])
    if section is None:
        return None
    body = "".join(lines[section.start : section.end]).rstrip("\r\n")
    newline = "\r\n" if "\r\n" in text else "\n"
    return body + newline
