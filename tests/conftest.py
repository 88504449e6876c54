"""The tests' fixtures come from the plugins in testkit/fixtures; plain helpers from testkit."""

from __future__ import annotations

pytest_plugins = [
    "testkit.fixtures.git",
    "testkit.fixtures.publish",
    "testkit.fixtures.sbom",
]
