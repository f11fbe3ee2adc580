"""Benchmark the statistics page's queries and the ledger export against bare SQL, on SQLite and PostgreSQL.

For each database: build the schema with the real migrations, bulk-insert N generated findings (Core
executemany; default 100,000) with persons, photos and visits, then time
  * each statistics query as the page runs it (inspection.stats.queries.statistics) against the same
    aggregate written as one bare SQL string on the raw DB-API cursor, same database, same run, the two
    taking turns (target: ≤ 2×), for all time and for one campaign;
  * the ledger export of all findings, end to end (query, statistics sheet, file), three ways in turn:
    the project's XLSX (with its statistics sheet), the project's CSV of the same rows, and the same two
    sheets written by XlsxWriter in constant-memory mode (the usual streaming XLSX writer for Python; a
    dev dependency: its row is skipped with a message when it is not installed). Targets, as ratios
    measured in the same run: XLSX / CSV ≤ 1.5× (the workbook costs little more than the plain text of
    the same rows) and XlsxWriter / XLSX ≥ 3× (the hand-written writer earns its keep: a reviewer
    measured it at about 4× XlsxWriter, and on a loaded 2-CPU machine here 3.35× wall-clock (2.2–4.1)
    and 4.0× in CPU time, at 10,000 findings; 3× is under what it does, so noise alone should not miss it).
    Rows per second, CPU time and the peak resident memory of the process are shown with no target:
    they depend on the machine.
Every ratio is the median of paired measurements (both sides in the same turn) after one warm-up, shown
with its min–max; the targets are judged on the median.
Prints one table per database. The ≤ 2× target is judged on the page total (what a user waits for);
the per-query rows are there to show where time goes: a bare query of a fraction of a millisecond is
dominated by the fixed cost of building and running any statement, so its ratio says little.
Times are wall-clock; the export also shows the process's CPU time (on a machine shared with other
work the wall-clock rate drops while the CPU rate does not; for PostgreSQL the server's own time is
not in the process CPU) and the load average, so a reader can judge how busy the machine was. Run
standalone (`python bench/stats_bench.py`), as a module (`python -m bench.stats_bench`), or through the
`python -m bench` runner (which calls `main`).

PostgreSQL: BENCH_PG_URL, default postgresql://postgres@127.0.0.1:55433/h_review (its public schema is
dropped and recreated); skipped when it cannot be reached. Options: --findings N, --db sqlite|postgresql|both,
--repeat N (paired timings per statistics query), --rounds N (paired export rounds after one warm-up round).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics as pystats
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:55433/h_review"
CATEGORIES = ("考勤管理", "在岗在位", "请销假管理", "干部管理", "公务用车", "公务接待", "财经纪律", "办公用房",
              "服务群众与工作作风")
LEVELS = ("county", "section_chief", "deputy_section_chief", "staff", "other")
LEVEL_WEIGHTS = (1, 4, 8, 30, 5)
STATUSES = ("confirmed",) * 7 + ("submitted", "returned", "rejected")
TARGET_RATIO = 2.0  # statistics page total / bare SQL, at most
TARGET_XLSX_CSV = 1.5  # ledger XLSX / ledger CSV of the same rows, at most
TARGET_XLSXWRITER = 3.0  # XlsxWriter (constant memory) / ledger XLSX, at least
XLSXWRITER = "XlsxWriter constant memory"


def _url(raw: str) -> str:
    return "postgresql+psycopg://" + raw.split("://", 1)[1] if raw.startswith("postgres") else raw


def make_app(url: str):
    """Create the app on a fresh database built by the migrations."""
    from flask_migrate import upgrade

    from inspection import create_app

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                      "PHOTO_DIR": tempfile.mkdtemp(prefix="bench-photos-")})
    with app.app_context():
        upgrade()
    return app


def analyze(db) -> None:
    """Gather the planner's statistics after a bulk load, as autovacuum (PostgreSQL) would on a live database."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def generate(db, n_findings: int, seed: int = 7) -> dict:
    """Bulk-insert a province-sized county: 100 units, 10 campaigns, visits, findings, persons, photos."""
    from inspection.auth.models import User
    from inspection.campaigns.models import Campaign, Target, Team
    from inspection.checklists.models import Checklist, ChecklistItem
    from inspection.findings.models import Finding, FindingPhoto, InvolvedPerson
    from inspection.units.models import Unit
    from inspection.visits.models import Visit

    rng = random.Random(seed)
    now = datetime.now(UTC)
    conn = db.session.connection()
    conn.execute(insert(User), [{"id": i, "username": f"user{i}", "display_name": f"用户{i}", "password_hash": "x",
                                 "role": "inspector" if i > 1 else "reviewer", "phone": "", "active": True,
                                 "failed_logins": 0, "created_at": now} for i in range(1, 21)])
    conn.execute(insert(Unit), [{"id": i, "name": f"示例县第{i}局", "short_name": f"第{i}局", "kind": "department",
                                 "active": True, "created_at": now} for i in range(1, 101)])
    conn.execute(insert(Checklist), [{"id": 1, "name": "清单", "version": 1, "is_current": True, "note": "",
                                      "created_at": now}])
    conn.execute(insert(ChecklistItem), [{"id": i, "checklist_id": 1, "code": f"A{i:02d}",
                                          "category": CATEGORIES[i % 9], "text": f"检查事项{i}", "guidance": "",
                                          "photo_required": False, "position": i} for i in range(1, 31)])
    campaigns, teams, targets = [], [], []
    for c in range(1, 11):
        start = date(2025, 1, 1) + timedelta(days=36 * c)
        campaigns.append({"id": c, "title": f"第{c}批明察暗访", "description": "", "start_date": start,
                          "end_date": start + timedelta(days=20), "checklist_id": 1,
                          "status": "active" if c == 10 else "closed", "created_at": now})
        for t in range(5):
            teams.append({"id": (c - 1) * 5 + t + 1, "campaign_id": c, "name": f"第{t + 1}暗访组",
                          "leader_id": 2 + t})
        for u in range(1, 101):
            targets.append({"id": (c - 1) * 100 + u, "campaign_id": c, "unit_id": u,
                            "team_id": (c - 1) * 5 + (u % 5) + 1, "note": ""})
    conn.execute(insert(Campaign), campaigns)
    conn.execute(insert(Team), teams)
    conn.execute(insert(Target), targets)
    visits = []
    for target in targets:
        if rng.random() < 0.8:
            start = datetime.combine(campaigns[target["campaign_id"] - 1]["start_date"], datetime.min.time(),
                                     tzinfo=UTC) + timedelta(hours=rng.randint(0, 400))
            visits.append({"id": uuid.uuid4(), "target_id": target["id"], "campaign_id": target["campaign_id"],
                           "unit_id": target["unit_id"], "team_id": target["team_id"], "checklist_id": 1,
                           "created_by_id": 2, "started_at": start, "notes": "", "version": 1,
                           "field_versions": {}, "conflicts": {}, "created_at": now, "updated_at": now})
    conn.execute(insert(Visit), visits)
    text_body = "9时30分，暗访组发现该局工作人员不在岗，现场无请假手续，电话核实称外出办事，未见外出登记。"
    findings, persons, photos = [], [], []
    for n in range(n_findings):
        visit = visits[rng.randrange(len(visits))]
        item = rng.randint(1, 30)
        fid = uuid.uuid4()
        occurred = visit["started_at"] + timedelta(minutes=rng.randint(0, 180))
        status = rng.choice(STATUSES)
        findings.append({"id": fid, "visit_ref": visit["id"], "visit_id": visit["id"],
                         "campaign_id": visit["campaign_id"], "unit_id": visit["unit_id"],
                         "team_id": visit["team_id"], "item_id": item, "category": CATEGORIES[item % 9],
                         "description": f"{text_body}（第{n}条）", "occurred_at": occurred, "location": "办公室",
                         "severity": "minor", "status": status, "version": 1, "field_versions": {},
                         "in_conflict": False, "conflicts": {}, "original": {}, "review_note": "",
                         "reviewed_by_id": 1 if status != "submitted" else None,
                         "reviewed_at": occurred + timedelta(days=1) if status != "submitted" else None,
                         "created_by_id": 2, "created_at": occurred, "updated_at": occurred})
        for p in range(rng.choice((1, 1, 1, 2, 2, 3))):
            persons.append({"finding_id": fid, "name": f"人员{n}-{p}", "post": "科员", "position": p,
                            "cadre_level": rng.choices(LEVELS, LEVEL_WEIGHTS)[0]})
        for p in range(rng.choice((0, 1, 1, 2))):
            photos.append({"finding_id": fid, "sha256": f"{n:032x}{p:032x}", "caption": "", "position": p})
        if len(findings) >= 10_000:
            _flush(conn, Finding, InvolvedPerson, FindingPhoto, findings, persons, photos)
    _flush(conn, Finding, InvolvedPerson, FindingPhoto, findings, persons, photos)
    db.session.commit()
    return {"visits": len(visits)}


