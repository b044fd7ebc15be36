"""The audit page at /staff/audit/: every app's status history and the audit events of staff
actions that change no status, in one list; the audit rows those actions write; and the
admin, where history and audit rows can only be read."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import ApplicationStatusChange, Candidacy, CandidacyStatusChange
from courses.models import CourseStatusChange
from lssc.core.audit import audit_record
from lssc.core.models import AuditEvent, StatusChange
from lssc.program.models import CompetencySet, ProgramRules
from lssc.program.selectors import rules_in_force
from reviews import services as review_services
from reviews.models import Decision, EvaluatorStatusChange
from staff.audit import HISTORY_SOURCES
from tests.factories import (
    CandidacyFactory,
    EvaluatorFactory,
    UserFactory,
    rate_all,
    submitted_application,
    submitted_portfolio,
)
from tests.staff.conftest import build_submitted_course

URL = "/staff/audit/"
ZONE = ZoneInfo(settings.TIME_ZONE)
HISTORY_MODELS = [source.model for source in HISTORY_SOURCES]


def local(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def at(row, when: datetime):
    """Move a history or audit row to `when` (`at` is set on creation)."""
    type(row).objects.filter(pk=row.pk).update(at=when)
    return row


def empty_the_trail():
    """Remove the rows the builders wrote, so a test's list holds only the rows it made."""
    for model in [*HISTORY_MODELS, AuditEvent]:
        model.objects.all().delete()


def entries(response) -> list[tuple]:
    return [
        (entry.type_name, entry.label, entry.url, entry.actor)
        for entry in response.context["entries"]
    ]


def labels(response) -> list[str]:
    return [entry.label for entry in response.context["entries"]]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def trail(staff, db):
    """Six recorded changes from five sources, one a day from 1 to 6 March 2027 at noon.
    Returns the objects they are about."""
    applicant = UserFactory(email="applicant@example.org", first_name="Robin", last_name="Reader")
    application = submitted_application(applicant)
    course = build_submitted_course(title="Weeding the Collection")
    member = course.provider.memberships.get().user
    candidacy = CandidacyFactory(number="LSSC-2027-0001", user__email="casey@example.org")
    evaluator = EvaluatorFactory(user__email="eve@example.org", status="applied")
    rules = rules_in_force()
    empty_the_trail()
    at(
        ApplicationStatusChange.objects.create(
            application=application, old_status="draft", new_status="submitted", actor=applicant
        ),
        local(date(2027, 3, 1)),
    )
    at(
        CourseStatusChange.objects.create(
            course=course, old_status="draft", new_status="submitted", actor=member
        ),
        local(date(2027, 3, 2)),
    )
    at(
        CandidacyStatusChange.objects.create(
            candidacy=candidacy, old_status="active", new_status="lapsed", note="Deadline passed."
        ),
        local(date(2027, 3, 3)),
    )
    at(
        audit_record(
            actor=staff,
            action="deadline_extended",
            obj=candidacy,
            before={"deadline": date(2027, 3, 1)},
            after={"deadline": date(2027, 9, 1)},
            note="Family leave.",
        ),
        local(date(2027, 3, 4)),
    )
    at(
        EvaluatorStatusChange.objects.create(
            evaluator=evaluator, old_status="applied", new_status="approved", actor=staff
        ),
        local(date(2027, 3, 5)),
    )
    at(
        audit_record(
            actor=staff,
            action="program rules version created",
            obj=rules,
            before={"fee_standard": "350.00"},
            after={"fee_standard": "375.00"},
        ),
        local(date(2027, 3, 6)),
    )
    return {
        "application": application,
        "course": course,
        "candidacy": candidacy,
        "evaluator": evaluator,
        "rules": rules,
        "member": member,
    }


# --- The list ------------------------------------------------------------------------------


def test_audit_url_is_named_staff_audit():
    assert reverse("staff:audit") == URL


