"""The SPDX 2.3 document of the same inventory, built, validated and written by spdx-tools.

The mapping from the CycloneDX inventory to SPDX is written here because no converter on PyPI
produces valid SPDX.
"""

from __future__ import annotations

import importlib
import io
import json
import re
from datetime import datetime
from typing import Any

from nox_release._errors import SbomError
from nox_release.steps.sbom.cyclonedx import canonical_name

SPDX_VERSION = "SPDX-2.3"


_SPDX_ID_BAD = re.compile(r"[^A-Za-z0-9.-]+")


def _spdx_id(name: str, version: str) -> str:
    return "SPDXRef-Package-" + _SPDX_ID_BAD.sub("-", f"{canonical_name(name)}-{version}")


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


def spdx_document(cdx: dict[str, Any], created: datetime) -> Any:
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
        document_namespace=f"https://spdx.org/spdxdocs/{canonical_name(name)}-{version}-{serial}",
        creators=creators,
        created=created,
        creator_comment=f"The same inventory as the CycloneDX document {cdx['serialNumber']}.",
    )
    return Document(info, packages=packages, relationships=relationships)


def render_spdx(document: Any, where: str) -> str:
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
