"""Benchmark the commission's 整改 desk (first page and its counts) against bare SQL, on SQLite and PostgreSQL.

For each database: build the schema with the real migrations, bulk-insert a county (bench/stats_bench.py's
generator), ten issued circulars and N 整改 items (default 20,000) in every state, with evidence and some
pending extensions, then time what the desk page reads (inspection.rectification.desk_queries), as a
request does it with an empty session:
  * counts: the total and the counts by status, 督办 colour and overdue (one grouped query);
  * first page: 50 rows in 台账 order with unit, circular, colour, evidence count and open extension (one
    query; the page is cut before the evidence and extensions are looked up);
  * filter choices and the latest 催办 (circulars with items, units in official order, categories, reminders:
    four small queries, shown with no target);
against the same numbers as bare SQL strings on the raw DB-API cursor, same database, same run, the two
taking turns after one warm-up, for three filters: everything, one circular's items waiting for review, and
the red (overdue) items of one unit. Target: counts + first page of the desk as it opens (all items)
≤ 2× the bare SQL of the same, judged on the median of the paired ratios (shown with their min–max). The
two narrow filters are shown with no target: their bare SQL takes a fraction of a millisecond on SQLite, so
their ratio measures the fixed cost of running any statement through SQLAlchemy (about 0.3 ms each on an
idle machine), not the desk's queries; on PostgreSQL, where a round trip costs more, they are near 1×.
Times are wall-clock; the load average is printed so a reader can judge how busy the machine was.

PostgreSQL: BENCH_PG_URL, default postgresql://postgres@127.0.0.1:55433/h_review (its public schema is
dropped and recreated); skipped when it cannot be reached. Options: --items N, --db sqlite|postgresql|both,
--repeat N. Run standalone (`python bench/rectification_bench.py`), as a module
(`python -m bench.rectification_bench`) or through the `python -m bench` runner.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics as pystats
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bench.databases import each_database  # noqa: E402
from bench.stats_bench import _load, _paired, _ratio_text, analyze, generate, make_app  # noqa: E402

TARGET = 2.0
TODAY = date(2026, 12, 1)
STATES = ("pending",) * 4 + ("submitted",) * 2 + ("returned",) + ("closed",) * 5
PAGE = 50
PAGE_PARTS = ("counts", "first page")  # what the target is judged on
JUDGED = "all items"  # the desk as it opens: the page the target is for


def seed_items(db, n_items: int, seed: int = 13) -> None:
    """Insert an organ, ten issued circulars and `n_items` items over confirmed findings, with evidence and
    a pending 延期申请 on one open item in twenty."""
    from inspection.circulars.models import Circular, IssuingOrgan
    from inspection.findings.models import Finding
    from inspection.rectification.models import ExtensionRequest, RectificationEvidence, RectificationItem

    rng = random.Random(seed)
    now = datetime.now(UTC)
    conn = db.session.connection()
    conn.execute(insert(IssuingOrgan), [{"id": 1, "name": "纪委办", "mark_text": "纪委办", "number_prefix": "纪办通",
                                         "signature": "纪委办", "printer": "纪委办", "active": True, "created_at": now}])
    circulars = [{"id": c, "organ_id": 1, "campaign_id": c, "status": "issued", "title": f"第{c}批明察暗访情况的通报",
                  "year": 2026, "number": c, "doc_number": f"纪办通〔2026〕{c}号",
                  "doc_date": date(2026, 1, 1) + timedelta(days=32 * c), "created_at": now, "updated_at": now}
                 for c in range(1, 11)]
    conn.execute(insert(Circular), circulars)
    found = conn.execute(select(Finding.id, Finding.campaign_id, Finding.unit_id, Finding.category)
                         .where(Finding.status == "confirmed").limit(n_items)).all()
    if len(found) < n_items:
        raise SystemExit(f"only {len(found)} confirmed findings for {n_items} items")
    items, evidence, extensions = [], [], []
    for n, (fid, campaign_id, unit_id, category) in enumerate(found, start=1):
        issued = circulars[campaign_id - 1]["doc_date"]
        status = rng.choice(STATES)
        due = issued + timedelta(days=15 + rng.choice((0, 0, 30, 300, 330)))
        items.append({"id": n, "circular_id": campaign_id, "unit_id": unit_id, "finding_id": fid, "position": n,
                      "problem": f"9时30分，暗访组发现该局工作人员不在岗，现场无请假手续（第{n}项）。", "category": category,
                      "measures": "修订考勤制度" if status != "pending" else "", "leader": "局长", "responsible": "主任",
                      "progress": "已完成" if status != "pending" else "", "start_date": issued, "due_date": due,
                      "yellow_on": issued + timedelta(days=8), "status": status,
                      "reported": status != "pending" or rng.random() < 0.3, "flag": "", "return_reason": "",
                      "close_note": "整改到位" if status == "closed" else "",
                      "closed_at": now if status == "closed" else None, "version": 1, "created_at": now,
                      "updated_at": now})
        for e in range(0 if status == "pending" else rng.choice((1, 1, 2, 3))):
            evidence.append({"item_id": n, "kind": "photo" if e else "pdf", "sha256": f"{n:060x}{e:04x}",
                             "filename": "佐证.jpg", "size": 1, "created_at": now})
        if status in ("pending", "returned") and rng.random() < 0.05:
            extensions.append({"item_id": n, "old_due": due, "requested_due": due + timedelta(days=30),
                               "reason": "需采购设备", "status": "pending", "decision_note": "", "requested_at": now})
    for model, rows in ((RectificationItem, items), (RectificationEvidence, evidence), (ExtensionRequest, extensions)):
        for start in range(0, len(rows), 10_000):
            conn.execute(insert(model), rows[start:start + 10_000])
    db.session.commit()


COLOUR = ("CASE WHEN i.status IN ('pending', 'returned') AND i.due_date < '{today}' THEN 'red' "
          "WHEN i.status IN ('pending', 'returned') AND NOT i.reported AND i.yellow_on <= '{today}' THEN 'yellow' "
          "WHEN i.status IN ('pending', 'returned') AND i.due_date <= '{blue}' THEN 'blue' ELSE 'none' END")
COUNTS = "SELECT i.status, {colour} AS colour, count(i.id) FROM rectification_items i WHERE 1 = 1{where} GROUP BY 1, 2"
PAGE_ROWS = ("SELECT p.id, p.unit, p.unit_name, p.doc_number, p.position, p.problem, p.category, p.due_date, p.status, "
             "p.flag, p.version, p.colour, "
             "(SELECT count(e.id) FROM rectification_evidence e WHERE e.item_id = p.id), "
             "EXISTS (SELECT x.id FROM rectification_extensions x WHERE x.item_id = p.id AND x.status = 'pending') "
             "FROM (SELECT i.id, coalesce(nullif(u.short_name, ''), u.name) AS unit, u.name AS unit_name, c.doc_number, "
             "i.position, i.problem, i.category, i.due_date, i.status, i.flag, i.version, {colour} AS colour, "
             "u.sort_order, u.id AS unit_id, i.circular_id "
             "FROM rectification_items i JOIN units u ON u.id = i.unit_id JOIN circulars c ON c.id = i.circular_id "
             "WHERE 1 = 1{where} ORDER BY u.sort_order, u.id, i.circular_id, i.position, i.id LIMIT {page}) AS p "
             "ORDER BY p.sort_order, p.unit_id, p.circular_id, p.position, p.id")
OPTIONS = ("SELECT id, doc_number, title FROM circulars WHERE id IN (SELECT DISTINCT circular_id FROM rectification_items)"
           " ORDER BY doc_date DESC, id DESC",
           "SELECT id, name, short_name FROM units ORDER BY sort_order, id",
           "SELECT DISTINCT category FROM rectification_items ORDER BY category",
           "SELECT r.id, r.on_date, r.message, u.name FROM rectification_reminders r JOIN units u ON u.id = r.unit_id "
           "ORDER BY r.on_date DESC, r.id DESC LIMIT 10")


def bare_page(db, where: str, rule) -> dict[str, callable]:
    """Return the bare SQL parts of the desk page for one filter, as callables on the raw DB-API cursor."""
    raw = db.session.connection().connection.dbapi_connection
    today, blue = rule.today.isoformat(), rule.blue_until.isoformat()
    colour = COLOUR.format(today=today, blue=blue)
    counts_sql = COUNTS.format(colour=colour, where=where)
    page_sql = PAGE_ROWS.format(colour=colour, where=where, page=PAGE)

    def run(sql):
        cursor = raw.cursor()
        cursor.execute(sql)
        rows = cursor.fetchall()
        cursor.close()
        return rows

    return {"counts": lambda: run(counts_sql), "first page": lambda: run(page_sql),
            "choices and 催办": lambda: [run(sql) for sql in OPTIONS]}


def our_page(db, flt, rule) -> dict[str, callable]:
    """Return the desk page's own parts for one filter, each starting from an empty session as a request does."""
    from inspection.rectification import desk_queries as pages

    def fresh(fn):
        def run():
            db.session.expunge_all()
            return fn()
        return run

    def first_page():
        return pages.desk_rows(flt, rule, 1)

    def choices():
        return pages.filter_options(), pages.desk_reminders(10)

    return {"counts": fresh(lambda: pages.desk_counts(flt, rule)), "first page": fresh(first_page),
            "choices and 催办": fresh(choices)}


