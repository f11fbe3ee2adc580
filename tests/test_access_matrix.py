"""Walk every route for every role: each has an access rule, and the rule holds on the server.

A new route without `@public` or `@roles_required(...)` fails here; so does a route whose URL
parameter has no sample value in tests/access_params.py.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from inspection.audit.models import AuditEvent
from inspection.auth.models import ApiToken
from inspection.auth.services import issue_token
from inspection.extensions import db

from .access_params import PARAM_VALUES, SECRET_PARAMS
from .factories import PASSWORD, make_finding, make_visit

# Users in the matrix: one per role, plus an inspector on no team of the campaign.
MATRIX_USERS = ("admin", "coordinator", "reviewer", "viewer", "inspector1", "inspector3", "liaison1")
# Users who must learn nothing about the campaign's targets, visits and findings.
OUTSIDERS = ("viewer", "inspector3", "liaison1")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class Sample:
    world: object
    visit: object
    finding: object
    sha256: str
    token_id: int
    audit_event_id: int


@pytest.fixture
def sample(world):
    visit = make_visit(world.targets[0], world.users["inspector1"])
    finding = make_finding(visit, world.users["inspector1"])
    sha = hashlib.sha256(b"sample-photo").hexdigest()
    from inspection.findings.models import FindingPhoto

    finding.photos.append(FindingPhoto(sha256=sha, caption="", position=0))
    token, _ = issue_token(world.users["inspector1"], "测试手机")
    db.session.commit()
    event_id = db.session.scalar(select(AuditEvent.id).limit(1))
    result = Sample(world, visit, finding, sha, token.id, event_id)
    from .circulars.samples import add_circular_samples

    add_circular_samples(result)  # circular_id (a draft), section_id, organ_id, copy_id (another unit's copy)
    from .rectification.samples import add_rectification_samples

    add_rectification_samples(result)  # rectification_id, report_id, evidence_id, extension_id (another unit's)
    return result


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def _build(rule, sample) -> str:
    values = {}
    for arg in rule.arguments:
        assert arg in PARAM_VALUES, f"route {rule.rule} has parameter {arg!r}: add it to tests/access_params.py"
        values[arg] = PARAM_VALUES[arg](sample)
    path = rule.rule
    for arg, value in values.items():
        path = re.sub(r"<(?:[^:<>]+:)?%s>" % arg, str(value), path)
    return path


def _client_for(app, username):
    client = app.test_client()
    if username:
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, f"{username} could not sign in"
    return client


def test_every_route_has_an_access_rule(app):
    missing = [rule.rule for rule in _routes(app)
               if not hasattr(app.view_functions[rule.endpoint], "access_rule")]
    assert missing == [], f"routes without @public or @roles_required: {missing}"


def test_every_route_parameter_has_a_sample_value(app):
    missing = {arg for rule in _routes(app) for arg in rule.arguments if arg not in PARAM_VALUES}
    assert missing == set(), f"add sample values to tests/access_params.py for {missing}"


def test_anonymous_requests_are_refused(app, sample):
    client = app.test_client()
    for rule in _routes(app):
        access = app.view_functions[rule.endpoint].access_rule
        if access.roles is None:
            continue
        path = _build(rule, sample)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            if path.startswith("/api/") or access.api:
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.get_json()["error"]["code"] == "unauthenticated"
            else:
                assert response.status_code == 302, (method, path, response.status_code)
                assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_roles_are_enforced_on_every_route(app, sample, username):
    user = sample.world.users[username]
    client = _client_for(app, username)
    problems = []
    for rule in _routes(app):
        access = app.view_functions[rule.endpoint].access_rule
        path = _build(rule, sample)
        allowed = access.roles is None or user.role in access.roles
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if allowed and method in UNSAFE:
                continue  # writes by permitted roles are exercised by each feature's own tests
            if rule.endpoint == "auth.logout":
                continue
            response = client.open(path, method=method)
            status = response.status_code
            if not allowed:
                expected = {404} if access.hidden else {403, 404}
                if status not in expected:
                    problems.append(f"{method} {path}: {status}, expected {sorted(expected)}")
            elif status in (401, 403) or status >= 500:
                problems.append(f"{method} {path}: {status} for a permitted role")
            elif username in OUTSIDERS and SECRET_PARAMS & set(rule.arguments) and status != 404:
                problems.append(f"{method} {path}: {status}, an outsider must get 404 for secret objects")
    assert problems == [], f"{username}:\n" + "\n".join(problems)


def test_token_of_other_user_cannot_be_revoked(app, sample):
    client = _client_for(app, "inspector3")
    response = client.post(f"/account/devices/{sample.token_id}/revoke")
    assert response.status_code == 404
    assert db.session.get(ApiToken, sample.token_id).revoked_at is None


def _statistics_answers(client, campaign_id) -> tuple[int, int, int]:
    """Return the status codes of the statistics page, API and workbook for one campaign."""
    query = f"?campaign={campaign_id}"
    return (client.get(f"/stats/{query}").status_code, client.get(f"/api/v1/stats{query}").status_code,
            client.get(f"/stats/statistics.xlsx{query}").status_code)


def test_viewer_sees_statistics_of_closed_and_circulated_campaigns_on_page_api_and_export(app, world):
    """A 领导 reads closed campaigns' numbers and those of a campaign whose circular is issued; nothing else."""
    from inspection.circulars.models import Circular

    from .circulars.helpers import make_organ
    from .stats.data import build_county, closed_campaign

    build_county(world)
    closed = closed_campaign(world)
    viewer, liaison = _client_for(app, "viewer"), _client_for(app, "liaison1")
    assert _statistics_answers(viewer, closed.id) == (200, 200, 200)
    assert _statistics_answers(viewer, world.campaign.id) == (404, 404, 404)  # active, nothing issued: secret
    draft = Circular(organ=make_organ(), title="草稿", campaign_id=world.campaign.id, status="draft")
    db.session.add(draft)
    db.session.commit()
    assert _statistics_answers(viewer, world.campaign.id) == (404, 404, 404)  # a draft reveals nothing
    draft.status = "issued"
    db.session.commit()
    assert viewer.get(f"/circulars/{draft.id}").status_code == 200
    assert _statistics_answers(viewer, world.campaign.id) == (200, 200, 200)
    assert _statistics_answers(liaison, world.campaign.id) == (404, 404, 404)
    assert viewer.get(f"/api/v1/stats?campaign={world.campaign.id}").get_json()["total_findings"] == 8
