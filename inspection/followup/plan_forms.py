"""Forms of the 回头看 planning pages: the new follow-up campaign, one unit's team, automatic assignment."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField

from ..campaigns.forms import CampaignForm, optional_int
from ..core.forms import BaseForm
from .models import SCOPES


class FollowupForm(CampaignForm):
    """A follow-up campaign: the campaign's fields plus its circulars, scope, the checklist's use and 交叉."""

    circular_ids = SelectMultipleField("据以回访的通报（已印发）", coerce=int, validate_choice=False)
    scope = RadioField("回访范围", choices=dict(SCOPES), default="closed")
    include_checklist = BooleanField("同时按检查清单检查（手机上另显示常规检查项）")
    cross = BooleanField("实行交叉回访（原检查人员不得回访其检查过的单位）", default=True)

    def set_circulars(self, circulars) -> None:
        """Offer the issued circulars, newest first."""
        self.circular_ids.choices = {str(c.id): f"{c.doc_number} {c.title}" for c in circulars}


class AssignForm(BaseForm):
    """Give one candidate unit to a team."""

    unit_id = HiddenField()
    team_id = SelectField("暗访组", coerce=optional_int, validate_choice=False)


class AutoAssignForm(BaseForm):
    """Confirm an automatic 交叉 assignment (the CSRF token only)."""