def _flush(conn, finding, person, photo, findings, persons, photos):
    """Insert the pending rows of each table and clear the lists."""
    for model, rows in ((finding, findings), (person, persons), (photo, photos)):
        if rows:
            conn.execute(insert(model), rows)
            rows.clear()


BARE = {
    "by_unit": "SELECT unit_id, COUNT(*) FROM findings WHERE status = 'confirmed'{c} GROUP BY unit_id",
    "by_category": "SELECT category, COUNT(*) FROM findings WHERE status = 'confirmed'{c} GROUP BY category",
    "by_item": "SELECT item_id, COUNT(*) FROM findings WHERE status = 'confirmed'{c} GROUP BY item_id",
    "by_cadre_level": "SELECT p.cadre_level, COUNT(*) FROM involved_persons p JOIN findings f ON f.id = p.finding_id"
                      " WHERE f.status = 'confirmed'{cf} GROUP BY p.cadre_level",
    "by_team": "SELECT team_id, COUNT(*) FROM findings WHERE status = 'confirmed'{c} GROUP BY team_id",
    "visit_counts": "SELECT COUNT(DISTINCT unit_id), COUNT(DISTINCT team_id) FROM visits{cv}",
}
TREND = ("SELECT campaign_id, COUNT(*), COUNT(DISTINCT unit_id) FROM findings WHERE status = 'confirmed' "
         "GROUP BY campaign_id",
         "SELECT campaign_id, COUNT(DISTINCT unit_id) FROM visits GROUP BY campaign_id")


