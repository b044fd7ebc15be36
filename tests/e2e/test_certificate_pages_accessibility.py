"""axe-core finds no serious or critical problem on the certificate pages, and each page has
exactly one <h1>: the candidate's dashboard (ready for certification, and certified), the
holder's certificate page (valid, suspended, revoked, replaced), the staff certificate list,
issue page, certificate page and its suspend, reinstate and revoke confirm pages (also with
the "reason required" error), the public verification pages in every status the public can
see (and when nothing matches), the notifications page with reminders, and the renewal pages
of the holder and of the staff renewal desk.

Each certificate is brought to its state through the services (dates moved in the database
for the expired and renewal states); the browser is signed in with a session cookie
(`sign_in`), as the login form and the journey through these pages are tested in
test_certificate_journey.py. The public pages are opened without a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates import certificate_services as services
from candidates import reminders
from candidates.models import Certificate, Renewal
from lssc.core.dates import add_months, add_years
from lssc.core.reminders import opt_out_set, send_reminder
from lssc.program.selectors import rules_in_force
from tests.e2e.conftest import labelled, sign_in
from tests.factories import UserFactory, issued_certificate, ready_candidacy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOLDER_FIRST, HOLDER_LAST = "Robin", "Ashgrove"
HOLDER = f"{HOLDER_FIRST} {HOLDER_LAST}"
SUSPEND_REASON = "A question about the work record is being checked."
REVOKE_REASON = "The work experience could not be confirmed."


@dataclass
class Visitor:
    """Who is signed in (None: nobody) and the values the page's path and actions use."""

    user: object | None
    ids: dict = field(default_factory=dict)


# --- Arranging the certificates -----------------------------------------------------------------


def _staff():
    return UserFactory(email="sam.staff@example.org", first_name="Sam", program_staff=True)


def _holder_fields(**more) -> dict:
    return {
        "user__email": "robin.ashgrove@example.org",
        "user__first_name": HOLDER_FIRST,
        "user__last_name": HOLDER_LAST,
        **more,
    }


def _certificate(staff=None, **holder) -> Certificate:
    """A certificate issued to Robin Ashgrove (or the holder `holder`'s fields describe)."""
    return issued_certificate(by=staff or _staff(), **_holder_fields(**holder))


def _ids(certificate: Certificate, **more) -> dict:
    return {
        "pk": certificate.pk,
        "number": certificate.number,
        "code": certificate.verification_code,
        **more,
    }


def _suspended(staff=None) -> Certificate:
    staff = staff or _staff()
    return services.certificate_suspend(_certificate(staff), reason=SUSPEND_REASON, by=staff)


def _revoked(staff=None) -> Certificate:
    staff = staff or _staff()
    return services.certificate_revoke(_suspended(staff), reason=REVOKE_REASON, by=staff)


def _expiring_on(certificate: Certificate, expires_on) -> Certificate:
    """Move the certificate's dates so that it expires on `expires_on`, issued the years
    the rules say before."""
    years = rules_in_force().certificate_years
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=add_years(expires_on, -years), expires_on=expires_on
    )
    certificate.refresh_from_db()
    return certificate


def _in_renewal_window(staff=None, **holder) -> Certificate:
    """A certificate that expires in six months: the renewal window is open."""
    return _expiring_on(_certificate(staff, **holder), add_months(timezone.localdate(), 6))


