"""整改情况通报: drafted from a follow-up's confirmed rechecks, edited and issued by the circulars machinery."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from inspection.circulars import drafters, issuing, services
from inspection.circulars.models import Circular, CircularFinding
from inspection.core.dates import today_cst
from inspection.extensions import db
from inspection.followup.report_circular import create_report_circular, default_title
from inspection.followup.report_drafting import (ReportFacts, RecheckFact, UnitFact, draft_report, overall_text,
                                                 problems_text, recheck_sentence, verdict_sentence)
from inspection.outcomes.models import Outcome
from inspection.pdf.typeset import SQUEEZABLE
from inspection.rectification.deadlines import ColourRule
from inspection.rectification.models import RectificationItem, RectificationReport
from inspection.rectification.numbers import RectificationFigures, Scope, figures, rectification_sentence

from ..circulars.helpers import make_organ, settings_for
from ..factories import make_finding, make_visit
from ..pdf import pdftools as pt
from ..pdf.pdftools import MM, needs_poppler
from ..test_layers import ROOT, imported_modules, module_name
from .fixtures import add_target, close_items, issued_circular, items_of, make_followup, make_recheck, set_status

LEFT, TOP, RIGHT, BOTTOM = 28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM
PITCH = 225 * MM / 22
NEW_DUE = date(2027, 2, 10)
CC = "县委办公室，县人大常委会办公室，县政府办公室，县政协办公室。"


@dataclass
class Scenario:
    """A follow-up of one circular (units 0, 1, 2) with a confirmed recheck of every verdict."""

    source: Circular
    campaign: object
    items: dict
    pending: object


def _reopen(item: RectificationItem, flag: str) -> None:
    """Apply the reopen rule as the review desk does: back to 待整改, flagged, a new due date."""
    item.status, item.flag, item.due_date, item.closed_at = "pending", flag, NEW_DUE, None
    db.session.flush()


def _confirm(recheck, decision: str, day: int = 16) -> None:
    """Mark a recheck confirmed by the reviewer on a day of January 2027, with what the review did to its item."""
    recheck.status, recheck.decision = "confirmed", decision
    recheck.reviewed_at = datetime(2027, 1, day, 2, 0, tzinfo=UTC)
    db.session.flush()


@pytest.fixture
def scenario(app, world) -> Scenario:
    source = issued_circular(app, world, units=list(world.units[:3]))
    source.cc = CC
    u0, u1, u2 = (items_of(source, unit) for unit in world.units[:3])
    close_items(u0 + u1[:1] + u2)
    set_status(u1[1], "submitted")
    campaign = make_followup(world, [source])
    targets = [add_target(campaign, unit) for unit in world.units[:3]]
    for problem in targets[0].problems:
        _confirm(make_recheck(problem, verdict="rectified", note="签到册记录完整，人员在岗"), "consolidated")
    paper = make_recheck(targets[1].problems[0], verdict="not_rectified",
                         note="综合股仍无人在岗，公示的考勤制度未执行")
    _confirm(paper, "reopened")
    _reopen(u1[0], "paper")
    _confirm(make_recheck(targets[1].problems[1], verdict="unverifiable", note="当日签到册被收走，无法核实"), "noted")
    relapse = make_recheck(targets[2].problems[0], verdict="relapsed", note="该车再次停放在小区内，仍无派车单")
    _confirm(relapse, "reopened")
    _reopen(u2[0], "relapse")
    pending = make_recheck(targets[0].problems[0], verdict="relapsed", note="尚未审核的复核")
    for decided_on, measure in ((date(2027, 1, 20), "criticism"), (date(2026, 12, 1), "reminder_talk")):
        db.session.add(Outcome(finding_id=u2[0].finding_id, person_name="钱某", post="驾驶员", cadre_level="other",
                               measure=measure, body="县纪委监委", decided_on=decided_on))
    db.session.commit()
    return Scenario(source=source, campaign=campaign, items={"u0": u0, "u1": u1, "u2": u2}, pending=pending)


def _draft(world, scenario, organ=None) -> Circular:
    """Draft the scenario's 整改情况通报 as the reviewer."""
    circular = create_report_circular(scenario.campaign, organ or scenario.source.organ, actor=world.users["reviewer"])
    db.session.commit()
    return circular


