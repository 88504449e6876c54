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
* ``cyclonedx.py`` post-processes only what cyclonedx-py does not do: it promotes the wheel's own
  component to the root (``metadata.component``) with its ``pkg:pypi`` purl (cyclonedx-py gives
  no purl to a package installed from a local file, and records the file's path), gives the
  document a serial number derived from its content, and names nox-release among the tools.
* cyclonedx-python-lib's JSON validator validates the CycloneDX document.
* spdx-tools builds, validates and writes the SPDX document (``spdx.py``). The mapping from the
  inventory to SPDX is written here because no converter on PyPI produces valid SPDX.
* The wheel rewrite for ``--embed`` (PEP 770 ``.dist-info/sboms/`` and a new RECORD) is written by
  hand (``embed.py``): no dependency of nox-release offers it (``wheel``'s Python API is not
  public).
* ``options.py`` resolves and checks the options (``wheel.py`` picks the wheel), ``installer.py``
  makes the environment, and ``step.py`` holds the step and its other phases.

Nothing is written until both documents are valid; then every file (the documents, and with
``--embed`` the wheel and ``SHA256SUMS``) is replaced atomically, and a failure while replacing
puts back, by renames, the ones already replaced.
"""

from __future__ import annotations

from nox_release._errors import SbomError
from nox_release.steps.sbom.embed import embed_sbom
from nox_release.steps.sbom.step import SbomResult, sbom

__all__ = ["SbomError", "SbomResult", "embed_sbom", "sbom"]