def _renewal(*, status: str = "draft", staff=None, **holder) -> Renewal:
    """A renewal of a certificate in its window with enough hours logged: a two-credit
    semester course (30 hours) and a four-hour technology workshop; then submitted, sent back
    for changes or approved as `status` says."""
    staff = staff or _staff()
    certificate = _in_renewal_window(staff, **holder)
    holder = certificate.candidacy.user
    renewal = services.renewal_start(certificate, by=holder)
    done = timezone.localdate() - timedelta(days=60)
    for activity, kind, amount, technology in [
        ("Cataloguing with RDA", "semester", 2, False),
        ("Library systems webinar", "workshop", 4, True),
    ]:
        services.ce_add(
            renewal,
            fields={
                "activity": activity,
                "provider": "State Library",
                "completed_on": done,
                "kind": kind,
                "amount": Decimal(amount),
                "technology": technology,
            },
            by=holder,
        )
    if status == "draft":
        return renewal
    renewal = services.renewal_submit(renewal, by=holder)
    if status == "changes_requested":
        services.renewal_request_changes(renewal, note="Add the workshop's provider.", by=staff)
    elif status == "approved":
        services.renewal_approve(renewal, by=staff)
    renewal.refresh_from_db()
    return renewal


# --- The visitors -------------------------------------------------------------------------------


def candidate_ready() -> Visitor:
    candidacy = ready_candidacy(**_holder_fields())
    return Visitor(candidacy.user)


def candidate_certified() -> Visitor:
    certificate = _certificate()
    return Visitor(certificate.candidacy.user, _ids(certificate))


def holder_suspended() -> Visitor:
    certificate = _suspended()
    return Visitor(certificate.candidacy.user, _ids(certificate))


def holder_revoked() -> Visitor:
    certificate = _revoked()
    return Visitor(certificate.candidacy.user, _ids(certificate))


def holder_renewed() -> Visitor:
    """The old certificate of an approved renewal: replaced."""
    renewal = _renewal(status="approved")
    certificate = renewal.certificate
    return Visitor(certificate.candidacy.user, _ids(certificate))


def holder_in_window() -> Visitor:
    certificate = _in_renewal_window()
    return Visitor(certificate.candidacy.user, _ids(certificate))


def holder_with_a_log() -> Visitor:
    renewal = _renewal()
    return Visitor(renewal.certificate.candidacy.user, _ids(renewal.certificate))


def holder_submitted() -> Visitor:
    renewal = _renewal(status="submitted")
    return Visitor(renewal.certificate.candidacy.user, _ids(renewal.certificate))


def holder_asked_for_changes() -> Visitor:
    renewal = _renewal(status="changes_requested")
    return Visitor(renewal.certificate.candidacy.user, _ids(renewal.certificate))


def holder_with_reminders() -> Visitor:
    """Three reminders: a deadline reminder and a lapse notice emailed, and a renewal
    reminder not emailed because the person turned those off."""
    candidacy = ready_candidacy(**_holder_fields())
    user = candidacy.user
    for kind, stage, subject in [
        (reminders.CANDIDACY_DEADLINE.code, "12m", "Your LSSC deadline is in 12 months"),
        (reminders.CANDIDACY_LAPSED.code, "lapsed", "Your LSSC candidacy has ended"),
    ]:
        send_reminder(
            recipient=user,
            kind=kind,
            subject_id=candidacy.pk,
            anchor=candidacy.deadline,
            stage=stage,
            subject=subject,
            lines=["A line of the reminder."],
        )
    opt_out_set(user, kinds_off={reminders.CERTIFICATE_RENEWAL.code})
    send_reminder(
        recipient=user,
        kind=reminders.CERTIFICATE_RENEWAL.code,
        subject_id=candidacy.pk,
        anchor=candidacy.deadline,
        stage="window",
        subject="You can renew your LSSC certificate",
        lines=["A line of the reminder."],
    )
    assert user.reminders.count() == 3
    return Visitor(user)


def staff_with_a_ready_candidacy() -> Visitor:
    candidacy = ready_candidacy(**_holder_fields())
    return Visitor(_staff(), {"candidacy": candidacy.pk})