def test_audit_lists_history_and_audit_events_newest_first_with_actors_and_links(
    staff_client, staff, trail
):
    response = staff_client.get(URL)

    assert response.status_code == 200
    application, candidacy = trail["application"], trail["candidacy"]
    staff_name = f"Sam {staff.last_name} (staff@example.org)"
    assert entries(response) == [
        ("Program rules", str(trail["rules"]), reverse("staff:rules"), staff_name),
        (
            "Evaluator",
            "Evaluator eve@example.org",
            reverse("staff:evaluator_detail", args=[trail["evaluator"].pk]),
            staff_name,
        ),
        (
            "Candidacy",
            "LSSC-2027-0001 (casey@example.org)",
            reverse("staff:candidacy_detail", args=[candidacy.pk]),
            staff_name,
        ),
        (
            "Candidacy",
            "LSSC-2027-0001 (casey@example.org)",
            reverse("staff:candidacy_detail", args=[candidacy.pk]),
            "System",
        ),
        (
            "Course",
            "Weeding the Collection",
            reverse("staff:course_detail", args=[trail["course"].pk]),
            f"Pat {trail['member'].last_name} ({trail['member'].email})",
        ),
        (
            "Application",
            f"Application {application.pk} (Robin Reader)",
            reverse("staff:application_detail", args=[application.pk]),
            "Robin Reader (applicant@example.org)",
        ),
    ]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<form" in html and html.count("<form") == 1  # the filters, nothing that edits
    assert 'method="get"' in html
    assert f'<a href="{reverse("staff:candidacy_detail", args=[candidacy.pk])}">' in html
    assert "<strong>Active</strong> → <strong>Lapsed</strong>" in html
    assert "<strong>Deadline extended</strong>" in html
    assert "2027-03-01 → 2027-09-01" in html
    assert "Family leave." in html
    assert "Deadline passed." in html


def test_every_history_label_is_the_objects_own_name(staff_client, staff, pool):
    """A decision's round writes history on the portfolio, its set, the assignments and the
    decision: each label, computed by the database, reads as the object's str()."""
    submission = submitted_portfolio().submissions.get()
    first, second = review_services.assignment_auto_assign(submission, by=staff)
    rate_all(first)
    rate_all(second)
    decision = Decision.objects.get()
    review_services.decision_release(decision, by=staff)

    response = staff_client.get(URL)

    seen = {entry.object_type for entry in response.context["entries"]}
    assert {
        "portfolios.portfolio",
        "candidates.setprogress",
        "reviews.assignment",
        "reviews.decision",
    } <= seen
    for entry in response.context["entries"]:
        obj = apps.get_model(entry.object_type).objects.get(pk=entry.object_id)
        assert entry.label == str(obj)
    assignment_urls = {
        entry.url
        for entry in response.context["entries"]
        if entry.object_type == "reviews.assignment"
    }
    assert assignment_urls == {reverse("staff:portfolio_assign", args=[decision.portfolio_id])}


def test_audit_says_so_when_nothing_is_recorded(staff_client):
    empty_the_trail()

    response = staff_client.get(URL)

    assert response.context["entries"] == []
    assert "Nothing has been recorded yet." in response.content.decode()


# --- Filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("deadline PASSED", ["LSSC-2027-0001 (casey@example.org)"]),  # a note
        ("weeding", ["Weeding the Collection"]),  # an object label
        ("applicant@EXAMPLE", None),  # an actor's email
    ],
)
def test_audit_search_looks_in_notes_labels_and_actor_emails(staff_client, trail, q, expected):
    response = staff_client.get(URL, {"q": q})

    if expected is None:
        expected = [f"Application {trail['application'].pk} (Robin Reader)"]
    assert labels(response) == expected


def test_audit_type_filter_keeps_history_and_events_of_that_type(staff_client, trail):
    response = staff_client.get(URL, {"type": "candidates.candidacy"})

    assert [(e.actor_email, e.action) for e in response.context["entries"]] == [
        ("staff@example.org", "Deadline extended"),
        ("", ""),
    ]
    assert labels(response) == ["LSSC-2027-0001 (casey@example.org)"] * 2


def test_audit_type_filter_refuses_an_unknown_type(staff_client, trail):
    response = staff_client.get(URL, {"type": "accounts.user"})

    assert "type" in response.context["form"].errors
    assert len(response.context["entries"]) == 6


def test_audit_actor_filter_keeps_one_persons_rows(staff_client, trail):
    response = staff_client.get(URL, {"actor": "STAFF@example.org"})

    assert [entry.type_name for entry in response.context["entries"]] == [
        "Program rules",
        "Evaluator",
        "Candidacy",
    ]


def test_audit_date_range_includes_both_days(staff_client, trail):
    response = staff_client.get(URL, {"from": "2027-03-02", "to": "2027-03-04"})

    assert [entry.at.date() for entry in response.context["entries"]] == [
        date(2027, 3, 4),
        date(2027, 3, 3),
        date(2027, 3, 2),
    ]


