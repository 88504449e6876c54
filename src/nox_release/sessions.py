"""The nox sessions: parse posargs, call a step, report. No release logic lives here."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from nox_release._errors import ReleaseError

__all__ = ["SESSIONS", "register"]

Session = Any  # nox.Session, imported lazily


@dataclass(frozen=True)
class SessionSpec:
    name: str
    func: Callable[[Session, Path], None]
    doc: str


SESSIONS: list[SessionSpec] = []


def _session(name: str, doc: str) -> Callable[[Callable[[Session, Path], None]], Any]:
    def deco(func: Callable[[Session, Path], None]) -> Callable[[Session, Path], None]:
        SESSIONS.append(SessionSpec(name, func, doc))
        return func

    return deco


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the session can fail with one sentence."""

    def error(self, message: str) -> NoReturn:
        raise ReleaseError(f"{self.prog}: {message} (usage: {self.format_usage().strip()})")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _HelpShown(message or "")


class _HelpShown(Exception):
    pass


def _parser(name: str, doc: str) -> _Parser:
    return _Parser(prog=f"nox -s {name} --", description=doc, add_help=True)


def _parse(session: Session, parser: _Parser) -> argparse.Namespace:
    try:
        return parser.parse_args(list(session.posargs))
    except _HelpShown:
        session.log(parser.format_help())
        session.skip("help shown")
        raise  # session.skip raises; this line is never reached


def _pre_kinds() -> list[str]:
    return ["alpha", "beta", "rc", "dev", "a", "b"]


_BUMPS = (
    (
        "patch",
        "Release the next patch version (1.4.2 -> 1.4.3): files, changelog, commit, tag. "
        "Options: --pre alpha|beta|rc|dev, --dry-run.",
    ),
    (
        "minor",
        "Release the next minor version (1.4.2 -> 1.5.0): files, changelog, commit, tag. "
        "Options: --pre alpha|beta|rc|dev, --dry-run.",
    ),
    (
        "major",
        "Release the next major version (1.4.2 -> 2.0.0): files, changelog, commit, tag. "
        "Options: --pre alpha|beta|rc|dev, --dry-run.",
    ),
    (
        "pre",
        "Advance the pre-release (1.3.0a1 -> 1.3.0a2), or move on with '-- beta' / '-- rc'. "
        "Option: --dry-run.",
    ),
    ("final", "Release the final version of a pre-release (1.3.0rc2 -> 1.3.0). Option: --dry-run."),
    (
        "post",
        "Release a post-release of a final version (1.3.0 -> 1.3.0.post1). Option: --dry-run.",
    ),
)


def _bump_session(part: str, doc: str) -> Callable[[Session, Path], None]:
    def run(session: Session, root: Path) -> None:
        from nox_release.steps.bump import bump

        parser = _parser(f"release-bump-{part}", doc)
        if part == "pre":
            parser.add_argument("kind", nargs="?", choices=_pre_kinds(), help="the kind to move to")
        elif part in ("patch", "minor", "major"):
            parser.add_argument(
                "--pre", dest="kind", choices=_pre_kinds(), help="start a pre-release of this kind"
            )
        parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
        args = _parse(session, parser)
        bump(root, part, pre=getattr(args, "kind", None), dry_run=args.dry_run, log=session.log)

    return run


for _part, _doc in _BUMPS:
    _session(f"release-bump-{_part}", _doc)(_bump_session(_part, _doc))


@_session(
    "release-check",
    "Check that every version source agrees and equals the release tag on HEAD, if any.",
)
def _check(session: Session, root: Path) -> None:
    from nox_release.steps.bump import check_versions

    _parse(session, _parser("release-check", "Check the version sources."))
    version, tag = check_versions(root)
    session.log(
        f"version {version.pep440}"
        + (f" matches tag {tag}" if tag else " (no release tag on HEAD)")
    )