def _ms(fn) -> float:
    """Return the wall time of one call, in milliseconds."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _paired(ours, bare, repeat: int) -> tuple[float, float, list[float]]:
    """Time `ours` and `bare` in turn `repeat` times after one warm-up; return both medians (ms) and the ratios."""
    ours(), bare()
    pairs = [(_ms(ours), _ms(bare)) for _ in range(repeat)]
    return (pystats.median(o for o, _ in pairs), pystats.median(b for _, b in pairs),
            [o / b if b else float("inf") for o, b in pairs])


def _ratio_text(ratios: list[float]) -> str:
    """The median of paired ratios with their min–max."""
    return f"{pystats.median(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f})"


def time_statistics(db, campaign_id: int | None, repeat: int) -> list[tuple[str, float, float, list[float]]]:
    """Time each statistics query against its bare SQL twin; return (name, ours ms, bare ms, paired ratios)."""
    from inspection.stats import queries
    from inspection.stats.filters import FindingFilter

    user = SimpleNamespace(id=1, role="reviewer")
    flt = FindingFilter(campaign_id=campaign_id)
    where = f" AND campaign_id = {campaign_id}" if campaign_id else ""
    where_f = f" AND f.campaign_id = {campaign_id}" if campaign_id else ""
    where_v = f" WHERE campaign_id = {campaign_id}" if campaign_id else ""
    raw = db.session.connection().connection.dbapi_connection

    def bare(sql):
        def run():
            cursor = raw.cursor()
            cursor.execute(sql)
            cursor.fetchall()
            cursor.close()
        return run

    bare_sql = [bare(sql.format(c=where, cf=where_f, cv=where_v)) for sql in BARE.values()]
    bare_trend = [bare(sql) for sql in TREND]
    results = []
    for name, run_bare in zip(BARE, bare_sql):
        ours = getattr(queries, name)
        results.append((name, *_paired(lambda: ours(flt, user), run_bare, repeat)))
    results.append(("trend", *_paired(lambda: queries.trend(flt, user), lambda: [b() for b in bare_trend],
                                      repeat)))
    results.append(("statistics() page total", *_paired(lambda: queries.statistics(flt, user),
                                                        lambda: [b() for b in bare_sql + bare_trend], repeat)))
    return results


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}"


def _counted(rows, counter: list[int]):
    """Pass rows through, counting them."""
    for row in rows:
        counter[0] += 1
        yield row


def xlsxwriter_available() -> bool:
    """Say whether XlsxWriter (the baseline of the XLSX writer, a dev dependency) is installed."""
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


def write_with_xlsxwriter(path: str, sheets: list, *, title: str) -> int:
    """Write the same sheets with XlsxWriter's constant-memory mode (cells, widths, formats, print setup)."""
    import xlsxwriter

    from inspection.core.templating import CST

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    book.set_properties({"title": title})
    base = {"font_name": "宋体", "font_size": 11, "valign": "top", "border": 1}
    formats = {"text": book.add_format(base), "int": book.add_format(base),
               "wrap": book.add_format({**base, "text_wrap": True}),
               "datetime": book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm"}),
               "date": book.add_format({**base, "num_format": "yyyy-mm-dd"}),
               "percent": book.add_format({**base, "num_format": "0.0%"})}
    header = book.add_format({**base, "bold": True, "bg_color": "#EEF0F4", "text_wrap": True})
    notice = book.add_format({"bold": True, "font_color": "#B8211E", "font_name": "宋体"})
    counts = []
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        last = len(sheet.columns) - 1
        for i, column in enumerate(sheet.columns):
            ws.set_column(i, i, column.width)
        ws.set_landscape()
        ws.set_header(f"&C{sheet.header_text}")
        ws.set_footer(f"&L{sheet.footer_text}&R第 &P 页")
        r = 0
        for line in sheet.notices:
            ws.merge_range(r, 0, r, last, line, notice)
            r += 1
        ws.write_row(r, 0, [c.header for c in sheet.columns], header)
        ws.repeat_rows(r)
        if sheet.freeze:
            ws.freeze_panes(r + 1, 0)
        head, n = r, 0
        kinds = [(i, formats[c.kind]) for i, c in enumerate(sheet.columns)]
        for row in sheet.rows:
            r += 1
            n += 1
            for i, fmt in kinds:
                value = row[i]
                if value is None:
                    continue
                if isinstance(value, datetime):
                    ws.write_datetime(r, i, value.astimezone(CST).replace(tzinfo=None), fmt)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, i, value, fmt)
                else:
                    ws.write_string(r, i, value, fmt)
        if sheet.autofilter:
            ws.autofilter(head, 0, r, last)
        counts.append(n)
    book.close()
    return counts[0]


