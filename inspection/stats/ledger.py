"""The findings ledger (台账): one row per finding, streamed from the database.

`ledger_rows` reads the findings in time order a page at a time (keyset pagination on occurred_at and id,
findings without a time first): each page is a short query that an index answers in order, memory stays
flat, and rows are fetched by the driver in C (a PostgreSQL server-side cursor cost 8 µs a row in
psycopg alone). Each finding comes with its persons and photos as one JSON array each, built by a
correlated json_group_array / json_agg: the database escapes every string, so no text a phone sends can
shift a column (an earlier version joined them with U+001E/U+001F and split them again, and one name
holding U+001E made every ledger answer 500). Each item carries its position, so the order is restored
in Python whatever order the database aggregated them in.
Names (campaigns, units, teams, items, reviewers) come from small tables read once. Ids and times are read as the driver returns
them (core/rawsql.py): converting every value through SQLAlchemy's Uuid and DateTime types
cost a third of the export's time, and the ledger only prints them. Memory stays flat however many rows.
`write_ledger_xlsx` and `csv_chunks` turn the rows into an XLSX workbook (title and secrecy notice above
the header, a statistics sheet, 照片数 and 音视频数 counted apart, 照片链接 as hyperlinks into the app, which still checks who may see each
photo) or a UTF-8 CSV with BOM that is a plain table: its first line is the header row, as every CSV
reader expects. Text is passed through `clean_text` on the way out (rows stored before input was
checked may hold control characters that XML, Excel and browsers refuse).
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import IO, Callable, Iterator

from sqlalchemy import func, select, tuple_

from ..auth.models import User
from ..campaigns.models import Campaign, Team
from ..checklists.models import ChecklistItem
from ..core.csvstream import csv_chunks as stream_csv
from ..core.rawsql import raw, raw_moment, raw_uuid, raw_uuid_text
from ..core.dates import CST
from ..extensions import db
from ..findings.models import CADRE_LEVELS, FINDING_STATUSES, SEVERITIES, Finding, FindingPhoto, InvolvedPerson
from ..photos.models import Photo
from ..units.models import Unit
from .filters import FindingFilter, finding_conditions
from .queries import Share, Statistics
from .xlsx import Column, Link, Sheet, clean_text, write_workbook

NOTICE = "内部资料 注意保密 · 未经审核批准不得外传、转发或公开"
BATCH = 2000  # rows per page
LEVEL_ORDER = {level: i for i, level in enumerate(CADRE_LEVELS)}

COLUMNS = [
    Column("序号", 6, "int"), Column("专项行动", 24, "wrap"), Column("被检查单位", 20, "wrap"),
    Column("暗访组", 12), Column("发现时间", 17, "datetime"), Column("地点", 16, "wrap"),
    Column("问题类别", 14), Column("检查事项", 28, "wrap"), Column("问题描述", 48, "wrap"),
    Column("涉及人员", 28, "wrap"), Column("干部层级", 16, "wrap"), Column("严重程度", 9), Column("状态", 9),
    Column("审核人", 10), Column("审核时间", 17, "datetime"), Column("审核意见", 24, "wrap"),
    Column("照片数", 7, "int"), Column("音视频数", 8, "int"), Column("照片链接", 40, "link"), Column("问题编号", 38),
]


def _json_rows(*columns, finding_column):
    """Select a finding's detail rows as one JSON array of arrays (escaped by the database, so any text is safe)."""
    if db.engine.dialect.name == "postgresql":
        rows = func.json_agg(func.json_build_array(*columns))
    else:
        rows = func.json_group_array(func.json_array(*columns))
    return select(rows).where(finding_column == Finding.id).scalar_subquery()


