"""The sbom step: CycloneDX 1.6 and SPDX 2.3 documents of the built wheel, validated, embeddable.

What the documents describe is what ``pip install <the wheel>`` gives: the wheel from ``dist/`` is
installed into a fresh, isolated environment (``uv venv`` + ``uv pip`` when uv is available, else
``python -m venv --without-pip`` + ``pip --python``), and ``cyclonedx-py environment`` reads that
environment. cyclonedx-py runs from nox-release's own environment, so neither it nor pip appear in
the SBOM. With a lock (``uv.lock`` or a requirements file), the environment holds exactly the
locked set instead.

Division of labour:

* cyclonedx-py (cyclonedx-bom) makes the inventory, the dependency graph and the reproducible
  form (``--output-reproducible``: no random serial number, ``SOURCE_DATE_EPOCH`` as timestamp).
* This module post-processes only what cyclonedx-py does not do: it promotes the wheel's own
  component to the root (``metadata.component``) with its ``pkg:pypi`` purl (cyclonedx-py gives
  no purl to a package installed from a local file, and records the file's path), gives the
  document a serial number derived from its content, and names nox-release among the tools.
* cyclonedx-python-lib's JSON validator validates the CycloneDX document.
* spdx-tools builds, validates and writes the SPDX document. The mapping from the inventory to
  SPDX is written here because no converter on PyPI produces valid SPDX.
* The wheel rewrite for ``--embed`` (PEP 770 ``.dist-info/sboms/`` and a new RECORD) is written by
  hand: no dependency of nox-release offers it (``wheel``'s Python API is not public).

Nothing is written until both documents are valid; then every file (the documents, and with
``--embed`` the wheel and ``SHA256SUMS``) is replaced atomically, and a failure while replacing
puts back, by renames, the ones already replaced.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib
import importlib.util
import io
import json
import os
import re
import shlex
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nox_release._errors import CommandError, SbomError
from nox_release.adapters.credentials import url_secrets
from nox_release.adapters.dist import CHECKSUMS, checksums_text, find_artifacts
from nox_release.adapters.files import Transaction
from nox_release.adapters.history import head_epoch
from nox_release.adapters.project import Project
from nox_release.adapters.runner import Runner, SubprocessRunner, find_uv, scrub, tool
from nox_release.core.log import Log, quiet
from nox_release.core.paths import relpath
from nox_release.steps.verify import check_dist

__all__ = ["SbomError", "SbomResult", "embed_sbom", "sbom"]


#: Called with ("cyclonedx", the document as a dict) and ("spdx", the spdx-tools Document) just
#: before each is validated: the seam through which the tests make a document invalid.
ValidateHook = Callable[[str, Any], None]

CYCLONEDX_VERSION = "1.6"
SPDX_VERSION = "SPDX-2.3"


@dataclass(frozen=True)
class SbomResult:
    """What the sbom step did (with ``dry_run``: would do)."""

    wheel: Path
    cyclonedx: Path
    spdx: Path
    root: tuple[str, str]  # (name, version) of the root component
    components: tuple[tuple[str, str], ...] = ()  # every other component, sorted
    embedded: bool = False
    lock: Path | None = None
    written: bool = False
    commands: tuple[tuple[str, ...], ...] = field(default=())


# -- finding the wheel ---------------------------------------------------------------------------


def _pick_wheel(dist: Path, wheels: Sequence[Path]) -> Path:
    """The wheel to describe: the only one, or the best one this interpreter can install."""
    if not wheels:
        raise SbomError(
            f"{dist} holds no wheel: run the build session first ('nox -s build'); "
            "the SBOM describes the built wheel."
        )
    if len(wheels) == 1:
        return wheels[0]
    from packaging.tags import sys_tags
    from packaging.utils import parse_wheel_filename

    rank = {tag: i for i, tag in enumerate(sys_tags())}
    best: tuple[int, Path] | None = None
    for wheel in wheels:
        tags = parse_wheel_filename(wheel.name)[3]
        score = min((rank[t] for t in tags if t in rank), default=None)
        if score is not None and (best is None or score < best[0]):
            best = (score, wheel)
    if best is None:
        names = ", ".join(w.name for w in wheels)
        raise SbomError(
            f"none of the wheels in {dist} ({names}) installs on this interpreter "
            f"({sys.executable}): run the sbom session on a platform they support."
        )
    return best[1]


def _dist_info(zf: zipfile.ZipFile, wheel: Path) -> str:
    names = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
    if len(names) != 1:
        raise SbomError(f"{wheel} has no single .dist-info/METADATA: rebuild it.")
    return names[0].split("/", 1)[0]


def _stem(wheel: Path) -> str:
    """``<name>-<version>`` exactly as the wheel's ``.dist-info`` folder spells it."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            return _dist_info(zf, wheel).removesuffix(".dist-info")
    except (OSError, zipfile.BadZipFile) as exc:
        raise SbomError(f"{wheel} cannot be read ({exc}): rebuild it.") from None


