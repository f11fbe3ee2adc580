"""Forms of the checklist pages; the item editor's rows are read from `items-<n>-<field>` inputs."""
from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..core.forms import BaseForm, strip
from .services import NAME_MAX, ItemRow

ITEM_KEY = re.compile(r"^items-(\d{1,5})-")
NEW_NAME = "__new__"


class ChecklistMetaForm(BaseForm):
    """The editor's fields outside the item rows: name (new checklists only) and a revision note."""

    name = StringField("检查清单名称", filters=[strip], validators=[Optional(), Length(max=NAME_MAX)])
    note = TextAreaField("修订说明", filters=[strip], validators=[Optional(), Length(max=500, message="修订说明不超过500个字符")])


class ChecklistImportForm(BaseForm):
    """An XLSX file, and which checklist it becomes a new version of (or a new checklist's name)."""

    target = SelectField("导入到", validate_choice=False)
    new_name = StringField("新检查清单名称", filters=[strip], validators=[Optional(), Length(max=NAME_MAX)])
    note = TextAreaField("修订说明", filters=[strip], validators=[Optional(), Length(max=500, message="修订说明不超过500个字符")])
    file = FileField("Excel 文件（.xlsx）")

    def set_names(self, names: list[str]) -> None:
        """Offer the existing checklist names, and a new checklist."""
        self.target.choices = {**{n: f"{n}（发布为新版本）" for n in names}, NEW_NAME: "新建检查清单"}


def parse_editor_rows(formdata) -> list[ItemRow]:
    """Read the editor's rows, order them by their 序号 (then by page order), number them 1..n."""
    indexes = sorted({int(m.group(1)) for key in formdata.keys() if (m := ITEM_KEY.match(key))})
    ordered = []
    for page_order, index in enumerate(indexes):
        def get(name: str) -> str:
            return (formdata.get(f"items-{index}-{name}") or "").strip()

        row = ItemRow(row=0, code=get("code"), category=get("category"), text=get("text"),
                      guidance=get("guidance"), photo_required=bool(get("photo_required")),
                      deleted=bool(get("delete")))
        try:
            position = float(get("position"))
        except ValueError:
            position = float(page_order + 1)
        ordered.append((position, page_order, row))
    ordered.sort(key=lambda t: (t[0], t[1]))
    rows = [row for _, _, row in ordered if not (row.blank and not row.deleted)]
    for number, row in enumerate(rows, start=1):
        row.row = number
    return rows
