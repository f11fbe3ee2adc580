"""The package's modules keep their imports at the top: no import after the first other statement.

An import at the bottom of a module (`# noqa: E402`) is how an import circle hides; a blueprint lives in
a leaf module instead and create_app imports the route modules explicitly.
"""
from __future__ import annotations

import ast
from pathlib import Path

import inspection

PACKAGE = Path(inspection.__file__).parent


def late_imports(source: str) -> list[int]:
    """Return the line numbers of module-level imports that follow a statement other than an import."""
    lines, seen_other = [], False
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if seen_other:
                lines.append(node.lineno)
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and not seen_other):
            seen_other = True  # a docstring first is fine; anything else ends the import block
    return lines


def test_no_module_imports_after_its_first_statement():
    offenders = {str(path.relative_to(PACKAGE.parent)): lines for path in sorted(PACKAGE.rglob("*.py"))
                 if (lines := late_imports(path.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_check_finds_a_bottom_import():
    source = '"""Doc."""\nimport os\n\nbp = object()\n\nfrom . import routes  # noqa: E402\n'
    assert late_imports(source) == [6]
    assert late_imports('"""Doc."""\nfrom __future__ import annotations\nimport os\nX = 1\n') == []


def test_china_standard_time_is_defined_once():
    defining = sorted(str(path.relative_to(PACKAGE.parent)) for path in PACKAGE.rglob("*.py")
                      if any(mark in path.read_text(encoding="utf-8") for mark in ("hours=8", "Asia/Shanghai")))
    assert defining == ["inspection/core/dates.py"]
