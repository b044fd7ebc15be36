"""The staff renewal desk: the queue, one renewal, approving (a new certificate replaces the
old one) and requesting changes, and evidence downloads."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates import certificate_services as services
from candidates import reminders
from candidates.models import Certificate, Renewal, RenewalStatusChange
from tests.factories import SMALL_PDF, issued_certificate

pytestmark = pytest.mark.django_db

ISSUED = date(2026, 3, 1)  # expires 1 March 2031; renewal opens 1 March 2030
OPEN_DAY = date(2030, 6, 1)
QUEUE = "/staff/renewals/"


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


@contextmanager
def on(day: date):
    with time_machine.travel(noon(day), tick=False):
        yield


@pytest.fixture(autouse=True)
def _sessions_outlive_the_time_travel(settings):
    # Tests log in today and then travel years ahead: keep the session alive meanwhile.
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 60 * 60


def make_renewal(staff, *, status="submitted", name="Hana", days_waiting=0, evidence=True):
    """A certificate issued on ISSUED and its renewal on OPEN_DAY: a semester credit course
    (2 credits) and a 4-hour technology workshop with evidence; then submitted (by default),
    sent back for changes or approved. Call inside `on(OPEN_DAY)`."""
    with on(ISSUED):
        certificate = issued_certificate(by=staff, user__first_name=name)
    holder = certificate.candidacy.user
    renewal = services.renewal_start(certificate, by=holder)
    for activity, kind, amount, technology in [
        ("Cataloguing with RDA", "semester", 2, False),
        ("Library systems webinar", "workshop", 4, True),
    ]:
        services.ce_add(
            renewal,
            fields={
                "activity": activity,
                "provider": "State Library",
                "completed_on": date(2029, 10, 1),
                "kind": kind,
                "amount": Decimal(amount),
                "technology": technology,
            },
            evidence=SimpleUploadedFile("certificate.pdf", SMALL_PDF)
            if evidence and technology
            else None,
            by=holder,
        )
    if status == "draft":
        return renewal
    renewal = services.renewal_submit(renewal, by=holder)
    if days_waiting:
        Renewal.objects.filter(pk=renewal.pk).update(
            submitted_at=noon(OPEN_DAY) - timedelta(days=days_waiting)
        )
    if status == "changes_requested":
        services.renewal_request_changes(renewal, note="Add the workshop's hours.", by=staff)
    elif status == "approved":
        services.renewal_approve(renewal, by=staff)
    renewal.refresh_from_db()
    return renewal


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def renewal(staff):
    with on(OPEN_DAY):
        return make_renewal(staff)


def detail_url(renewal) -> str:
    return f"/staff/renewals/{renewal.pk}/"


def approve_url(renewal) -> str:
    return f"/staff/renewals/{renewal.pk}/approve/"


def changes_url(renewal) -> str:
    return f"/staff/renewals/{renewal.pk}/request-changes/"


def evidence_url(renewal, entry) -> str:
    return f"/staff/renewals/{renewal.pk}/entries/{entry.pk}/evidence/"


def texts(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def token(response) -> str:
    return response.context["form"]["submission"].value()


# --- The queue ----------------------------------------------------------------------------


def test_queue_lists_waiting_oldest_first_then_changes_requested_then_recently_approved(
    staff_client, staff
):
    with on(OPEN_DAY):
        newer = make_renewal(staff, name="Newer", days_waiting=2)
        older = make_renewal(staff, name="Older", days_waiting=9)
        sent_back = make_renewal(staff, name="Back", status="changes_requested")
        approved = make_renewal(staff, name="Done", status="approved")
        make_renewal(staff, name="Draft", status="draft")
        response = staff_client.get(QUEUE)

    assert response.status_code == 200
    assert response.context["waiting"] == [older, newer]
    assert [r.age_days for r in response.context["waiting"]] == [9, 2]
    assert [r.total_hours for r in response.context["waiting"]] == ["34", "34"]
    assert response.context["changes"] == [sent_back]
    assert response.context["approved"] == [approved]
    html = response.content.decode()
    assert "9 days waiting" in html
    assert older.certificate.number in html
    assert approved.certificate.superseded_by.number in html


def test_empty_queue_says_what_it_is_for(staff_client):
    response = staff_client.get(QUEUE)
    assert "No renewals are waiting. A renewal appears here when" in response.content.decode()


def test_queue_query_count_does_not_grow_with_rows(staff_client, staff):
    with on(OPEN_DAY):
        make_renewal(staff)
        make_renewal(staff, status="changes_requested")
        make_renewal(staff, status="approved")
        with CaptureQueriesContext(connection) as with_one:
            staff_client.get(QUEUE)
        for _ in range(5):
            make_renewal(staff)
            make_renewal(staff, status="changes_requested")
            make_renewal(staff, status="approved")
        with CaptureQueriesContext(connection) as with_many:
            response = staff_client.get(QUEUE)

    assert len(response.context["waiting"]) == 6
    assert len(response.context["approved"]) == 6
    assert len(with_many) == len(with_one)


# --- One renewal --------------------------------------------------------------------------


def test_renewal_page_shows_the_log_hours_window_evidence_and_history(staff_client, renewal):
    with on(OPEN_DAY):
        response = staff_client.get(detail_url(renewal))

    assert response.status_code == 200
    assert [(e.activity, e.hours) for e in response.context["entries"]] == [
        ("Cataloguing with RDA", "30"),
        ("Library systems webinar", "4"),
    ]
    html = response.content.decode()
    assert "34 of 32 contact hours, 4 of 4 on technology" in html
    webinar = renewal.entries.get(kind="workshop")
    assert evidence_url(renewal, webinar) in html
    assert "1 March 2030 to 1 May 2031" in html
    assert [e["title"] for e in response.context["timeline"]] == [
        "Submitted",
        "Renewal log started",
    ]
    assert approve_url(renewal) in html
    assert changes_url(renewal) in html


def test_staff_download_the_evidence(staff_client, renewal):
    webinar = renewal.entries.get(kind="workshop")
    response = staff_client.get(evidence_url(renewal, webinar))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALL_PDF
    assert response["Content-Disposition"] == f'attachment; filename="ce-evidence-{webinar.pk}.pdf"'


def test_an_entry_without_evidence_or_of_another_renewal_is_404(staff_client, staff, renewal):
    course = renewal.entries.get(kind="semester")
    with on(OPEN_DAY):
        other = make_renewal(staff)
    assert staff_client.get(evidence_url(renewal, course)).status_code == 404
    foreign = other.entries.get(kind="workshop")
    assert staff_client.get(evidence_url(renewal, foreign)).status_code == 404


# --- Approving ----------------------------------------------------------------------------


def test_approve_confirm_page_says_a_new_certificate_replaces_the_old_one(staff_client, renewal):
    with on(OPEN_DAY):
        response = staff_client.get(approve_url(renewal))

    html = response.content.decode()
    assert response.context["new_expires_on"] == date(2036, 3, 1)
    assert "valid until 1 March 2036" in html
    assert f"It replaces certificate {renewal.certificate.number}" in html
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED  # a GET changes nothing


def test_approving_issues_a_new_certificate_that_supersedes_the_old_one(
    staff_client, staff, renewal, django_capture_on_commit_callbacks, mailoutbox
):
    old = renewal.certificate
    with on(OPEN_DAY):
        page = staff_client.get(approve_url(renewal))
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(approve_url(renewal), {"submission": token(page)})
        again = staff_client.post(approve_url(renewal), {"submission": token(page)})

    assert response.url == detail_url(renewal)
    old.refresh_from_db()
    new = old.superseded_by
    assert old.status == Certificate.Status.REPLACED
    assert (new.status, new.supersedes, new.expires_on, new.issued_on) == (
        Certificate.Status.VALID,
        old,
        date(2036, 3, 1),
        OPEN_DAY,
    )
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.APPROVED
    assert list(
        RenewalStatusChange.objects.filter(renewal=renewal).values_list(
            "old_status", "new_status", "actor"
        )
    ) == [
        ("", "draft", old.candidacy.user_id),
        ("draft", "submitted", old.candidacy.user_id),
        ("submitted", "approved", staff.pk),
    ]
    assert texts(response) == [
        f"Renewal approved: certificate {new.number}, valid until 1 March 2036, replaces "
        f"{old.number}. The holder was emailed."
    ]
    assert [m.subject for m in mailoutbox] == ["Your LSSC certificate is renewed"]
    assert mailoutbox[0].to == [old.candidacy.user.email]
    assert Certificate.objects.count() == 2  # the repeat did nothing
    assert texts(again)[-1].startswith("That form was already sent")


def test_a_draft_cannot_be_approved(staff_client, staff):
    with on(OPEN_DAY):
        draft = make_renewal(staff, status="draft")
        page = staff_client.get(approve_url(draft))
        response = staff_client.post(approve_url(draft), {"submission": token(page)})

    assert "This renewal is draft, so there is nothing to decide now." in page.content.decode()
    assert response.context["form"].non_field_errors() == [
        "A renewal that is draft cannot become approved."
    ]
    assert Certificate.objects.count() == 1


# --- Requesting changes -------------------------------------------------------------------


def test_requesting_changes_needs_a_note(staff_client, renewal):
    with on(OPEN_DAY):
        page = staff_client.get(changes_url(renewal))
        response = staff_client.post(
            changes_url(renewal), {"submission": token(page), "note": "   "}
        )

    assert response.status_code == 200
    assert response.context["form"].errors["note"] == [
        "Say what the holder should change; they will read it."
    ]
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED


def test_requesting_changes_sends_the_note_and_the_holder_can_resubmit(
    staff_client, renewal, client, django_capture_on_commit_callbacks, mailoutbox
):
    holder = renewal.certificate.candidacy.user
    with on(OPEN_DAY):
        page = staff_client.get(changes_url(renewal))
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                changes_url(renewal),
                {"submission": token(page), "note": "The webinar certificate shows 5 hours."},
            )
        renewal.refresh_from_db()
        assert renewal.status == Renewal.Status.CHANGES_REQUESTED
        assert renewal.staff_note == "The webinar certificate shows 5 hours."

        client.force_login(holder)
        webinar = renewal.entries.get(kind="workshop")
        client.post(f"/certificates/{renewal.certificate_id}/renewal/entries/{webinar.pk}/remove/")
        client.post(
            f"/certificates/{renewal.certificate_id}/renewal/",
            {
                "activity": "Library systems webinar",
                "completed_on": "2029-10-01",
                "kind": "workshop",
                "amount": "5",
                "technology": "on",
            },
        )
        client.post(f"/certificates/{renewal.certificate_id}/renewal/submit/")

    assert response.url == detail_url(renewal)
    assert texts(response) == ["Changes were requested; the holder was emailed your note."]
    assert [m.subject for m in mailoutbox] == ["Your certificate renewal needs changes"]
    assert "The webinar certificate shows 5 hours." in mailoutbox[0].body
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED
    assert sorted(renewal.entries.values_list("amount", flat=True)) == [Decimal(2), Decimal(5)]


# --- Who may use the desk -----------------------------------------------------------------


def staff_urls(renewal) -> list[str]:
    entry = renewal.entries.get(kind="workshop")
    return [
        QUEUE,
        detail_url(renewal),
        approve_url(renewal),
        changes_url(renewal),
        evidence_url(renewal, entry),
    ]


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404(client, renewal, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in staff_urls(renewal):
        assert client.get(url).status_code == 404, url
    assert client.post(approve_url(renewal), {}).status_code == 404


def test_the_holder_gets_404_on_the_staff_desk(client, renewal):
    client.force_login(renewal.certificate.candidacy.user)
    for url in staff_urls(renewal):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_log_in(client, renewal):
    for url in staff_urls(renewal):
        response = client.get(url)
        assert response.url.startswith("/accounts/login/"), url


def test_an_unknown_renewal_is_404(staff_client):
    assert staff_client.get("/staff/renewals/999999/").status_code == 404
    assert staff_client.get("/staff/renewals/999999/approve/").status_code == 404


def test_read_only_pages_refuse_post(staff_client, renewal):
    entry = renewal.entries.get(kind="workshop")
    assert staff_client.post(QUEUE).status_code == 405
    assert staff_client.post(detail_url(renewal)).status_code == 405
    assert staff_client.post(evidence_url(renewal, entry)).status_code == 405


# --- The expiry job ----------------------------------------------------------------------


def test_a_renewal_submitted_in_time_is_not_expired_and_can_be_approved_after_grace(staff):
    with on(OPEN_DAY):
        renewal = make_renewal(staff)
    with on(date(2031, 5, 10)):
        assert reminders.certificate_expiry_sweep() == 0
        new = services.renewal_approve(renewal, by=staff)

    old = Certificate.objects.get(pk=renewal.certificate_id)
    assert old.status == Certificate.Status.REPLACED
    # Valid five years from the old expiry date: the time staff took to decide is not lost.
    assert (new.supersedes_id, new.expires_on) == (old.pk, date(2036, 3, 1))