# -- time ----------------------------------------------------------------------------------------


def _epoch(project: Project) -> int | None:
    """``SOURCE_DATE_EPOCH``, else the HEAD commit's time, else None (documents then differ)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is not None and raw.strip():
        if not raw.strip().isdigit():
            raise SbomError(
                f"SOURCE_DATE_EPOCH is {raw!r}, not a number of seconds since 1970: "
                "set it to an integer (for example $(git log -1 --format=%ct)) or unset it."
            )
        return int(raw)
    return head_epoch(project) if project.git.head() is not None else None


# -- installing the wheel into a fresh environment ----------------------------------------------


def _env_python(env: Path) -> Path:
    if os.name == "nt":
        return env / "Scripts" / "python.exe"
    return env / "bin" / "python"


@dataclass(frozen=True)
class _Installer:
    """The commands that make the isolated environment and install into it."""

    uv: str | None  # the uv binary, or None for venv + pip

    @property
    def name(self) -> str:
        return "uv" if self.uv else "pip"

    def create(self, env: Path) -> list[str]:
        if self.uv:
            return [self.uv, "venv", "--quiet", "--python", sys.executable, str(env)]
        return [sys.executable, "-m", "venv", "--without-pip", str(env)]

    def install(self, env: Path, args: Sequence[str]) -> list[str]:
        py = str(_env_python(env))
        if self.uv:
            return [self.uv, "pip", "install", "--python", py, *args]
        return [
            sys.executable,
            "-m",
            "pip",
            "--python",
            py,
            "install",
            "--disable-pip-version-check",
            "--no-input",
            *args,
        ]

    def check(self, env: Path) -> list[str]:
        py = str(_env_python(env))
        if self.uv:
            return [self.uv, "pip", "check", "--python", py]
        return [sys.executable, "-m", "pip", "--python", py, "check"]


def _installer(choice: str) -> _Installer:
    if choice not in ("auto", "uv", "pip"):
        raise SbomError(f"installer {choice!r} is not one of auto, uv, pip.")
    uv = None if choice == "pip" else find_uv()
    if uv is None and choice == "uv":
        raise SbomError(
            "uv is not installed: install it ('pip install uv') or use installer='pip'."
        )
    if uv is None and importlib.util.find_spec("pip") is None:
        raise SbomError(
            f"neither uv nor pip is installed next to nox-release ({sys.executable}): install "
            "one of them ('python -m ensurepip' or 'pip install uv') to make the SBOM environment."
        )
    return _Installer(uv)


def _index_args(
    find_links: Sequence[Path | str],
    no_index: bool,
    index_url: str | None,
    extra_index_urls: Sequence[str],
    extra: Sequence[str],
) -> list[str]:
    """The installer's options for where packages come from (the same for uv pip and pip)."""
    args = ["--no-index"] if no_index else []
    if index_url:
        args += ["--index-url", index_url]
    for url in extra_index_urls:
        args += ["--extra-index-url", url]
    for link in find_links:
        args += ["--find-links", str(link)]
    return args + list(extra)


def _url_secrets(args: Sequence[str]) -> list[str]:
    """Credentials in URLs among the installer arguments (index URLs, find-links, ``--opt=URL``):
    a password, or a token given as the user (``https://TOKEN@host/simple``); never shown."""
    out: list[str] = []
    for arg in args:
        for candidate in {arg, arg.split("=", 1)[-1]}:
            if "://" in candidate:
                out += url_secrets(candidate)
    return list(dict.fromkeys(out))


def _lock_file(project: Project, lock: str | Path) -> Path:
    path = Path(lock)
    path = path if path.is_absolute() else project.root / path
    if not path.is_file():
        raise SbomError(
            f"the lock file {path} does not exist: create it ('uv lock', 'pip-compile') or "
            "drop --lock / sbom-lock."
        )
    return path


