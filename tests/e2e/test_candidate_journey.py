"""A new person applies in two sittings, pays, is admitted by program staff and chooses their
electives: the whole way from signing up to a candidacy, through the pages only."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates.models import Candidacy
from lssc.core.dates import add_years
from lssc.core.models import EmailLog
from lssc.core.templatetags.lssc import program_zone_name
from lssc.program.eligibility import Job, hours_in_window, window_start
from lssc.program.models import CompetencySet
from lssc.program.selectors import competency_sets_in_force, rules_in_force
from tests.e2e.conftest import TIMEOUT_MS, fresh_totp_code, labelled, mail_links
from tests.factories import PASSWORD as STAFF_PASSWORD
from tests.factories import TOTP_SECRET, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "jordan.shelver@example.org"
PASSWORD = "quiet-stacks-2026"
LEGAL_NAME = "Jordan Shelver"
STAFF_EMAIL = "sam.office@example.org"


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def whole_hours(hours: Decimal) -> str:
    return f"{hours.quantize(Decimal('1'), ROUND_HALF_UP):,}"


@contextmanager
def autosave_carrying(page: Page, value: str):
    """Wait, after the block, for the background save whose form data includes `value`: the
    one sent after the last answer typed in the block. Pressing a Save button only after it
    has answered keeps the two saves from racing each other."""

    def is_it(response) -> bool:
        request = response.request
        return (
            request.method == "POST"
            and request.headers.get("x-requested-with") == "XMLHttpRequest"
            and value in (request.post_data or "")
        )

    with page.expect_response(is_it) as answer:
        yield
    assert answer.value.json()["saved"] is True
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")


def log_in(page: Page, email: str, password: str) -> None:
    main_nav(page).get_by_role("link", name="Log in").click()
    labelled(page, "Email").fill(email)
    labelled(page, "Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    main_nav(page).locator(".dropdown-toggle").click()
    page.get_by_role("link", name="Log out").click()
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("main")).to_contain_text("You have logged out.")


def sign_up_and_confirm(page: Page, base_url: str) -> None:
    page.goto(base_url)
    main_nav(page).get_by_role("link", name="Create an account").click()
    labelled(page, "Email").fill(EMAIL)
    labelled(page, "Password").fill(PASSWORD)
    labelled(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(heading(page)).to_have_text("Check your email")
    [confirm_link] = [
        link
        for link in mail_links(EMAIL, kind="account/email/email_confirmation_signup")
        if "/accounts/confirm-email/" in link
    ]
    page.goto(confirm_link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("main")).to_contain_text(f"You have confirmed {EMAIL}.")


def test_applicant_applies_in_two_sittings_is_admitted_and_chooses_electives(
    live_server, page: Page, new_context
):
    rules = rules_in_force()
    today = timezone.localdate()
    job_start = years_ago(today, 3)
    counted = hours_in_window(
        Job(start=job_start, end=None, hours_per_week=Decimal(30)),
        window_start(today, rules.eligibility_window_years),
        today,
    ).hours
    assert counted >= rules.eligibility_hours, "one job of 30 hours a week is enough"
    standard_fee = f"{rules.currency} {rules.fee_standard}"
    assert standard_fee == "USD 350.00"
    sets = list(competency_sets_in_force().order_by("order"))
    electives = [s.name for s in sets if s.kind == CompetencySet.Kind.ELECTIVE][:3]
    assert len(electives) == rules.electives_needed == 3
    UserFactory(email=STAFF_EMAIL, first_name="Sam", last_name="Office", program_staff=True)

    # --- First sitting: an account, then personal details and position -----------------------
    sign_up_and_confirm(page, live_server.url)
    main_nav(page).get_by_role("link", name="Apply").click()
    expect(heading(page)).to_have_text("Personal details")
    expect(labelled(page, "Email address")).to_have_value(EMAIL)  # from the account
    labelled(page, "Legal name").fill(LEGAL_NAME)
    labelled(page, "Phone number").fill("312 555 0142")
    labelled(page, "Street address").fill("8 Reading Row")
    labelled(page, "City or town").fill("Peoria")
    labelled(page, "State or province").fill("Illinois")
    labelled(page, "ZIP or postal code").fill("61602")
    with autosave_carrying(page, "United States of America"):
        labelled(page, "Country").fill("United States of America")
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Library and position")
    expect(page.get_by_role("main")).to_contain_text("Personal details: saved.")
    labelled(page, "Library where you work now").fill("Peoria Public Library, Main")
    labelled(page, "Type of library").select_option(label="Public")
    with autosave_carrying(page, "Library technician"):
        labelled(page, "Job title").fill("Library technician")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("main")).to_contain_text(
        "You can leave now: when you come back to Apply, you will continue here."
    )

    # They leave: to the home page, and out.
    page.get_by_role("link", name="LSSC", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    log_out(page)

    # --- Second sitting: back where they stopped, answers kept -------------------------------
    log_in(page, EMAIL, PASSWORD)
    expect(page.get_by_role("main")).to_contain_text(f"You are logged in as {EMAIL}.")
    main_nav(page).get_by_role("link", name="Apply").click()
    expect(page).to_have_url(f"{live_server.url}/apply/position/")
    expect(heading(page)).to_have_text("Library and position")
    expect(labelled(page, "Library where you work now")).to_have_value(
        "Peoria Public Library, Main"
    )
    expect(labelled(page, "Type of library")).to_have_value("public")
    expect(labelled(page, "Job title")).to_have_value("Library technician")
    progress = page.get_by_role("navigation", name="Sections of your application")
    expect(progress.locator('[data-section-status="personal"]')).to_have_text("Complete")
    progress.get_by_role("link", name="1. Personal details").click()
    expect(heading(page)).to_have_text("Personal details")
    expect(labelled(page, "Legal name")).to_have_value(LEGAL_NAME)
    expect(labelled(page, "Phone number")).to_have_value("312 555 0142")
    expect(labelled(page, "City or town")).to_have_value("Peoria")
    page.get_by_role("navigation", name="Sections of your application").get_by_role(
        "link", name="2. Library and position"
    ).click()
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Education")
    page.get_by_role("radio", name="Yes").check()
    with autosave_carrying(page, "2004"):
        labelled(page, "Year you received it").fill("2004")
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Library work history")
    expect(page.get_by_test_id("counted-hours")).to_have_text("0")
    job = page.get_by_role("group", name="Job 1")
    labelled(job, "Library").fill("Peoria Public Library")
    labelled(job, "Type of library").select_option(label="Public")
    job.get_by_role("radio", name="Paid", exact=True).check()
    labelled(job, "Start date").fill(job_start.isoformat())
    labelled(job, "I still work here").check()
    labelled(job, "Hours per week").fill("30")
    with autosave_carrying(page, "Circulation supervisor"):
        labelled(job, "Your role").fill("Circulation supervisor")
    # The running total follows the saved jobs as they are typed.
    total = page.locator("#hours-total")
    expect(page.get_by_test_id("counted-hours")).to_have_text(whole_hours(counted))
    expect(total).to_contain_text(f"of {rules.eligibility_hours:,} hours needed")
    expect(total).to_contain_text("You have enough hours of library work.")
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("ALA membership")
    expect(labelled(page, "ALA member number")).to_have_value("")
    fee = page.get_by_role("region", name="Your fee")
    expect(fee.locator('[data-summary="fee"]')).to_have_text(standard_fee)
    expect(fee.locator('[data-summary="fee_kind"]')).to_have_text("standard fee")
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Review and submit")
    expect(page.get_by_test_id("fee")).to_have_text(f"{standard_fee} (standard fee)")
    expect(page.get_by_role("region", name="Eligibility")).to_contain_text(
        "You meet the requirements"
    )
    labelled(page, "Your full legal name, as your signature").fill(LEGAL_NAME)
    labelled(
        page, "I confirm that the information in this application is true and complete."
    ).check()
    page.get_by_role("button", name="Submit application").click()

    expect(heading(page)).to_have_text(re.compile(r"^Invoice \d+$"))
    expect(page.get_by_role("main")).to_contain_text("Your application is submitted.")
    expect(page.get_by_test_id("fee")).to_have_text(str(rules.fee_standard))
    expect(page.get_by_test_id("balance")).to_have_text(standard_fee)

    # --- Program staff record the cheque and admit, in their own browser -------------------
    staff_page = new_context().new_page()
    staff_page.set_default_timeout(TIMEOUT_MS)
    staff_page.goto(live_server.url)
    log_in(staff_page, STAFF_EMAIL, STAFF_PASSWORD)
    expect(heading(staff_page)).to_have_text("Enter your authenticator code")
    labelled(staff_page, "Code").fill(fresh_totp_code(TOTP_SECRET))
    staff_page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(staff_page.get_by_role("main")).to_contain_text(f"You are logged in as {STAFF_EMAIL}.")

    main_nav(staff_page).get_by_role("link", name="Staff").click()
    expect(heading(staff_page)).to_have_text("Staff workspace")
    staff_page.get_by_role("link", name="Open the applications queue").click()
    expect(heading(staff_page)).to_have_text("Applications")
    staff_page.get_by_role("table").get_by_role("link", name=LEGAL_NAME).click()
    expect(heading(staff_page)).to_have_text(f"Application from {LEGAL_NAME}")

    staff_page.get_by_role("link", name="Record a payment…").click()
    expect(heading(staff_page)).to_have_text("Record a payment")
    labelled(staff_page, "Amount received").fill("350")
    staff_page.get_by_role("radio", name="Cheque").check()
    labelled(staff_page, "Reference").fill("Cheque 1042")
    expect(labelled(staff_page, "Date received")).to_have_value(today.isoformat())
    staff_page.get_by_role("button", name="Record the payment").click()
    expect(heading(staff_page)).to_have_text(f"Application from {LEGAL_NAME}")
    expect(staff_page.get_by_role("main")).to_contain_text(
        f"Payment of {standard_fee} recorded. The fee is paid in full. "
        f"{LEGAL_NAME} was emailed a receipt."
    )

    staff_page.get_by_role("link", name="Admit…").click()
    expect(heading(staff_page)).to_have_text("Admit the applicant")
    expect(staff_page.locator(".admission-checks")).to_contain_text("The fee is paid in full.")
    staff_page.get_by_role("button", name="Admit as a candidate").click()

    candidacy = Candidacy.objects.get(user__email=EMAIL)
    deadline = add_years(timezone.localdate(candidacy.admitted_at), rules.candidacy_years)
    expect(heading(staff_page)).to_have_text(f"Application from {LEGAL_NAME}")
    expect(staff_page.get_by_role("main")).to_contain_text(
        f"{LEGAL_NAME} was admitted as candidate {candidacy.number}, "
        f"with a deadline of {deadline.day} {deadline:%B %Y}. They were emailed."
    )
    staff_page.get_by_role("link", name=candidacy.number).click()
    expect(heading(staff_page)).to_have_text(f"Candidacy {candidacy.number}")

    # --- The new candidate opens their candidacy and chooses electives ----------------------
    page.reload()
    main_nav(page).get_by_role("link", name="My candidacy").click()
    expect(heading(page)).to_have_text("Your candidacy")
    expect(page.locator("dt:text-is('Candidate number') + dd")).to_have_text(candidacy.number)
    days_left = (deadline - timezone.localdate()).days
    expect(page.get_by_test_id("deadline")).to_contain_text(
        f"{deadline.day} {deadline:%B %Y}, 23:59 {program_zone_name()}"
    )
    expect(page.get_by_test_id("deadline")).to_contain_text(f"(in {days_left:,} days)")
    expect(page.get_by_test_id("progress")).to_have_text(
        f"0 of {rules.required_sets} required, 0 of {rules.electives_needed} electives"
    )
    expect(page.get_by_role("main")).to_contain_text(
        f"You have chosen 0 of {rules.electives_needed} electives so far"
    )

    chooser = page.get_by_role("group", name=f"Choose your {rules.electives_needed} electives")
    for name in electives:
        chooser.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Save my electives").click()

    expect(page.get_by_role("main")).to_contain_text(
        f"Your electives are saved: {', '.join(electives)}."
    )
    # With all three chosen the page stops asking for more.
    expect(page.get_by_role("main")).not_to_contain_text("You have chosen")
    elective_table = page.get_by_role("table", name="Elective sets")
    for competency_set in sets:
        if competency_set.kind != CompetencySet.Kind.ELECTIVE:
            continue
        row = elective_table.locator(f'tr[data-set="{competency_set.code}"]')
        chosen = competency_set.name in electives
        expect(row.get_by_role("cell").first).to_have_text("Chosen" if chosen else "Not chosen")
        expect(chooser.get_by_label(competency_set.name, exact=True)).to_be_checked(checked=chosen)
    history = page.get_by_role("region", name="History")
    for name in electives:
        expect(history).to_contain_text(f"{name}: Chosen as an elective.")

    kinds = list(
        EmailLog.objects.filter(to_email=EMAIL)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "account/email/email_confirmation_signup",
        "application_submitted",
        "payment_recorded",
        "application_admitted",
    ]
