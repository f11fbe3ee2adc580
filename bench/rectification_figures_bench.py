"""Benchmark the 整改 figures (statistics page, API, XLSX sheet) and the 整改台账 export against bare SQL.

For each database: build the schema with the real migrations, bulk-insert a county (bench/stats_bench.py's
generator) and N 整改 items over ten issued circulars (default 20,000) in every state, then time, the two
sides taking turns after one warm-up:
  * the figures as the statistics page computes them (rectification.numbers.figures: totals, overdue and
    its units, rate by unit and by category, median days to 销号) against the same numbers as bare SQL
    strings on the raw DB-API cursor, the median worked out in Python the same way (target: ≤ 2×);
  * the 台账 export of every item as CSV and as XLSX (rows, evidence counts, 整改统计 sheet, file): the CSV
    against a bare SQL query of the same columns written with the csv module; the XLSX against the same
    bare query (plus the bare figures for its second sheet) written by the same streaming XLSX writer
    (stats/xlsx.py), so the ratio is what our query, formatting and sheet cost on top of writing the file
    (target: each ≤ 2×). XLSX ÷ CSV is shown too, without a target: it is the price of the format.
Each ratio is the median of paired measurements with its min–max; targets are judged on the median.

PostgreSQL: BENCH_PG_URL, default postgresql://postgres@127.0.0.1:55433/h_review (its public schema is
dropped and recreated); skipped when it cannot be reached. Options: --items N, --db sqlite|postgresql|both,
--repeat N.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics as pystats
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.databases import each_database  # noqa: E402
from bench.stats_bench import _paired, _ratio_text, generate, make_app  # noqa: E402

TARGET = 2.0
TODAY = date(2026, 12, 1)
STATES = ("pending",) * 4 + ("submitted",) * 2 + ("returned",) + ("closed",) * 5


def seed_items(db, n_items: int, seed: int = 11) -> None:
    """Insert an organ, ten issued circulars and `n_items` items (with evidence) over confirmed findings."""
    from inspection.circulars.models import Circular, IssuingOrgan
    from inspection.findings.models import Finding
    from inspection.rectification.models import RectificationEvidence, RectificationItem

    rng = random.Random(seed)
    now = datetime.now(UTC)
    conn = db.session.connection()
    conn.execute(insert(IssuingOrgan), [{"id": 1, "name": "纪委办", "mark_text": "纪委办", "number_prefix": "纪办通",
                                         "signature": "纪委办", "printer": "纪委办", "active": True, "created_at": now}])
    circulars = []
    for c in range(1, 11):
        issued = date(2026, 1, 1) + timedelta(days=30 * c)
        circulars.append({"id": c, "organ_id": 1, "campaign_id": c, "status": "issued", "title": f"第{c}批通报",
                          "year": 2026, "number": c, "doc_number": f"纪办通〔2026〕{c}号", "doc_date": issued,
                          "created_at": now, "updated_at": now})
    conn.execute(insert(Circular), circulars)
    found = conn.execute(select(Finding.id, Finding.campaign_id, Finding.unit_id, Finding.category)
                         .where(Finding.status == "confirmed").limit(n_items)).all()
    if len(found) < n_items:
        raise SystemExit(f"only {len(found)} confirmed findings for {n_items} items: raise --findings")
    items, evidence = [], []
    for n, (fid, campaign_id, unit_id, category) in enumerate(found, start=1):
        issued = circulars[campaign_id - 1]["doc_date"]
        status = rng.choice(STATES)
        due = issued + timedelta(days=15 + rng.choice((0, 0, 0, 30, 330)))
        closed = datetime.combine(issued + timedelta(days=rng.randint(3, 40)), datetime.min.time(), tzinfo=UTC)
        items.append({"id": n, "circular_id": campaign_id, "unit_id": unit_id, "finding_id": fid, "position": n,
                      "problem": "9时30分，暗访组发现该局工作人员不在岗，无请假手续。", "category": category,
                      "measures": "修订考勤制度" if status != "pending" else "", "leader": "局长", "responsible": "主任",
                      "progress": "已完成" if status != "pending" else "", "start_date": issued, "due_date": due,
                      "yellow_on": issued + timedelta(days=8), "status": status, "reported": status != "pending",
                      "flag": "", "return_reason": "", "close_note": "", "closed_at": closed if status == "closed" else None,
                      "version": 1, "created_at": now, "updated_at": now})
        if status != "pending":
            evidence.append({"item_id": n, "kind": "photo", "sha256": f"{n:064x}", "filename": "照片.jpg", "size": 1,
                             "created_at": now})
    conn.execute(insert(RectificationItem), items)
    conn.execute(insert(RectificationEvidence), evidence)
    db.session.commit()


BARE_TOTALS = """SELECT count(*), sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END),
  sum(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END),
  sum(CASE WHEN status IN ('pending', 'returned') AND due_date < :today THEN 1 ELSE 0 END), count(DISTINCT unit_id)
FROM rectification_items"""
BARE_OVERDUE_UNITS = """SELECT count(DISTINCT unit_id) FROM rectification_items
WHERE status IN ('pending', 'returned') AND due_date < :today"""
BARE_BY_UNIT = """SELECT u.name, count(i.id), sum(CASE WHEN i.status = 'closed' THEN 1 ELSE 0 END),
  sum(CASE WHEN i.status IN ('pending', 'returned') AND i.due_date < :today THEN 1 ELSE 0 END)
