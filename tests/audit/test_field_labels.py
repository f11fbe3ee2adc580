"""One field has one label: the model's, shown by the review desk, the audit log and the form alike."""
from __future__ import annotations

from inspection.audit import queries
from inspection.audit.labels import FIELD_LABELS, field_label
from inspection.campaigns.forms import CampaignForm
from inspection.campaigns.models import CAMPAIGN_FIELD_LABELS
from inspection.findings.models import FINDING_FIELD_LABELS
from inspection.review.services import field_label as review_label
from inspection.visits.models import VISIT_FIELD_LABELS


def test_description_is_named_by_its_entity():
    """A finding's description is 问题描述 and a campaign's 说明, in the audit log's diff too."""
    finding = queries.diff_rows({"description": "旧"}, {"description": "新"}, "finding")
    campaign = queries.diff_rows({"description": "旧"}, {"description": "新"}, "campaign")
    assert [r.label for r in finding] == ["问题描述"] and [r.label for r in campaign] == ["说明"]


def test_the_audit_log_labels_a_models_fields_as_the_model_does():
    """Every field a model labels reads the same in the audit log as on the model's own pages."""
    for entity, labels in (("finding", FINDING_FIELD_LABELS), ("campaign", CAMPAIGN_FIELD_LABELS),
                           ("visit", VISIT_FIELD_LABELS)):
        assert {key: field_label(key, entity) for key in labels} == labels
    assert {key: review_label(key) for key in FINDING_FIELD_LABELS} == FINDING_FIELD_LABELS
    assert FIELD_LABELS["item_code"] == FINDING_FIELD_LABELS["item_code"]  # keys of other entities fall back


def test_the_campaign_form_uses_the_models_labels(app):
    """The campaign form's labels are the model's, so the form and the log agree."""
    with app.test_request_context():
        form = CampaignForm(meta={"csrf": False})
        assert {name: getattr(form, name).label.text for name in ("title", "description", "start_date",
                                                                  "end_date")} == \
            {name: CAMPAIGN_FIELD_LABELS[name] for name in ("title", "description", "start_date", "end_date")}


def test_an_unknown_field_shows_its_key():
    """A key nobody labelled is shown as it is, for any entity."""
    assert field_label("no_such_field", "finding") == "no_such_field" == field_label("no_such_field")
