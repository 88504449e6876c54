"""``release-init``: show what was detected, and write it as ``[tool.nox-release]`` on request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nox_release._errors import ReleaseError
from nox_release.adapters.apply import apply_plan
from nox_release.adapters.files import read_text
from nox_release.adapters.project import Project
from nox_release.core.log import Log, quiet
from nox_release.core.plan import FileChange, Plan

__all__ = ["InitResult", "init_project"]


@dataclass(frozen=True)
class InitResult:
    """What ``release-init`` found, the table it writes, and whether it wrote it."""

    lines: tuple[str, ...]
    table: Mapping[str, Any]
    change: FileChange | None
    written: bool


def _tag_format(text: str) -> str:
    """Another tool's tag template in nox-release's words (``v$version`` -> ``v{version}``)."""
    return re.sub(r"\$\{?version\}?|\{new_version\}|\{version\}", "{version}", text)


def _imported(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Tag format and version files from commitizen, semantic-release and bump-my-version."""
    tool = data.get("tool", {})
    out: dict[str, Any] = {}
    files: list[Any] = []
    notes: list[str] = []
    cz, sr, bv = (tool.get(k, {}) for k in ("commitizen", "semantic_release", "bumpversion"))
    for name, table, tag_key, vf_keys in (
        ("commitizen", cz, "tag_format", ("version_files",)),
        ("semantic_release", sr, "tag_format", ("version_variables",)),
        ("bumpversion", bv, "tag_name", ()),
    ):
        if not isinstance(table, Mapping) or not table:
            continue
        notes.append(f"read [tool.{name}]")
        if isinstance(table.get(tag_key), str) and "tag-format" not in out:
            out["tag-format"] = _tag_format(table[tag_key])
        for key in vf_keys:
            for entry in table.get(key, []):
                path = str(entry).split(":")[0]
                if path.endswith(".py") and path not in files:
                    files.append(path)
                elif path not in ("pyproject.toml",):
                    notes.append(f"{entry} ({name}) needs a pattern: add it to version-files")
    for entry in bv.get("files", []) if isinstance(bv, Mapping) else []:
        path, search = entry.get("filename"), entry.get("search", "{current_version}")
        if isinstance(path, str) and path != "pyproject.toml":
            pattern = str(search).replace("{current_version}", "{version}")
            files.append(
                path
                if pattern == "{version}" and path.endswith(".py")
                else {"path": path, "pattern": pattern}
            )
    if files:
        out["version-files"] = files
    return out, notes


def _describe(project: Project) -> tuple[list[str], dict[str, Any]]:
    d = project.detection
    lines = [f"build backend: {d.backend or 'unknown'}"]
    table: dict[str, Any] = {}
    if project.tag_derived:
        lines.append(f"version: from git tags ({d.scm}), now {project.version().pep440}")
    for found in d.sources:
        lines.append(f"version source: {found.path} ({found.what})")
    lines += [f"not a source (written by {d.scm}): {g}" for g in d.generated]
    lines.append(f"tag format: {project.config.tag_format}")
    lines += [f"  {note}" for note in project.notes]
    lines.append(f"changelog: {project.config.changelog_file}")
    lines += [f"package: {p.root.relative_to(project.root)}" for p in project.packages]
    if "tag-format" not in project.configured:
        table["tag-format"] = project.config.tag_format
    if "changelog-file" not in project.configured:
        table["changelog-file"] = project.config.changelog_file
    imported, notes = _imported(project.data)
    table.update({k: v for k, v in imported.items() if k not in project.configured})
    lines += notes
    return lines, table


def _with_table(text: str, table: Mapping[str, Any]) -> str:
    """``pyproject.toml``'s text with ``table``'s keys added to ``[tool.nox-release]``."""
    import tomlkit

    doc = tomlkit.parse(text)
    tool = doc.setdefault("tool", tomlkit.table(is_super_table=True))
    section = tool.setdefault("nox-release", tomlkit.table())
    for key, value in table.items():
        section[key] = value
    return tomlkit.dumps(doc)


def init_project(
    root: Path | str = ".", *, write: bool = False, dry_run: bool = False, log: Log = quiet
) -> InitResult:
    """Show what nox-release detects; with ``write``, record it in ``[tool.nox-release]``.

    The rest of ``pyproject.toml`` stays as it is (tomlkit). Keys already set are kept.
    """
    project = Project(root)
    try:
        lines, table = _describe(project)
    except ReleaseError as exc:
        lines, table = [f"not detected: {exc}"], {}
    for line in lines:
        log(line)
    if not table:
        log("[tool.nox-release] already says everything detected")
        return InitResult(tuple(lines), table, None, False)
    before = read_text(project.pyproject_path)
    change = FileChange(project.pyproject_path, before, _with_table(before, table))
    plan = Plan(root=project.root, changes=(change,), notes=("write [tool.nox-release]",))
    if not write or dry_run:
        log(plan.render())
        if not write:
            log("run 'nox -s release-init -- --write' to write this into pyproject.toml")
        return InitResult(tuple(lines), table, change, False)
    apply_plan(plan, project.git)
    log(f"wrote [tool.nox-release] in {project.pyproject_path.name}")
    return InitResult(tuple(lines), table, change, True)