# --- auto bump sessions (issue 3) ---
@_session(
    "release-bump-auto",
    "Release the version the Conventional Commits since the last tag call for (fix -> patch, "
    "feat -> minor, breaking -> major). Options: --pre alpha|beta|rc|dev, --dry-run, --explain.",
)
def _bump_auto(session: Session, root: Path) -> None:
    from nox_release.steps.auto import bump_auto

    parser = _parser("release-bump-auto", "Bump from the Conventional Commits since the last tag.")
    parser.add_argument(
        "--pre", choices=_pre_kinds(), help="release a pre-release of the decided version"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    parser.add_argument(
        "--explain", action="store_true", help="list the commits that decided, by effect"
    )
    args = _parse(session, parser)
    bump_auto(root, pre=args.pre, dry_run=args.dry_run, explain=args.explain, log=session.log)


# --- maintenance branches (issue 8) ---
@_session(
    "release-branch",
    "Cut the maintenance branch of the newest X.Y.0 release and move the "
    "main branch to the next cycle (X.(Y+1).0a1). Options: --from TAG, --dry-run.",
)
def _release_branch(session: Session, root: Path) -> None:
    from nox_release.steps.branches import release_branch

    parser = _parser("release-branch", "Cut a maintenance branch.")
    parser.add_argument(
        "--from", dest="from_tag", metavar="TAG", help="the X.Y.0 tag to branch from"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    args = _parse(session, parser)
    release_branch(str(root), from_tag=args.from_tag, dry_run=args.dry_run, log=session.log)


# --- publish sessions (issue 7) ---


@_session(
    "publish",
    "Upload dist/ to the package index with twine: skips files already there (same sha256), "
    "refuses different ones, verifies the index afterwards. Options: --repository, "
    "--index-url, --allow-untagged, --dry-run, --yes.",
)
def _publish(session: Session, root: Path) -> None:
    from nox_release.steps.publish import publish

    parser = _parser("publish", "Upload the release to a package index, idempotent and verified.")
    parser.add_argument(
        "--repository",
        help="pypi, testpypi, a ~/.pypirc section or an upload URL (default: the "
        "'repository' key, else pypi)",
    )
    parser.add_argument(
        "--index-url", help="the index's simple API, when not derivable from the upload URL"
    )
    parser.add_argument(
        "--allow-untagged",
        action="store_true",
        help="publish artifacts without a release tag on HEAD (for test indexes)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be uploaded and skipped; send nothing",
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = _parse(session, parser)
    publish(
        root,
        repository=args.repository,
        index_url=args.index_url,
        allow_untagged=args.allow_untagged,
        dry_run=args.dry_run,
        yes=args.yes,
        log=session.log,
    )


# --- sbom sessions (issue 6) ---
@_session(
    "sbom",
    "CycloneDX 1.6 and SPDX 2.3 SBOMs of the built wheel into dist/, validated. Options: "
    "--embed/--no-embed, --lock PATH, --no-lock, --find-links DIR, --no-index, --index-url URL, "
    "--extra-index-url URL, --dry-run.",
)
def _sbom(session: Session, root: Path) -> None:
    from nox_release.steps.sbom import sbom

    parser = _parser("sbom", "Write dist/<name>-<version>.cdx.json and .spdx.json for the wheel.")
    parser.add_argument(
        "--embed",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="put the CycloneDX SBOM into the wheel's .dist-info/sboms/ (default: sbom-embed)",
    )
    lock = parser.add_mutually_exclusive_group()
    lock.add_argument(
        "--lock", metavar="PATH", help="describe this uv.lock or requirements file's locked set"
    )
    lock.add_argument(
        "--no-lock", action="store_true", help="ignore sbom-lock: describe a fresh resolution"
    )
    parser.add_argument(
        "--find-links", metavar="DIR", action="append", default=[], help="a wheelhouse (repeatable)"
    )
    parser.add_argument("--no-index", action="store_true", help="install from --find-links only")
    parser.add_argument("--index-url", metavar="URL", help="the package index to install from")
    parser.add_argument(
        "--extra-index-url", metavar="URL", action="append", default=[], help="another index"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    args = _parse(session, parser)
    sbom(
        root,
        embed=args.embed,
        lock=False if args.no_lock else args.lock,
        find_links=args.find_links,
        no_index=args.no_index,
        index_url=args.index_url,
        extra_index_urls=args.extra_index_url,
        log=session.log,
        dry_run=args.dry_run,
    )


# --- build sessions (issue 5) ---
@_session(
    "build",
    "Build the sdist and the wheel of HEAD into dist/, reproducibly, moving earlier files to "
    "dist/.stale/ and writing dist/SHA256SUMS. Options: --dry-run, --builder, --no-isolation.",
)
def _build_session(session: Session, root: Path) -> None:
    from nox_release.steps.build import build

    parser = _parser("build", "Build the sdist and the wheel into dist/.")
    parser.add_argument(
        "--builder",
        choices=["auto", "uv", "build"],
        help="uv build, python -m build, or auto (uv when available); default: the builder key",
    )
    parser.add_argument(
        "--no-isolation",
        action="store_true",
        help="build in the running environment (the backend must be installed there)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be built, build nothing"
    )
    args = _parse(session, parser)
    build(
        root,
        builder=args.builder,
        isolation=not args.no_isolation,
        dry_run=args.dry_run,
        log=session.log,
    )


@_session(
    "twine-check",
    "twine check --strict on every artifact in dist/, and proof that they are this release: "
    "name, version and tag agree, wheel RECORD hashes match. Options: --require-tag, --dist.",
)
def _twine_check_session(session: Session, root: Path) -> None:
    from nox_release.steps.verify import twine_check

    parser = _parser("twine-check", "Check the artifacts in dist/.")
    parser.add_argument(
        "--require-tag", action="store_true", help="fail unless HEAD carries a release tag"
    )
    parser.add_argument("--dist", metavar="DIR", help="the folder to check (default: dist-dir)")
    args = _parse(session, parser)
    twine_check(root, dist=args.dist, require_tag=args.require_tag, log=session.log)


# --- changelog sessions (issue 4) ---
@_session(
    "changelog",
    "Bring the changelog (CHANGELOG.md) up to date with the release tags, using git-cliff. "
    "Options: --dry-run; --preview [--version X] prints the next release's section.",
)
def _changelog(session: Session, root: Path) -> None:
    from nox_release.steps.changelog import preview_changelog, update_changelog

    parser = _parser("changelog", "Add the releases the changelog lacks, or preview the next.")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="print the section the next release would add (to stdout); write nothing",
    )
    parser.add_argument(
        "--version",
        help="with --preview: head the section with this version (default: the one "
        "release-bump-auto would choose)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    args = _parse(session, parser)
    if args.version is not None and not args.preview:
        parser.error("--version goes with --preview")
    if args.preview:
        preview_changelog(root, args.version, log=session.log)
    else:
        update_changelog(root, dry_run=args.dry_run, log=session.log)


@_session(
    "release-notes",
    "The notes of one release (default: the newest tag) as Markdown without the changelog "
    "header, for a forge's release body. Options: --version X, -o FILE.",
)
def _release_notes(session: Session, root: Path) -> None:
    from nox_release.steps.changelog import release_notes

    parser = _parser("release-notes", "Print or write one release's notes.")
    parser.add_argument("--version", help="the release (version or tag; default: the newest)")
    parser.add_argument("-o", "--output", help="write the notes to this file instead of stdout")
    args = _parse(session, parser)
    release_notes(root, args.version, output=args.output, log=session.log)


# --- the whole release (issue 8) ---
@_session(
    "release",
    "The whole release: bump (auto from Conventional Commits, or -- patch|minor|major|pre|final|"
    "post), changelog, commit and tag, build, sbom, twine-check, then publish (--publish) and "
    "push (--push). Resumes after a failure; --abort undoes it; --dry-run shows the plan.",
)
def _release(session: Session, root: Path) -> None:
    from nox_release.pipeline.release import release

    parser = _parser("release", "Run the whole release, or resume the one in progress.")
    parser.add_argument(
        "part",
        nargs="?",
        default="auto",
        choices=["auto", "patch", "minor", "major", "pre", "final", "post"],
        help="the bump (default: auto, from Conventional Commits)",
    )
    parser.add_argument("--pre", choices=_pre_kinds(), help="make it a pre-release of this kind")
    parser.add_argument("--publish", action="store_true", default=None, help="upload to the index")
    parser.add_argument("--push", action="store_true", help="git push --atomic branch and tag")
    parser.add_argument("--repository", help="where to publish (default: the repository key)")
    parser.add_argument("--index-url", help="the index's simple API, if not derivable")
    parser.add_argument(
        "--find-links",
        metavar="DIR",
        action="append",
        default=[],
        help="a wheelhouse for the SBOM's installer (repeatable)",
    )
    parser.add_argument(
        "--no-index", action="store_true", help="SBOM installs from --find-links only"
    )
    parser.add_argument(
        "--no-isolation", action="store_true", help="build in the running environment"
    )
    parser.add_argument("--abort", action="store_true", help="undo the release in progress")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the whole plan, write nothing"
    )
    args = _parse(session, parser)
    release(
        root,
        part=args.part,
        pre=args.pre,
        publish=args.publish,
        push=args.push,
        repository=args.repository,
        index_url=args.index_url,
        find_links=args.find_links,
        no_index=args.no_index,
        isolation=not args.no_isolation,
        abort=args.abort,
        dry_run=args.dry_run,
        log=session.log,
    )


def _wrap(spec: SessionSpec, root: Path | None) -> Callable[[Session], None]:
    def session_func(session: Session) -> None:
        try:
            spec.func(session, root if root is not None else Path.cwd())
        except ReleaseError as exc:
            session.error(str(exc))

    session_func.__doc__ = spec.doc
    session_func.__name__ = spec.name.replace("-", "_")
    session_func.__qualname__ = session_func.__name__
    return session_func


def register(
    *,
    prefix: str = "",
    exclude: Iterable[str] = (),
    only: Iterable[str] | None = None,
    root: Path | str | None = None,
) -> list[str]:
    """Register nox-release's sessions with nox; call it from ``noxfile.py``.

    ``prefix`` is put before every session name; ``exclude`` leaves the named sessions out (names
    without the prefix); ``only`` keeps just those; ``root`` is the project folder (default: the
    folder nox runs in, the noxfile's). Sessions use ``venv_backend="none"`` and are not default
    sessions, so a plain ``nox`` never releases anything. Returns the registered names.
    """
    import nox

    known = {spec.name for spec in SESSIONS}
    wanted = set(only) if only is not None else set(known)
    skipped = set(exclude)
    unknown = (wanted | skipped) - known
    if unknown:
        raise ReleaseError(
            f"nox_release.register(): unknown session(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(known))}."
        )
    names = []
    root_path = Path(root).resolve() if root is not None else None
    for spec in SESSIONS:
        if spec.name not in wanted or spec.name in skipped:
            continue
        name = prefix + spec.name
        nox.session(name=name, venv_backend="none", default=False)(_wrap(spec, root_path))
        names.append(name)
    return names
