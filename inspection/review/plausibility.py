"""Plausibility of a finding's evidence, flagged at the review desk (never refused: a reviewer judges).

Three checks, each a plain function of the records: a photo taken outside its visit (± a configured
window, PHOTO_TIME_WINDOW_MINUTES), a photo or the visit located far from the unit (farther than
PHOTO_DISTANCE_METERS from the unit's coordinates, when the unit has them), and a visit outside its
campaign's period (the campaign's dates in China Standard Time).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core.dates import CST, datetime_cn

EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Flag:
    """One doubt about the evidence: a stable code, the Chinese text, and the photo it is about (if any)."""

    code: str
    message: str
    sha256: str | None = None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _distance_text(metres: float) -> str:
    """Say a distance the way a reviewer reads it."""
    return f"{metres / 1000:.1f} 公里" if metres >= 1000 else f"{round(metres)} 米"


def _day(moment: datetime) -> str:
    """A date in China Standard Time as 12月1日."""
    local = moment.astimezone(CST)
    return f"{local.month}月{local.day}日"


def photo_time_flags(visit, photos, *, window_minutes: int) -> list[Flag]:
    """Flag photos whose EXIF capture time lies outside the visit, widened by the window on both sides."""
    if visit is None or visit.started_at is None:
        return []
    window = timedelta(minutes=window_minutes)
    start, end = visit.started_at - window, (visit.ended_at or visit.started_at) + window
    flags = []
    for photo in photos:
        taken = photo.exif_taken_at
        if taken is not None and not start <= taken <= end:
            span = datetime_cn(visit.started_at) + (f"至{datetime_cn(visit.ended_at)}" if visit.ended_at else "")
            flags.append(Flag("photo_time", f"照片拍摄时间 {datetime_cn(taken)} 不在到访时间（{span}）前后"
                                            f"{window_minutes}分钟内", photo.sha256))
    return flags


def location_flags(unit, visit, photos, *, max_metres: int) -> list[Flag]:
    """Flag photos (and the visit's own position) farther from the unit than `max_metres`."""
    if unit is None or unit.latitude is None or unit.longitude is None:
        return []
    flags = []
    if visit is not None and visit.lat is not None and visit.lon is not None:
        far = distance_m(unit.latitude, unit.longitude, visit.lat, visit.lon)
        if far > max_metres:
            flags.append(Flag("visit_location", f"到访定位距{unit.name}约 {_distance_text(far)}"))
    for photo in photos:
        if photo.gps_lat is None or photo.gps_lon is None:
            continue
        far = distance_m(unit.latitude, unit.longitude, photo.gps_lat, photo.gps_lon)
        if far > max_metres:
            flags.append(Flag("photo_location", f"照片拍摄位置距{unit.name}约 {_distance_text(far)}", photo.sha256))
    return flags


def campaign_period_flags(visit, campaign) -> list[Flag]:
    """Flag a visit that began outside its campaign's period (dates in China Standard Time)."""
    if visit is None or campaign is None or visit.started_at is None:
        return []
    day = visit.started_at.astimezone(CST).date()
    if campaign.start_date <= day <= campaign.end_date:
        return []
    period = f"{campaign.start_date.month}月{campaign.start_date.day}日至{campaign.end_date.month}月{campaign.end_date.day}日"
    return [Flag("visit_outside_campaign", f"到访日期 {_day(visit.started_at)} 不在专项行动期间（{period}）内")]


def finding_flags(finding, *, window_minutes: int, max_metres: int) -> list[Flag]:
    """All plausibility flags of a finding's visit and stored photos (recordings have no EXIF to check)."""
    visit = finding.visit
    photos = [ref.photo for ref in finding.photos if ref.photo is not None and not ref.photo.is_media]
    return (campaign_period_flags(visit, finding.campaign)
            + photo_time_flags(visit, photos, window_minutes=window_minutes)
            + location_flags(finding.unit, visit, photos, max_metres=max_metres))