def _is_uv_lock(path: Path) -> bool:
    return path.name == "uv.lock"


def _export_uv_lock(project: Project, lock: Path, out: Path) -> list[str]:
    """``uv export``: the runtime part of uv.lock (no dependency groups, no extras, no project)."""
    uv = find_uv()
    if uv is None:
        raise SbomError(f"{lock} is a uv lock file and needs uv to be read: install uv.")
    return [
        uv,
        "export",
        "--quiet",
        "--project",
        str(lock.parent),
        "--frozen",
        "--format",
        "requirements-txt",
        "--no-default-groups",
        "--no-emit-project",
        "--no-header",
        "--output-file",
        str(out),
    ]


def _run(
    runner: Runner,
    argv: Sequence[str],
    what: str,
    *,
    env: dict[str, str] | None = None,
    hint: str = "",
    secrets: Sequence[str] = (),
) -> str:
    try:
        return str(runner(*argv, env=env, silent=True) or "")
    except CommandError as exc:
        # A runner other than SubprocessRunner does not redact: the output is scrubbed here.
        lines = [line for line in scrub(exc.output, secrets).strip().splitlines() if line.strip()]
        detail = lines[-1].strip() if lines else f"exit code {exc.returncode}"
        raise SbomError(f"{what} failed ({detail}){hint}.") from None


# -- CycloneDX -----------------------------------------------------------------------------------


def _purl(name: str, version: str) -> str:
    from packageurl import PackageURL

    return str(PackageURL(type="pypi", name=name, version=version).to_string())


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def _canonical_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _finish_cyclonedx(doc: dict[str, Any], name: str, version: str) -> dict[str, Any]:
    """Promote the wheel's component to the root and fill in what cyclonedx-py leaves out."""
    from nox_release import __version__

    components: list[dict[str, Any]] = doc.get("components", [])
    matches = [
        c
        for c in components
        if _canonical(str(c.get("name", ""))) == _canonical(name) and c.get("version") == version
    ]
    if len(matches) != 1:
        raise SbomError(
            f"cyclonedx-py found no component {name} {version} in the environment the wheel was "
            "installed into: the wheel's metadata does not name this release; rebuild it."
        )
    root = matches[0]
    doc["components"] = [c for c in components if c is not root]
    # The wheel came from a local file: cyclonedx-py records that file (a temporary path) and,
    # by its rule for unpublished packages, gives no purl. The release is described as what it
    # is published as: pkg:pypi/<name>@<version>.
    refs = [
        r
        for r in root.get("externalReferences", [])
        if not str(r.get("url", "")).startswith("file:")
    ]
    if refs:
        root["externalReferences"] = refs
    else:
        root.pop("externalReferences", None)
    root["purl"] = _purl(str(root["name"]), version)
    metadata = doc.setdefault("metadata", {})
    metadata["component"] = root
    tools = metadata.setdefault("tools", {}).setdefault("components", [])
    tools.append(
        {
            "type": "application",
            "name": "nox-release",
            "version": __version__,
            "externalReferences": [
                {"type": "distribution", "url": "https://pypi.org/project/nox-release/"}
            ],
        }
    )
    doc.pop("serialNumber", None)
    # cyclonedx-py's reproducible mode drops the serial number; one derived from the content
    # keeps the document reproducible and still names it uniquely.
    digest = hashlib.sha256(_canonical_json(doc)).hexdigest()
    serial = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:nox-release:sbom:{digest}")
    ordered = {
        "$schema": doc.pop(
            "$schema", f"http://cyclonedx.org/schema/bom-{CYCLONEDX_VERSION}.schema.json"
        ),
        "bomFormat": doc.pop("bomFormat", "CycloneDX"),
        "specVersion": doc.pop("specVersion", CYCLONEDX_VERSION),
        "serialNumber": f"urn:uuid:{serial}",
        "version": doc.pop("version", 1),
    }
    ordered.update(doc)
    return ordered


