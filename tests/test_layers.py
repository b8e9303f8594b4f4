"""The folders are layers: storage/ knows neither the bot nor its handlers, and bot/ reaches the
handlers only where the application is put together (bot/app.py). A test reads the imports, so
a shortcut across a layer fails here rather than in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("folder", "forbidden", "allowed_in"),
    [("storage", {"bot", "handlers"}, set()), ("bot", {"handlers"}, {"bot/app.py"})],
)
def test_no_module_imports_a_layer_above_its_own(
    folder: str, forbidden: set[str], allowed_in: set[str]
) -> None:
    crossings = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & forbidden)
        for path in sorted((ROOT / folder).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in allowed_in
    }
    assert {path: names for path, names in crossings.items() if names} == {}
