"""What an index holds of a release: each local artifact there with its sha256, or missing.

``publish`` reads the index before uploading (to skip what is there), between retries (so that
nothing that arrived is sent twice) and after (to verify); a file the index holds with another
sha256 stops it, since an index never replaces a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nox_release._errors import PublishError
from nox_release.adapters.index import IndexFile, Listing, file_sha256, read_project
from nox_release.adapters.targets import Target, host
from nox_release.core.log import Log

__all__ = ["IndexReader", "classify"]


@dataclass(frozen=True)
class IndexReader:
    """Reads the index for one project with the target's credentials and retry policy."""

    target: Target
    name: str
    retries: int
    backoff: float
    log: Log

    def listing(self) -> Listing:
        return read_project(
            self.target.simple_url,
            self.name,
            credentials=self.target.read_credentials,
            retries=self.retries,
            backoff=self.backoff,
            log=self.log,
        )

    def sha256(self, file: IndexFile) -> str:
        same = host(file.url) == host(self.target.simple_url)
        return file_sha256(
            file,
            credentials=self.target.read_credentials if same else None,
            retries=self.retries,
            backoff=self.backoff,
            log=self.log,
        )


def classify(
    reader: IndexReader, listing: Listing, files: list[tuple[Path, str]]
) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Split ``files`` into (on the index with the same sha256, not on the index); raise for
    any file on the index with a different sha256."""
    present, missing, conflicts = [], [], []
    for path, sha in files:
        listed = listing.files.get(path.name)
        if listed is None:
            missing.append((path, sha))
            continue
        theirs = reader.sha256(listed)
        if theirs == sha:
            present.append((path, sha))
        else:
            conflicts.append(f"{path.name} (index sha256 {theirs[:12]}..., local {sha[:12]}...)")
    if conflicts:
        raise PublishError(
            f"{listing.url} already holds a different file of the same name: "
            f"{'; '.join(conflicts)}; an index never replaces a file, and nothing was "
            "overwritten: build from the tagged commit to publish what was released, or "
            "release a new version."
        )
    return present, missing