def _body(circular, key) -> str:
    return next(s.body for s in circular.sections if s.key == key)


def test_sections_name_the_units_with_the_facts_of_every_verdict(app, world, scenario):
    circular = _draft(world, scenario)
    u0, u1, u2 = world.units[:3]
    assert circular.source == "followup" and circular.campaign_id == scenario.campaign.id
    assert [(s.key, s.heading) for s in circular.sections] == [
        ("opening", ""), ("overall", "整改总体情况"), ("good", "整改成效较好的单位"), ("problems", "存在的问题"),
        ("handling", "处理意见"), ("requirements", "工作要求")]
    assert [r.unit_id for r in circular.recipients] == [u0.id, u1.id, u2.id]
    assert circular.cc == CC and not circular.items

    opening = _body(circular, "opening")
    for expected in (f"《{scenario.source.title}》（{scenario.source.doc_number}）", "2027年1月11日", "组成1个暗访组",
                     "交叉回访", "对3个单位5个问题的整改情况开展了“回头看”"):
        assert expected in opening, expected

    overall = _body(circular, "overall")
    fig = figures(Scope(circular_id=scenario.source.id), ColourRule(today=today_cst()))
    assert (fig.total, fig.closed) == (5, 2)
    assert rectification_sentence(fig) in overall and "通报的5个问题已整改销号2个、整改率40%" in overall
    assert ("共复核问题5个，经审核确认，已整改2个、占40%，未整改1个、占20%，反弹1个、占20%，无法核实1个、占20%"
            in overall)  # the unreviewed sixth recheck is not counted
    assert "2个已销号的问题因纸上整改或问题反弹被重新交办" in overall and "2个已销号的问题经复核巩固" in overall

    good = _body(circular, "good")
    assert u0.name in good and u1.name not in good and u2.name not in good

    problems = _body(circular, "problems")
    paper_part, relapse_part = problems.split("（二）问题反弹")
    assert paper_part.startswith("（一）纸上整改、整改不实\n1." + u1.name)
    paper_item = scenario.items["u1"][0]
    for expected in (f"{scenario.source.doc_number}通报的“{paper_item.problem.rstrip('。')}”问题",
                     "单位报称“已制定考勤制度并公示”，并已销号", "1月11日，暗访组回访发现，综合股仍无人在岗，公示的考勤制度未执行。",
                     "该问题已重新交办，完成时限为2027年2月10日。"):
        assert expected in paper_part, expected
    assert relapse_part.startswith("\n1." + u2.name) and "该车再次停放在小区内，仍无派车单" in relapse_part
    assert u0.name not in problems and "无法核实" not in problems and "尚未审核" not in problems

    handling = _body(circular, "handling")
    assert f"县纪委监委于1月20日对{u2.name}驾驶员钱某予以批评教育。" in handling
    assert "提醒谈话" not in handling  # decided before the follow-up began: the original finding's handling
    assert "限期重新整改" in _body(circular, "requirements")


def test_the_draft_page_warns_of_rechecks_still_awaiting_review(app, world, scenario, client, auth):
    circular = _draft(world, scenario)
    auth.login("reviewer")
    page = client.get(f"/circulars/{circular.id}").get_data(as_text=True)
    assert "该回头看还有1条复核记录待审核，未计入本通报" in page
    assert "整改总体情况" in page and "选择纳入的问题" not in page
    _confirm(scenario.pending, "noted")
    db.session.commit()
    assert "待审核" not in client.get(f"/circulars/{circular.id}").get_data(as_text=True).split("<section")[0]


