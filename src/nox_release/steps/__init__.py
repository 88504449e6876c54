"""Steps: bump, decide, changelog, build, verify, sbom, publish, branches. Each takes a runner."""
