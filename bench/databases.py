"""Run one benchmark on SQLite and/or PostgreSQL: a fresh SQLite file, the PostgreSQL of BENCH_PG_URL."""
from __future__ import annotations

import os
import tempfile
from typing import Callable

from sqlalchemy import create_engine

from bench.stats_bench import DEFAULT_PG, _url


def each_database(which: str, run: Callable[[str, str], list], *, prefix: str) -> tuple[list, list[str]]:
    """Call `run(label, url)` for SQLite and/or PostgreSQL (`which`: sqlite, postgresql or both).

    Returns the rows the runs gave and a note for each database skipped (PostgreSQL unreachable).
    """
    rows, skipped = [], []
    if which in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            rows += run("SQLite", f"sqlite:///{tmp}/bench.sqlite3")
    if which in ("postgresql", "both"):
        url = _url(os.environ.get("BENCH_PG_URL", DEFAULT_PG))
        try:
            create_engine(url).connect().close()
        except Exception as exc:  # noqa: BLE001 (any failure to connect means: skip)
            skipped.append(f"PostgreSQL: skipped ({type(exc).__name__}: cannot reach the database)")
        else:
            rows += run("PostgreSQL", url)
    return rows, skipped
