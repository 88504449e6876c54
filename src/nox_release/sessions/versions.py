"""Version sessions: the bumps, release-check, release-bump-auto and release-branch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nox_release.sessions.registry import Session, parse, parser_for, pre_kinds, registered

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

        parser = parser_for(f"release-bump-{part}", doc)
        if part == "pre":
            parser.add_argument("kind", nargs="?", choices=pre_kinds(), help="the kind to move to")
        elif part in ("patch", "minor", "major"):
            parser.add_argument(
                "--pre", dest="kind", choices=pre_kinds(), help="start a pre-release of this kind"
            )
        parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
        args = parse(session, parser)
        bump(root, part, pre=getattr(args, "kind", None), dry_run=args.dry_run, log=session.log)

    return run


for _part, _doc in _BUMPS:
    registered(f"release-bump-{_part}", _doc)(_bump_session(_part, _doc))


@registered(
    "release-check",
    "Check that every version source agrees and equals the release tag on HEAD, if any.",
)
def _check(session: Session, root: Path) -> None:
    from nox_release.steps.bump import check_versions

    parse(session, parser_for("release-check", "Check the version sources."))
    version, tag = check_versions(root)
    session.log(
        f"version {version.pep440}"
        + (f" matches tag {tag}" if tag else " (no release tag on HEAD)")
    )


@registered(
    "release-bump-auto",
    "Release the version the Conventional Commits since the last tag call for (fix -> patch, "
    "feat -> minor, breaking -> major). Options: --pre alpha|beta|rc|dev, --dry-run, --explain.",
)
def _bump_auto(session: Session, root: Path) -> None:
    from nox_release.steps.auto import bump_auto

    parser = parser_for(
        "release-bump-auto", "Bump from the Conventional Commits since the last tag."
    )
    parser.add_argument(
        "--pre", choices=pre_kinds(), help="release a pre-release of the decided version"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    parser.add_argument(
        "--explain", action="store_true", help="list the commits that decided, by effect"
    )
    args = parse(session, parser)
    bump_auto(root, pre=args.pre, dry_run=args.dry_run, explain=args.explain, log=session.log)


@registered(
    "release-branch",
    "Cut the maintenance branch of the newest X.Y.0 release and move the "
    "main branch to the next cycle (X.(Y+1).0a1). Options: --from TAG, --dry-run.",
)
def _release_branch(session: Session, root: Path) -> None:
    from nox_release.steps.branches import release_branch

    parser = parser_for("release-branch", "Cut a maintenance branch.")
    parser.add_argument(
        "--from", dest="from_tag", metavar="TAG", help="the X.Y.0 tag to branch from"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    args = parse(session, parser)
    release_branch(str(root), from_tag=args.from_tag, dry_run=args.dry_run, log=session.log)


_INIT_DOC = (
    "Show what nox-release detects (version sources, tag format, changelog, build backend, "
    "packages); --write records it in [tool.nox-release]. Options: --write, --dry-run."
)


@registered("release-init", _INIT_DOC)
def release_init(session: Session, root: Path) -> None:
    from nox_release.steps.init import init_project

    parser = parser_for("release-init", _INIT_DOC)
    parser.add_argument("--write", action="store_true", help="write [tool.nox-release]")
    parser.add_argument("--dry-run", action="store_true", help="print the change, write nothing")
    args = parse(session, parser)
    init_project(root, write=args.write, dry_run=args.dry_run, log=session.log)
