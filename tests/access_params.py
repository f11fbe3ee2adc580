"""Sample values for every URL parameter, used by the access-matrix test.

Each entry maps a URL parameter name to a function of the `Sample` (world plus a visit, a finding and
a photo of team A) returning a value. A new route with a new parameter name must add it here, or the
access-matrix test fails and says which one is missing.
"""
from __future__ import annotations

from .followup.samples import sample_recheck
from .outcomes.samples import add_outcome_sample
from .photos.tus_client import start_upload

PARAM_VALUES = {
    "token_id": lambda s: s.token_id,
    "user_id": lambda s: s.world.users["inspector1"].id,
    "unit_id": lambda s: s.world.units[0].id,
    "checklist_id": lambda s: s.world.checklist.id,
    "item_id": lambda s: s.world.checklist.items[0].id,
    "campaign_id": lambda s: s.world.campaign.id,
    "team_id": lambda s: s.world.teams[0].id,
    "target_id": lambda s: s.world.targets[0].id,
    "visit_id": lambda s: s.visit.id,
    "finding_id": lambda s: s.finding.id,
    "sha256": lambda s: s.sha256,
    "event_id": lambda s: s.audit_event_id,
    "filename": lambda s: "css/app.css",
    "variant": lambda s: "thumb",
    "circular_id": lambda s: s.circular_id,
    "section_id": lambda s: s.section_id,
    "organ_id": lambda s: s.organ_id,
    "copy_id": lambda s: s.copy_id,
    "upload_id": lambda s: s.__dict__.get("upload_id") or s.__dict__.setdefault(
        "upload_id", start_upload(s.world.users["inspector1"])),  # inspector1's resumable upload
    "rectification_id": lambda s: s.rectification_id,  # 整改: objects of unit 1, not liaison1's unit
    "report_id": lambda s: s.report_id,
    "evidence_id": lambda s: s.evidence_id,
    "extension_id": lambda s: s.extension_id,
    "recheck_id": lambda s: sample_recheck(s),  # 回头看: a submitted recheck of the sample 整改 item
    "outcome_id": lambda s: s.__dict__.get("outcome_id") or s.__dict__.setdefault(
        "outcome_id", add_outcome_sample(s)),  # 处理意见 of the sample finding's person
}

# Parameters that name something inside a secret campaign: outsiders must get 404, not 403.
SECRET_PARAMS = {"campaign_id", "team_id", "target_id", "visit_id", "finding_id", "sha256",
                 "circular_id", "copy_id", "upload_id", "outcome_id"}
