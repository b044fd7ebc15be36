"""A certificate from the staff queue to its revocation, through the real pages: the ready
candidate sees so on their dashboard; staff find them in the ready queue and issue the
certificate; the candidate follows the emailed link and downloads the PDF; a visitor who is
not signed in checks it on the public verification page, by number and code and by the
QR-code address; staff suspend it (the public page says so without the reason), reinstate
it and finally revoke it (the public page shows the reason).

The ready candidacy and the people are arranged through the factories; everything else is
the UI. Staff log in with their password and authenticator code, the candidate with their
password, each in their own browser context; the visitor's context has no session.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from candidates.models import Candidacy, Certificate, CertificateStatusChange
from lssc.core.models import EmailLog
from tests.e2e.conftest import TIMEOUT_MS, fresh_totp_code, labelled, mail_links
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, ready_candidacy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CANDIDATE_EMAIL = "morgan.featherstone@example.org"
CANDIDATE_FIRST, CANDIDATE_LAST = "Morgan", "Featherstone"
HOLDER = f"{CANDIDATE_FIRST} {CANDIDATE_LAST}"
STAFF_EMAIL = "sam.office@example.org"
SUSPEND_REASON = "Your employer reported a question about your work record; we are checking it."
REINSTATE_NOTE = "Your employer confirmed the record; nothing more is needed."
REVOKE_REASON = "The work experience in the application could not be confirmed."
WRONG_CODE = "ZZZZ ZZZZ ZZZZ ZZZZ"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def main(page: Page):
    return page.get_by_role("main")


def new_page(new_context) -> Page:
    page = new_context().new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def log_in_here(page: Page, email: str, *, with_code: bool) -> None:
    """On the login page the site sent us to: password, then the authenticator code."""
    expect(heading(page)).to_have_text("Log in")
    labelled(page, "Email").fill(email)
    labelled(page, "Password").fill(PASSWORD)
    main(page).get_by_role("button", name="Log in").click()
    if with_code:
        expect(heading(page)).to_have_text("Enter your authenticator code")
        labelled(page, "Code").fill(fresh_totp_code(TOTP_SECRET))
        main(page).get_by_role("button", name="Log in").click()
    expect(main(page)).to_contain_text(f"You are logged in as {email}.")


def expect_public_result(page: Page, number: str, status: str) -> None:
    """The verification result box names the certificate, its status and the holder."""
    result = page.locator("#result")
    expect(result.get_by_role("heading", name=f"Certificate {number}")).to_be_visible()
    expect(result.get_by_test_id("status")).to_contain_text(f"Status: {status}")
    expect(result.get_by_test_id("holder")).to_have_text(HOLDER)


def change_status(staff: Page, *, link: str, title: str, field: str, text: str, button: str):
    """From the staff certificate page: open the confirm page, write, confirm."""
    staff.get_by_role("link", name=link, exact=True).click()
    expect(heading(staff)).to_have_text(title)
    labelled(staff, field).fill(text)
    staff.get_by_role("button", name=button, exact=True).click()


def test_certificate_is_issued_downloaded_verified_suspended_reinstated_and_revoked(
    live_server, page: Page, new_context, settings
):
    # Emailed links and the verification address point at the site under test.
    settings.SITE_URL = live_server.url
    settings.VERIFY_RATE_LIMIT = "100/600"
    candidacy = ready_candidacy(
        user__email=CANDIDATE_EMAIL,
        user__first_name=CANDIDATE_FIRST,
        user__last_name=CANDIDATE_LAST,
    )
    UserFactory(
        email=STAFF_EMAIL, first_name="Sam", last_name="Office", program_staff=True, mfa=True
    )

    # --- (1) The candidate sees that they are ready -----------------------------------------
    candidate = page
    candidate.goto(f"{live_server.url}/dashboard/")
    log_in_here(candidate, CANDIDATE_EMAIL, with_code=False)
    expect(heading(candidate)).to_have_text("Your candidacy")
    ready = candidate.get_by_test_id("ready-for-certification")
    expect(ready).to_contain_text("Ready for certification")
    expect(ready).to_contain_text(
        "the program office will issue your certificate and email you when it is ready."
    )
    expect(candidate.get_by_test_id("certificate-card")).to_have_count(0)

    # --- (2) Staff issue the certificate from the ready queue --------------------------------
    staff = new_page(new_context)
    staff.goto(f"{live_server.url}/staff/certificates/")
    log_in_here(staff, STAFF_EMAIL, with_code=True)
    expect(heading(staff)).to_have_text("Certificates")
    expect(staff.locator("table.certificate-list")).to_have_count(0)
    row = staff.locator("table.ready-queue tbody tr").filter(has_text=HOLDER)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(candidacy.number)
    expect(row).to_contain_text(CANDIDATE_EMAIL)
    row.get_by_role("link", name=f"Issue the certificate to {HOLDER}").click()

    expect(heading(staff)).to_have_text(f"Issue the certificate to {HOLDER}")
    expect(main(staff)).to_contain_text(f"emails {HOLDER} at {CANDIDATE_EMAIL}")
    staff.get_by_role("button", name="Issue the certificate", exact=True).click()

    certificate = Certificate.objects.get(candidacy=candidacy)
    number, code = certificate.number, certificate.verification_code
    assert re.fullmatch(r"LSSC-\d{4}-\d{5}", number)
    expect(heading(staff)).to_have_text(f"Certificate {number}")
    expect(main(staff)).to_contain_text(
        re.compile(
            rf"Certificate {re.escape(number)} is issued to {HOLDER}, valid until "
            r"\d{1,2} \w+ \d{4}; they were emailed\."
        )
    )
    details = staff.locator("dl.certificate-details")
    expect(details).to_contain_text(HOLDER)
    expect(details).to_contain_text(code)
    staff_certificate_url = staff.url

    # The queue is empty now and the list shows the certificate.
    staff.goto(f"{live_server.url}/staff/certificates/")
    expect(staff.locator("table.ready-queue")).to_have_count(0)
    expect(main(staff)).to_contain_text("Nobody is waiting for a certificate.")
    listed = staff.locator("table.certificate-list tbody tr").filter(has_text=number)
    expect(listed).to_contain_text(HOLDER)
    expect(listed).to_contain_text("Valid")
    listed.get_by_role("link", name=number).click()
    expect(staff).to_have_url(staff_certificate_url)

    # --- (3) The candidate follows the email, sees the certificate and downloads the PDF -----
    [link] = [
        link
        for link in mail_links(CANDIDATE_EMAIL, kind="certificate_issued")
        if f"/certificates/{certificate.pk}/" in link
    ]
    candidate.goto(link)
    expect(heading(candidate)).to_have_text("Your certificate")
    expect(candidate.get_by_test_id("certificate-status")).to_have_text("Valid")
    facts = candidate.get_by_role("region", name="The certificate", exact=True)
    expect(facts).to_contain_text(HOLDER)
    expect(facts).to_contain_text(number)
    checking = candidate.get_by_role("region", name="Checking this certificate")
    expect(checking).to_contain_text(code)
    expect(checking.get_by_role("link", name=f"{live_server.url}/verify/{code}/")).to_be_visible()

    with candidate.expect_download() as download_info:
        candidate.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"certificate-{number}.pdf"
    with open(download.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF"), content[:20]
    assert 1_000 < len(content) < 5_000_000, len(content)

    candidate.goto(f"{live_server.url}/dashboard/")
    expect(candidate.get_by_test_id("ready-for-certification")).to_have_count(0)
    card = candidate.get_by_test_id("certificate-card")
    expect(card).to_contain_text(f"Certificate {number}, valid until")
    expect(main(candidate)).to_contain_text("Congratulations: you are certified")
    card.get_by_role("link", name="See your certificate").click()
    expect(heading(candidate)).to_have_text("Your certificate")

    # --- (4) A visitor checks it on the public pages ----------------------------------------
    visitor = new_page(new_context)
    visitor.goto(f"{live_server.url}/verify/")
    expect(heading(visitor)).to_have_text("Verify a certificate")
    expect(visitor.locator("#result")).to_have_count(0)

    # A wrong code: the one answer for every mismatch, and no name.
    labelled(visitor, "Certificate number").fill(number)
    labelled(visitor, "Verification code").fill(WRONG_CODE)
    visitor.get_by_role("button", name="Check the certificate").click()
    expect(visitor.get_by_role("alert")).to_contain_text(
        "No certificate matches that number and code."
    )
    expect(visitor.locator(".verify-result")).to_have_count(0)
    expect(main(visitor)).not_to_contain_text(HOLDER)

    # The right code, typed as people do: small letters, in groups of four.
    spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()
    labelled(visitor, "Certificate number").fill(number)
    labelled(visitor, "Verification code").fill(spaced)
    visitor.get_by_role("button", name="Check the certificate").click()
    expect_public_result(visitor, number, "Valid")
    expect(visitor.get_by_test_id("status")).to_contain_text(
        f"Valid until {certificate.expires_on:%-d %B %Y}."
    )

    # The QR code's address.
    verify_url = f"{live_server.url}/verify/{code}/"
    visitor.goto(verify_url)
    expect(heading(visitor)).to_have_text("Certificate verification")
    expect_public_result(visitor, number, "Valid")

    # --- (5) Staff suspend it; the public page says so without the reason -------------------
    staff.goto(staff_certificate_url)
    change_status(
        staff,
        link="Suspend…",
        title=f"Suspend certificate {number}",
        field="Reason for suspending",
        text=SUSPEND_REASON,
        button="Suspend the certificate",
    )
    expect(heading(staff)).to_have_text(f"Certificate {number}")
    expect(main(staff)).to_contain_text(
        f"Certificate {number} is suspended; the verification page says so (without the "
        "reason) and the holder was emailed your reason."
    )
    expect(staff.locator("dl.certificate-details")).to_contain_text(SUSPEND_REASON)

    visitor.reload()
    expect_public_result(visitor, number, "Suspended")
    expect(visitor.get_by_test_id("status")).to_contain_text(
        "The certificate is not valid while it is suspended."
    )
    expect(main(visitor)).not_to_contain_text(SUSPEND_REASON)
    assert SUSPEND_REASON not in visitor.content()

    # The holder reads the reason on their own page.
    candidate.reload()
    expect(candidate.get_by_test_id("certificate-status")).to_have_text("Suspended")
    expect(main(candidate)).to_contain_text(f"Reason: {SUSPEND_REASON}")

    # --- Staff reinstate it -----------------------------------------------------------------
    change_status(
        staff,
        link="Reinstate…",
        title=f"Reinstate certificate {number}",
        field="Note (optional)",
        text=REINSTATE_NOTE,
        button="Reinstate the certificate",
    )
    expect(main(staff)).to_contain_text(
        f"Certificate {number} is valid again; the verification page says so and the holder "
        "was emailed."
    )
    visitor.reload()
    expect_public_result(visitor, number, "Valid")
    expect(visitor.get_by_test_id("status")).not_to_contain_text("Suspended")

    # --- (6) Staff revoke it; the public page shows the reason ------------------------------
    change_status(
        staff,
        link="Revoke…",
        title=f"Revoke certificate {number}",
        field="Reason for revoking",
        text=REVOKE_REASON,
        button="Revoke the certificate",
    )
    expect(main(staff)).to_contain_text(
        f"Certificate {number} is revoked; the verification page shows your reason and the "
        "holder was emailed."
    )
    expect(main(staff)).to_contain_text(
        "This certificate is revoked; its status can no longer change."
    )
    for action in ("Suspend…", "Reinstate…", "Revoke…"):
        expect(staff.get_by_role("link", name=action, exact=True)).to_have_count(0)

    visitor.reload()
    expect_public_result(visitor, number, "Revoked")
    status = visitor.get_by_test_id("status")
    expect(status).to_contain_text("The certificate is no longer valid.")
    expect(status).to_contain_text(f"Reason: {REVOKE_REASON}")

    # The number-and-code form gives the same answer.
    visitor.goto(f"{live_server.url}/verify/")
    labelled(visitor, "Certificate number").fill(number)
    labelled(visitor, "Verification code").fill(code)
    visitor.get_by_role("button", name="Check the certificate").click()
    expect_public_result(visitor, number, "Revoked")
    expect(visitor.get_by_test_id("status")).to_contain_text(f"Reason: {REVOKE_REASON}")

    # --- The records ------------------------------------------------------------------------
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.status_reason == REVOKE_REASON
    assert certificate.holder_name == HOLDER
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.CERTIFIED
    changes = CertificateStatusChange.objects.filter(certificate=certificate).order_by("at", "pk")
    assert [(c.old_status, c.new_status, c.note) for c in changes] == [
        ("", "valid", "Issued."),
        ("valid", "suspended", SUSPEND_REASON),
        ("suspended", "valid", REINSTATE_NOTE),
        ("valid", "revoked", REVOKE_REASON),
    ]
    staff_user_email = {c.actor.email for c in changes}
    assert staff_user_email == {STAFF_EMAIL}
    notices = EmailLog.objects.filter(to_email__iexact=CANDIDATE_EMAIL)
    assert notices.filter(kind="certificate_issued").count() == 1
    assert notices.filter(kind="certificate_status").count() == 3