def time_export(db) -> dict[str, tuple[int, float, float]]:
    """Export every finding as XLSX, as CSV, and with XlsxWriter when installed; return {format: (rows, s, CPU s)}."""
    from inspection.stats import ledger
    from inspection.stats.filters import FindingFilter
    from inspection.stats.paragraph import statistics_paragraph
    from inspection.stats.queries import statistics

    user = SimpleNamespace(id=1, role="reviewer")
    flt = FindingFilter(status="all")
    url = "https://example.org/photos/{}/display".format

    def stats_sheet():
        stats = statistics(flt, user)
        return ledger.statistics_sheet(stats, statistics_paragraph(stats), stats.scope_text)

    out = {}
    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile() as handle:
        rows = ledger.write_ledger_xlsx(handle, ledger.ledger_rows(flt, photo_url=url), stats_sheet(), title="台账")
    out["ledger XLSX"] = (rows, time.perf_counter() - start, time.process_time() - cpu)
    db.session.rollback()
    counter = [0]
    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile() as handle:
        for chunk in ledger.csv_chunks(_counted(ledger.ledger_rows(flt, photo_url=url), counter)):
            handle.write(chunk)
    out["ledger CSV"] = (counter[0], time.perf_counter() - start, time.process_time() - cpu)
    db.session.rollback()
    if xlsxwriter_available():
        start, cpu = time.perf_counter(), time.process_time()
        with tempfile.TemporaryDirectory(prefix="xlsxwriter-") as tmp:
            findings = ledger.Sheet("问题台账", ledger.COLUMNS, ledger.ledger_rows(flt, photo_url=url),
                                    notices=["台账", ledger.NOTICE], header_text="内部资料 注意保密",
                                    footer_text="未经审核批准不得外传")
            rows = write_with_xlsxwriter(f"{tmp}/ledger.xlsx", [findings, stats_sheet()], title="台账")
        out[XLSXWRITER] = (rows, time.perf_counter() - start, time.process_time() - cpu)
        db.session.rollback()
    return out


