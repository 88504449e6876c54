"""Packages with their own versions in one repository: each one a :class:`Project` of its own."""

from __future__ import annotations

import dataclasses

from nox_release._errors import ConfigError
from nox_release.adapters.project import Project

__all__ = ["cliff_paths", "independent_package", "pathspecs"]


def independent_package(project: Project, name: str) -> Project:
    """The independent package ``name`` (its folder, the folder's last part, or its project
    name) of ``project``: its own pyproject, tags, changelog and dist, and only its commits."""
    known = project.config.independent
    for spec in known:
        if name in (spec.path, spec.name) or _project_name(project, spec.path) == name:
            config = dataclasses.replace(
                project.config,
                packages=(),
                independent=(),
                version_files=(),
                tag_format=spec.tag_format,
            )
            package = Project(project.root / spec.path, config=config)
            package.include_paths = (package.root,)
            return package
    listed = ", ".join(s.path for s in known) or "none"
    raise ConfigError(
        f"'{name}' is not an independent package of {project.pyproject_path} (independent "
        f"packages: {listed}): add it to 'packages' with versioning = \"independent\""
    )


def _project_name(project: Project, path: str) -> str | None:
    try:
        return Project(project.root / path, config=project.config).name
    except ConfigError:
        return None


def pathspecs(project: Project) -> list[str]:
    """git pathspecs of the commits that count for ``project`` (none: every commit)."""
    if not project.include_paths and not project.exclude_paths:
        return []
    top = project.git.toplevel()
    specs = [f":(top){p.relative_to(top).as_posix()}" for p in project.include_paths]
    specs += [f":(top,exclude){p.relative_to(top).as_posix()}" for p in project.exclude_paths]
    return specs


def cliff_paths(project: Project) -> list[str]:
    """git-cliff's ``--include-path``/``--exclude-path`` options for :func:`pathspecs`."""
    if not project.include_paths and not project.exclude_paths:
        return []
    top = project.git.toplevel()
    args: list[str] = []
    for option, paths in (
        ("--include-path", project.include_paths),
        ("--exclude-path", project.exclude_paths),
    ):
        for path in paths:
            args += [option, f"{path.relative_to(top).as_posix()}/**"]
    return args
