"""Release sessions: changelog, release-notes and the whole release."""

from __future__ import annotations

import argparse
from pathlib import Path

from nox_release.sessions.registry import Session, parse, parser_for, pre_kinds, registered


@registered(
    "changelog",
    "Bring the changelog (CHANGELOG.md) up to date with the release tags, using git-cliff. "
    "Options: --dry-run; --preview [--version X] prints the next release's section.",
)
def _changelog(session: Session, root: Path) -> None:
    from nox_release.steps.changelog import preview_changelog, update_changelog

    parser = parser_for("changelog", "Add the releases the changelog lacks, or preview the next.")
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
    args = parse(session, parser)
    if args.version is not None and not args.preview:
        parser.error("--version goes with --preview")
    if args.preview:
        preview_changelog(root, args.version, log=session.log)
    else:
        update_changelog(root, dry_run=args.dry_run, log=session.log)


@registered(
    "release-notes",
    "The notes of one release (default: the newest tag) as Markdown without the changelog "
    "header, for a forge's release body. Options: --version X, -o FILE.",
)
def _release_notes(session: Session, root: Path) -> None:
    from nox_release.steps.changelog import release_notes

    parser = parser_for("release-notes", "Print or write one release's notes.")
    parser.add_argument("--version", help="the release (version or tag; default: the newest)")
    parser.add_argument("-o", "--output", help="write the notes to this file instead of stdout")
    args = parse(session, parser)
    release_notes(root, args.version, output=args.output, log=session.log)


def _release_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "part",
        nargs="?",
        default="auto",
        help="auto (default, from Conventional Commits), patch, minor, major, pre, final, post, "
        "or the exact version to release (2.0.3, v2.0.3, 2.1.0-rc.1)",
    )
    parser.add_argument("--pre", choices=pre_kinds(), help="make it a pre-release of this kind")
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
    parser.add_argument(
        "--package", metavar="NAME", help="release this independent package alone (see packages)"
    )
    parser.add_argument(
        "--dist",
        metavar="DIR",
        help="release a gathered wheelhouse at the tag on HEAD: check, sbom, validate, publish",
    )
    parser.add_argument("--abort", action="store_true", help="undo the release in progress")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the whole plan, write nothing"
    )


@registered(
    "release",
    "The whole release: bump (auto from Conventional Commits, -- patch|minor|major|pre|final|"
    "post, or an exact version such as -- 2.0.3), changelog, commit and tag, build, sbom, "
    "twine-check, validate, then publish (--publish) and push (--push). Resumes after a "
    "failure; --abort undoes it; --dry-run shows the plan; --package NAME releases an "
    "independent package; --dist DIR releases a gathered wheelhouse at the tag.",
)
def _release(session: Session, root: Path) -> None:
    from nox_release.pipeline.release import release

    parser = parser_for("release", "Run the whole release, or resume the one in progress.")
    _release_arguments(parser)
    args = parse(session, parser)
    if args.dist is not None:
        from nox_release.pipeline.gathered import release_gathered

        release_gathered(
            root,
            args.dist,
            publish=args.publish,
            repository=args.repository,
            index_url=args.index_url,
            find_links=args.find_links,
            no_index=args.no_index,
            dry_run=args.dry_run,
            log=session.log,
        )
        return
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
        package=args.package,
    )
