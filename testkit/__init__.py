"""Helpers shared by the tests, the benchmarks and the demo (not shipped in the package)."""