def test_audit_date_range_counts_days_in_the_programs_time_zone(staff_client, trail):
    row = AuditEvent.objects.get(action="deadline_extended")
    at(row, local(date(2027, 3, 4), hour=23))  # 4 March late evening locally, 5 March in UTC

    response = staff_client.get(URL, {"from": "2027-03-04", "to": "2027-03-04"})

    assert [entry.action for entry in response.context["entries"]] == ["Deadline extended"]


def test_audit_bad_dates_are_reported_at_their_fields_and_ignored(staff_client, trail):
    response = staff_client.get(URL, {"from": "2027-02-30", "to": "soon"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "from": ["Enter a real date, like 2027-03-12."],
        "to": ["Enter a real date, like 2027-03-12."],
    }
    assert len(response.context["entries"]) == 6
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'value="soon"' in html  # what was typed stays in the field


def test_audit_refuses_a_range_that_ends_before_it_starts(staff_client, trail):
    response = staff_client.get(URL, {"from": "2027-03-05", "to": "2027-03-01"})

    assert response.context["form"].errors == {
        "to": ["The last day cannot be before the first day."]
    }
    # The valid start still applies.
    assert [entry.type_name for entry in response.context["entries"]] == [
        "Program rules",
        "Evaluator",
    ]


def test_audit_filters_combine(staff_client, trail):
    response = staff_client.get(
        URL, {"q": "casey", "actor": "staff@example.org", "type": "candidates.candidacy"}
    )

    assert [entry.action for entry in response.context["entries"]] == ["Deadline extended"]
    assert "Clear filters" in response.content.decode()


def test_audit_says_when_no_row_matches_the_filters(staff_client, trail):
    response = staff_client.get(URL, {"q": "nothing like this"})

    assert response.context["entries"] == []
    assert "No recorded change matches these filters." in response.content.decode()


# --- Pagination and queries ------------------------------------------------------------


def make_rows(count: int, *, start: datetime) -> None:
    """`count` history and audit rows of three kinds, one a minute from `start`."""
    candidacy = CandidacyFactory()
    actor = UserFactory()
    for i in range(count):
        when = start + timedelta(minutes=i)
        kind = i % 3
        if kind == 0:
            row = CandidacyStatusChange.objects.create(
                candidacy=candidacy, old_status="active", new_status="lapsed", actor=actor
            )
        elif kind == 1:
            row = audit_record(actor=actor, action="deadline_extended", obj=candidacy)
        else:
            row = CandidacyStatusChange.objects.create(
                candidacy=candidacy, old_status="lapsed", new_status="active", note=f"Row {i}"
            )
        at(row, when)


def test_audit_shows_fifty_rows_a_page_and_keeps_the_filters_on_the_next(staff_client, db):
    empty_the_trail()
    start = local(date(2027, 1, 1))
    make_rows(51, start=start)

    first = staff_client.get(URL, {"type": "candidates.candidacy"})
    second = staff_client.get(URL, {"type": "candidates.candidacy", "page": 2})

    assert len(first.context["entries"]) == 50
    assert first.context["entries"][0].at == start + timedelta(minutes=50)
    assert [entry.at for entry in second.context["entries"]] == [start]
    assert first.context["page"].paginator.count == 51
    assert "?type=candidates.candidacy&amp;page=2" in first.content.decode()


def test_audit_query_count_does_not_grow_with_the_number_of_rows(staff_client, trail):
    make_rows(5, start=local(date(2027, 2, 1)))
    with CaptureQueriesContext(connection) as with_few:
        few = staff_client.get(URL)
    make_rows(45, start=local(date(2027, 2, 2)))

    with CaptureQueriesContext(connection) as with_many:
        many = staff_client.get(URL)

    assert len(few.context["entries"]) == 11
    assert len(many.context["entries"]) == 50
    assert len(with_many) == len(with_few)


# --- Who may open it -----------------------------------------------------------------------


def test_audit_sends_an_anonymous_visitor_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "provider_user"])
def test_audit_refuses_a_signed_in_user_who_is_not_program_staff(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 404


def test_audit_refuses_a_django_admin_who_is_not_program_staff(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(URL).status_code == 404


def test_audit_page_only_reads(staff_client, trail):
    before = AuditEvent.objects.count()

    response = staff_client.post(URL, {"q": "x"})

    assert response.status_code == 405
    assert AuditEvent.objects.count() == before


# --- Audit rows written by staff actions that change no status ------------------------------


def only_event() -> AuditEvent:
    (event,) = AuditEvent.objects.all()
    return event


def test_extending_a_deadline_writes_an_audit_row(staff):
    candidacy = CandidacyFactory(deadline=date(2030, 6, 30), number="LSSC-2026-0042")
    AuditEvent.objects.all().delete()

    extension = candidate_services.candidacy_extend_deadline(
        candidacy, new_deadline=date(2030, 12, 31), reason="Medical leave.", by=staff
    )

    event = only_event()
    assert (
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.object_label,
        event.before,
        event.after,
        event.note,
    ) == (
        staff,
        "deadline_extended",
        "candidates.candidacy",
        str(candidacy.pk),
        str(candidacy),
        {"deadline": "2030-06-30"},
        {"deadline": "2030-12-31"},
        "Medical leave.",
    )
    # The extension row keeps the same facts for the candidacy's own history.
    assert (extension.old_deadline, extension.new_deadline) == (
        date(2030, 6, 30),
        date(2030, 12, 31),
    )


def test_recording_a_payment_writes_an_audit_row(staff, db):
    application = submitted_application(UserFactory(first_name="Robin"))  # fee 350.00
    candidate_services.payment_record(
        application,
        amount=Decimal("100"),
        method="cheque",
        received_on=date(2027, 3, 1),
        reference="CHK-1",
        by=staff,
    )
    AuditEvent.objects.all().delete()

    candidate_services.payment_record(
        application,
        amount=Decimal("150.5"),
        method="card",
        received_on=date(2027, 3, 2),
        by=staff,
    )

    event = only_event()
    assert (
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.before,
        event.after,
        event.note,
    ) == (
        staff,
        "payment_recorded",
        "candidates.application",
        str(application.pk),
        {"paid": "100.00"},
        {"paid": "250.50", "amount": "150.50", "method": "card"},
        "Received on 2 March 2027.",
    )


@pytest.fixture
def technology(db):
    return CompetencySet.objects.filter(code="technology").latest("pk")


@pytest.fixture
def pool(technology):
    return [
        EvaluatorFactory(qualified_sets=[technology], employer=f"Library {i}", state="Ohio")
        for i in range(2)
    ]


def test_editing_a_decision_letter_writes_an_audit_row_without_the_whole_letters(staff, pool):
    submission = submitted_portfolio().submissions.get()
    first, second = review_services.assignment_auto_assign(submission, by=staff)
    rate_all(first)
    rate_all(second)
    decision = Decision.objects.get()
    old_letter = decision.letter
    new_letter = "Dear Casey, " + "well done. " * 40
    AuditEvent.objects.all().delete()

    review_services.decision_update_letter(decision, letter=new_letter, by=staff)
    review_services.decision_update_letter(decision, letter=new_letter, by=staff)  # no change

    event = only_event()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        staff,
        "decision_letter_edited",
        "reviews.decision",
        str(decision.pk),
    )
    assert event.before == {"letter_length": len(old_letter), "letter_start": old_letter[:60]}
    assert event.after == {"letter_length": len(new_letter), "letter_start": new_letter[:60]}


def test_staff_editing_an_evaluator_profile_writes_an_audit_row(staff):
    evaluator = EvaluatorFactory(employer="Springfield Public Library", capacity_per_quarter=4)
    fields = {
        "employer": "Shelbyville Public Library",
        "state": evaluator.state,
        "qualifications": evaluator.qualifications,
        "experience": "x" * 100,
        "capacity_per_quarter": 6,
    }
    AuditEvent.objects.all().delete()

    review_services.evaluator_update_profile(evaluator, fields=fields, by=staff)

    event = only_event()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        staff,
        "evaluator_profile_edited",
        "reviews.evaluator",
        str(evaluator.pk),
    )
    assert event.before == {
        "employer": "Springfield Public Library",
        "experience": evaluator.experience,
        "capacity_per_quarter": 4,
    }
    assert event.after == {
        "employer": "Shelbyville Public Library",
        "experience": "x" * 77 + "…",
        "capacity_per_quarter": 6,
    }


