"""Staff pages for the program rules: /staff/rules/ (the rules and framework in force, with
their versions) and /staff/rules/new/ (a new rules version: form, preview, confirm)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lssc.core.errors import DomainError
from lssc.core.models import AuditEvent
from lssc.program.models import CompetencySet, ProgramRules
from lssc.program.selectors import framework_in_force, rules_in_force
from lssc.program.services import (
    RULE_FIELDS,
    RULES_CREATED,
    framework_copy,
    rules_create_version,
)
from staff.rules_forms import RULES_SECTIONS

RULES = "/staff/rules/"
NEW = "/staff/rules/new/"


def today() -> date:
    return timezone.localdate()


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def form_data(
    base: ProgramRules, *, action="preview", effective_from=None, note="Board decision.", **rules
):
    """What the new-version form posts: every rule of `base`, with `rules` changed."""
    values = {name: getattr(base, name) for name in RULE_FIELDS} | rules
    return {
        "submission": uuid.uuid4().hex,
        "action": action,
        "effective_from": (effective_from or today() + timedelta(days=30)).isoformat(),
        "note": note,
        **{name: str(value) for name, value in values.items()},
    }


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def current(db) -> ProgramRules:
    return rules_in_force()


def versions() -> list[tuple]:
    return list(
        ProgramRules.objects.order_by("effective_from").values_list(
            "effective_from", "fee_standard"
        )
    )


# --- Access -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, current):
    for url in [RULES, NEW]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('account_login')}?next={url}"
    assert (
        client.post(NEW, form_data(current, action="create", fee_standard="400")).status_code == 302
    )
    assert ProgramRules.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "provider_user"])
def test_people_who_are_not_program_staff_are_refused_as_on_every_staff_page(
    client, current, persona, request
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(RULES).status_code == 404
    assert client.get(NEW).status_code == 404
    response = client.post(NEW, form_data(current, action="create", fee_standard="400"))
    assert response.status_code == 404
    assert ProgramRules.objects.count() == 1


def test_program_staff_open_both_pages(staff_client):
    assert staff_client.get(RULES).status_code == 200
    assert staff_client.get(NEW).status_code == 200


def test_rules_page_refuses_post_and_new_page_refuses_put(staff_client):
    assert staff_client.post(RULES).status_code == 405
    assert staff_client.put(NEW).status_code == 405


# --- The rules page -----------------------------------------------------------------------


def test_sections_hold_every_rule_once_in_the_model_order():
    assert tuple(name for _title, names in RULES_SECTIONS for name in names) == RULE_FIELDS
    assert [title for title, _names in RULES_SECTIONS] == [
        "Eligibility",
        "Fees",
        "Candidacy",
        "Certificate and renewal",
        "Portfolios",
        "Courses",
        "Appeals",
    ]


def test_rules_page_shows_every_rule_in_force_with_its_help_and_start(staff_client, current):
    response = staff_client.get(RULES)

    html = page(response)
    assert html.count("<h1") == 1
    assert response.context["shown"] == current
    assert response.context["shown_state"] == "in force"
    rows = {row["name"]: row for s in response.context["sections"] for row in s["rows"]}
    assert set(rows) == set(RULE_FIELDS)
    assert rows["eligibility_hours"]["value"] == "1,820"
    assert rows["fee_standard"]["value"] == "USD 350.00"
    assert rows["renewal_hours"]["help"] == "Contact hours of continuing education needed to renew."
    assert rows["fee_member"]["help"] == "The application fee for ALA members."
    for title, _names in RULES_SECTIONS:
        assert f">{title}</h3>" in html
    assert "Library work hours needed (about one year full time)." in html
    assert "Days after a decision to send the full grounds." in html
    assert f"{current.effective_from.day} {current.effective_from:%B %Y}" in html
    assert "No version is waiting to start" in html
    assert "None: the rules in force are the first version." in html
    assert f'href="{reverse("staff:rules_new")}"' in html


def test_rules_page_shows_the_framework_in_force_with_every_set_and_competency(staff_client):
    framework = framework_in_force()

    response = staff_client.get(RULES)

    html = page(response)
    assert response.context["framework"] == framework
    sets = response.context["sets"]
    assert [s.code for s in sets] == list(
        framework.sets.order_by("order").values_list("code", flat=True)
    )
    assert [s.kind for s in sets[:3]] == ["required"] * 3
    assert framework.name in html
    assert "1 October 2012" in html
    for competency_set in sets:
        assert escape(competency_set.name) in html
        for competency in competency_set.competencies.all():
            assert escape(competency.statement) in html
    assert html.count(">Required</span>") == 3
    assert html.count(">Elective</span>") == 7
    assert f'href="{reverse("admin:program_frameworkversion_changelist")}"' in html
    assert response.context["framework_changes"] is None


def test_rules_page_lists_upcoming_and_past_versions_each_viewable(staff_client, current, staff):
    past = ProgramRules.objects.create(
        effective_from=current.effective_from - timedelta(days=400), notes="The first fees."
    )
    soon = rules_create_version(
        {"fee_standard": Decimal("400")}, today() + timedelta(days=10), "Fee review.", by=staff
    )
    later = rules_create_version(
        {"renewal_hours": 40}, today() + timedelta(days=90), "More hours.", by=staff
    )

    response = staff_client.get(RULES)

    assert response.context["upcoming"] == [soon, later]
    assert response.context["past"] == [past]
    html = page(response)
    assert f'href="?version={soon.pk}"' in html
    assert f'href="?version={past.pk}"' in html
    assert "Fee review." in html

    upcoming = staff_client.get(RULES, {"version": later.pk})
    assert upcoming.context["shown"] == later
    assert upcoming.context["shown_state"] == "upcoming"
    assert upcoming.context["changed_count"] == 1  # compared with `soon`, the version before
    rows = {row["name"]: row for s in upcoming.context["sections"] for row in s["rows"]}
    assert (rows["renewal_hours"]["was"], rows["renewal_hours"]["value"]) == ("32", "40")
    assert rows["fee_standard"]["value"] == "USD 400.00"
    assert rows["fee_standard"]["was"] is None
    assert staff_client.get(RULES, {"version": past.pk}).context["shown_state"] == "past"


def test_unknown_or_malformed_versions_are_404(staff_client):
    assert staff_client.get(RULES, {"version": "999999"}).status_code == 404
    assert staff_client.get(RULES, {"version": "x"}).status_code == 404
    assert staff_client.get(RULES, {"framework": "999999"}).status_code == 404


def test_a_framework_version_is_compared_with_the_one_before(staff_client):
    current_framework = framework_in_force()
    draft = framework_copy(
        current_framework, name="2030 draft", effective_from=today() + timedelta(days=30)
    )
    technology = draft.sets.get(code="technology")
    technology.competencies.filter(number=1).update(statement="Uses new tools well.")
    technology.competencies.filter(number=9).delete()
    technology.competencies.create(number=10, statement="Keeps data safe.")
    draft.sets.filter(code="youth-services").update(name="Youth and Family Services")

    response = staff_client.get(RULES, {"framework": draft.pk})

    changes = response.context["framework_changes"]
    assert response.context["framework_state"] == "upcoming"
    assert response.context["framework_before"] == current_framework
    assert [(r["set"], r["number"]) for r in changes["reworded"]] == [("Technology", 1)]
    assert [(r["set"], r["number"], r["statement"]) for r in changes["added"]] == [
        ("Technology", 10, "Keeps data safe.")
    ]
    assert [(r["set"], r["number"]) for r in changes["removed"]] == [("Technology", 9)]
    assert [(r["set"].code, r["fields"]) for r in changes["sets_changed"]] == [
        ("youth-services", ["name"])
    ]
    assert changes["sets_added"] == [] and changes["sets_removed"] == []
    assert "Uses new tools well." in page(response)
    in_force = staff_client.get(RULES)
    assert [row["version"] for row in in_force.context["other_frameworks"]] == [draft]


def test_rules_page_runs_a_fixed_number_of_queries(staff_client, staff):
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(RULES).status_code == 200

    framework = framework_in_force()
    for offset in range(1, 6):
        extra = CompetencySet.objects.create(
            framework=framework,
            code=f"extra-{offset}",
            name=f"Extra set {offset}",
            kind=CompetencySet.Kind.ELECTIVE,
            order=100 + offset,
            summary="Added by a test.",
        )
        for number in range(1, 6):
            extra.competencies.create(number=number, statement=f"Does extra thing {number}.")
    for days in (10, 20, 30):
        rules_create_version(
            {"renewal_hours": 30 + days}, today() + timedelta(days=days), "More.", by=staff
        )
    ProgramRules.objects.create(effective_from=date(2000, 1, 1), notes="Old.")
    framework_copy(framework, name="Next", effective_from=today() + timedelta(days=5))

    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(RULES)

    assert len(response.context["sets"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The new-version form and its preview -------------------------------------------------


def test_form_is_filled_in_with_every_rule_in_force(staff_client, current):
    response = staff_client.get(NEW)

    form = response.context["form"]
    for name in RULE_FIELDS:
        assert form[name].value() == getattr(current, name), name
        assert form.fields[name].help_text, name
    assert form.fields["eligibility_hours"].label == "Eligibility hours"
    assert form["effective_from"].value() is None
    html = page(response)
    assert "Library work hours needed (about one year full time)." in html
    assert 'value="preview"' in html


def test_preview_lists_exactly_the_changed_fields_and_saves_nothing(staff_client, current):
    data = form_data(current, fee_standard="375", renewal_hours="36", currency="usd")

    response = staff_client.post(NEW, data)

    assert response.status_code == 200
    assert [(c["name"], c["old"], c["new"]) for c in response.context["changes"]] == [
        ("fee_standard", "USD 350.00", "USD 375.00"),
        ("renewal_hours", "32", "36"),
    ]
    html = page(response)
    assert 'value="create"' in html
    assert 'name="submission"' in html
    assert "Board decision." in html
    assert ProgramRules.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_back_to_the_form_keeps_what_was_typed(staff_client, current):
    response = staff_client.post(NEW, form_data(current, action="edit", fee_standard="375"))

    assert response.templates[0].name == "staff/rules_new.html"
    assert response.context["form"]["fee_standard"].value() == "375"
    assert ProgramRules.objects.count() == 1


def test_preview_refuses_when_nothing_changes(staff_client, current):
    response = staff_client.post(NEW, form_data(current))

    assert response.templates[0].name == "staff/rules_new.html"
    assert "Nothing changes" in page(response)
    assert response.context["form"].non_field_errors()
    assert ProgramRules.objects.count() == 1


@pytest.mark.parametrize(
    ("day", "message"),
    [("yesterday", "cannot start in the past"), ("used", "already starts on")],
)
def test_a_past_or_used_start_day_is_refused_at_its_field(
    staff_client, current, staff, day, message
):
    if day == "used":
        effective_from = today() + timedelta(days=20)
        rules_create_version({"fee_member": Decimal("300")}, effective_from, "x", by=staff)
    else:
        effective_from = today() - timedelta(days=1)

    for action in ["preview", "create"]:
        response = staff_client.post(
            NEW,
            form_data(current, action=action, effective_from=effective_from, fee_standard="380"),
        )

        form = response.context["form"]
        assert message in form.errors["effective_from"][0]
        assert form["fee_standard"].value() == "380"  # input kept
    assert not ProgramRules.objects.filter(fee_standard=Decimal("380")).exists()


@pytest.mark.parametrize("note", ["", "   "])
def test_the_note_is_required(staff_client, current, note):
    response = staff_client.post(NEW, form_data(current, note=note, fee_standard="380"))

    form = response.context["form"]
    assert form.errors["note"] == ["Say why this version is made."]
    assert form["fee_standard"].value() == "380"
    assert ProgramRules.objects.count() == 1


def test_values_outside_the_model_limits_or_contradicting_are_refused(staff_client, current):
    response = staff_client.post(
        NEW,
        form_data(
            current,
            candidacy_years="0",
            pass_met_min_percent="101",
            renewal_technology_hours="40",
            currency="US",
        ),
    )

    errors = response.context["form"].errors
    assert set(errors) == {
        "candidacy_years",
        "pass_met_min_percent",
        "renewal_technology_hours",
        "currency",
    }
    assert "cannot be more than the 32 hours" in errors["renewal_technology_hours"][0]


# --- Making the version -------------------------------------------------------------------


def test_create_makes_one_version_records_it_and_opens_the_rules_page(staff_client, current, staff):
    start = today() + timedelta(days=30)
    data = form_data(
        current, action="create", effective_from=start, fee_standard="375", renewal_hours="36"
    )

    response = staff_client.post(NEW, data, follow=True)

    assert response.redirect_chain == [(RULES, 302)]
    new = ProgramRules.objects.get(effective_from=start)
    assert (new.fee_standard, new.renewal_hours, new.notes) == (
        Decimal("375.00"),
        36,
        "Board decision.",
    )
    assert all(
        getattr(new, name) == getattr(current, name)
        for name in RULE_FIELDS
        if name not in {"fee_standard", "renewal_hours"}
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message == (
        f"The new program rules take effect on {start.day} {start:%B %Y} (in 30 days). "
        f"Until then the rules from {current.effective_from.day} "
        f"{current.effective_from:%B %Y} apply."
    )
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_type, event.object_id, event.note) == (
        staff,
        RULES_CREATED,
        "program.programrules",
        str(new.pk),
        "Board decision.",
    )
    assert event.before == {"fee_standard": "350.00", "renewal_hours": 32}
    assert event.after == {"fee_standard": "375.00", "renewal_hours": 36}


def test_a_double_submit_makes_one_version(staff_client, current):
    data = form_data(current, action="create", fee_standard="375")

    first = staff_client.post(NEW, data)
    second = staff_client.post(NEW, data, follow=True)

    assert first.status_code == 302
    assert ProgramRules.objects.count() == 2
    assert AuditEvent.objects.count() == 1
    assert "already sent" in [str(m) for m in second.context["messages"]][-1]


def test_a_future_version_leaves_today_alone_and_takes_over_on_its_day(staff_client, current):
    start = today() + timedelta(days=45)

    staff_client.post(
        NEW, form_data(current, action="create", effective_from=start, fee_member="300")
    )

    assert rules_in_force() == current
    assert rules_in_force(start - timedelta(days=1)) == current
    with time_machine.travel(noon(start), tick=False):
        assert rules_in_force().fee_member == Decimal("300.00")
        assert rules_in_force().effective_from == start


def test_a_version_starting_today_is_in_force_at_once(staff_client, current):
    response = staff_client.post(
        NEW, form_data(current, action="create", effective_from=today(), appeal_notice_days="14")
    )

    assert rules_in_force().appeal_notice_days == 14
    assert rules_in_force() != current
    assert response.status_code == 302


def test_a_version_is_compared_with_the_upcoming_one_it_takes_over_from(
    staff_client, current, staff
):
    soon = rules_create_version(
        {"fee_standard": Decimal("400")}, today() + timedelta(days=10), "Fees.", by=staff
    )

    form = staff_client.get(NEW).context["form"]
    preview = staff_client.post(
        NEW,
        form_data(soon, effective_from=today() + timedelta(days=60), renewal_hours="40"),
    )

    assert form["fee_standard"].value() == Decimal("400.00")  # filled in from the newest
    assert preview.context["base"] == soon
    assert [c["name"] for c in preview.context["changes"]] == ["renewal_hours"]


# --- The service --------------------------------------------------------------------------


def test_service_refuses_what_the_form_refuses(current, staff):
    start = today() + timedelta(days=5)
    with pytest.raises(DomainError, match="Say why"):
        rules_create_version({"fee_standard": Decimal("1")}, start, "  ", by=staff)
    with pytest.raises(DomainError, match="in the past"):
        rules_create_version(
            {"fee_standard": Decimal("1")}, today() - timedelta(days=1), "x", by=staff
        )
    with pytest.raises(DomainError, match="Nothing changes"):
        rules_create_version({"fee_standard": Decimal("350")}, start, "x", by=staff)
    with pytest.raises(DomainError, match="technology hours"):
        rules_create_version({"renewal_technology_hours": 50}, start, "x", by=staff)
    with pytest.raises(DomainError):
        rules_create_version({"candidacy_years": 0}, start, "x", by=staff)
    assert ProgramRules.objects.count() == 1
    assert not AuditEvent.objects.exists()
    rules_create_version({"fee_standard": Decimal("1")}, start, "x", by=staff)
    with pytest.raises(DomainError, match="already starts"):
        rules_create_version({"fee_standard": Decimal("2")}, start, "x", by=staff)
    assert ProgramRules.objects.count() == 2