def test_regenerate_redrafts_through_the_registered_drafter_and_keeps_edits(app, world, scenario):
    circular = _draft(world, scenario)
    reviewer = world.users["reviewer"]
    problems = next(s for s in circular.sections if s.key == "problems")
    services.save_section(problems, heading=problems.heading, body=problems.body + "\n（审核人补充的一段）",
                          included=True, actor=reviewer)
    _confirm(scenario.pending, "reopened", day=18)  # a later 反弹 of an item confirmed 已整改 on the 16th
    _reopen(scenario.items["u0"][0], "relapse")
    db.session.commit()
    report = services.regenerate(circular, actor=reviewer)
    assert "overall" in report.updated and "good" in report.updated and report.conflicts == ["problems"]
    assert world.units[0].name not in _body(circular, "good")
    overall = _body(circular, "overall")  # each item counted once, by its latest confirmed recheck
    assert "整改率20%" in overall and "共复核问题5个，经审核确认，已整改1个、占20%，未整改1个、占20%，反弹2个、占40%" in overall
    assert world.units[0].name in problems.pending and "（审核人补充的一段）" in problems.body
    services.resolve_section(problems, accept=True, actor=reviewer)
    assert problems.body == problems.generated and world.units[0].name in problems.body


def test_issuing_numbers_copies_freezes_and_makes_no_rectification_items(app, world, scenario):
    circular = _draft(world, scenario)
    items_before = db.session.scalar(select(func.count(RectificationItem.id)))
    reports_before = db.session.scalar(select(func.count(RectificationReport.id)))
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    assert circular.is_issued and circular.number == 2 and circular.doc_number == f"示纪办通〔{circular.year}〕2号"
    assert [(c.copy_number, c.unit_id) for c in circular.copies] == [
        ("000001", world.units[0].id), ("000002", world.units[1].id), ("000003", world.units[2].id)]
    store = settings_for(app).store_dir
    assert hashlib.sha256((store / circular.pdf_path).read_bytes()).hexdigest() == circular.pdf_sha256
    for copy in circular.copies:
        assert hashlib.sha256((store / copy.pdf_path).read_bytes()).hexdigest() == copy.pdf_sha256
    assert db.session.scalar(select(func.count(RectificationItem.id))) == items_before
    assert db.session.scalar(select(func.count(RectificationReport.id))) == reports_before
    copy = next(c for c in circular.copies if c.unit_id == world.units[0].id)
    assert issuing.receive(copy, actor=world.users["liaison1"]) is True and copy.received_at is not None
    with pytest.raises(services.CircularError):
        services.regenerate(circular, actor=world.users["reviewer"])


def test_issuing_a_followup_circular_skips_the_rectification_hook(app, world, scenario):
    circular = _draft(world, scenario)
    visit = make_visit(world.targets[0], world.users["inspector1"])
    extra = make_finding(visit, world.users["inspector1"], status="confirmed", description="新发现的问题")
    circular.items.append(CircularFinding(finding=extra, included=True, position=0))  # as a revision might carry
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    assert db.session.scalar(select(RectificationItem).where(RectificationItem.finding_id == extra.id)) is None
    assert db.session.scalar(select(RectificationReport).where(RectificationReport.circular_id == circular.id)) is None


def test_only_a_followup_of_issued_circulars_gets_a_report_circular(app, world):
    organ = make_organ()
    with pytest.raises(services.CircularError, match="只能为回头看批次"):
        create_report_circular(world.campaign, organ, actor=world.users["reviewer"])
    empty = make_followup(world, [])
    with pytest.raises(services.CircularError, match="没有已印发的通报"):
        create_report_circular(empty, organ, actor=world.users["reviewer"])
    orphan = Circular(organ=organ, title="无来源", source="nobody", status="draft")
    assert drafters.drafter_for("nobody") is None
    with pytest.raises(services.CircularError, match="无法起草"):
        services.regenerate(orphan, actor=world.users["reviewer"])
    with pytest.raises(ValueError):
        drafters.register("campaign", drafters.drafter_for("followup"))