def test_an_evaluator_editing_their_own_profile_writes_no_audit_row(db):
    evaluator = EvaluatorFactory(employer="Springfield Public Library")
    fields = {
        name: getattr(evaluator, name)
        for name in ("state", "qualifications", "experience", "capacity_per_quarter")
    } | {"employer": "Shelbyville Public Library"}
    AuditEvent.objects.all().delete()

    review_services.evaluator_update_profile(evaluator, fields=fields, by=evaluator.user)

    assert not AuditEvent.objects.exists()
    assert evaluator.status_changes.last().note == "Profile updated: employer."


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


def rules_form_data(rules, **changes):
    names = [
        f.name
        for f in ProgramRules._meta.get_fields()
        if f.concrete and f.name not in {"id", "created_at"}
    ]
    data = {name: getattr(rules, name) for name in names}
    data["effective_from"] = rules.effective_from.isoformat()
    data.update(changes)
    return data


def test_a_new_rules_version_saved_in_the_admin_writes_an_audit_row(client, admin_user):
    client.force_login(admin_user)
    old = rules_in_force()
    start = timezone.localdate() + timedelta(days=10)
    data = rules_form_data(
        old, fee_standard="375.00", effective_from=start.isoformat(), notes="Costs rose."
    )
    data["_saveasnew"] = "Save as new"
    AuditEvent.objects.all().delete()

    response = client.post(reverse("admin:program_programrules_change", args=[old.pk]), data)

    assert response.status_code == 302
    new = ProgramRules.objects.get(effective_from=start)
    event = only_event()
    assert (event.actor, event.action, event.object_type, event.object_id, event.note) == (
        admin_user,
        "program rules version created",
        "program.programrules",
        str(new.pk),
        "Costs rose.",
    )
    assert event.before == {
        "effective_from": old.effective_from.isoformat(),
        "fee_standard": "350.00",
    }
    assert event.after == {"effective_from": start.isoformat(), "fee_standard": "375.00"}