def staff_with_certificates() -> Visitor:
    """A ready candidacy, and certificates valid, suspended, revoked, expired and replaced."""
    staff = _staff()
    ready_candidacy(user__first_name="Jordan", user__last_name="Waiting")
    valid = issued_certificate(by=staff, user__first_name="Alex", user__last_name="Valid")
    services.certificate_suspend(
        issued_certificate(by=staff, user__first_name="Blair", user__last_name="Suspended"),
        reason=SUSPEND_REASON,
        by=staff,
    )
    services.certificate_revoke(
        issued_certificate(by=staff, user__first_name="Casey", user__last_name="Revoked"),
        reason=REVOKE_REASON,
        by=staff,
    )
    _expiring_on(
        issued_certificate(by=staff, user__first_name="Dana", user__last_name="Lapsed"),
        timezone.localdate() - timedelta(days=400),
    )
    _renewal(status="approved", staff=staff)
    return Visitor(staff, _ids(valid))


def staff_with_a_certificate() -> Visitor:
    staff = _staff()
    return Visitor(staff, _ids(_certificate(staff)))


def staff_with_a_suspended_certificate() -> Visitor:
    staff = _staff()
    return Visitor(staff, _ids(_suspended(staff)))


def staff_with_a_revoked_certificate() -> Visitor:
    staff = _staff()
    return Visitor(staff, _ids(_revoked(staff)))


def staff_after_issuing() -> Visitor:
    """The issue page of a candidacy that already holds the certificate."""
    staff = _staff()
    certificate = _certificate(staff)
    return Visitor(staff, _ids(certificate, candidacy=certificate.candidacy_id))


def staff_with_renewals() -> Visitor:
    """Renewals waiting, sent back and approved."""
    staff = _staff()
    waiting = _renewal(status="submitted", staff=staff)
    for first, status in [("Blair", "changes_requested"), ("Casey", "approved")]:
        _renewal(
            status=status,
            staff=staff,
            user__email=f"{first.lower()}.holder@example.org",
            user__first_name=first,
        )
    return Visitor(staff, {"renewal": waiting.pk})


def staff_with_a_submitted_renewal() -> Visitor:
    staff = _staff()
    return Visitor(staff, {"renewal": _renewal(status="submitted", staff=staff).pk})


def staff_with_an_approved_renewal() -> Visitor:
    staff = _staff()
    return Visitor(staff, {"renewal": _renewal(status="approved", staff=staff).pk})


def nobody() -> Visitor:
    return Visitor(None)


def valid_certificate() -> Visitor:
    return Visitor(None, _ids(_certificate()))


def suspended_certificate() -> Visitor:
    return Visitor(None, _ids(_suspended()))


def revoked_certificate() -> Visitor:
    return Visitor(None, _ids(_revoked()))


def expired_by_its_date() -> Visitor:
    """Past its expiry date and its grace period, though nobody marked it expired."""
    certificate = _expiring_on(_certificate(), timezone.localdate() - timedelta(days=400))
    assert certificate.status == Certificate.Status.VALID
    return Visitor(None, _ids(certificate))


def in_grace_period() -> Visitor:
    certificate = _expiring_on(_certificate(), timezone.localdate() - timedelta(days=10))
    return Visitor(None, _ids(certificate))


def expired_by_the_job() -> Visitor:
    """Marked expired by the expiry job once its grace period had passed."""
    certificate = _expiring_on(_certificate(), timezone.localdate() - timedelta(days=400))
    certificate, moved = services.certificate_expire(certificate)
    assert moved and certificate.status == Certificate.Status.EXPIRED
    return Visitor(None, _ids(certificate))


def replaced_certificate() -> Visitor:
    return Visitor(None, _ids(_renewal(status="approved").certificate))


# --- What is done on the page before it is scanned ----------------------------------------------


def main(page: Page):
    return page.get_by_role("main")


def shows_ready(page: Page, _visitor: Visitor) -> None:
    expect(page.get_by_test_id("ready-for-certification")).to_contain_text(
        "Ready for certification"
    )


def shows_certificate_card(page: Page, visitor: Visitor) -> None:
    expect(page.get_by_test_id("certificate-card")).to_contain_text(
        f"Certificate {visitor.ids['number']}"
    )