def export_lines(runs: list[dict]) -> list[str]:
    """Format the export table: medians of the paired rounds, then the two ratio targets."""
    lines = [f"{'':<30}{'rows':>9}{'wall s':>8}{'rows/s':>9}{'CPU s':>8}{'rows/CPU-s':>12}  (no target)"]
    for name in runs[0]:
        rows = runs[0][name][0]
        seconds = pystats.median(run[name][1] for run in runs)
        cpu = pystats.median(run[name][2] for run in runs)
        lines.append(f"{name:<30}{rows:>9,}{seconds:>8.2f}{rows / seconds:>9,.0f}{cpu:>8.2f}{rows / cpu:>12,.0f}")
    xlsx_csv = [run["ledger XLSX"][1] / run["ledger CSV"][1] for run in runs]
    ok = pystats.median(xlsx_csv) <= TARGET_XLSX_CSV
    lines.append(f"{'ledger XLSX / ledger CSV':<30}{_ratio_text(xlsx_csv):>26}  target ≤ {TARGET_XLSX_CSV:g}×  "
                 f"{'yes' if ok else 'NO'}")
    if XLSXWRITER in runs[0]:
        versus = [run[XLSXWRITER][1] / run["ledger XLSX"][1] for run in runs]
        ok = pystats.median(versus) >= TARGET_XLSXWRITER
        lines.append(f"{'XlsxWriter / ledger XLSX':<30}{_ratio_text(versus):>26}  target ≥ {TARGET_XLSXWRITER:g}×  "
                     f"{'yes' if ok else 'NO'}")
    else:
        lines.append("XlsxWriter / ledger XLSX: skipped, XlsxWriter is not installed (it is the baseline of this "
                     "target; pip install XlsxWriter)")
    return lines


def run_database(label: str, url: str, n_findings: int, repeat: int, rounds: int = 1) -> list[str]:
    """Build, fill and measure one database; return the printed lines."""
    from sqlalchemy.exc import OperationalError

    from inspection.extensions import db

    try:
        app = make_app(url)
    except OperationalError as exc:
        return [f"{label}: skipped ({type(exc).__name__}: cannot reach the database)"]
    lines = []
    with app.app_context():
        start = time.perf_counter()
        info = generate(db, n_findings)
        load_s = time.perf_counter() - start
        analyze(db)
        lines.append(f"== {label}: {n_findings:,} findings, {info['visits']:,} visits, loaded in {load_s:.1f} s; "
                     f"load average {_load()} on {os.cpu_count()} CPUs ==")
        lines.append(f"{'statistics query (median ms)':<30}{'scope':<10}{'ours':>9}{'bare SQL':>10}"
                     f"{'ratio (min–max)':>24}  target ≤ {TARGET_RATIO:g}×")
        for scope, campaign_id in (("all time", None), ("campaign", 5)):
            for name, ours, bare, ratios in time_statistics(db, campaign_id, repeat):
                ratio = pystats.median(ratios)
                verdict = ("yes" if ratio <= TARGET_RATIO else "NO") if name.startswith("statistics()") else ""
                lines.append(f"{name:<30}{scope:<10}{ours:>9.2f}{bare:>10.2f}{_ratio_text(ratios):>24}  {verdict}")
            db.session.rollback()
        time_export(db)  # warm-up round, discarded
        runs = [time_export(db) for _ in range(max(1, rounds))]
        lines.append(f"export (all findings): after one warm-up round, median of {len(runs)} paired rounds")
        lines += export_lines(runs)
        lines.append(f"load average after: {_load()}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines.append(f"peak resident memory of the process: {peak:.0f} MB")
        db.session.remove()
        db.engine.dispose()
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table; return 0 when every target is met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    output = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="stats-bench-") as tmp:
            output += run_database("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.findings, args.repeat,
                                   args.rounds)
    if args.db in ("postgresql", "both"):
        output += run_database("PostgreSQL", _url(os.environ.get("BENCH_PG_URL", DEFAULT_PG)), args.findings,
                               args.repeat, args.rounds)
    print("\n".join(output))
    return 0 if not any(line.endswith("NO") for line in output) else 1


if __name__ == "__main__":
    sys.exit(main())