def test_editing_a_future_rules_version_in_the_admin_writes_what_changed(client, admin_user):
    client.force_login(admin_user)
    start = timezone.localdate() + timedelta(days=10)
    future = ProgramRules.objects.create(effective_from=start)
    AuditEvent.objects.all().delete()
    url = reverse("admin:program_programrules_change", args=[future.pk])

    client.post(url, rules_form_data(future, renewal_hours=40))
    client.post(url, rules_form_data(future, renewal_hours=40))  # nothing changes the 2nd time

    event = only_event()
    assert (event.action, event.before, event.after) == (
        "program rules version changed",
        {"renewal_hours": 32},
        {"renewal_hours": 40},
    )


# --- The admin only shows history and audit rows ----------------------------------------


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(client, admin_user, staff):
    event = audit_record(actor=staff, action="deadline_extended", obj=staff, note="Kept.")
    client.force_login(admin_user)
    change_url = reverse("admin:core_auditevent_change", args=[event.pk])

    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(change_url).status_code == 200  # it can be read
    assert client.post(change_url, {"note": "Changed."}).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    delete_url = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.note == "Kept."
    model_admin = admin.site._registry[AuditEvent]
    request = client.get(change_url).wsgi_request
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request, event),
        model_admin.has_delete_permission(request, event),
    ) == (False, False, False)


def test_history_rows_are_read_only_wherever_the_admin_shows_them(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    shown = []
    for model, model_admin in admin.site._registry.items():
        if issubclass(model, StatusChange):
            shown.append(model)
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_change_permission(request)
            assert not model_admin.has_delete_permission(request)
        for inline_class in model_admin.inlines:
            if issubclass(inline_class.model, StatusChange):
                shown.append(inline_class.model)
                inline = inline_class(model, admin.site)
                assert not inline.has_add_permission(request, None)
                assert not inline.has_change_permission(request, None)
                assert not inline.has_delete_permission(request, None)
    assert set(shown) >= {ApplicationStatusChange, CandidacyStatusChange}


def test_a_history_row_cannot_be_changed_through_its_parents_admin_page(client, admin_user, staff):
    candidacy = CandidacyFactory()
    change = CandidacyStatusChange.objects.create(
        candidacy=candidacy, old_status="active", new_status="lapsed", actor=staff, note="Kept."
    )
    client.force_login(admin_user)

    response = client.get(reverse("admin:candidates_candidacy_change", args=[candidacy.pk]))

    assert response.status_code == 200
    assert 'name="status_changes-0-note"' not in response.content.decode()
    change.refresh_from_db()
    assert change.note == "Kept."
    assert Candidacy.objects.get(pk=candidacy.pk).status_changes.count() == 1


def test_status_names_come_from_each_kinds_choices(db):
    from staff.audit import status_label

    assert status_label("reviews.decision", "released") == "Released"
    assert status_label("candidates.application", "info_requested") == "More information requested"
    # A kind without a status field (or an unknown value) shows the value made readable.
    assert status_label("program.programrules", "not_a_status") == "Not a status"
    assert status_label("nowhere.nothing", "gone_away") == "Gone away"
