"""The changelog printed, not written: the next release's section, and one release's notes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from nox_release._errors import ChangelogError, ReleaseError
from nox_release.adapters.files import Transaction
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner
from nox_release.core.changelog import Release, as_block, folded_tags
from nox_release.core.log import Log, quiet
from nox_release.core.version import Version
from nox_release.steps.changelog.cliff import Cliff
from nox_release.steps.changelog.filed import check_renderable, filed_notes, wanted_release
from nox_release.steps.decide import decide

__all__ = ["preview_changelog", "release_notes", "write_notes_file"]


def _stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


# -- preview and release notes ----------------------------------------------------------------
def _auto_version(project: Project) -> Version | None:
    """The version ``release-bump-auto`` would release now (None: nothing to release)."""
    return decide(project, pre=None).version


def preview_changelog(
    root: Path | str = ".",
    version: Version | str | None = None,
    *,
    runner: Runner | None = None,
    log: Log = quiet,
    echo: Callable[[str], None] = _stdout,
) -> str:
    """``changelog --preview``: the section the next release would add, without writing.

    The section is headed with ``version`` (default: the version ``release-bump-auto`` would
    choose). It is passed to ``echo`` (stdout) and returned; with nothing to release and no
    ``version``, that is logged and the empty string returned.
    """
    project = Project(root)
    if version is None:
        version = _auto_version(project)
        if version is None:
            log(
                "nothing to preview: no commit since the last release calls for a new version "
                "(give one with --version X to see the section anyway)"
            )
            return ""
    elif isinstance(version, str):
        version = Version.parse(version)
    tag = project.config.tags.render(version)
    with Cliff(project, runner, log) as cliff:
        releases = cliff.releases()
        newer = [t for t, v in releases if v >= version]
        if newer:
            raise ChangelogError(
                f"{version.pep440} is not after the newest release ({newer[-1]}): preview a "
                f"later version, or see a released one with 'nox -s release-notes -- --version "
                f"{version.pep440}'."
            )
        releases.append((tag, version))
        fold = project.config.changelog_fold_prereleases
        folded = folded_tags(releases) if fold else set()
        earlier = [r for r in releases[:-1] if r[0] not in folded]
        rng = f"{cliff.commit(earlier[-1][0])}..HEAD" if earlier else None
        text = cliff.render(rng, tag=tag, ignore=folded | cliff.strays(), strip="all")
    text = as_block(text, "\n").rstrip("\n") + "\n"
    echo(text)
    return text


def _find_release(releases: Sequence[Release], wanted: str, where: str) -> Release:
    for release in releases:
        if release[0] == wanted:
            return release
    try:
        version = Version.parse(wanted)
    except ReleaseError:
        version = None
    for release in releases:
        if version is not None and release[1] == version:
            return release
    known = ", ".join(t for t, _ in releases[-5:]) or "none"
    raise ChangelogError(
        f"there is no release tag for '{wanted}' reachable from HEAD in {where} (newest: "
        f"{known}): give a released version or tag."
    )


def release_notes(
    root: Path | str = ".",
    version: str | None = None,
    *,
    output: Path | str | None = None,
    runner: Runner | None = None,
    log: Log = quiet,
    echo: Callable[[str], None] = _stdout,
) -> str:
    """``release-notes``: one release's section (default: the newest tag), without the header.

    For a forge's release body: the changelog file's section of the release, exactly as written
    there (hand edits too), when the file has one; else rendered from git with git-cliff.
    Raises :class:`ChangelogError` when there are no real notes to give: no section and a
    shallow clone or no commit, or a release without a change the changelog shows. Written to
    ``output`` when given, else passed to ``echo`` (stdout). A final release's notes take in its pre-releases when
    ``changelog-fold-prereleases`` is on; a pre-release's notes cover only itself.
    """
    project = Project(root)
    wanted = wanted_release(project, version)
    text = filed_notes(project, wanted)
    if text is not None:
        name = wanted[0] if wanted is not None else ""
        log(f"the notes of {name} are its section of {project.config.changelog_file}")
    else:
        check_renderable(project, wanted)
        name, text = _rendered_notes(project, version, runner, log)
    if output is not None:
        path = Path(output)
        try:
            with Transaction() as txn:
                txn.mkdir(path.parent)
                txn.write({path: text})
        except OSError as exc:
            raise ChangelogError(
                f"cannot write the release notes to {path} ({exc.strerror or exc}): give "
                "-o a file path whose folders you can write to (missing ones are created)."
            ) from None
        log(f"wrote the notes of {name} to {path}")
    else:
        echo(text)
    return text


def _rendered_notes(
    project: Project, version: str | None, runner: Runner | None, log: Log
) -> tuple[str, str]:
    """The tag and the notes git-cliff renders for it from the commits of its release."""
    with Cliff(project, runner, log) as cliff:
        releases = cliff.releases()
        if not releases:
            raise ChangelogError(
                f"there is no release tag of the form {project.config.tag_format} reachable "
                f"from HEAD in {project.root}: release first, or check tag-format."
            )
        target = (
            releases[-1] if version is None else _find_release(releases, version, str(project.root))
        )
        before = [r for r in releases if r[1] < target[1]]
        folded: set[str] = set()
        if project.config.changelog_fold_prereleases and not target[1].is_prerelease:
            folded = {t for t in folded_tags([*before, target]) if t in dict(before)}
            before = [r for r in before if r[0] not in folded]
        end = cliff.commit(target[0])
        rng = f"{cliff.commit(before[-1][0])}..{end}" if before else end
        text = cliff.render(rng, ignore=folded | cliff.strays(), strip="all")
    text = as_block(text, "\n")
    if not any(line.strip() and not line.startswith("#") for line in text.splitlines()):
        raise ChangelogError(
            f"{target[0]} has no change that the changelog shows, so its notes would be only a "
            f"heading: write its section in {project.config.changelog_file} or give another "
            "release with --version"
        )
    return target[0], text


def write_notes_file(project: Project, tag: str, version: Version, log: Log) -> Path | None:
    """Write a finished release's notes to ``<dist-dir>/<name>-<version>.notes.md`` (the
    ``notes-file`` of ``GITHUB_OUTPUT``); None, with a warning, when there are no real notes."""
    name = project.name.replace("-", "_").replace(".", "_").lower()
    path = project.root / project.config.dist_dir / f"{name}-{version.pep440}.notes.md"
    try:
        release_notes(project.root, tag, output=path, log=log)
    except ChangelogError as exc:
        log(f"warning: no release notes file: {exc}")
        return None
    return path
