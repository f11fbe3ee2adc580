"""The package's layers: the record features below never import the features built on them."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import inspection

ROOT = Path(inspection.__file__).parent
LOWER = ("findings", "visits", "units", "checklists", "campaigns")  # what inspectors record, and where
UPPER = ("sync", "review", "stats", "circulars", "followup")  # features that use them


def module_name(path: Path) -> str:
    """Return the dotted module name of a file in the package (a package's __init__ is the package)."""
    parts = ("inspection", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Return every module a source imports, at any depth (functions too), relative imports resolved.

    `from X import name` counts as importing X and X.name (name may be a submodule).
    """
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def forbidden(imported: set[str]) -> list[str]:
    """Return the imports that reach an upper feature."""
    upper = tuple(f"inspection.{name}" for name in UPPER)
    return sorted(m for m in imported if m in upper or m.startswith(tuple(f"{u}." for u in upper)))


def lower_modules() -> list[Path]:
    """Return every Python file of the lower features."""
    return sorted(path for name in LOWER for path in (ROOT / name).rglob("*.py"))


@pytest.mark.parametrize("source", [
    "from ..sync.merge import iso",
    "from ..sync import merge",
    "from .. import review",
    "import inspection.stats.queries",
    "from inspection.circulars.models import Circular",
    "def f():\n    from ..review.services import ReviewError\n",
])
def test_the_check_sees_every_form_of_import(source):
    assert forbidden(imported_modules(source, "inspection.findings.models"))


def test_the_check_leaves_sibling_and_lower_imports_alone():
    source = "from .models import Finding\nfrom ..campaigns.models import Target\nfrom ..extensions import db\n"
    assert forbidden(imported_modules(source, "inspection.findings.models")) == []
    assert imported_modules("from .models import Visit", "inspection.visits", is_package=True) \
        >= {"inspection.visits.models"}


def test_lower_features_do_not_import_upper_ones():
    assert len(lower_modules()) >= len(LOWER) * 2
    offending = {}
    for path in lower_modules():
        name = module_name(path)
        found = forbidden(imported_modules(path.read_text(encoding="utf-8"), name,
                                           is_package=path.name == "__init__.py"))
        if found:
            offending[name] = found
    assert offending == {}