FROM rectification_items i JOIN units u ON u.id = i.unit_id GROUP BY u.id, u.name, u.sort_order ORDER BY u.sort_order, u.id"""
BARE_BY_CATEGORY = """SELECT category, count(id), sum(CASE WHEN status = 'closed' THEN 1 ELSE 0 END),
  sum(CASE WHEN status IN ('pending', 'returned') AND due_date < :today THEN 1 ELSE 0 END)
FROM rectification_items GROUP BY category ORDER BY count(id) DESC, category"""
BARE_SPANS = "SELECT start_date, closed_at FROM rectification_items WHERE status = 'closed' AND closed_at IS NOT NULL"
BARE_LEDGER = """SELECT i.id, u.name, i.problem, i.category, i.measures, i.leader, i.responsible, i.due_date, i.progress,
  i.status, i.closed_at, coalesce(e.n, 0)
FROM rectification_items i JOIN units u ON u.id = i.unit_id
LEFT JOIN (SELECT item_id, count(*) AS n FROM rectification_evidence GROUP BY item_id) e ON e.item_id = i.id
ORDER BY u.sort_order, u.id, i.circular_id, i.position, i.id"""


def _bare(db, sql: str):
    """Run one bare SQL string with the day bound, on the raw connection."""
    return db.session.execute(text(sql), {"today": TODAY}).all()


def bare_figures(db) -> None:
    """The same numbers as the figures, as bare SQL, the median in Python."""
    for sql in (BARE_TOTALS, BARE_OVERDUE_UNITS, BARE_BY_UNIT, BARE_BY_CATEGORY):
        _bare(db, sql)
    spans = []
    for start, closed_at in _bare(db, BARE_SPANS):
        if isinstance(closed_at, str):  # SQLite returns text for a bare query
            closed_at = datetime.fromisoformat(closed_at)
            start = date.fromisoformat(start)
        spans.append((closed_at.date() - start).days)
    pystats.median(spans)


def bare_export(db) -> None:
    """The same ledger rows as a bare SQL query written with csv.writer."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in db.session.execute(text(BARE_LEDGER)):
        writer.writerow(row)


def bare_xlsx(db) -> None:
    """The same rows (and the figures' numbers) from bare SQL, written by the same XLSX writer."""
    from inspection.rectification.ledger import COLUMNS
    from inspection.stats.xlsx import Column, Sheet, write_workbook

    bare_figures(db)
    rows = ([n, *row[1:]] for n, row in enumerate(db.session.execute(text(BARE_LEDGER)), start=1))
    sheet = Sheet("整改台账", COLUMNS, rows, notices=["整改台账"])
    figures_sheet = Sheet("整改统计", [Column("项目", 12)], [["总体"]])
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    with os.fdopen(fd, "wb") as handle:
        write_workbook(handle, [sheet, figures_sheet], title="整改台账")
    os.unlink(path)


def run_database(label: str, url: str, n_items: int, repeat: int) -> list[tuple[str, float, float, list[float]]]:
    """Seed one database and time each pair; return rows for the table."""
    from inspection.extensions import db
    from inspection.rectification import ledger
    from inspection.rectification.deadlines import ColourRule
    from inspection.rectification.numbers import Scope, figures
    from inspection.rectification.queries import ItemFilter

    app = make_app(url)
    with app.app_context():
        generate(db, int(n_items * 1.6))
        seed_items(db, n_items)
        rule = ColourRule(today=TODAY)

        def export_csv():
            for _ in ledger.csv_chunks(ledger.ledger_rows(ItemFilter(), rule)):
                pass

        def export_xlsx():
            fd, path = tempfile.mkstemp(suffix=".xlsx")
            with os.fdopen(fd, "wb") as handle:
                ledger.write_ledger_xlsx(handle, ledger.ledger_rows(ItemFilter(), rule),
                                         ledger.figures_sheet(figures(Scope(), rule), "全部"), title="整改台账")
            os.unlink(path)

        rows = []
        for name, ours, bare in (("figures (page, API, sheet)", lambda: figures(Scope(), rule), lambda: bare_figures(db)),
                                 ("台账 CSV", export_csv, lambda: bare_export(db)),
                                 ("台账 XLSX", export_xlsx, lambda: bare_xlsx(db))):
            o, b, ratios = _paired(ours, bare, repeat)
            rows.append((f"{label}: {name}", o, b, ratios))
        csv_ms, xlsx_ms = rows[1][1], rows[2][1]
        print(f"{label}: XLSX ÷ CSV of the same rows {xlsx_ms / csv_ms:.2f}× (no target)")
        db.session.remove()
        db.engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rows, skipped = each_database(args.db, lambda label, url: run_database(label, url, args.items, args.repeat),
                                  prefix="bench-rect-")
    print(*skipped, sep="\n")
    print(f"\n{args.items} 整改 items; ours vs bare SQL, median of paired runs (target ≤ {TARGET:.1f}×)")
    print(f"{'measure':<40} {'ours ms':>9} {'bare ms':>9}  ratio (min–max)")
    missed = False
    for name, ours, bare, ratios in rows:
        ok = pystats.median(ratios) <= TARGET
        missed |= not ok
        print(f"{name:<40} {ours:9.1f} {bare:9.1f}  {_ratio_text(ratios)} {'ok' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
