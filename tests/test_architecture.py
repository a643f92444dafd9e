"""The layers' import rules and the public names each module declares, checked on the source.

indexer -> nothing of ours above it; search_service.engine -> indexer only (no Flask);
the web layer -> engine and indexer; the CLI on top. See the package docstrings.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "search_service")
WEB_FRAMEWORKS = ("flask", "werkzeug", "jinja2", "nhsuk_frontend_jinja")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "_data" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def _imports(path: Path, module: str) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, absolute names."""
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _top(name: str) -> str:
    return name.split(".")[0]


MODULES = _modules()


def _layer(module: str) -> str:
    if module.startswith("indexer"):
        return "indexer"
    if module.startswith("search_service.engine"):
        return "engine"
    if module == "search_service.cli":
        return "cli"
    return "web"


FORBIDDEN = {
    # layer -> what it must never import
    "indexer": ("search_service", *WEB_FRAMEWORKS),
    "engine": ("search_service.cli", *WEB_FRAMEWORKS),
    "web": ("search_service.cli",),
}


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_imports_point_one_way(module: str, path: Path) -> None:
    layer = _layer(module)
    imported = _imports(path, module)
    bad = sorted(name for name in imported for rule in FORBIDDEN.get(layer, ())
                 if name == rule or name.startswith(rule + "."))
    if layer == "engine":
        # The engine reads the index layer and itself, never the web layer around it.
        bad += sorted(n for n in imported if n.startswith("search_service.")
                      and not n.startswith("search_service.engine"))
    assert not bad, f"{module} ({layer}) imports {bad}"


def test_the_rules_see_real_imports() -> None:
    """The checker itself: it must see a function-level and a relative import."""
    cli = dict(MODULES)["search_service.cli"]
    assert any(n.startswith("search_service.engine") for n in _imports(cli, "search_service.cli"))
    app = dict(MODULES)["search_service.app"]
    assert "flask" in {_top(n) for n in _imports(app, "search_service.app")}


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_all_names_exist_and_public_definitions_are_listed(module: str, path: Path) -> None:
    imported = importlib.import_module(module)
    declared = getattr(imported, "__all__", None)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Views and commands are reached through their decorators (routes, click), not imported.
    defined = {node.name for node in tree.body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))
               and not node.name.startswith("_") and not node.decorator_list}
    if declared is None:
        assert not defined, f"{module} defines public {sorted(defined)} but has no __all__"
        return
    assert len(declared) == len(set(declared)), f"{module}.__all__ repeats a name"
    missing = [name for name in declared if not hasattr(imported, name)
               and importlib.util.find_spec(f"{module}.{name}") is None]
    assert not missing, f"{module}.__all__ names {missing}, which it does not define"
    unlisted = sorted(defined - set(declared))
    assert not unlisted, f"{module} defines public {unlisted} but leaves it out of __all__"
