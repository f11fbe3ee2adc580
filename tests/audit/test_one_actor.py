"""Only the one helper that builds a request's Actor reads the client address."""
from __future__ import annotations

import ast
from pathlib import Path

import inspection

PACKAGE = Path(inspection.__file__).parent

# The Actor helper; the rate limiter keys on the address by itself (Flask-Limiter's get_remote_address).
ALLOWED = {"core/actor.py"}


def _reads_remote_addr(path: Path) -> bool:
    """Whether a module touches `.remote_addr` (attribute access, not a mention in text)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.Attribute) and node.attr == "remote_addr" for node in ast.walk(tree))


def test_only_the_actor_helper_reads_the_client_address():
    readers = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py") if _reads_remote_addr(p)}
    assert readers == ALLOWED


def test_no_service_takes_an_ip_argument():
    """The address travels inside the Actor, never as a separate `ip=` argument to a function of the package."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("sync/") and path.name in {"applier.py", "context.py"}:
            continue  # the sync apply context unpacks the Actor once per batch for its bulk audit rows
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [a.arg for a in node.args.args + node.args.kwonlyargs]
                if "ip" in names:
                    offenders.append(f"{rel}:{node.name}")
    assert offenders == []