def test_reviewer_drafts_from_the_page_and_others_are_refused(app, world, scenario, client, auth):
    organ = scenario.source.organ
    auth.login("reviewer")
    page = client.get("/followup/report-circulars").get_data(as_text=True)
    assert scenario.campaign.title in page and "起草整改情况通报" in page and "还有1条复核记录未审核" in page
    response = client.post(f"/followup/{scenario.campaign.id}/report-circular", data={"organ_id": organ.id})
    assert response.status_code == 303
    circular = db.session.scalar(select(Circular).where(Circular.source == "followup"))
    assert response.headers["Location"].endswith(f"/circulars/{circular.id}")
    assert circular.title == default_title([scenario.source]) == "关于2026年第三批纪律作风明察暗访发现问题整改情况的通报"
    listing = client.get("/circulars/").get_data(as_text=True)
    assert '<span class="badge">整改情况通报</span>' in listing and "/followup/report-circulars" in listing
    assert client.post(f"/followup/{world.campaign.id}/report-circular",
                       data={"organ_id": organ.id}).status_code == 404  # an ordinary campaign
    auth.logout()
    auth.login("coordinator")
    assert client.post(f"/followup/{scenario.campaign.id}/report-circular",
                       data={"organ_id": organ.id}).status_code == 404


def test_other_pages_get_a_link_from_the_button_include(app, scenario):
    with app.test_request_context():
        html = render_template_string('{% include "followup/_report_button.html" %}', campaign=scenario.campaign)
    assert f"/followup/report-circulars#campaign-{scenario.campaign.id}" in html and "<form" not in html


def test_circulars_reach_the_followup_drafter_only_through_the_registry():
    reaching = {}
    for path in sorted((ROOT / "circulars").rglob("*.py")):
        found = imported_modules(path.read_text(encoding="utf-8"), module_name(path),
                                 is_package=path.name == "__init__.py")
        if bad := sorted(m for m in found if m == "inspection.followup" or m.startswith("inspection.followup.")):
            reaching[path.name] = bad
    assert reaching == {}
    assert drafters.drafter_for("followup") is not None  # registered when followup.report_circular is imported


def _facts(rechecks, units=()) -> ReportFacts:
    """Plain facts with the given confirmed rechecks."""
    return ReportFacts(sources=[], start=None, end=None, team_count=0, cross=False, units_checked=["甲单位"],
                       problems_checked=len(rechecks), figures=RectificationFigures(as_of=date(2027, 1, 20)),
                       rechecks=list(rechecks), units=list(units))


def test_plain_drafting_rounds_each_share_half_up_and_says_when_nothing_is_named():
    three = [RecheckFact(unit="甲单位", verdict=v, checked_on=None, note="", problem="某问题")
             for v in ("rectified", "not_rectified", "unverifiable")]
    assert verdict_sentence(three).endswith("已整改1个、占33.3%，未整改1个、占33.3%，无法核实1个、占33.3%。")
    eight = [RecheckFact(unit="甲单位", verdict="rectified", checked_on=None, note="", problem="某问题")] * 7 + \
            [RecheckFact(unit="甲单位", verdict="relapsed", checked_on=None, note="", problem="某问题")]
    assert "反弹1个、占12.5%" in verdict_sentence(eight)
    assert verdict_sentence([]) == "此次“回头看”的复核结果尚在审核中。"
    assert problems_text(_facts(three[:1])) == "此次“回头看”未发现纸上整改、问题反弹的情况。"
    assert overall_text(_facts([])).startswith("通报问题尚未生成整改事项。")
    sections = draft_report(_facts(three[:1], [UnitFact(name="甲单位", items=1, closed=1, verdicts=["rectified"])]))
    good = next(s.text for s in sections if s.key == "good")
    assert good.startswith("甲单位高度重视整改工作")
    handling = next(s.text for s in sections if s.key == "handling")
    assert handling == "此次“回头看”未发现需要追究责任的问题。"