def holder_status(label: str):
    def check(page: Page, _visitor: Visitor) -> None:
        expect(page.get_by_test_id("certificate-status")).to_have_text(label)

    check.__name__ = f"holder_status_{label}"
    return check


def ready_queue_lists(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("table.ready-queue tbody tr")).to_have_count(1)


def certificate_list_is_full(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("table.ready-queue tbody tr")).to_have_count(1)
    expect(page.locator("table.certificate-list tbody tr")).to_have_count(6)


def issue_page_offers_the_button(page: Page, _visitor: Visitor) -> None:
    expect(page.get_by_role("button", name="Issue the certificate", exact=True)).to_be_visible()


def issue_page_refuses(page: Page, _visitor: Visitor) -> None:
    expect(main(page)).to_contain_text("This candidate already holds the certificate.")


def history_lists(count: int):
    def check(page: Page, _visitor: Visitor) -> None:
        history = page.get_by_role("region", name="History")
        expect(history.locator("ol.timeline > li")).to_have_count(count)

    check.__name__ = f"history_lists_{count}"
    return check


def refuse_without_reason(button: str, message: str):
    def check(page: Page, _visitor: Visitor) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator("#error-summary")).to_contain_text(message)

    check.__name__ = f"refuse_{button.split()[0].lower()}"
    return check


def check_by_form(code: str | None = None, *, number: str | None = None):
    """Type the number and code (the visitor's, unless given) and press the button."""

    def check(page: Page, visitor: Visitor) -> None:
        labelled(page, "Certificate number").fill(
            number if number is not None else visitor.ids.get("number", "")
        )
        labelled(page, "Verification code").fill(
            code if code is not None else visitor.ids.get("code", "")
        )
        page.get_by_role("button", name="Check the certificate").click()

    return check


def verify_result(status_code: str, text: str, *, code: str | None = None):
    """Fill the form, then expect the result box with `status_code` saying `text`."""

    def check(page: Page, visitor: Visitor) -> None:
        check_by_form(code)(page, visitor)
        expect_status(status_code, text)(page, visitor)

    check.__name__ = f"verify_{status_code}"
    return check


def expect_status(status_code: str, text: str):
    def check(page: Page, _visitor: Visitor) -> None:
        result = page.locator(".verify-result")
        expect(result).to_have_attribute("data-status", status_code)
        expect(result.get_by_test_id("status")).to_contain_text(text)
        expect(result.get_by_test_id("holder")).to_have_text(HOLDER)

    check.__name__ = f"status_{status_code}"
    return check


def verify_not_found(page: Page, visitor: Visitor) -> None:
    check_by_form("ZZZZZZZZZZZZZZZZ")(page, visitor)
    expect(page.get_by_role("alert")).to_contain_text(
        "No certificate matches that number and code."
    )
    expect(main(page)).not_to_contain_text(HOLDER)


def verify_with_empty_fields(page: Page, visitor: Visitor) -> None:
    check_by_form("", number="")(page, visitor)
    expect(page.locator("#error-summary")).to_contain_text("Certificate number:")


def code_not_found(page: Page, _visitor: Visitor) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("No certificate matches that code.")


def notifications_listed(page: Page, _visitor: Visitor) -> None:
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(main(page)).to_contain_text("Not emailed: you had turned these off")


def renewal_page(text: str):
    def check(page: Page, visitor: Visitor) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Renew certificate {visitor.ids['number']}"
        )
        expect(main(page)).to_contain_text(text)

    check.__name__ = "renewal_page"
    return check


def add_an_empty_activity(page: Page, _visitor: Visitor) -> None:
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator("#error-summary")).to_be_visible()


def renewal_list_lists(page: Page, _visitor: Visitor) -> None:
    expect(page.get_by_role("heading", name="Waiting for a decision")).to_be_visible()
    expect(page.get_by_role("heading", name="Sent back for changes")).to_be_visible()


def ask_for_changes_without_a_note(page: Page, _visitor: Visitor) -> None:
    page.get_by_role("button", name="Send it back for changes").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Say what the holder should change; they will read it."
    )