def scenarios(db):
    """The three filters timed: (label, ItemFilter, the same as a WHERE fragment)."""
    from inspection.rectification.models import RectificationItem as Item
    from inspection.rectification.queries import ItemFilter

    unit_id = db.session.scalar(select(Item.unit_id).order_by(Item.unit_id).limit(1))
    return [(JUDGED, ItemFilter(), ""),
            ("circular 5, submitted", ItemFilter(circular_id=5, status="submitted"),
             " AND i.circular_id = 5 AND i.status = 'submitted'"),
            (f"unit {unit_id}, red", ItemFilter(unit_id=unit_id, colour="red"),
             f" AND i.unit_id = {unit_id} AND i.status IN ('pending', 'returned') AND i.due_date < '{TODAY}'")]


def run_database(label: str, url: str, n_items: int, repeat: int) -> list[str]:
    """Seed one database and time each filter's page, part by part and in total; return the printed lines."""
    from inspection.extensions import db
    from inspection.rectification.deadlines import ColourRule

    app = make_app(url)
    lines = []
    with app.app_context():
        generate(db, int(n_items * 1.6))
        seed_items(db, n_items)
        analyze(db)
        rule = ColourRule(today=TODAY, blue_days=3)
        lines.append(f"== {label}: {n_items:,} items; load average {_load()} on {os.cpu_count()} CPUs ==")
        lines.append(f"{'desk page (median ms)':<26}{'filter':<24}{'ours':>9}{'bare SQL':>10}{'ratio (min–max)':>24}"
                     f"  target ≤ {TARGET:g}×")
        for name, flt, where in scenarios(db):
            ours, bare = our_page(db, flt, rule), bare_page(db, where, rule)
            for part in ours:
                o, b, ratios = _paired(ours[part], bare[part], repeat)
                lines.append(f"{part:<26}{name:<24}{o:>9.2f}{b:>10.2f}{_ratio_text(ratios):>24}")
            o, b, ratios = _paired(lambda: [ours[p]() for p in PAGE_PARTS], lambda: [bare[p]() for p in PAGE_PARTS],
                                   repeat)
            verdict = ("yes" if pystats.median(ratios) <= TARGET else "NO") if name == JUDGED else "(no target)"
            lines.append(f"{'counts + first page':<26}{name:<24}{o:>9.2f}{b:>10.2f}{_ratio_text(ratios):>24}  {verdict}")
        db.session.remove()
        db.engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table; return 0 when every target is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    output = []
    rows, skipped = each_database(args.db, lambda label, url: run_database(label, url, args.items, args.repeat),
                                  prefix="rect-desk-bench-")
    output += rows + skipped
    print("\n".join(output))
    return 0 if not any(line.endswith("NO") for line in output) else 1


if __name__ == "__main__":
    sys.exit(main())
