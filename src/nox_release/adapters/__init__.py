"""Adapters: git, files (the one transaction), the project on disk, tools, dists, indexes."""
