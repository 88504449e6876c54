"""The git answers every release asks, started at once: git runs while Python imports the rest.

A release's checks ask git a dozen short questions (the top level, HEAD, the branch, the
status, every tag's commit, ...) one after the other, 2 ms or more each. They do not depend
on the project's configuration, so :func:`release_git` starts them together the moment a
release begins, and the checks take the answers (``Git.read_ahead``) when they get there.
"""

from __future__ import annotations

from pathlib import Path

from nox_release.adapters.git import PRELOAD, Git

__all__ = ["TAG_COMMITS", "TAG_NAMES", "release_git"]

#: Every tag's commit, annotated tags peeled once (``history.tag_commits``).
TAG_COMMITS = (
    "for-each-ref",
    "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)",
    "refs/tags",
)
#: The names of the tags of the usual ``v{version}`` format (``Git.tag_names``).
TAG_NAMES = ("for-each-ref", "--format=%(refname:strip=2)", "refs/tags/v*")

_READERS = (
    PRELOAD,
    ("symbolic-ref", "-q", "--short", "HEAD"),
    ("status", "--porcelain=v1", "--untracked-files=no"),
    TAG_NAMES,
    TAG_COMMITS,
)


def release_git(root: Path | str, *, changelog: bool = True) -> Git:
    """A :class:`Git` for the repository at ``root`` with the release's questions asked."""
    git = Git(Path(root).resolve())
    git.read_ahead(*(r for r in _READERS if changelog or r is not TAG_COMMITS))
    return git