def _validate_cyclonedx(text: str, where: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise SbomError(
            f"the CycloneDX document for {where} is not valid CycloneDX {CYCLONEDX_VERSION} "
            f"({str(error).splitlines()[0]}); nothing was written: report this as a bug."
        )


# -- SPDX ----------------------------------------------------------------------------------------

_SPDX_ID_BAD = re.compile(r"[^A-Za-z0-9.-]+")


def _spdx_id(name: str, version: str) -> str:
    return "SPDXRef-Package-" + _SPDX_ID_BAD.sub("-", f"{_canonical(name)}-{version}")


def _spdx_license(component: dict[str, Any]) -> tuple[Any, str | None]:
    """The declared licence as an spdx-tools expression (or NOASSERTION) and a comment."""
    from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion

    # spdx_tools.common ships no type information; its licensing object is license-expression's.
    spdx_licensing: Any = importlib.import_module("spdx_tools.common.spdx_licensing").spdx_licensing

    parts: list[str] = []
    unknown: list[str] = []
    for entry in component.get("licenses", []):
        if "expression" in entry:
            text = str(entry["expression"])
        else:
            lic = entry.get("license", {})
            text = str(lic.get("id") or lic.get("name") or "")
        if not text:
            continue
        info = spdx_licensing.validate(text)
        if info.errors or info.normalized_expression is None:
            unknown.append(text)
        else:
            parts.append(str(info.normalized_expression))
    comment = None
    if unknown:
        comment = "Declared licence not in the SPDX licence list: " + "; ".join(unknown)
    if not parts or unknown:
        return SpdxNoAssertion(), comment
    expression = parts[0] if len(parts) == 1 else " AND ".join(f"({p})" for p in parts)
    return spdx_licensing.parse(expression), comment


def _spdx_package(component: dict[str, Any], spdx_id: str, purpose: Any) -> Any:
    from spdx_tools.spdx.model.package import (
        ExternalPackageRef,
        ExternalPackageRefCategory,
        Package,
    )
    from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion

    declared, comment = _spdx_license(component)
    refs = []
    if component.get("purl"):
        refs.append(
            ExternalPackageRef(
                ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", component["purl"]
            )
        )
    homepage = next(
        (
            str(r["url"])
            for r in component.get("externalReferences", [])
            if r.get("type") == "website" and str(r.get("url", "")).startswith(("http:", "https:"))
        ),
        None,
    )
    return Package(
        spdx_id=spdx_id,
        name=str(component["name"]),
        version=str(component["version"]) if component.get("version") else None,
        download_location=SpdxNoAssertion(),
        files_analyzed=False,
        homepage=homepage,
        license_concluded=SpdxNoAssertion(),
        license_declared=declared,
        license_comment=comment,
        copyright_text=SpdxNoAssertion(),
        summary=str(component["description"]) if component.get("description") else None,
        external_references=refs,
        primary_package_purpose=purpose,
    )


def _spdx_document(cdx: dict[str, Any], created: datetime) -> Any:
    """The SPDX 2.3 document of the same components and dependency edges as ``cdx``."""
    from spdx_tools.spdx.model.actor import Actor, ActorType
    from spdx_tools.spdx.model.document import CreationInfo, Document
    from spdx_tools.spdx.model.package import PackagePurpose
    from spdx_tools.spdx.model.relationship import Relationship, RelationshipType

    from nox_release import __version__

    root = cdx["metadata"]["component"]
    name, version = str(root["name"]), str(root["version"])
    ids: dict[str, str] = {}  # CycloneDX bom-ref -> SPDX id
    packages = []
    for component, purpose in [(root, PackagePurpose.LIBRARY)] + [
        (c, PackagePurpose.LIBRARY) for c in cdx.get("components", [])
    ]:
        spdx_id = _spdx_id(str(component["name"]), str(component.get("version", "")))
        ids[str(component.get("bom-ref", spdx_id))] = spdx_id
        packages.append(_spdx_package(component, spdx_id, purpose))
    relationships = [
        Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, ids[root["bom-ref"]])
    ]
    edges = sorted(
        (ids[d["ref"]], ids[target])
        for d in cdx.get("dependencies", [])
        for target in d.get("dependsOn", [])
        if d["ref"] in ids and target in ids
    )
    relationships += [Relationship(a, RelationshipType.DEPENDS_ON, b) for a, b in edges]
    creators = [Actor(ActorType.TOOL, f"nox-release-{__version__}")]
    for tool_component in cdx["metadata"].get("tools", {}).get("components", []):
        if tool_component.get("name") == "cyclonedx-py":
            creators.append(Actor(ActorType.TOOL, f"cyclonedx-py-{tool_component.get('version')}"))
    serial = str(cdx["serialNumber"]).removeprefix("urn:uuid:")
    info = CreationInfo(
        spdx_version=SPDX_VERSION,
        spdx_id="SPDXRef-DOCUMENT",
        name=f"{name}-{version}",
        document_namespace=f"https://spdx.org/spdxdocs/{_canonical(name)}-{version}-{serial}",
        creators=creators,
        created=created,
        creator_comment=f"The same inventory as the CycloneDX document {cdx['serialNumber']}.",
    )
    return Document(info, packages=packages, relationships=relationships)


