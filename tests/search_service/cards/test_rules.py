"""The cards package's own rule (its docstring): only the blueprint and the CSRF guard may
import Flask or Werkzeug; the rest is Flask-free and importable without an app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import search_service.cards

PACKAGE = Path(search_service.cards.__file__).parent
WEB = {"views.py", "csrf.py"}
MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.name not in WEB)


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_the_rendering_side_is_flask_free(path: Path) -> None:
    assert not _imported(path) & {"flask", "werkzeug", "jinja2"}, path.name


def test_the_rule_sees_the_blueprint_import_flask() -> None:
    assert "flask" in _imported(PACKAGE / "views.py")
    assert len(MODULES) >= 10