def ledger_query(flt: FindingFilter):
    """Select the ledger's columns of the filtered findings, persons and photos as JSON, in time order."""
    persons = _json_rows(InvolvedPerson.position, InvolvedPerson.name, InvolvedPerson.post, InvolvedPerson.cadre_level,
                         finding_column=InvolvedPerson.finding_id)
    mime = select(Photo.mime).where(Photo.sha256 == FindingPhoto.sha256).scalar_subquery()  # None until it arrives
    photos = _json_rows(FindingPhoto.position, FindingPhoto.sha256, mime, finding_column=FindingPhoto.finding_id)
    return (select(raw(Finding.id), Finding.campaign_id, Finding.unit_id, Finding.team_id, raw(Finding.occurred_at),
                   Finding.location, Finding.category, Finding.item_id, Finding.description, Finding.severity,
                   Finding.status, Finding.reviewed_by_id, raw(Finding.reviewed_at), Finding.review_note,
                   persons, photos)
            .where(*finding_conditions(flt)))


def _unfold(value) -> list[list]:
    """Return the detail rows of a JSON array of [position, ...] arrays, in position order, without the position."""
    if not value or value == "[]":
        return []
    rows = json.loads(value) if isinstance(value, str) else value  # psycopg decodes json itself
    if len(rows) > 1:
        rows.sort(key=lambda row: row[0])
    return [row[1:] for row in rows]


def _labels() -> tuple[dict, ...]:
    """Load the names rows refer to (campaigns, units, teams, items, reviewers): small tables, read once."""
    def names(query):
        return {key: clean_text(name) for key, name in db.session.execute(query).all()}

    reviewer = func.coalesce(func.nullif(User.display_name, ""), User.username)
    return (names(select(Campaign.id, Campaign.title)), names(select(Unit.id, Unit.name)),
            names(select(Team.id, Team.name)),
            names(select(ChecklistItem.id, ChecklistItem.code + " " + ChecklistItem.text)),
            names(select(User.id, reviewer).where(User.id.in_(select(Finding.reviewed_by_id).distinct()))))


def _persons_text(people) -> tuple[str, str]:
    """Write persons as "张某（科员，一般干部）；…" and their distinct levels in rank order."""
    text = "；".join(f"{name}（{post + '，' if post else ''}{CADRE_LEVELS.get(level, level)}）"
                    for name, post, level in people)
    levels = sorted({level for _, _, level in people}, key=lambda lvl: LEVEL_ORDER.get(lvl, 99))
    return clean_text(text), clean_text("、".join(CADRE_LEVELS.get(level, level) for level in levels))


def _pages(flt: FindingFilter, batch: int) -> Iterator[list]:
    """Yield the filtered findings in ledger order, one page (a short keyset query) at a time."""
    query = ledger_query(flt)
    undated = query.where(Finding.occurred_at.is_(None)).order_by(Finding.id).limit(batch)
    dated = query.where(Finding.occurred_at.is_not(None)).order_by(Finding.occurred_at, Finding.id).limit(batch)
    after = None
    while rows := db.session.execute(undated if after is None else undated.where(Finding.id > after)).all():
        yield rows
        after = raw_uuid(rows[-1][0])
    after = None
    while rows := db.session.execute(dated if after is None else dated.where(
            tuple_(Finding.occurred_at, Finding.id) > tuple_(*after))).all():
        yield rows
        after = (raw_moment(rows[-1][4]), raw_uuid(rows[-1][0]))


def ledger_rows(flt: FindingFilter, *, photo_url: Callable[[str], str], batch: int = BATCH) -> Iterator[list]:
    """Yield one plain row per filtered finding, in the order of COLUMNS (times stay aware UTC)."""
    campaigns, units, teams, items, reviewers = _labels()
    number = 0
    for page in _pages(flt, batch):
        for (fid, campaign, unit, team, occurred, location, category, item, description, severity, status,
             reviewer, reviewed_at, note, persons, photos) in page:
            number += 1
            people_text, levels = _persons_text(_unfold(persons))
            media = _unfold(photos)
            recordings = sum(1 for _, mime in media if _is_recording(mime))
            shas = [sha for sha, _ in media]
            yield [number, campaigns.get(campaign), units.get(unit), teams.get(team), raw_moment(occurred),
                   clean_text(location), clean_text(category), items.get(item, ""), clean_text(description),
                   people_text, levels, clean_text(SEVERITIES.get(severity, severity)),
                   clean_text(FINDING_STATUSES.get(status, status)),
                   reviewers.get(reviewer), raw_moment(reviewed_at), clean_text(note), len(shas) - recordings,
                   recordings, "\n".join(photo_url(sha) for sha in shas), raw_uuid_text(fid)]