def _spdx_text(document: Any, where: str) -> str:
    """Validate with spdx-tools, write JSON, and validate again what was written (round trip)."""
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
    from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

    def check(doc: Any) -> None:
        messages = validate_full_spdx_document(doc, SPDX_VERSION)
        if messages:
            first = messages[0].validation_message
            raise SbomError(
                f"the SPDX document for {where} is not valid {SPDX_VERSION} ({first}"
                + (f", and {len(messages) - 1} more" if len(messages) > 1 else "")
                + "); nothing was written: report this as a bug."
            )

    check(document)
    buf = io.StringIO()
    write_document_to_stream(document, buf, validate=False)
    text = buf.getvalue() + "\n"
    try:
        reparsed = JsonLikeDictParser().parse(json.loads(text))  # type: ignore[no-untyped-call]
    except Exception as exc:  # spdx-tools raises its own SPDXParsingError and friends
        raise SbomError(
            f"the SPDX document for {where} does not parse back ({exc}); nothing was written: "
            "report this as a bug."
        ) from None
    check(reparsed)
    return text


# -- embedding (PEP 770) -------------------------------------------------------------------------


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def embed_sbom(wheel: Path, filename: str, data: bytes) -> bytes:
    """The bytes of ``wheel`` with ``data`` at ``<dist-info>/sboms/<filename>`` (PEP 770).

    Every other entry is copied as it is (content, timestamps, permissions); an SBOM of the same
    name is replaced; RECORD is written anew from the actual contents (sha256 and size of every
    file, RECORD itself unhashed). The same input gives the same bytes.
    """
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(wheel) as src:
            dist_info = _dist_info(src, wheel)
            record_name = f"{dist_info}/RECORD"
            target = f"{dist_info}/sboms/{filename}"
            infos = src.infolist()
            record_info = next((i for i in infos if i.filename == record_name), None)
            metadata_info = src.getinfo(f"{dist_info}/METADATA")
            rows: list[tuple[str, str, str]] = []
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in infos:
                    if info.filename in (record_name, target):
                        continue
                    content = src.read(info)
                    dst.writestr(info, content)
                    if not info.is_dir():
                        rows.append((info.filename, _record_hash(content), str(len(content))))
                sbom_info = zipfile.ZipInfo(target, date_time=metadata_info.date_time)
                sbom_info.compress_type = zipfile.ZIP_DEFLATED
                sbom_info.external_attr = metadata_info.external_attr or (0o644 << 16)
                dst.writestr(sbom_info, data)
                rows.append((target, _record_hash(data), str(len(data))))
                rows.append((record_name, "", ""))
                text = io.StringIO()
                csv.writer(text, lineterminator="\n").writerows(rows)
                if record_info is None:
                    record_info = zipfile.ZipInfo(record_name, date_time=metadata_info.date_time)
                    record_info.compress_type = zipfile.ZIP_DEFLATED
                    record_info.external_attr = metadata_info.external_attr
                dst.writestr(record_info, text.getvalue().encode("utf-8"))
    except (OSError, zipfile.BadZipFile) as exc:
        raise SbomError(f"{wheel} cannot be read ({exc}): rebuild it.") from None
    return out.getvalue()


# -- writing -------------------------------------------------------------------------------------


# -- the step ------------------------------------------------------------------------------------


