"""Artifact sessions: build, twine-check, sbom and publish."""

from __future__ import annotations

import argparse
from pathlib import Path

from nox_release.sessions.registry import Session, parse, parser_for, registered


@registered(
    "publish",
    "Upload dist/ to the package index with twine: skips files already there (same sha256), "
    "refuses different ones, verifies the index afterwards. Options: --repository, "
    "--index-url, --allow-untagged, --dist DIR, --dry-run, --yes.",
)
def _publish(session: Session, root: Path) -> None:
    from nox_release.steps.publish import publish
    from nox_release.steps.released import on_released

    parser = parser_for(
        "publish", "Upload the release to a package index, idempotent and verified."
    )
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
    parser.add_argument(
        "--dist", metavar="DIR", help="the folder to upload, e.g. a gathered wheelhouse"
    )
    args = parse(session, parser)
    on_released(
        root,
        publish,
        dist=args.dist,
        repository=args.repository,
        index_url=args.index_url,
        allow_untagged=args.allow_untagged,
        dry_run=args.dry_run,
        yes=args.yes,
        log=session.log,
    )


@registered(
    "sbom",
    "CycloneDX 1.6 and SPDX 2.3 SBOMs of the built wheel into dist/, validated. Options: "
    "--embed/--no-embed, --lock PATH, --no-lock, --find-links DIR, --no-index, --index-url URL, "
    "--extra-index-url URL, --dist DIR (a wheelhouse: one pair per wheel), --dry-run.",
)
def _sbom(session: Session, root: Path) -> None:
    from nox_release.steps.released import on_released
    from nox_release.steps.sbom import sbom

    parser = parser_for(
        "sbom", "Write dist/<name>-<version>.cdx.json and .spdx.json for the wheel."
    )
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
    parser.add_argument(
        "--dist", metavar="DIR", help="the folder of wheels (several: one SBOM pair per wheel)"
    )
    args = parse(session, parser)
    if args.dist is not None:
        from nox_release.steps.wheelhouse import wheelhouse_sbom

        wheelhouse_sbom(
            root,
            args.dist,
            find_links=args.find_links,
            no_index=args.no_index,
            index_url=args.index_url,
            log=session.log,
            dry_run=args.dry_run,
        )
        return
    on_released(
        root,
        sbom,
        embed=args.embed,
        lock=False if args.no_lock else args.lock,
        find_links=args.find_links,
        no_index=args.no_index,
        index_url=args.index_url,
        extra_index_urls=args.extra_index_url,
        log=session.log,
        dry_run=args.dry_run,
    )


@registered(
    "build",
    "Build the sdist and the wheel of HEAD into dist/, reproducibly, moving earlier files to "
    "dist/.stale/ and writing dist/SHA256SUMS. Options: --dry-run, --builder, --no-isolation.",
)
def _build_session(session: Session, root: Path) -> None:
    from nox_release.steps.build import build
    from nox_release.steps.released import on_released

    parser = parser_for("build", "Build the sdist and the wheel into dist/.")
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
    args = parse(session, parser)
    on_released(
        root,
        build,
        builder=args.builder,
        isolation=not args.no_isolation,
        dry_run=args.dry_run,
        log=session.log,
    )


@registered(
    "twine-check",
    "twine check --strict on every artifact in dist/, and proof that they are this release: "
    "name, version and tag agree, wheel RECORD hashes match. Options: --require-tag, --dist.",
)
def _twine_check_session(session: Session, root: Path) -> None:
    from nox_release.steps.released import on_released
    from nox_release.steps.verify import twine_check

    parser = parser_for("twine-check", "Check the artifacts in dist/.")
    parser.add_argument(
        "--require-tag", action="store_true", help="fail unless HEAD carries a release tag"
    )
    parser.add_argument("--dist", metavar="DIR", help="the folder to check (default: dist-dir)")
    args = parse(session, parser)
    on_released(root, twine_check, dist=args.dist, require_tag=args.require_tag, log=session.log)


@registered(
    "validate",
    "Install the built wheel alone (with its dependencies) into a fresh environment and run the "
    "'validate' commands there. Options: --find-links DIR, --no-index, --index-url URL, --dry-run.",
)
def _validate(session: Session, root: Path) -> None:
    from nox_release.steps.validate import validate

    parser = parser_for("validate", "Run the validate commands against the built wheel.")
    parser.add_argument(
        "--find-links", metavar="DIR", action="append", default=[], help="a wheelhouse (repeatable)"
    )
    parser.add_argument("--no-index", action="store_true", help="install from --find-links only")
    parser.add_argument("--index-url", help="the index the dependencies come from")
    parser.add_argument("--dry-run", action="store_true", help="name the wheel and the commands")
    args = parse(session, parser)
    validate(
        root,
        find_links=args.find_links,
        no_index=args.no_index,
        index_url=args.index_url,
        dry_run=args.dry_run,
        log=session.log,
    )