def scan(who, path, then=None, *, status=200, id):
    """One page to scan."""
    return pytest.param(who, path, then, status, id=id)


PAGES = [
    # The candidate and holder
    scan(candidate_ready, "/dashboard/", shows_ready, id="dashboard-ready"),
    scan(candidate_certified, "/dashboard/", shows_certificate_card, id="dashboard-certified"),
    scan(
        candidate_certified, "/certificates/{pk}/", holder_status("Valid"), id="certificate-valid"
    ),
    scan(
        holder_suspended,
        "/certificates/{pk}/",
        holder_status("Suspended"),
        id="certificate-suspended",
    ),
    scan(holder_revoked, "/certificates/{pk}/", holder_status("Revoked"), id="certificate-revoked"),
    scan(
        holder_renewed,
        "/certificates/{pk}/",
        holder_status("Replaced by a renewal"),
        id="certificate-replaced",
    ),
    scan(holder_with_reminders, "/account/notifications/", notifications_listed, id="reminders"),
    # Program staff
    scan(staff_with_a_ready_candidacy, "/staff/certificates/", ready_queue_lists, id="list-ready"),
    scan(staff_with_certificates, "/staff/certificates/", certificate_list_is_full, id="list-all"),
    scan(
        staff_with_certificates,
        "/staff/certificates/?status=revoked",
        None,
        id="list-revoked-tab",
    ),
    scan(
        staff_with_certificates,
        "/staff/certificates/?q=nobody-has-this-name",
        None,
        id="list-no-match",
    ),
    scan(
        staff_with_a_ready_candidacy,
        "/staff/certificates/issue/{candidacy}/",
        issue_page_offers_the_button,
        id="issue",
    ),
    scan(
        staff_after_issuing,
        "/staff/certificates/issue/{candidacy}/",
        issue_page_refuses,
        id="issue-refused",
    ),
    scan(
        staff_with_a_certificate, "/staff/certificates/{pk}/", history_lists(1), id="detail-valid"
    ),
    scan(
        staff_with_a_revoked_certificate,
        "/staff/certificates/{pk}/",
        history_lists(3),
        id="detail-revoked",
    ),
    scan(staff_with_a_certificate, "/certificates/{pk}/", None, id="holder-page-seen-by-staff"),
    scan(staff_with_a_certificate, "/staff/certificates/{pk}/suspend/", None, id="suspend"),
    scan(
        staff_with_a_certificate,
        "/staff/certificates/{pk}/suspend/",
        refuse_without_reason(
            "Suspend the certificate", "Give the reason for suspending; the holder will read it."
        ),
        id="suspend-error",
    ),
    scan(
        staff_with_a_suspended_certificate,
        "/staff/certificates/{pk}/reinstate/",
        None,
        id="reinstate",
    ),
    scan(staff_with_a_certificate, "/staff/certificates/{pk}/revoke/", None, id="revoke"),
    scan(
        staff_with_a_suspended_certificate,
        "/staff/certificates/{pk}/revoke/",
        refuse_without_reason(
            "Revoke the certificate",
            "Give the reason for revoking; the holder and the public will read it.",
        ),
        id="revoke-error",
    ),
    scan(
        staff_with_a_revoked_certificate,
        "/staff/certificates/{pk}/suspend/",
        None,
        id="suspend-unavailable",
    ),
    # The public verification pages
    scan(nobody, "/verify/", None, id="verify-empty"),
    scan(nobody, "/verify/", verify_with_empty_fields, id="verify-form-error"),
    scan(valid_certificate, "/verify/", verify_result("valid", "Valid until"), id="verify-valid"),
    scan(valid_certificate, "/verify/", verify_not_found, id="verify-not-found"),
    scan(
        suspended_certificate,
        "/verify/",
        verify_result("suspended", "not valid while it is suspended"),
        id="verify-suspended",
    ),
    scan(
        revoked_certificate,
        "/verify/",
        verify_result("revoked", f"Reason: {REVOKE_REASON}"),
        id="verify-revoked",
    ),
    scan(
        expired_by_its_date,
        "/verify/",
        verify_result("expired", "Expired on"),
        id="verify-expired-by-date",
    ),
    scan(
        in_grace_period,
        "/verify/",
        verify_result("grace", "It is in its renewal grace period."),
        id="verify-grace",
    ),
    scan(
        expired_by_the_job,
        "/verify/",
        verify_result("expired", "Expired on"),
        id="verify-expired-by-status",
    ),
    scan(
        replaced_certificate,
        "/verify/",
        verify_result("replaced", "This certificate was renewed and replaced by certificate"),
        id="verify-replaced",
    ),
    scan(valid_certificate, "/verify/{code}/", expect_status("valid", "Valid until"), id="code"),
    scan(
        revoked_certificate,
        "/verify/{code}/",
        expect_status("revoked", f"Reason: {REVOKE_REASON}"),
        id="code-revoked",
    ),
    scan(
        replaced_certificate,
        "/verify/{code}/",
        expect_status("replaced", "Check the current certificate"),
        id="code-replaced",
    ),
    scan(nobody, "/verify/ZZZZZZZZZZZZZZZZ/", code_not_found, status=404, id="code-not-found"),
    # Renewal: the holder
    scan(
        candidate_certified,
        "/certificates/{pk}/renewal/",
        renewal_page("Renewal opens on"),
        id="renewal-not-open",
    ),
    scan(
        holder_in_window,
        "/certificates/{pk}/renewal/",
        renewal_page("Add an activity"),
        id="renewal-empty-log",
    ),
    scan(
        holder_in_window,
        "/certificates/{pk}/renewal/",
        add_an_empty_activity,
        id="renewal-add-error",
    ),
    scan(
        holder_with_a_log,
        "/certificates/{pk}/renewal/",
        renewal_page("Library systems webinar"),
        id="renewal-log",
    ),
    scan(
        holder_submitted,
        "/certificates/{pk}/renewal/",
        renewal_page("Library systems webinar"),
        id="renewal-submitted",
    ),
    scan(
        holder_asked_for_changes,
        "/certificates/{pk}/renewal/",
        renewal_page("Program staff asked for changes"),
        id="renewal-changes-requested",
    ),
    # Renewal: the staff desk
    scan(staff_with_renewals, "/staff/renewals/", renewal_list_lists, id="renewals"),
    scan(staff_with_a_certificate, "/staff/renewals/", None, id="renewals-empty"),
    scan(
        staff_with_a_submitted_renewal,
        "/staff/renewals/{renewal}/",
        None,
        id="renewal-detail-submitted",
    ),
    scan(
        staff_with_an_approved_renewal,
        "/staff/renewals/{renewal}/",
        None,
        id="renewal-detail-approved",
    ),
    scan(
        staff_with_a_submitted_renewal,
        "/staff/renewals/{renewal}/approve/",
        None,
        id="renewal-approve",
    ),
    scan(
        staff_with_a_submitted_renewal,
        "/staff/renewals/{renewal}/request-changes/",
        None,
        id="renewal-request-changes",
    ),
    scan(
        staff_with_a_submitted_renewal,
        "/staff/renewals/{renewal}/request-changes/",
        ask_for_changes_without_a_note,
        id="renewal-request-changes-error",
    ),
]


@pytest.mark.parametrize(("who", "path", "then", "status"), PAGES)
def test_certificate_page_has_one_h1_and_no_serious_accessibility_problem(
    live_server, page: Page, settings, assert_accessible, who, path, then, status
):
    settings.SITE_URL = live_server.url
    person = who()
    if person.user is not None:
        sign_in(page.context, live_server, person.user)
    url = f"{live_server.url}{path.format(**person.ids)}"

    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}"
    # Not sent to log in or to set up two-factor authentication.
    expect(page).to_have_url(url)
    if then:
        then(page, person)

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
