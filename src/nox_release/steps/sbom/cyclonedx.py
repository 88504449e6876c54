"""Finishing cyclonedx-py's document: the wheel as root with its purl, a serial, validation.

cyclonedx-py (cyclonedx-bom) makes the inventory, the dependency graph and the reproducible form
(``--output-reproducible``: no random serial number, ``SOURCE_DATE_EPOCH`` as timestamp). This
module does only what it does not: it promotes the wheel's own component to the root
(``metadata.component``) with its ``pkg:pypi`` purl (cyclonedx-py gives no purl to a package
installed from a local file, and records the file's path), gives the document a serial number
derived from its content, and names nox-release among the tools. cyclonedx-python-lib's JSON
validator validates the result.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from nox_release._errors import SbomError

CYCLONEDX_VERSION = "1.6"


def _purl(name: str, version: str) -> str:
    from packageurl import PackageURL

    return str(PackageURL(type="pypi", name=name, version=version).to_string())


def canonical_name(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def _canonical_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def finish_cyclonedx(doc: dict[str, Any], name: str, version: str) -> dict[str, Any]:
    """Promote the wheel's component to the root and fill in what cyclonedx-py leaves out."""
    from nox_release import __version__

    components: list[dict[str, Any]] = doc.get("components", [])
    matches = [
        c
        for c in components
        if canonical_name(str(c.get("name", ""))) == canonical_name(name)
        and c.get("version") == version
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


def validate_cyclonedx(text: str, where: str) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise SbomError(
            f"the CycloneDX document for {where} is not valid CycloneDX {CYCLONEDX_VERSION} "
            f"({str(error).splitlines()[0]}); nothing was written: report this as a bug."
        )