def sbom(
    root: Project | Path | str = ".",
    *,
    embed: bool | None = None,
    lock: str | Path | bool | None = None,
    dist: Path | str | None = None,
    find_links: Sequence[Path | str] = (),
    no_index: bool = False,
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    installer_args: Sequence[str] = (),
    installer: str = "auto",
    runner: Runner | None = None,
    log: Log = quiet,
    dry_run: bool = False,
    before_validate: ValidateHook | None = None,
) -> SbomResult:
    """Write ``dist/<name>-<version>.cdx.json`` and ``.spdx.json`` for the built wheel.

    ``embed`` (None: the ``sbom-embed`` key) also puts the CycloneDX document into the wheel
    under ``.dist-info/sboms/``. ``lock`` (None: the ``sbom-lock`` key; False: no lock even if
    the key is set) names ``uv.lock`` or a requirements file whose locked set the SBOM describes
    instead of the wheel's own resolution. ``find_links``, ``no_index``, ``index_url``,
    ``extra_index_urls`` and ``installer_args`` (any other options) go to the installer (a
    private index, a local wheelhouse); credentials in their URLs (a password, or a token as the
    user) are replaced by ``***`` in everything logged or raised (by the runner too when it is a
    :class:`SubprocessRunner`). ``installer`` is ``auto`` (uv when available), ``uv`` or
    ``pip``. With ``embed``, an existing ``dist/SHA256SUMS`` is rewritten with the new wheel's
    hash in the same all-or-nothing replacement. With ``dry_run``, the checks run and the
    commands and files are printed; nothing is installed or written.
    """
    project = root if isinstance(root, Project) else Project(root)
    config = project.config
    embed = config.sbom_embed if embed is None else embed
    lock_value = config.sbom_lock if lock is None else (None if lock is False else lock)
    if lock_value is True:
        raise SbomError("lock=True names no file: pass the path of uv.lock or a requirements file.")
    dist_dir = Path(dist) if dist is not None else project.root / config.dist_dir
    run = runner if runner is not None else SubprocessRunner(log=log)
    index_args = _index_args(find_links, no_index, index_url, extra_index_urls, installer_args)
    secrets = _url_secrets(index_args)
    if secrets and isinstance(run, SubprocessRunner):
        run.redact.extend(s for s in secrets if s not in run.redact)

    # Every check before the first write (and before the environment is made).
    if not any(p.name.endswith(".whl") for p in find_artifacts(dist_dir)):
        _pick_wheel(dist_dir, [])  # no wheel: say so before judging the rest of dist/
    # twine check --strict is the twine-check step's business; the SBOM needs the right wheel.
    checked = check_dist(project, dist_dir, twine=False)
    wheel = _pick_wheel(dist_dir, [a.path for a in checked.artifacts if a.kind == "wheel"])
    name = next(a.name for a in checked.artifacts if a.path == wheel)
    version = next(a.version for a in checked.artifacts if a.path == wheel)
    lock_path = _lock_file(project, lock_value) if lock_value else None
    chosen = _installer(installer)
    if lock_path is not None and _is_uv_lock(lock_path) and find_uv() is None:
        raise SbomError(f"{lock_path} is a uv lock file and needs uv to be read: install uv.")
    epoch = _epoch(project)
    stem = _stem(wheel)
    cdx_path = dist_dir / f"{stem}.cdx.json"
    spdx_path = dist_dir / f"{stem}.spdx.json"
    sums_path = dist_dir / CHECKSUMS
    rewrite_sums = embed and sums_path.is_file()  # the build step's; the wheel's hash changes
    where = wheel.name

    with tempfile.TemporaryDirectory(prefix="nox-release-sbom-") as tmp_name:
        tmp = Path(tmp_name)
        env = tmp / "env"
        requirements = tmp / "locked.txt"
        commands: list[list[str]] = []
        if lock_path is not None and _is_uv_lock(lock_path):
            commands.append(_export_uv_lock(project, lock_path, requirements))
        commands.append(chosen.create(env))
        if lock_path is None:
            commands.append(chosen.install(env, [*index_args, str(wheel)]))
        else:
            req = requirements if _is_uv_lock(lock_path) else lock_path
            # Two installs: a lock with hashes turns on pip's hash-checking mode, which would
            # refuse the wheel (a local file with no hash in the lock).
            commands.append(chosen.install(env, ["--no-deps", *index_args, "-r", str(req)]))
            commands.append(chosen.install(env, ["--no-deps", str(wheel)]))
            commands.append(chosen.check(env))
        cdx_raw = tmp / "raw.cdx.json"
        commands.append(
            [
                tool("cyclonedx-py"),
                "environment",
                "--spec-version",
                CYCLONEDX_VERSION,
                "--output-format",
                "JSON",
                "--output-reproducible",
                "--no-validate",  # the finished document is validated below
                "--output-file",
                str(cdx_raw),
                str(_env_python(env)),
            ]
        )
        if dry_run:
            log(f"sbom of {relpath(wheel, project.root)} (dry run: nothing installed or written)")
            if lock_path is not None:
                log(f"describing the locked set in {relpath(lock_path, project.root)}")
            for argv in commands:
                log(f"$ {scrub(shlex.join(argv).replace(tmp_name, '<tmp>'), secrets)}")
            log(
                f"would write {relpath(cdx_path, project.root)} (CycloneDX {CYCLONEDX_VERSION} JSON)"
            )
            log(f"would write {relpath(spdx_path, project.root)} ({SPDX_VERSION} JSON)")
            if embed:
                log(f"would embed {cdx_path.name} into {wheel.name} under {stem}.dist-info/sboms/")
            if rewrite_sums:
                log(
                    f"would rewrite {relpath(sums_path, project.root)} (the wheel's sha256 changes)"
                )
            return SbomResult(
                wheel,
                cdx_path,
                spdx_path,
                (name, version),
                embedded=embed,
                lock=lock_path,
                written=False,
                commands=tuple(tuple(c) for c in commands),
            )

        log(
            f"sbom: installing {wheel.name} into a fresh environment ({chosen.name})"
            + (f" with the locked set of {relpath(lock_path, project.root)}" if lock_path else "")
        )
        steps = iter(commands)
        if lock_path is not None and _is_uv_lock(lock_path):
            _run(run, next(steps), f"exporting {lock_path} with 'uv export --frozen'")
        _run(run, next(steps), "creating the isolated environment")
        hint = (
            ": make the dependencies reachable (--find-links DIR, or --index-url for a private "
            "index)"
        )
        if lock_path is not None:
            _run(
                run,
                next(steps),
                f"installing the locked set of {lock_path.name}",
                hint=hint,
                secrets=secrets,
            )
        _run(
            run,
            next(steps),
            f"installing {wheel.name} into a fresh environment",
            hint=hint,
            secrets=secrets,
        )
        if lock_path is not None:
            try:
                run(*next(steps), silent=True)
            except CommandError as exc:
                detail = "; ".join(
                    line.strip() for line in scrub(exc.output, secrets).splitlines() if line.strip()
                )[:300]
                raise SbomError(
                    f"the locked set in {lock_path} does not satisfy {wheel.name} ({detail}): "
                    "update the lock ('uv lock', or recompile the requirements file)."
                ) from None
        sde = {"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else None
        _run(run, next(steps), "cyclonedx-py environment", env=sde)

        raw = json.loads(cdx_raw.read_text(encoding="utf-8"))
    cdx = _finish_cyclonedx(raw, name, version)
    if before_validate is not None:
        before_validate("cyclonedx", cdx)
    cdx_text = json.dumps(cdx, indent=2, ensure_ascii=False) + "\n"
    _validate_cyclonedx(cdx_text, where)

    created = (
        datetime.fromtimestamp(epoch, tz=timezone.utc)
        if epoch is not None
        else datetime.now(tz=timezone.utc).replace(microsecond=0)
    )
    spdx_doc = _spdx_document(cdx, created.replace(tzinfo=None))
    if before_validate is not None:
        before_validate("spdx", spdx_doc)
    spdx_text = _spdx_text(spdx_doc, where)

    cdx_bytes = cdx_text.encode("utf-8")
    files = {cdx_path: cdx_bytes, spdx_path: spdx_text.encode("utf-8")}
    if embed:
        files[wheel] = embed_sbom(wheel, cdx_path.name, cdx_bytes)
        if rewrite_sums:
            # What write_checksums writes, with the embedded wheel's new bytes: replaced in the
            # same batch, so SHA256SUMS never lists a hash the wheel no longer has.
            text = checksums_text(find_artifacts(dist_dir), {wheel: files[wheel]})
            files[sums_path] = text.encode("utf-8")
    with Transaction() as txn:
        txn.write(files)
    components = tuple(
        sorted((str(c["name"]), str(c.get("version", ""))) for c in cdx.get("components", []))
    )
    log(
        f"wrote {relpath(cdx_path, project.root)} and {relpath(spdx_path, project.root)}: "
        f"{name} {version} and {len(components)} dependencies"
        + (f"; embedded in {wheel.name}" if embed else "")
        + (f" and rewrote {CHECKSUMS}" if rewrite_sums else "")
    )
    return SbomResult(
        wheel,
        cdx_path,
        spdx_path,
        (name, version),
        components,
        embedded=embed,
        lock=lock_path,
        written=True,
        commands=tuple(tuple(c) for c in commands),
    )
