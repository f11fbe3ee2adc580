"""What people call an outcome's fields: the 处理意见 pages and the audit log use the same names."""
from __future__ import annotations

OUTCOME_FIELD_LABELS = {
    "measure": "处理方式",
    "body": "处理机关",
    "decided_on": "处理日期",
    "note": "备注",
    "person_name": "姓名",
    "post": "职务",
    "cadre_level": "干部层级",
    "finding_id": "问题",
    "version": "版本",
}
