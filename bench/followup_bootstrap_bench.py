"""Benchmark the 回头看 bootstrap: an inspector with 30 follow-up targets of 10 problems each, against the
bootstrap of an ordinary campaign with the same 30 targets, on SQLite and PostgreSQL.

For each database: build the schema with the real migrations, then a county as the demo has it: 30 units,
the default 34-item checklist, a source campaign whose team recorded 10 confirmed findings at each unit
(one photo each), an issued circular with their 300 rectification items (measures, progress, and two pieces
of evidence each: a photo and a scanned PDF; a third of them closed), an ordinary active campaign with
inspector A's team at the 30 units, and a follow-up (回头看) campaign with inspector B's team at the same 30
units, each target listing its 10 problems; the planner's statistics gathered (ANALYZE), as on a live
database. Photo rows exist (so thumbnails are listed) but no bytes are
served: photos excluded, as the target says. Then `GET /api/v1/bootstrap` for each inspector in turn
through the Flask test client with a bearer token (what a phone's request costs the server: queries,
dumping, JSON), one warm-up each, then `--repeat` paired rounds; the time ratio is the median of the paired
ratios (min–max shown). The size ratio is of the JSON bodies as sent, and of the same gzip-compressed (what
a phone downloads from a server that compresses). Target: both ratios ≤ 2×.

PostgreSQL: BENCH_PG_URL, default postgresql://postgres@127.0.0.1:55433/h_review (its public schema is
dropped and recreated); skipped when it cannot be reached. Options: --db sqlite|postgresql|both, --repeat N,
--targets N, --problems N. Run standalone (`python bench/followup_bootstrap_bench.py`), as a module
(`python -m bench.followup_bootstrap_bench`) or through the `python -m bench` runner.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bench.databases import each_database  # noqa: E402
from bench.stats_bench import _load, _ratio_text, analyze, make_app  # noqa: E402

TARGET = 2.0
PROBLEM = ("{unit}：11月{day}日9:{minute:02d}，暗访组发现该局综合股干部王某某不在岗，无请假手续，"
           "签到册显示当日应到12人、实到9人，其中2人由他人代签")
MEASURES = "一是立即对相关人员进行批评教育并责令写出书面检查；二是修订考勤管理制度，实行每日两次签到并由分管领导审核签字"
PROGRESS = "已完成整改，考勤制度已于12月10日印发并在大厅公示，相关人员已作出书面检查"


def _sha(*parts) -> str:
    """A stable fake SHA-256 for a bench photo."""
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def build(db, n_targets: int, n_problems: int) -> tuple[str, str]:
    """Insert the county (see the module docstring); return the bearer tokens of inspectors A and B."""
    from inspection.auth.services import create_user, issue_token
    from inspection.campaigns.models import Campaign, Target, Team
    from inspection.checklists.defaults import DEFAULT_ITEMS, DEFAULT_NAME
    from inspection.checklists.models import Checklist, ChecklistItem
    from inspection.circulars.models import Circular, IssuingOrgan
    from inspection.findings.models import Finding, FindingPhoto
    from inspection.followup.models import FollowupPlan, FollowupProblem
    from inspection.photos.models import Photo
    from inspection.rectification.models import RectificationEvidence, RectificationItem
    from inspection.units.models import Unit
    from inspection.visits.models import Visit

    session = db.session
    users = [create_user(name, "bench-pass-2026", "inspector", check_strength=False)
             for name in ("bench-source", "bench-ordinary", "bench-followup")]
    units = [Unit(name=f"示例县第{i + 1}局", short_name=f"第{i + 1}局", kind="department") for i in range(n_targets)]
    checklist = Checklist(name=DEFAULT_NAME, version=1, is_current=True)
    checklist.items = [ChecklistItem(code=code, category=category, text=text_, guidance=guidance,
                                     photo_required=photo, position=position)
                       for position, (code, category, text_, guidance, photo) in enumerate(DEFAULT_ITEMS, start=1)]
    session.add_all([*units, checklist])
    session.flush()
    campaigns, teams = [], []
    for title, status, kind, user in (("2026年第三批纪律作风明察暗访", "closed", "ordinary", users[0]),
                                      ("2027年第一批纪律作风明察暗访", "active", "ordinary", users[1]),
                                      ("2027年第一批整改落实情况回头看", "active", "followup", users[2])):
        campaign = Campaign(title=title, start_date=date(2026, 11, 1), end_date=date(2027, 1, 31), checklist=checklist,
                            status=status, kind=kind)
        team = Team(name=f"{title}第一组", leader=user, members=[user])
        campaign.teams.append(team)
        session.add(campaign)
        campaigns.append(campaign)
        teams.append(team)
    session.flush()
    start = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    targets = [[Target(campaign=c, unit=u, team=t, planned_start=start, planned_end=start + timedelta(hours=8))
                for u in units] for c, t in zip(campaigns, teams)]
    session.add_all([t for row in targets for t in row])
    session.flush()
    organ = IssuingOrgan(name="中共示例县纪委办公室", mark_text="中共示例县纪律检查委员会办公室", number_prefix="示纪办通",
                         signature="中共示例县纪委办公室", printer="中共示例县纪委办公室", active=True)
    session.add(organ)
    session.flush()
    circular = Circular(organ_id=organ.id, campaign_id=campaigns[0].id, title="关于明察暗访情况的通报", status="issued",
                        year=2026, number=1, doc_number="示纪办通〔2026〕1号", issued_at=start + timedelta(days=10))
    session.add(circular)
    session.flush()
    visits, findings, photos, links, items, evidence, problems = [], [], [], [], [], [], []
    item_id = 0
    for index, (source, unit) in enumerate(zip(targets[0], units)):
        visit_id = uuid.uuid4()
        visits.append({"id": visit_id, "target_id": source.id, "campaign_id": campaigns[0].id, "unit_id": unit.id,
                       "team_id": teams[0].id, "checklist_id": checklist.id, "created_by_id": users[0].id,
                       "started_at": start, "ended_at": start + timedelta(hours=1), "notes": "", "version": 1,
                       "field_versions": {}, "conflicts": {}, "created_at": start})
        for n in range(n_problems):
            finding_id, item_id = uuid.uuid4(), item_id + 1
            text_ = PROBLEM.format(unit=unit.short_name, day=20 + n % 9, minute=n * 5 % 60)
            findings.append({"id": finding_id, "visit_ref": visit_id, "visit_id": visit_id,
                             "campaign_id": campaigns[0].id, "unit_id": unit.id, "team_id": teams[0].id,
                             "category": "在岗在位", "description": text_, "occurred_at": start, "location": "三楼办公室",
                             "severity": "moderate", "status": "confirmed", "version": 1, "field_versions": {},
                             "in_conflict": False, "conflicts": {}, "original": {}, "review_note": "",
                             "created_by_id": users[0].id, "created_at": start, "updated_at": start})
            for kind, sha in (("finding", _sha("finding", finding_id)), ("evidence", _sha("evidence", finding_id))):
                photos.append({"sha256": sha, "mime": "image/jpeg", "size": 240_000, "width": 1600, "height": 1200,
                               "uploaded_by_id": users[0].id, "created_at": start})
            links.append({"finding_id": finding_id, "sha256": _sha("finding", finding_id), "caption": "签到册",
                          "position": 0})
            closed = n % 3 == 0
            items.append({"id": item_id, "circular_id": circular.id, "unit_id": unit.id, "finding_id": finding_id,
                          "position": index * n_problems + n + 1, "problem": text_, "category": "在岗在位",
                          "measures": MEASURES, "progress": PROGRESS, "start_date": date(2026, 12, 1),
                          "due_date": date(2026, 12, 16), "yellow_on": date(2026, 12, 8),
                          "status": "closed" if closed else "submitted", "reported": True,
                          "closed_at": start + timedelta(days=25) if closed else None, "version": 1})
            evidence += [{"item_id": item_id, "kind": "photo", "sha256": _sha("evidence", finding_id),
                          "filename": "整改公示照片.jpg", "size": 240_000},
                         {"item_id": item_id, "kind": "pdf", "sha256": _sha("pdf", finding_id),
                          "filename": "整改报告（盖章扫描件）.pdf", "size": 900_000}]
            problems.append({"campaign_id": campaigns[2].id, "target_id": targets[2][index].id, "item_id": item_id,
                             "finding_id": finding_id, "position": n + 1})
    for model, rows in ((Visit, visits), (Finding, findings), (Photo, photos), (FindingPhoto, links),
                        (RectificationItem, items), (RectificationEvidence, evidence), (FollowupProblem, problems)):
        session.execute(insert(model.__table__), rows)
    session.add(FollowupPlan(campaign_id=campaigns[2].id, scope="all", include_checklist=True, cross=True,
                             circulars=[circular]))
    tokens = [issue_token(user, "基准手机")[1] for user in users[1:]]
    session.commit()
    return tokens[0], tokens[1]


def _get(client, token: str) -> tuple[float, bytes]:
    """GET the bootstrap; return (ms, body)."""
    started = time.perf_counter()
    response = client.get("/api/v1/bootstrap", headers={"Authorization": f"Bearer {token}"})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, response.get_data()


def run_database(label: str, url: str, *, repeat: int, n_targets: int, n_problems: int) -> list[list[str]]:
    """Build the county on one database and measure both bootstraps; return the table rows."""
    import statistics as pystats

    from inspection.extensions import db

    app = make_app(url)
    with app.app_context():
        ordinary_token, followup_token = build(db, n_targets, n_problems)
        analyze(db)
        db.session.remove()
    client = app.test_client()
    _get(client, ordinary_token), _get(client, followup_token)  # warm-up (and the tokens' last-used writes)
    pairs = []
    for _ in range(repeat):
        ordinary_ms, ordinary = _get(client, ordinary_token)
        followup_ms, followup = _get(client, followup_token)
        pairs.append((ordinary_ms, followup_ms))
    ratios = [f / o for o, f in pairs]
    size, zipped = len(followup) / len(ordinary), len(gzip.compress(followup)) / len(gzip.compress(ordinary))
    time_ratio = pystats.median(ratios)
    with app.app_context():
        db.engine.dispose()
    return [
        [label, "JSON bytes", f"{len(ordinary):,}", f"{len(followup):,}", f"{size:.2f}×", _ok(size)],
        [label, "gzip bytes", f"{len(gzip.compress(ordinary)):,}", f"{len(gzip.compress(followup)):,}",
         f"{zipped:.2f}×", _ok(zipped)],
        [label, "time (ms, median)", f"{pystats.median(o for o, _ in pairs):.1f}",
         f"{pystats.median(f for _, f in pairs):.1f}", _ratio_text(ratios), _ok(time_ratio)],
    ]


def _ok(ratio: float) -> str:
    """Say whether a ratio meets the target."""
    return "yes" if ratio <= TARGET else "NO"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 1 when a ratio misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--targets", type=int, default=30)
    parser.add_argument("--problems", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    rows, skipped = each_database(args.db, lambda label, url: run_database(
        label, url, repeat=args.repeat, n_targets=args.targets, n_problems=args.problems), prefix="followup-bench-")
    print(f"bootstrap: {args.targets} follow-up targets × {args.problems} problems vs an ordinary campaign with the "
          f"same {args.targets} targets (photos excluded); load average {_load()}")
    header = ["database", "measure", "ordinary", "follow-up", "ratio", f"≤ {TARGET:g}×"]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    for note in skipped:
        print(note)
    return 0 if not any(row[-1] == "NO" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
