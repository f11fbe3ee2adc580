"""The desktop navigation, filtered by role."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from ..auth.roles import ADMIN, COORDINATOR, INSPECTOR, LIAISON, REVIEWER, VIEWER

# (endpoint, label, roles) in display order; every feature is always registered, so an endpoint
# missing here is a mistake and fails loudly (url_for raises BuildError).
NAV = (
    ("campaigns.index", "专项行动", (ADMIN, COORDINATOR)),
    ("review.queue", "审核", (ADMIN, REVIEWER)),
    ("stats.index", "统计", (ADMIN, COORDINATOR, REVIEWER, VIEWER)),
    ("review.ledger", "台账", (ADMIN, REVIEWER)),
    ("circulars.index", "通报", (ADMIN, COORDINATOR, REVIEWER, VIEWER)),
    ("rectification.desk", "整改", (ADMIN, COORDINATOR, REVIEWER, VIEWER)),
    ("circulars.inbox", "收文", (LIAISON,)),
    ("rectification.mine", "整改", (LIAISON,)),
    ("field.index", "外勤", (INSPECTOR,)),
    ("units.index", "单位", (ADMIN, COORDINATOR)),
    ("checklists.index", "检查清单", (ADMIN, COORDINATOR)),
    ("rectification.calendar_page", "工作日历", (ADMIN,)),
    ("users.index", "用户", (ADMIN,)),
    ("audit.index", "审计日志", (ADMIN,)),
)


def nav_items() -> list[tuple[str, str, str]]:
    """Return (endpoint, label, url) for the links the current user may follow."""
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, roles in NAV:
        if current_user.role in roles:
            items.append((endpoint, label, url_for(endpoint)))
    return items


def nav_current(items: list[tuple[str, str, str]]) -> str | None:
    """Pick the one nav endpoint to mark as the current page (the ledger is not also 审核)."""
    here = request.endpoint or ""
    same = [endpoint for endpoint, _, _ in items if endpoint.split(".")[0] == here.split(".")[0]]
    for endpoint in same:
        if here == endpoint:
            return endpoint
    for endpoint in same:
        if here.startswith(endpoint):
            return endpoint
    return same[0] if same else None
