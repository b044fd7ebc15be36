"""The holder's renewal page: the window, the hours, the log, adding and removing
activities, and submission; who may see and change it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates import certificate_services as services
from candidates.models import Certificate, ContinuingEducation, Renewal
from candidates.renewal_rules import renewal_window
from lssc.program.selectors import rules_in_force
from tests.factories import SMALL_PDF, issued_certificate

pytestmark = pytest.mark.django_db

ISSUED = date(2026, 3, 1)  # expires 1 March 2031; renewal opens 1 March 2030, closes 1 May 2031
BEFORE_WINDOW = date(2029, 12, 1)
OPEN_DAY = date(2030, 6, 1)
LAST_GRACE_DAY = date(2031, 5, 1)
AFTER_GRACE = date(2031, 5, 2)


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


@contextmanager
def on(day: date):
    with time_machine.travel(noon(day), tick=False):
        yield


@pytest.fixture(autouse=True)
def _sessions_outlive_the_time_travel(settings):
    # Tests log in today and then travel years ahead: keep the session alive meanwhile.
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 60 * 60


@pytest.fixture
def certificate(staff):
    with on(ISSUED):
        return issued_certificate(
            by=staff, user__email="holder@example.org", user__first_name="Hana"
        )


@pytest.fixture
def holder(certificate):
    return certificate.candidacy.user


@pytest.fixture
def holder_client(client, holder):
    client.force_login(holder)
    return client


def page_url(certificate) -> str:
    return f"/certificates/{certificate.pk}/renewal/"


def submit_url(certificate) -> str:
    return f"/certificates/{certificate.pk}/renewal/submit/"


def remove_url(entry) -> str:
    return f"/certificates/{entry.renewal.certificate_id}/renewal/entries/{entry.pk}/remove/"


def evidence_url(entry) -> str:
    return f"/certificates/{entry.renewal.certificate_id}/renewal/entries/{entry.pk}/evidence/"


def activity(**overrides) -> dict:
    data = {
        "activity": "Cataloguing with RDA",
        "provider": "State Library",
        "completed_on": "2030-01-15",
        "kind": "semester",
        "amount": "2",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def log(certificate, *entries, by=None):
    """Log (kind, amount, technology) entries through the services; returns the renewal."""
    by = by or certificate.candidacy.user
    renewal = services.renewal_start(certificate, by=by)
    for kind, amount, technology in entries:
        services.ce_add(
            renewal,
            fields={
                "activity": f"{kind} activity",
                "provider": "Provider",
                "completed_on": date(2029, 10, 1),
                "kind": kind,
                "amount": Decimal(amount),
                "technology": technology,
            },
            by=by,
        )
    return renewal


ENOUGH = [("semester", 2, False), ("workshop", 4, True)]  # 34 hours, 4 on technology


def texts(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def stored_files(private_storage) -> list:
    return (
        [p for p in private_storage.rglob("*") if p.is_file()] if private_storage.exists() else []
    )


# --- Looking -------------------------------------------------------------------------------


def test_opening_the_page_creates_nothing_and_says_when_renewal_opens(holder_client, certificate):
    with on(BEFORE_WINDOW):
        response = holder_client.get(page_url(certificate))

    assert response.status_code == 200
    assert Renewal.objects.count() == 0
    html = response.content.decode()
    assert "Renewal opens on 1 March 2030" in html
    assert "0 of 32 contact hours</strong>, 0 of 4 on technology" in html
    assert response.context["missing"] == [
        "Renewal opens on 1 March 2030.",
        "Log 32 more contact hours.",
        "Log 4 more hours on technology.",
    ]
    assert response.context["can_submit"] is False
    assert "1 semester credit = 15 contact hours" in html
    assert "1 quarter credit = 10 contact hours" in html
    assert "1 conference day = 6 contact hours" in html


@pytest.mark.parametrize(
    ("day", "stage", "text"),
    [
        (OPEN_DAY, "open", "Renewal is open until 1 March 2031"),
        (
            date(2031, 3, 2),
            "grace",
            "you are in the grace period until 1 May 2031, 23:59 US Central",
        ),
        (AFTER_GRACE, "closed", "Renewal closed on 1 May 2031."),
    ],
)
def test_page_says_where_today_falls_in_the_window(holder_client, certificate, day, stage, text):
    with on(day):
        response = holder_client.get(page_url(certificate))

    assert response.context["stage"] == stage
    assert text in response.content.decode()


# --- Logging and submitting ---------------------------------------------------------------


def test_holder_logs_activities_sees_the_hours_and_submits_inside_the_window(
    holder_client, certificate, holder, django_capture_on_commit_callbacks, mailoutbox
):
    with on(OPEN_DAY):
        first = holder_client.post(page_url(certificate), activity())
        second = holder_client.post(
            page_url(certificate),
            activity(
                activity="Library systems webinar",
                kind="workshop",
                amount="4",
                technology="on",
                evidence=SimpleUploadedFile("certificate.pdf", SMALL_PDF),
            ),
        )
        page = holder_client.get(page_url(certificate))
        with django_capture_on_commit_callbacks(execute=True):
            submitted = holder_client.post(submit_url(certificate))
        after = holder_client.get(page_url(certificate))

    assert first.status_code == second.status_code == 302
    assert first.url == page_url(certificate) + "#log"
    assert texts(first) == ["“Cataloguing with RDA” is in your log: 30 contact hours."]
    renewal = Renewal.objects.get(certificate=certificate)
    assert list(renewal.entries.values_list("activity", "kind", "amount", "technology")) == [
        ("Cataloguing with RDA", "semester", Decimal(2), False),
        ("Library systems webinar", "workshop", Decimal(4), True),
    ]
    webinar = renewal.entries.get(kind="workshop")
    assert webinar.evidence.name.endswith(".pdf")
    html = page.content.decode()
    assert "34 of 32 contact hours</strong>, 4 of 4 on technology" in html
    assert [e.hours for e in page.context["entries"]] == ["30", "4"]
    assert [e.amount_label for e in page.context["entries"]] == ["2 semester credits", "4 hours"]
    assert page.context["missing"] == []
    assert page.context["can_submit"] is True

    assert submitted.url == page_url(certificate)
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED
    assert [m.subject for m in mailoutbox] == ["Your certificate renewal was submitted"]
    assert mailoutbox[0].to == [holder.email]
    assert after.context["can_edit"] is False
    assert "Add an activity" not in after.content.decode()
    assert "Remove" not in after.content.decode()


def test_submission_on_the_last_day_of_grace_is_accepted(holder_client, certificate):
    with on(OPEN_DAY):
        renewal = log(certificate, *ENOUGH)
    with on(LAST_GRACE_DAY):
        holder_client.post(submit_url(certificate))

    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED


def test_submission_before_the_window_opens_is_refused_with_the_opening_date(
    holder_client, certificate
):
    with on(BEFORE_WINDOW):
        renewal = log(certificate, *ENOUGH)
        page = holder_client.get(page_url(certificate))
        response = holder_client.post(submit_url(certificate))

    assert page.context["missing"] == ["Renewal opens on 1 March 2030."]
    assert 'disabled aria-describedby="missing"' in page.content.decode()
    assert response.url == page_url(certificate)
    assert texts(response) == ["The renewal was not submitted. Renewal opens on 1 March 2030."]
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.DRAFT


def test_submission_after_the_grace_period_is_refused(holder_client, certificate):
    with on(OPEN_DAY):
        renewal = log(certificate, *ENOUGH)
    with on(AFTER_GRACE):
        response = holder_client.post(submit_url(certificate))

    assert texts(response) == ["The renewal was not submitted. Renewal closed on 1 May 2031."]
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.DRAFT


def test_submission_with_too_few_hours_says_how_many_are_missing(holder_client, certificate):
    with on(OPEN_DAY):
        renewal = log(certificate, ("semester", 1, False), ("workshop", 2, True))
        response = holder_client.post(submit_url(certificate))

    [message] = texts(response)
    assert message.startswith("The renewal was not submitted. Log 15")
    assert "more contact hours" in message
    assert "technology" in message
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.DRAFT


def test_submission_with_enough_hours_but_too_few_on_technology_is_refused(
    holder_client, certificate
):
    with on(OPEN_DAY):
        renewal = log(certificate, ("semester", 3, False))
        page = holder_client.get(page_url(certificate))
        response = holder_client.post(submit_url(certificate))

    assert [m.split(" ")[-4:] for m in page.context["missing"]] == [
        ["more", "hours", "on", "technology."]
    ]
    [message] = texts(response)
    assert "more hours on technology" in message
    assert "contact hours" not in message
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.DRAFT


def test_submitting_before_logging_anything_asks_for_the_log_first(holder_client, certificate):
    with on(OPEN_DAY):
        response = holder_client.post(submit_url(certificate))

    assert texts(response) == ["Log your continuing education first, then submit it."]
    assert Renewal.objects.count() == 0


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "0"}, "amount", "Enter how many credits, hours or days, more than zero."),
        ({"amount": "-3"}, "amount", "Enter how many credits, hours or days, more than zero."),
        ({"amount": "lots"}, "amount", "Enter a number, like 3 or 1.5."),
        (
            {"completed_on": "2030-06-02"},
            "completed_on",
            "The completion date cannot be in the future.",
        ),
        ({"kind": None}, "kind", "Choose the kind of activity."),
        ({"activity": ""}, "activity", "Enter the name of the activity."),
        (
            {"evidence": "exe"},
            "evidence",
            "This file is not a PDF, PNG, JPEG, Word, OpenDocument text or plain text file, "
            "whatever its name says. Save the evidence as PDF, PNG, JPEG, Word, OpenDocument "
            "text or plain text and upload it again.",
        ),
    ],
)
def test_bad_input_is_refused_at_its_field_keeping_what_was_typed(
    holder_client, certificate, private_storage, overrides, field, message
):
    if overrides.get("evidence") == "exe":
        overrides["evidence"] = SimpleUploadedFile("certificate.pdf", EXE)
    data = activity(**{"activity": "Webinar on RDA", **overrides})
    with on(OPEN_DAY):
        response = holder_client.post(page_url(certificate), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    assert list(form.errors) == [field]
    assert message in response.content.decode()  # next to the field and in the summary
    if field != "activity":
        assert form["activity"].value() == "Webinar on RDA"
    assert form["provider"].value() == "State Library"
    assert ContinuingEducation.objects.count() == 0
    assert Renewal.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_refused_second_activity_leaves_the_log_as_it_was(
    holder_client, certificate, private_storage
):
    with on(OPEN_DAY):
        renewal = log(certificate, ("semester", 1, False))
        response = holder_client.post(
            page_url(certificate),
            activity(amount="2", evidence=SimpleUploadedFile("x.pdf", EXE)),
        )

    assert response.status_code == 200
    assert renewal.entries.count() == 1
    assert stored_files(private_storage) == []


def test_holder_removes_an_activity_and_its_evidence(
    holder_client, certificate, private_storage, django_capture_on_commit_callbacks
):
    with on(OPEN_DAY):
        holder_client.post(
            page_url(certificate),
            activity(evidence=SimpleUploadedFile("transcript.pdf", SMALL_PDF)),
        )
        entry = ContinuingEducation.objects.get()
        assert len(stored_files(private_storage)) == 1
        with django_capture_on_commit_callbacks(execute=True):
            response = holder_client.post(remove_url(entry))

    assert response.url == page_url(certificate) + "#log"
    assert texts(response)[-1] == "“Cataloguing with RDA” was removed from your log."
    assert ContinuingEducation.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_submitted_log_is_locked(holder_client, certificate):
    with on(OPEN_DAY):
        renewal = log(certificate, *ENOUGH)
        services.renewal_submit(renewal, by=certificate.candidacy.user)
        entry = renewal.entries.first()
        added = holder_client.post(page_url(certificate), activity())
        removed = holder_client.post(remove_url(entry))

    assert added.context["form"].non_field_errors() == [
        "This renewal is submitted, so it cannot be changed."
    ]
    assert texts(removed) == ["This renewal is submitted, so it cannot be changed."]
    assert renewal.entries.count() == 2


def test_evidence_downloads_for_the_holder_as_an_attachment(holder_client, certificate):
    with on(OPEN_DAY):
        holder_client.post(
            page_url(certificate),
            activity(evidence=SimpleUploadedFile("transcript.pdf", SMALL_PDF)),
        )
        entry = ContinuingEducation.objects.get()
        response = holder_client.get(evidence_url(entry))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="ce-evidence-{entry.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_note_is_shown_and_the_holder_edits_and_resubmits(holder_client, certificate, staff):
    with on(OPEN_DAY):
        renewal = log(certificate, *ENOUGH)
        services.renewal_submit(renewal, by=certificate.candidacy.user)
        services.renewal_request_changes(
            renewal, note="The webinar certificate is missing its hours.", by=staff
        )
        page = holder_client.get(page_url(certificate))
        added = holder_client.post(
            page_url(certificate), activity(kind="self_directed", amount="2", technology="on")
        )
        holder_client.post(submit_url(certificate))

    assert "The webinar certificate is missing its hours." in page.content.decode()
    assert page.context["can_edit"] is True
    assert added.status_code == 302
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SUBMITTED
    assert renewal.entries.count() == 3


def test_an_approved_renewal_links_to_the_new_certificate(holder_client, certificate, staff):
    with on(OPEN_DAY):
        renewal = log(certificate, *ENOUGH)
        services.renewal_submit(renewal, by=certificate.candidacy.user)
        new = services.renewal_approve(renewal, by=staff)
        response = holder_client.get(page_url(certificate))

    assert response.context["new_certificate"] == new
    html = response.content.decode()
    assert f"/certificates/{new.pk}/" in html
    assert f"certificate {new.number} replaces this one" in html
    assert response.context["can_edit"] is False


def test_a_suspended_certificate_cannot_start_a_renewal(holder_client, certificate, staff):
    services.certificate_suspend(certificate, reason="Under review.", by=staff)
    with on(OPEN_DAY):
        page = holder_client.get(page_url(certificate))
        response = holder_client.post(page_url(certificate), activity())

    assert "This certificate is suspended, so it cannot be renewed." in page.content.decode()
    assert page.context["can_edit"] is False
    assert response.context["form"].non_field_errors() == [
        "This certificate is suspended, so it cannot be renewed."
    ]
    assert Renewal.objects.count() == 0


# --- Who may see and act ------------------------------------------------------------------


@pytest.fixture
def entry(certificate):
    with on(OPEN_DAY):
        renewal = log(certificate, ("semester", 1, False))
    entry = renewal.entries.get()
    entry.evidence.save("evidence.pdf", SimpleUploadedFile("e.pdf", SMALL_PDF))
    return entry


@pytest.mark.parametrize("persona", ["candidate", "other_candidate", "evaluator", "outsider"])
def test_anyone_but_the_holder_and_staff_gets_404(client, certificate, entry, persona, request):
    client.force_login(request.getfixturevalue(persona))
    with on(OPEN_DAY):
        assert client.get(page_url(certificate)).status_code == 404
        assert client.post(page_url(certificate), activity()).status_code == 404
        assert client.post(submit_url(certificate)).status_code == 404
        assert client.post(remove_url(entry)).status_code == 404
        assert client.get(evidence_url(entry)).status_code == 404
    assert ContinuingEducation.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, certificate, entry):
    for url in [page_url(certificate), evidence_url(entry)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/"), url
    for url in [submit_url(certificate), remove_url(entry)]:
        assert client.post(url).url.startswith("/accounts/login/"), url


def test_staff_may_read_the_log_and_download_evidence_but_not_change_it(
    client, staff, certificate, entry
):
    client.force_login(staff)
    with on(OPEN_DAY):
        page = client.get(page_url(certificate))
        download = client.get(evidence_url(entry))
        add = client.post(page_url(certificate), activity())
        submit = client.post(submit_url(certificate))
        remove = client.post(remove_url(entry))

    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert "Only the holder can change it." in page.content.decode()
    assert "Add an activity" not in page.content.decode()
    assert download.status_code == 200
    assert (add.status_code, submit.status_code, remove.status_code) == (403, 403, 403)
    assert ContinuingEducation.objects.count() == 1


def test_post_only_views_refuse_get(holder_client, certificate, entry):
    assert holder_client.get(submit_url(certificate)).status_code == 405
    assert holder_client.get(remove_url(entry)).status_code == 405


def test_an_entry_of_another_certificate_is_404(holder_client, certificate, staff):
    with on(ISSUED):
        other = issued_certificate(by=staff)
    with on(OPEN_DAY):
        foreign = log(other, ("semester", 1, False)).entries.get()
        response = holder_client.post(
            f"/certificates/{certificate.pk}/renewal/entries/{foreign.pk}/remove/"
        )

    assert response.status_code == 404
    assert ContinuingEducation.objects.filter(pk=foreign.pk).exists()


# --- Query counts -------------------------------------------------------------------------


def test_renewal_page_query_count_does_not_grow_with_entries(holder_client, certificate):
    with on(OPEN_DAY):
        renewal = log(certificate, ("workshop", 1, True))
        with CaptureQueriesContext(connection) as with_one:
            holder_client.get(page_url(certificate))
        for _ in range(9):
            services.ce_add(
                renewal,
                fields={
                    "activity": "More",
                    "provider": "",
                    "completed_on": date(2030, 1, 1),
                    "kind": "conference",
                    "amount": Decimal(1),
                    "technology": False,
                },
                evidence=SimpleUploadedFile("e.pdf", SMALL_PDF),
                by=certificate.candidacy.user,
            )
        with CaptureQueriesContext(connection) as with_ten:
            response = holder_client.get(page_url(certificate))

    assert len(response.context["entries"]) == 10
    assert len(with_ten) == len(with_one)


# --- Demo data ----------------------------------------------------------------------------


def test_seed_demo_gives_a_certified_holder_an_open_window_and_a_short_draft(settings):
    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    certificate = Certificate.objects.get(candidacy__user__email="certified@example.org")
    today = timezone.localdate()
    assert renewal_window(certificate.expires_on, rules_in_force()).stage(today) == "open"
    assert certificate.renewal.status == Renewal.Status.DRAFT
    assert sorted(certificate.renewal.entries.values_list("kind", flat=True)) == [
        "conference",
        "semester",
        "workshop",
    ]
    assert services.renewal_missing(certificate.renewal) != []


def test_an_oversized_evidence_file_is_cut_off_and_the_fields_are_kept(
    holder_client, certificate, private_storage
):
    too_big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    with on(OPEN_DAY):
        response = holder_client.post(page_url(certificate), activity(evidence=too_big))

    assert response.status_code == 413
    form = response.context["form"]
    assert form.errors["evidence"] == [
        "This file is larger than 10 MB, the most one file may be. Upload a smaller file, or "
        "split it into parts."
    ]
    assert form["activity"].value() == "Cataloguing with RDA"
    assert ContinuingEducation.objects.count() == 0
    assert stored_files(private_storage) == []


def test_adding_an_activity_still_checks_the_csrf_token(holder, certificate):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(holder)
    with on(OPEN_DAY):
        refused = client.post(page_url(certificate), activity())
        page = client.get(page_url(certificate))
        token = page.context["csrf_token"]
        accepted = client.post(page_url(certificate), {**activity(), "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert ContinuingEducation.objects.count() == 1
