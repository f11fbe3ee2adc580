"""Templates share their pieces: one CSRF macro, one decision-form macro, answer labels from the model."""
from __future__ import annotations

import re
from pathlib import Path

from inspection.visits.models import ANSWER_RESULTS, ChecklistAnswer

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _sources() -> dict[str, str]:
    """Return every template's source by its path under templates/."""
    return {str(p.relative_to(TEMPLATES)): p.read_text(encoding="utf-8") for p in TEMPLATES.rglob("*.html")}


def test_one_csrf_macro_renders_every_hand_written_csrf_field():
    """Only macros.html writes the csrf_token input; every other form calls csrf() or form.hidden_tag()."""
    sources = _sources()
    defining = sorted(name for name, text in sources.items() if re.search(r"macro\s+csrf\b", text))
    raw = sorted(name for name, text in sources.items() if 'name="csrf_token"' in text)
    assert defining == ["macros.html"] and raw == ["macros.html"]
    for name, text in sources.items():
        for form in re.findall(r'<form method="post".*?</form>', text, re.S):
            assert "csrf()" in form or "hidden_tag()" in form, (name, form[:80])


def test_the_decision_forms_are_one_macro():
    """The confirm / return / reject forms of the finding page come from review/macros.html."""
    sources = _sources()
    assert "review.decide" not in sources["review/finding.html"]
    assert sources["review/macros.html"].count("review.decide") == 1
    assert sources["review/finding.html"].count("decision_form(") == 3


def test_answer_labels_come_from_the_model(app):
    """No template spells out 符合 / 不符合 / 不适用 for answer codes; ChecklistAnswer names its result."""
    for name, text in _sources().items():
        assert "'na'" not in text and "不适用" not in text, name
    assert [ChecklistAnswer(result=code).result_label for code in ANSWER_RESULTS] == list(ANSWER_RESULTS.values())


def test_the_finding_page_shows_the_three_decision_forms_and_the_answer(client, auth, world):
    """The page built from the macro keeps its form ids, required notes and the checklist answer's label."""
    from inspection.extensions import db
    from inspection.visits.models import ChecklistAnswer as Answer

    from ..factories import make_finding, make_visit

    visit = make_visit(world.targets[0], world.users["inspector1"])
    item = world.checklist.items[0]
    finding = make_finding(visit, world.users["inspector1"], item=item)
    db.session.add(Answer(visit_id=visit.id, item_id=item.id, result="fail", note="未见请假条"))
    db.session.commit()
    auth.login("reviewer")
    html = client.get(f"/review/findings/{finding.id}").get_data(as_text=True)
    for action in ("confirm", "return", "reject"):
        assert f'id="form-{action}"' in html and f'name="action" value="{action}"' in html
    assert html.count('name="csrf_token"') >= 4
    assert 'id="note-return" rows="2" required' in html and 'id="note-confirm" rows="2">' in html
    assert "<dt>清单结论</dt><dd>不符合：未见请假条</dd>" in html