@needs_poppler
def test_the_issued_pdf_passes_the_circular_geometry_and_font_checks(app, world, scenario, tmp_path):
    circular = _draft(world, scenario)
    issuing.issue(circular, actor=world.users["reviewer"], settings=settings_for(app))
    db.session.commit()
    copy = circular.copies[0]
    path = pt.write(tmp_path, (settings_for(app).store_dir / copy.pdf_path).read_bytes())
    rows = pt.fonts(path)
    assert rows and all(row["emb"] == "yes" and row["type"] == "TrueType" for row in rows)
    families = {row["name"].split("+", 1)[-1] for row in rows}
    for role in ("fangsong", "xiaobiaosong", "heiti", "kaiti"):  # body, title, 一、 headings, （一） headings
        assert any(name.startswith(f"Inspection-{role}-") for name in families), (role, sorted(families))
    words = pt.words(path)
    first = [w for w in words if w.page == 1]
    number = next(w for w in first if w.text == copy.copy_number)
    assert abs(number.x0 - LEFT) <= 1 * MM and abs(number.y0 - TOP) <= 1 * MM
    mark = next(w for w in first if "纪律检查委员会" in w.text and w.y0 < 100 * MM)
    assert abs((mark.x0 + mark.x1) / 2 - (LEFT + RIGHT) / 2) <= 1 * MM
    recipients = next(w for w in first if w.text.startswith(world.units[0].name))
    assert abs(recipients.x0 - LEFT) <= 1 * MM
    body = pt.lines([w for w in first if recipients.y0 <= w.y0 < BOTTOM])
    for row in body:  # every body line on the page grid from the text block's top edge, inside the margins
        offset = (row[0].y0 - TOP) / PITCH
        hang = 156 * MM / 28 if row[-1].text[-1] in SQUEEZABLE else 0  # a squeezed closing mark's box runs on
        assert abs(offset - round(offset)) < 0.1 and row[0].x0 >= LEFT - 1 and row[-1].x1 <= RIGHT + hang + 1
    full = [row for row in body[1:] if abs(row[0].x0 - LEFT) <= 1 * MM and abs(row[-1].x1 - RIGHT) <= 1 * MM]
    assert full and all(len("".join(w.text for w in row)) == 28 for row in full if not re.search(r"\d", "".join(
        w.text for w in row)))  # digits are set half-width, so only all-CJK lines count 28
    count = pt.page_count(path)
    for page in range(1, count + 1):
        footer = [w for w in words if w.page == page and BOTTOM + 3 * MM < w.y0 < BOTTOM + 12 * MM]
        row = pt.lines(footer)[0]
        assert "".join(w.text for w in row) == f"—{page}—"
        if page % 2:
            assert abs(row[-1].x1 - (RIGHT - 14)) <= 1 * MM
        else:
            assert abs(row[0].x0 - (LEFT + 14)) <= 1 * MM
    last = [w for w in words if w.page == count]
    assert any(w.text.startswith("抄送：") for w in last) and any(w.text.endswith("印发") for w in last)
    text = "".join(w.text for w in words)
    assert "整改成效较好的单位" in text and world.units[1].name in text and "草稿" not in text
    png = pt.render(path, tmp_path, dpi=60, first=1, last=1)
    assert png and png[0].stat().st_size > 10_000


def test_quotes_inside_a_quoted_problem_become_single_quotes():
    fact = RecheckFact(unit="甲单位", verdict="relapsed", checked_on=date(2027, 1, 12), note="2人不在岗",
                       problem="1名工作人员不在岗，电话联系称“在外开会”。", doc_number="示纪办通〔2026〕1号",
                       claimed="已对“空岗”问题进行通报", decision="noted")
    text = recheck_sentence(fact)
    assert "“1名工作人员不在岗，电话联系称‘在外开会’”问题" in text
    assert "单位报称“已对‘空岗’问题进行通报”" in text