def _is_recording(mime: str | None) -> bool:
    """Tell whether a stored file is a video or a sound recording (one not yet arrived counts as a photo)."""
    return bool(mime) and mime.startswith(("video/", "audio/"))


def _share_rows(section: str, rows: list[Share], unit: str) -> list[list]:
    return [[section, r.full_label or r.label, r.count, unit, r.tenths / 1000] for r in rows]


def statistics_sheet(stats: Statistics, paragraph: str, scope_text: str) -> Sheet:
    """Lay out the statistics (the same figures as the page and the API) as the workbook's second sheet."""
    rows = [["总体", "暗访检查单位", stats.units_visited, "个", None],
            ["总体", "存在问题的单位", stats.units_with_problems, "个",
             stats.units_with_problems_tenths / 1000 if stats.units_visited else None],
            ["总体", "已确认问题", stats.total, "个", None],
            ["总体", "涉及人员", stats.persons_total, "人", None]]
    rows += _share_rows("按单位", stats.by_unit, "个") + _share_rows("按问题类别", stats.by_category, "个")
    rows += _share_rows("按检查事项", stats.by_item, "个") + _share_rows("按干部层级", stats.by_cadre_level, "人")
    rows += _share_rows("按暗访组", stats.by_team, "个")
    rows += [["各批次趋势", p.title, p.findings, "个", None] for p in stats.trend]
    rows.append(["统计表述", paragraph, None, None, None])
    columns = [Column("项目", 12), Column("名称", 60, "wrap"), Column("数量", 8, "int"), Column("单位", 6),
               Column("占比", 9, "percent")]
    return Sheet("统计", columns, rows, autofilter=False,
                 notices=["问题统计", NOTICE, f"统计口径：{scope_text}中已确认的问题；各项占比分别四舍五入保留一位小数，合计可能不等于100%"],
                 header_text="内部资料 注意保密", footer_text="未经审核批准不得外传")


PHOTOS, FINDING_ID = 18, 19  # positions of 照片链接 and 问题编号 in COLUMNS


def _linked(rows: Iterator[list], finding_url: Callable[[str], str] | None) -> Iterator[list]:
    """Make each row's 照片链接 a hyperlink: to the photo when there is one, else to the finding's page."""
    for row in rows:
        urls = row[PHOTOS]
        if urls:
            several = "\n" in urls
            target = finding_url(row[FINDING_ID]) if several and finding_url else urls.split("\n", 1)[0]
            row[PHOTOS] = Link(urls, target)
        yield row


def write_ledger_xlsx(target: IO[bytes], rows: Iterator[list], stats_sheet: Sheet, *, title: str,
                      finding_url: Callable[[str], str] | None = None) -> int:
    """Write the ledger workbook (findings sheet, then statistics sheet); return the number of findings.

    照片链接 cells open the photo (one photo) or the finding's page, which shows all its photos (several).
    """
    ledger = Sheet("问题台账", COLUMNS, _linked(rows, finding_url), notices=[title, NOTICE],
                   header_text="内部资料 注意保密", footer_text="未经审核批准不得外传")
    return write_workbook(target, [ledger, stats_sheet], title=title)[0]


def _csv_value(value):
    """Format a value for CSV: times in China Standard Time; text that Excel would run as a formula is quoted."""
    if isinstance(value, datetime):
        return value.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def csv_chunks(rows: Iterator[list], *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """Yield the ledger as UTF-8 CSV with a BOM (so Excel opens it): the header row first, then one row a finding."""
    return stream_csv([c.header for c in COLUMNS], rows, lambda row: [_csv_value(v) for v in row],
                      rows_per_chunk=rows_per_chunk)
