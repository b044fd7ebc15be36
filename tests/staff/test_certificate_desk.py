"""Staff pages for certificates: /staff/certificates/ (the ready queue and the list), issuing,
one certificate's record, and the suspend, reinstate and revoke confirm pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import certificate_services as services
from candidates.models import Candidacy, Certificate
from lssc.core.dates import add_years
from lssc.core.models import EmailLog
from tests.factories import candidacy_with_progress, issued_certificate, ready_candidacy

LIST = "/staff/certificates/"


def issue_url(candidacy):
    return f"/staff/certificates/issue/{candidacy.pk}/"


def detail_url(certificate):
    return f"/staff/certificates/{certificate.pk}/"


def action_url(certificate, action):
    return f"/staff/certificates/{certificate.pk}/{action}/"


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


def history(certificate):
    return list(
        certificate.status_changes.order_by("at", "pk").values_list(
            "old_status", "new_status", "actor__email", "note"
        )
    )


@pytest.fixture
def ready(db):
    """A candidacy with its sets achieved, waiting for the certificate."""
    return ready_candidacy(
        user__email="holder@example.org", user__first_name="Casey", user__last_name="Holder"
    )


@pytest.fixture
def certificate(ready, staff):
    return issued_certificate(ready, by=staff)


# --- Access -------------------------------------------------------------------------------


def all_urls(certificate, candidacy):
    return [
        LIST,
        issue_url(candidacy),
        detail_url(certificate),
        action_url(certificate, "suspend"),
        action_url(certificate, "reinstate"),
        action_url(certificate, "revoke"),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, certificate):
    waiting = ready_candidacy()
    for url in all_urls(certificate, waiting):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "provider_user"])
def test_people_who_are_not_program_staff_are_refused_as_on_every_staff_page(
    client, certificate, persona, request
):
    waiting = ready_candidacy()
    client.force_login(request.getfixturevalue(persona))

    for url in all_urls(certificate, waiting):
        assert client.get(url).status_code == 404, url
    assert client.post(action_url(certificate, "revoke"), {"reason": "x"}).status_code == 404
    assert client.post(issue_url(waiting)).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert not waiting.certificates.exists()


def test_the_holder_cannot_open_the_staff_pages_of_their_certificate(client, certificate):
    client.force_login(certificate.candidacy.user)

    assert client.get(detail_url(certificate)).status_code == 404
    assert client.get(action_url(certificate, "suspend")).status_code == 404


def test_unknown_certificates_and_candidacies_are_404(staff_client):
    for url in [
        "/staff/certificates/999999/",
        "/staff/certificates/999999/suspend/",
        "/staff/certificates/issue/999999/",
    ]:
        assert staff_client.get(url).status_code == 404, url


def test_list_and_detail_refuse_post(staff_client, certificate):
    for url in [LIST, detail_url(certificate)]:
        assert staff_client.post(url).status_code == 405, url


def test_confirm_pages_accept_only_get_and_post(staff_client, certificate, ready):
    for url in [
        issue_url(ready),
        action_url(certificate, "suspend"),
        action_url(certificate, "reinstate"),
        action_url(certificate, "revoke"),
    ]:
        assert staff_client.put(url).status_code == 405, url
        assert staff_client.delete(url).status_code == 405, url


# --- The list -----------------------------------------------------------------------------


def test_list_shows_the_ready_queue_with_an_issue_link(staff_client, ready):
    not_ready = candidacy_with_progress()

    response = staff_client.get(LIST)

    assert response.status_code == 200
    assert [row["candidacy"] for row in response.context["ready"]] == [ready]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert ready.number in html
    assert "Casey Holder" in html
    assert f'href="{issue_url(ready)}"' in html
    assert issue_url(not_ready) not in html
    assert "No certificates issued yet" in html


def test_list_shows_certificates_newest_first_with_counts_and_live_status(
    staff_client, staff, certificate
):
    other = issued_certificate(user__first_name="Robin", user__last_name="Reader")
    services.certificate_suspend(other, reason="Checking.", by=staff)

    response = staff_client.get(LIST)

    rows = response.context["rows"]
    assert [row["certificate"].pk for row in rows] == [other.pk, certificate.pk]
    assert [row["status"].code for row in rows] == ["suspended", "valid"]
    assert {t["value"]: t["count"] for t in response.context["tabs"]} == {
        "": 2,
        "valid": 1,
        "suspended": 1,
        "revoked": 0,
        "expired": 0,
        "replaced": 0,
    }
    assert "Nobody is waiting for a certificate" in response.content.decode()


def test_list_filters_by_status(staff_client, staff, certificate):
    other = issued_certificate()
    services.certificate_revoke(other, reason="Fraud.", by=staff)

    revoked = staff_client.get(LIST, {"status": "revoked"})
    valid = staff_client.get(LIST, {"status": "valid"})
    expired = staff_client.get(LIST, {"status": "expired"})

    assert [row["certificate"] for row in revoked.context["rows"]] == [other]
    assert [row["certificate"] for row in valid.context["rows"]] == [certificate]
    assert expired.context["rows"] == []
    assert "No certificates in “Expired”." in expired.content.decode()


def test_list_searches_by_number_and_by_part_of_the_holders_name(staff_client, certificate):
    other = issued_certificate(user__first_name="Robin", user__last_name="Reader")

    by_number = staff_client.get(LIST, {"q": f"  {other.number.lower()} "})
    by_name = staff_client.get(LIST, {"q": "holder"})
    nothing = staff_client.get(LIST, {"q": "Nobody Here"})

    assert [row["certificate"] for row in by_number.context["rows"]] == [other]
    assert [row["certificate"] for row in by_name.context["rows"]] == [certificate]
    assert nothing.context["rows"] == []
    assert "No certificate matches “Nobody Here”" in nothing.content.decode()


def test_search_keeps_the_status_filter(staff_client, staff, certificate):
    services.certificate_suspend(certificate, reason="Checking.", by=staff)
    issued_certificate(user__first_name="Casey", user__last_name="Holderby")

    response = staff_client.get(LIST, {"q": "holder", "status": "suspended"})

    assert [row["certificate"] for row in response.context["rows"]] == [certificate]
    assert '<input type="hidden" name="status" value="suspended">' in response.content.decode()


def test_list_query_count_does_not_grow_with_rows(staff_client, staff):
    issued_certificate()
    ready_candidacy()
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(LIST).status_code == 200

    for n in range(6):
        certificate = issued_certificate()
        if n % 3 == 1:
            services.certificate_suspend(certificate, reason="Checking.", by=staff)
        if n % 3 == 2:
            Certificate.objects.filter(pk=certificate.pk).update(status="replaced")
            Certificate.objects.create(
                candidacy=certificate.candidacy,
                number=f"LSSC-2031-{n:05d}",
                holder_name=certificate.holder_name,
                issued_on=date(2031, 1, 5),
                expires_on=date(2036, 1, 5),
                supersedes=certificate,
            )
    for _ in range(3):
        ready_candidacy()
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(LIST)

    assert len(response.context["rows"]) == 9
    assert len(response.context["ready"]) == 4
    assert len(many) == len(one)


def test_staff_home_counts_the_certificates_to_issue(staff_client, ready):
    ready_candidacy()

    response = staff_client.get("/staff/")

    assert response.context["certificates_to_issue"] == 2
    html = response.content.decode()
    assert "Certificates to issue" in html
    assert f'href="{LIST}">Open the certificates</a>' in html


# --- Issuing ------------------------------------------------------------------------------


def test_issue_page_says_what_will_happen(staff_client, ready):
    response = staff_client.get(issue_url(ready))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    expires = add_years(timezone.localdate(), 5)
    assert f"valid until {expires.day} {expires:%B %Y}" in html
    assert "next certificate number" in html
    assert "“Certified”" in html
    assert "holder@example.org" in html
    assert response.context["unavailable"] == ""


def test_issuing_makes_the_certificate_certifies_the_candidacy_and_emails(
    staff_client, staff, ready, mailoutbox, django_capture_on_commit_callbacks
):
    url = issue_url(ready)
    token = token_of(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"submission": token})

    certificate = Certificate.objects.get(candidacy=ready)
    assert response.status_code == 302
    assert response.url == detail_url(certificate)
    assert certificate.holder_name == "Casey Holder"
    assert certificate.issued_on == timezone.localdate()
    assert certificate.expires_on == add_years(timezone.localdate(), 5)
    assert certificate.issued_by == staff
    ready.refresh_from_db()
    assert ready.status == Candidacy.Status.CERTIFIED
    assert history(certificate) == [("", "valid", "staff@example.org", "Issued.")]
    assert list(EmailLog.objects.values_list("to_email", "kind")) == [
        ("holder@example.org", "certificate_issued")
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["holder@example.org"], "Congratulations: your LSSC certificate is issued")
    ]
    page = staff_client.get(response.url).content.decode()
    assert f"Certificate {certificate.number} is issued to Casey Holder" in page


def test_issuing_to_a_candidacy_that_is_not_ready_is_refused(staff_client):
    not_ready = candidacy_with_progress()
    url = issue_url(not_ready)

    page = staff_client.get(url)
    assert "Not ready yet" in page.content.decode()

    response = staff_client.post(url, {"submission": token_of(page)})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Not ready: every required set and 3 chosen electives must be achieved first."
    ]
    assert 'id="error-summary"' in response.content.decode()
    assert not Certificate.objects.exists()
    not_ready.refresh_from_db()
    assert not_ready.status == Candidacy.Status.ACTIVE


def test_issue_page_of_a_certified_candidacy_links_to_its_certificate(
    staff_client, certificate, ready
):
    html = staff_client.get(issue_url(ready)).content.decode()

    assert "This candidate already holds the certificate." in html
    assert f'href="{detail_url(certificate)}"' in html
    assert "<form" not in html.split('id="main"')[1]


def test_sending_the_issue_form_twice_issues_once(staff_client, ready):
    url = issue_url(ready)
    data = {"submission": token_of(staff_client.get(url))}
    staff_client.post(url, data)

    response = staff_client.post(url, data)

    certificate = Certificate.objects.get(candidacy=ready)
    assert response.status_code == 302
    assert response.url == detail_url(certificate)
    assert "already sent" in staff_client.get(response.url).content.decode()


# --- The detail page ----------------------------------------------------------------------


def test_detail_shows_the_fields_status_verification_and_history(staff_client, staff, certificate):
    services.certificate_suspend(certificate, reason="Checking a complaint.", by=staff)
    services.certificate_reinstate(certificate, note="Complaint withdrawn.", by=staff)

    response = staff_client.get(detail_url(certificate))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f"Certificate {certificate.number}</h1>" in html
    assert "Casey Holder" in html
    assert certificate.candidacy.number in html
    assert certificate.verification_code in html
    assert f"/verify/{certificate.verification_code}/" in html
    assert response.context["status"].code == "valid"
    assert [(e["title"], e["note"], e["actor"]) for e in response.context["timeline"]] == [
        ("Suspended → Valid", "Complaint withdrawn.", staff),
        ("Valid → Suspended", "Checking a complaint.", staff),
        ("Issued", "", staff),
    ]
    assert "by Sam" in html


def test_a_valid_certificate_offers_suspend_and_revoke(staff_client, certificate):
    html = staff_client.get(detail_url(certificate)).content.decode()

    assert f'href="{action_url(certificate, "suspend")}"' in html
    assert f'href="{action_url(certificate, "revoke")}"' in html
    assert action_url(certificate, "reinstate") not in html


def test_a_suspended_certificate_offers_reinstate_and_revoke(staff_client, staff, certificate):
    services.certificate_suspend(certificate, reason="Checking.", by=staff)

    html = staff_client.get(detail_url(certificate)).content.decode()

    assert f'href="{action_url(certificate, "reinstate")}"' in html
    assert f'href="{action_url(certificate, "revoke")}"' in html
    assert action_url(certificate, "suspend") not in html


def test_a_revoked_certificate_offers_no_action(staff_client, staff, certificate):
    services.certificate_revoke(certificate, reason="Fraud.", by=staff)

    html = staff_client.get(detail_url(certificate)).content.decode()

    assert "its status can no longer change" in html
    for action in ["suspend", "reinstate", "revoke"]:
        assert action_url(certificate, action) not in html


# --- Suspend, reinstate, revoke -----------------------------------------------------------


def test_suspending_records_the_reason_and_emails_the_holder(
    staff_client, certificate, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(certificate, "suspend")
    token = token_of(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"submission": token, "reason": "  Checking a complaint.  "}
        )

    assert response.status_code == 302
    assert response.url == detail_url(certificate)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUSPENDED
    assert certificate.status_reason == "Checking a complaint."
    assert history(certificate)[-1] == (
        "valid",
        "suspended",
        "staff@example.org",
        "Checking a complaint.",
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["holder@example.org"], "Your LSSC certificate is suspended")
    ]
    assert "Checking a complaint." in mailoutbox[0].body
    page = staff_client.get(response.url).content.decode()
    assert f"Certificate {certificate.number} is suspended" in page


@pytest.mark.parametrize("action", ["suspend", "revoke"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_suspending_or_revoking_without_a_reason_is_refused_at_the_field(
    staff_client, certificate, action, reason
):
    url = action_url(certificate, action)
    token = token_of(staff_client.get(url))

    response = staff_client.post(url, {"submission": token, "reason": reason})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert response.context["form"].errors["reason"][0].startswith("Give the reason for")
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_reason"' in html
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert len(history(certificate)) == 1


def test_reinstating_lifts_the_suspension_and_emails_the_holder(
    staff_client, staff, certificate, mailoutbox, django_capture_on_commit_callbacks
):
    services.certificate_suspend(certificate, reason="Checking.", by=staff)
    url = action_url(certificate, "reinstate")
    token = token_of(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"submission": token, "note": "All clear."})

    assert response.url == detail_url(certificate)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert certificate.status_reason == ""
    assert history(certificate)[-1] == ("suspended", "valid", "staff@example.org", "All clear.")
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["holder@example.org"], "Your LSSC certificate is valid again")
    ]


def test_reinstating_needs_no_note(staff_client, staff, certificate):
    services.certificate_suspend(certificate, reason="Checking.", by=staff)
    url = action_url(certificate, "reinstate")

    response = staff_client.post(url, {"submission": token_of(staff_client.get(url))})

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert history(certificate)[-1][-1] == "Reinstated."


def test_a_valid_certificate_cannot_be_reinstated(staff_client, certificate):
    url = action_url(certificate, "reinstate")

    page = staff_client.get(url)
    assert "This certificate is valid, so it cannot be reinstated." in page.content.decode()

    response = staff_client.post(url, {"submission": token_of(page)})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This certificate is valid, so it cannot be reinstated."
    ]
    assert len(history(certificate)) == 1


def test_a_suspended_certificate_cannot_be_suspended_again(staff_client, staff, certificate):
    services.certificate_suspend(certificate, reason="Checking.", by=staff)
    url = action_url(certificate, "suspend")

    response = staff_client.post(url, {"submission": "a" * 32, "reason": "Again."})

    assert response.status_code == 200
    assert "so it cannot be suspended" in response.content.decode()
    assert len(history(certificate)) == 2


def test_revoke_page_says_it_cannot_be_undone(staff_client, certificate):
    html = staff_client.get(action_url(certificate, "revoke")).content.decode()

    assert html.count("<h1") == 1
    assert "This cannot be undone." in html


def test_revoking_is_final_recorded_and_emailed(
    staff_client, certificate, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(certificate, "revoke")
    token = token_of(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"submission": token, "reason": "Forged evidence."})

    assert response.url == detail_url(certificate)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.status_reason == "Forged evidence."
    assert history(certificate)[-1] == (
        "valid",
        "revoked",
        "staff@example.org",
        "Forged evidence.",
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["holder@example.org"], "Your LSSC certificate is revoked")
    ]
    revoked_again = staff_client.get(action_url(certificate, "suspend")).content.decode()
    assert "This certificate is revoked, so it cannot be suspended." in revoked_again


def test_sending_the_revoke_form_twice_acts_once(staff_client, certificate):
    url = action_url(certificate, "revoke")
    data = {"submission": token_of(staff_client.get(url)), "reason": "Forged evidence."}
    staff_client.post(url, data)

    response = staff_client.post(url, data, follow=True)

    assert "already sent" in response.content.decode()
    assert [row[1] for row in history(certificate)] == ["valid", "revoked"]
