"""The package's shape: layers that import only downwards, no cycles, small modules and functions.

Every import counts, top-level and function-local (``ast`` walks the whole module), except the
type checkers' imports in ``if TYPE_CHECKING:`` blocks, which never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import nox_release

PACKAGE = Path(nox_release.__file__).parent

#: The layers from the bottom up; a module may import its own layer and the ones below.
LAYERS = ("_errors", "core", "adapters", "steps", "pipeline", "sessions")

#: What the pure core may not import: anything that reads or changes the world
#: (``urllib.parse`` only splits strings: it is allowed).
IMPURE = ("os", "subprocess", "shutil", "tempfile", "socket", "urllib.request", "http", "io", "sys")

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (``nox_release.core.version``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(tree: ast.AST) -> Iterator[tuple[str, list[str]]]:
    """(module, names) of every import statement outside ``if TYPE_CHECKING:`` blocks."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports: use nox_release.<layer>.<module>"
            yield node.module or "", [a.name for a in node.names]
        stack.extend(ast.iter_child_nodes(node))


def graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a ``from pkg import mod`` names ``pkg.mod``)."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for module, names in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if not module.startswith("nox_release"):
                continue
            subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in known]
            targets.update(subs or [module])
        edges[name] = targets
    return edges


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return len(LAYERS)  # the package root: the public names, above everything
    return LAYERS.index(parts[1])


def test_every_module_is_in_a_layer() -> None:
    for name in modules():
        layer(name)  # raises ValueError for a module outside the layers


def test_imports_go_down_only() -> None:
    wrong = []
    for module, targets in graph().items():
        for target in targets:
            if target == "nox_release":
                continue  # only `from nox_release import __version__`: checked below
            if layer(target) > layer(module):
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_the_package_root_is_imported_for_its_version_only() -> None:
    for name, path in modules().items():
        for module, names in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module == "nox_release" and name != "nox_release":
                assert names == ["__version__"], name


def test_no_import_cycle() -> None:
    edges = {m: {t for t in ts if t != "nox_release"} for m, ts in graph().items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_core_is_pure() -> None:
    for name, path in modules().items():
        if layer(name) > LAYERS.index("core"):
            continue
        for module, _names in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            impure = [m for m in IMPURE if module == m or module.startswith(f"{m}.")]
            assert impure == [], f"{name} imports {module}"


def test_every_module_opens_with_a_docstring_line() -> None:
    for name, path in modules().items():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and doc.splitlines()[0].strip(), name


def test_modules_are_small() -> None:
    big = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert big == {}


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function's code: its docstring left out."""
    assert node.end_lineno is not None
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        assert first.end_lineno is not None
        lines -= first.end_lineno - first.lineno + 1
    return lines


def test_functions_are_short() -> None:
    long = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_function = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            if is_function and _length(node) > MAX_FUNCTION_LINES:
                long[f"{name}.{node.name}"] = _length(node)
    assert long == {}


def test_public_names_agree() -> None:
    """The lazy table, ``__all__`` and the type checkers' imports name the same things."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    typed: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            for stmt in ast.walk(node):
                if isinstance(stmt, ast.ImportFrom) and stmt.module != "typing":
                    for alias in stmt.names:
                        typed[alias.name] = (stmt.module or "").removeprefix("nox_release.")
    table = nox_release._PUBLIC
    assert typed == table
    assert sorted(nox_release.__all__) == sorted(["__version__", *table])
    for name, module in table.items():
        assert getattr(nox_release, name).__module__ in (f"nox_release.{module}", "typing"), name


@pytest.mark.parametrize("name", sorted(nox_release._PUBLIC))
def test_each_public_name_loads(name: str) -> None:
    assert getattr(nox_release, name) is not None
