"""A day at the staff workspace, through the real pages: one item waits in every queue the
office works; staff log in with their password and authenticator code and land on /staff/,
where each queue says one item waits. From the home page they work one item of every queue:
record the applicant's payment and admit them, verify a provider, approve a course with the
review rubric, verify a completion claim, auto-assign a portfolio's evaluators, release a
drafted decision, issue a certificate, approve a renewal, start the review of an appeal and
uphold the decision, and approve an evaluator application; back on /staff/ after each, the
queue's count has gone down. Then they find the new candidate by number with the search box
and read the admission in their record's history, open the application funnel and the
certificates report (chart, table, a figure each) and download the latter as CSV, and find
the admission in the audit trail by the candidate's email address.

Left out: the overdue-evaluations queue (nothing to act on from its page but a withdrawal,
which the evaluation pages cover); its count stays 0 throughout.

Every waiting item is arranged through the factories and services; everything staff do is
the UI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates import certificate_services
from candidates.models import Application, Candidacy, Certificate, Renewal
from courses import services as course_services
from courses.models import Course, CourseCompletion, Provider
from lssc.core.dates import add_months, add_years
from lssc.program.models import CompetencySet
from lssc.program.selectors import rules_in_force
from portfolios.models import Portfolio
from reviews import appeal_services
from reviews import services as review_services
from reviews.models import Appeal, Assignment, Decision, Evaluator
from tests.e2e.conftest import fresh_totp_code, labelled
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    EvaluatorFactory,
    ProviderFactory,
    ProviderMembershipFactory,
    UserFactory,
    approved_course,
    candidacy_with_progress,
    complete_course,
    issued_certificate,
    rate_all,
    ready_candidacy,
    submitted_application,
    submitted_portfolio,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STAFF_EMAIL = "sam.office@example.org"
STAFF_NAME = "Sam Office"
APPLICANT_EMAIL = "robin.reader@example.org"
APPLICANT = "Robin Reader"
ORGANISATION = "Prairie Reading Cooperative"
COURSE_TITLE = "Library Services Essentials"
CLAIMED_COURSE = "Foundations of Library Work"
CLAIMANT_FIRST, CLAIMANT_LAST = "Casey", "Claimant"
SET_NAME = "Technology"
READY_FIRST, READY_LAST = "Morgan", "Ready"
RENEWER_FIRST, RENEWER_LAST = "Riley", "Renewer"
APPLICANT_EVALUATOR = "Evan"
APPEAL_REASONS = "The ratings follow the evidence; the grounds raise nothing the evaluators missed."
CRITERIA = [
    "Clear learning objectives",
    "Covers every competency of the set",
    "Instructional methods",
    "Assessment of learning",
    "Instructor qualifications",
]
# Every queue of the home page, in its order; `overdue` is left empty.
QUEUES = [
    "applications",
    "payments",
    "providers",
    "courses",
    "completions",
    "portfolios",
    "overdue",
    "decisions",
    "certificates",
    "renewals",
    "appeals",
    "evaluators",
]


@dataclass
class Waiting:
    """What the arranged items are called on the pages."""

    application: Application
    claim: CourseCompletion
    to_assign: Portfolio
    draft: Decision
    appeal: Appeal
    ready: Candidacy
    renewal: Renewal
    applicant_evaluator: Evaluator


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def main(page: Page):
    return page.get_by_role("main")


# --- Arranging one item per queue -----------------------------------------------------------


def _rated_round(staff, value: str, **candidate) -> Decision:
    """A Technology portfolio submitted, auto-assigned to the two evaluators of the pool and rated `value`
    throughout (its one resubmission already used, so a shortfall is final): its decision
    is drafted."""
    portfolio = submitted_portfolio(**candidate)
    Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=1)
    submission = portfolio.submissions.get()
    for assignment in review_services.assignment_auto_assign(submission, by=staff):
        rate_all(assignment, value, comment="Read with care.")
    return Decision.objects.get(submission=submission)


def _renewal_waiting(staff) -> Renewal:
    """A certificate six months from its expiry (the renewal window is open) whose holder
    logged enough hours and submitted the renewal."""
    certificate = issued_certificate(
        by=staff,
        user__email="riley.renewer@example.org",
        user__first_name=RENEWER_FIRST,
        user__last_name=RENEWER_LAST,
    )
    expires_on = add_months(timezone.localdate(), 6)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=add_years(expires_on, -rules_in_force().certificate_years),
        expires_on=expires_on,
    )
    certificate.refresh_from_db()
    holder = certificate.candidacy.user
    renewal = certificate_services.renewal_start(certificate, by=holder)
    done = timezone.localdate() - timedelta(days=60)
    for activity, kind, amount, technology in [
        ("Cataloguing with RDA", "semester", 2, False),
        ("Library systems webinar", "workshop", 4, True),
    ]:
        certificate_services.ce_add(
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
    return certificate_services.renewal_submit(renewal, by=holder)


def one_item_per_queue(staff) -> Waiting:
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    # The pool: two evaluators of the Technology set, from different libraries.
    for first, employer in [("Ada", "Decatur Public Library"), ("Bo", "Joliet Library")]:
        EvaluatorFactory(
            user__first_name=first,
            user__last_name="Rater",
            employer=employer,
            qualified_sets=[technology],
            capacity_per_quarter=20,
        )
    # Applications to decide and payments outstanding: one submitted, unpaid application.
    application = submitted_application(
        UserFactory(email=APPLICANT_EMAIL, first_name="Robin", last_name="Reader"),
        legal_name=APPLICANT,
    )
    # A provider to verify.
    ProviderFactory(name=ORGANISATION, verified_at=None)
    # A course to review.
    member = ProviderMembershipFactory().user
    provider = member.provider_memberships.get().provider
    course_services.course_submit(
        complete_course(provider, by=member, title=COURSE_TITLE), by=member
    )
    # A completion claim to verify.
    claimed = approved_course(title=CLAIMED_COURSE)
    claimant = candidacy_with_progress(
        user__first_name=CLAIMANT_FIRST, user__last_name=CLAIMANT_LAST
    )
    claim = course_services.completion_claim(
        claimant,
        course=claimed,
        completed_on=timezone.localdate(),
        proof=ContentFile(b"%PDF-1.4 certificate", name="certificate.pdf"),
        by=claimant.user,
    )
    # A portfolio waiting for evaluators.
    to_assign = submitted_portfolio(user__first_name="Wren", user__last_name="Waiting")
    # A decision drafted and waiting for release.
    draft = _rated_round(staff, "met", user__first_name="Dana", user__last_name="Draft")
    # An open appeal, its grounds sent, against a released "not demonstrated" decision.
    released = review_services.decision_release(
        _rated_round(staff, "not_met", user__first_name="Avery", user__last_name="Appeal"),
        by=staff,
    )
    appellant = released.portfolio.candidacy.user
    appeal = appeal_services.appeal_file_notice(
        released, notice="The evidence for competency 2 was missed.", by=appellant
    )
    appeal = appeal_services.appeal_file_grounds(
        appeal, grounds="My work log shows the help desk I ran for a year.", by=appellant
    )
    # A candidate ready for the certificate.
    ready = ready_candidacy(user__first_name=READY_FIRST, user__last_name=READY_LAST)
    # A renewal waiting for a decision.
    renewal = _renewal_waiting(staff)
    # An application to evaluate.
    applicant_evaluator = EvaluatorFactory(
        user__first_name=APPLICANT_EVALUATOR,
        user__last_name="Applicant",
        status=Evaluator.Status.APPLIED,
        approved_at=None,
        qualified_sets=[technology],
    )
    return Waiting(
        application=application,
        claim=claim,
        to_assign=to_assign,
        draft=draft,
        appeal=appeal,
        ready=ready,
        renewal=renewal,
        applicant_evaluator=applicant_evaluator,
    )


# --- The home page --------------------------------------------------------------------------


def log_in_here(page: Page, email: str) -> None:
    """On the login page the site sent us to: password, then the authenticator code."""
    expect(heading(page)).to_have_text("Log in")
    labelled(page, "Email").fill(email)
    labelled(page, "Password").fill(PASSWORD)
    main(page).get_by_role("button", name="Log in").click()
    expect(heading(page)).to_have_text("Enter your authenticator code")
    labelled(page, "Code").fill(fresh_totp_code(TOTP_SECRET))
    main(page).get_by_role("button", name="Log in").click()
    expect(main(page)).to_contain_text(f"You are logged in as {email}.")


def queue(page: Page, key: str):
    return page.locator(f"#queue-{key}")


def expect_counts(page: Page, counts: dict[str, int]) -> None:
    """Each queue of the home page shows its count (its first <strong>)."""
    for key in QUEUES:
        expect(queue(page, key).locator("strong").first).to_have_text(
            str(counts[key]), use_inner_text=True
        )


def back_home(page: Page, live_server, counts: dict[str, int], done: str) -> None:
    """Open /staff/ again: `done`'s queue is one shorter; the others are as they were."""
    counts[done] -= 1
    page.goto(f"{live_server.url}/staff/")
    expect(heading(page)).to_have_text("Staff workspace")
    expect_counts(page, counts)
    expect(queue(page, done)).to_contain_text("Nothing waiting")


def open_queue(page: Page, key: str, link: str) -> None:
    queue(page, key).get_by_role("link", name=link).click()


def test_staff_work_one_item_of_every_queue_then_search_report_and_audit(
    live_server, page: Page, settings
):
    settings.SITE_URL = live_server.url
    staff_user = UserFactory(
        email=STAFF_EMAIL, first_name="Sam", last_name="Office", program_staff=True, mfa=True
    )
    waiting = one_item_per_queue(staff_user)
    claimant_number = waiting.claim.candidacy.number
    to_assign_number = waiting.to_assign.candidacy.number
    draft_number = waiting.draft.portfolio.candidacy.number
    appeal_number = waiting.appeal.decision.portfolio.candidacy.number
    ready_holder = f"{READY_FIRST} {READY_LAST}"

    # --- Staff log in and land on the workspace: one item in every queue --------------------
    staff = page
    staff.goto(f"{live_server.url}/staff/")
    log_in_here(staff, STAFF_EMAIL)
    expect(staff).to_have_url(f"{live_server.url}/staff/")
    expect(heading(staff)).to_have_text("Staff workspace")
    counts = {key: 0 if key == "overdue" else 1 for key in QUEUES}
    expect_counts(staff, counts)
    expect(queue(staff, "applications")).to_contain_text("1 application waiting for a decision.")
    expect(queue(staff, "applications")).to_contain_text("oldest: today")
    expect(queue(staff, "portfolios")).to_contain_text(
        "1 portfolio waiting for evaluators; 0 rounds in review."
    )
    expect(queue(staff, "appeals")).to_contain_text("1 appeal open.")
    expect(queue(staff, "overdue")).to_contain_text("Nothing waiting")

    # --- Payments: record the whole fee ------------------------------------------------------
    open_queue(staff, "payments", "Open the applications to record payments")
    expect(heading(staff)).to_have_text("Applications")
    staff.locator("table.application-queue").get_by_role("link", name=APPLICANT).click()
    expect(heading(staff)).to_have_text(f"Application from {APPLICANT}")
    staff.get_by_role("link", name="Record a payment…").click()
    expect(heading(staff)).to_have_text("Record a payment")
    fee = waiting.application.fee_due
    labelled(staff, "Amount received").fill(str(fee))
    staff.get_by_role("radio", name="Cheque").check()
    labelled(staff, "Reference").fill("Cheque 1042")
    staff.get_by_role("button", name="Record the payment").click()
    expect(heading(staff)).to_have_text(f"Application from {APPLICANT}")
    expect(main(staff)).to_contain_text(
        f"Payment of USD {fee} recorded. The fee is paid in full. {APPLICANT} was emailed a "
        "receipt."
    )
    back_home(staff, live_server, counts, "payments")

    # --- Applications: admit the applicant, now paid in full ---------------------------------
    open_queue(staff, "applications", "Open the applications queue")
    expect(heading(staff)).to_have_text("Applications")
    expect(staff).to_have_url(re.compile(r"/staff/applications/\?status=submitted$"))
    staff.locator("table.application-queue").get_by_role("link", name=APPLICANT).click()
    staff.get_by_role("link", name="Admit…").click()
    expect(heading(staff)).to_have_text("Admit the applicant")
    expect(staff.locator(".admission-checks")).to_contain_text("The fee is paid in full.")
    staff.get_by_role("button", name="Admit as a candidate").click()
    expect(main(staff)).to_contain_text(f"{APPLICANT} was admitted as candidate")
    candidacy = Candidacy.objects.get(application=waiting.application)
    number = candidacy.number
    expect(main(staff)).to_contain_text(
        f"{APPLICANT} was admitted as candidate {number}, with a deadline of "
        f"{candidacy.deadline.day} {candidacy.deadline:%B %Y}. They were emailed."
    )
    back_home(staff, live_server, counts, "applications")

    # --- Providers: verify the organisation --------------------------------------------------
    open_queue(staff, "providers", "Open the providers")
    expect(heading(staff)).to_have_text("Course providers")
    staff.get_by_role("link", name=f"Verify… {ORGANISATION}").click()
    expect(heading(staff)).to_have_text(f"Verify {ORGANISATION}")
    staff.get_by_role("button", name=f"Verify {ORGANISATION}").click()
    expect(main(staff)).to_contain_text(f"{ORGANISATION} is verified; its members were emailed.")
    back_home(staff, live_server, counts, "providers")

    # --- Courses: score the rubric and approve -----------------------------------------------
    open_queue(staff, "courses", "Open the course reviews")
    expect(heading(staff)).to_have_text("Course reviews")
    staff.locator("table.course-queue").get_by_role("link", name=COURSE_TITLE).click()
    expect(heading(staff)).to_have_text(COURSE_TITLE)
    staff.get_by_role("link", name="Review the course…").click()
    expect(heading(staff)).to_have_text("Review the course")
    rubric = staff.locator("form.course-rubric")
    for criterion in CRITERIA:
        rubric.locator("fieldset", has=staff.get_by_text(criterion, exact=True)).get_by_role(
            "radio", name="4 – fully met"
        ).check()
    staff.get_by_role("radio", name="Approve").check()
    staff.get_by_role("button", name="Record the review").click()
    expect(heading(staff)).to_have_text(COURSE_TITLE)
    expect(main(staff)).to_contain_text(
        re.compile(rf"“{COURSE_TITLE}” is approved until .+; the provider was emailed\.")
    )
    back_home(staff, live_server, counts, "courses")

    # --- Completions: verify the claim -------------------------------------------------------
    open_queue(staff, "completions", "Open the completion claims")
    expect(heading(staff)).to_have_text("Course completions")
    staff.locator("table.completion-queue").get_by_role(
        "link", name=f"{CLAIMANT_FIRST} {CLAIMANT_LAST}"
    ).click()
    expect(heading(staff)).to_have_text(f"Completion claim: {CLAIMED_COURSE}")
    staff.get_by_role("link", name="Verify…").click()
    expect(heading(staff)).to_have_text("Verify the completion")
    staff.get_by_role("button", name="Verify the completion").click()
    expect(main(staff)).to_contain_text(
        re.compile(
            rf"The claim is verified: .+ is achieved for {claimant_number}, who was emailed\."
        )
    )
    back_home(staff, live_server, counts, "completions")
    expect(queue(staff, "portfolios")).to_contain_text("0 rounds in review")

    # --- Portfolios: auto-assign the two evaluators ------------------------------------------
    open_queue(staff, "portfolios", "Open the portfolios")
    expect(heading(staff)).to_have_text("Portfolios")
    row = staff.locator("#needs_evaluators tbody tr").filter(has_text=to_assign_number)
    expect(row).to_contain_text("2 more needed")
    row.get_by_role("link", name="Assign").click()
    expect(heading(staff)).to_have_text(f"Evaluators for {to_assign_number}: {SET_NAME}")
    staff.get_by_role("button", name="Auto-assign the best-ranked evaluators").click()
    expect(main(staff)).to_contain_text(
        re.compile(
            r"The portfolio was offered to (Ada|Bo) Rater as first evaluator \(due [^)]+\) and "
            r"(Ada|Bo) Rater as second evaluator \(due [^)]+\)\. They were emailed a link"
        )
    )
    expect(staff.locator("table.round-assignments tbody tr")).to_have_count(2)
    back_home(staff, live_server, counts, "portfolios")
    expect(queue(staff, "portfolios")).to_contain_text("1 round in review")

    # --- Decisions: release the drafted decision ---------------------------------------------
    open_queue(staff, "decisions", "Open the decisions")
    expect(heading(staff)).to_have_text("Decisions")
    row = staff.locator("table.decision-drafts tbody tr").filter(has_text=draft_number)
    expect(row).to_contain_text("Achieved")
    row.get_by_role("link", name=draft_number).click()
    expect(heading(staff)).to_have_text(f"Decision for {draft_number}: {SET_NAME}")
    staff.get_by_role("link", name="Release the decision…").click()
    expect(heading(staff)).to_have_text("Release the decision")
    staff.get_by_role("button", name="Release the decision").click()
    expect(main(staff)).to_contain_text(
        f"The decision was released: {SET_NAME} is now “achieved” for {draft_number}, "
        "who was emailed."
    )
    back_home(staff, live_server, counts, "decisions")

    # --- Certificates: issue the ready candidate's certificate -------------------------------
    open_queue(staff, "certificates", "Open the certificates")
    expect(heading(staff)).to_have_text("Certificates")
    row = staff.locator("table.ready-queue tbody tr").filter(has_text=ready_holder)
    expect(row).to_contain_text(waiting.ready.number)
    row.get_by_role("link", name=f"Issue the certificate to {ready_holder}").click()
    expect(heading(staff)).to_have_text(f"Issue the certificate to {ready_holder}")
    staff.get_by_role("button", name="Issue the certificate", exact=True).click()
    certificate = Certificate.objects.get(candidacy=waiting.ready)
    expect(heading(staff)).to_have_text(f"Certificate {certificate.number}")
    expect(main(staff)).to_contain_text(
        f"Certificate {certificate.number} is issued to {ready_holder}"
    )
    back_home(staff, live_server, counts, "certificates")

    # --- Renewals: approve and issue the new certificate -------------------------------------
    old_number = waiting.renewal.certificate.number
    open_queue(staff, "renewals", "Open the renewals")
    expect(heading(staff)).to_have_text("Certificate renewals")
    staff.locator("table.renewal-waiting").get_by_role(
        "link", name=f"{RENEWER_FIRST} {RENEWER_LAST}"
    ).click()
    expect(heading(staff)).to_have_text(f"Renewal of certificate {old_number}")
    staff.get_by_role("link", name="Approve…").click()
    expect(heading(staff)).to_have_text("Approve the renewal")
    staff.get_by_role("button", name="Approve and issue the new certificate").click()
    expect(main(staff)).to_contain_text(
        re.compile(
            rf"Renewal approved: certificate LSSC-\d{{4}}-\d{{5}}, valid until .+, replaces "
            rf"{re.escape(old_number)}\."
        )
    )
    back_home(staff, live_server, counts, "renewals")

    # --- Appeals: start the review, then uphold the decision ---------------------------------
    open_queue(staff, "appeals", "Open the appeals")
    expect(heading(staff)).to_have_text("Appeals")
    staff.locator("table.appeal-open").get_by_role("link", name=appeal_number).click()
    expect(heading(staff)).to_have_text(f"Appeal by {appeal_number}: {SET_NAME}")
    expect(staff.locator(".appeal-grounds")).to_contain_text("the help desk I ran for a year")
    staff.get_by_role("button", name="Start review").click()
    expect(main(staff)).to_contain_text("The appeal is under review.")
    staff.get_by_role("link", name="Uphold the decision…").click()
    expect(heading(staff)).to_have_text("Uphold the decision")
    labelled(staff, "Reasons").fill(APPEAL_REASONS)
    staff.get_by_role("button", name="Uphold the decision").click()
    expect(main(staff)).to_contain_text(
        f"The appeal was decided: the decision stands. {appeal_number} was emailed your reasons."
    )
    expect(staff.locator(".appeal-outcome")).to_contain_text(APPEAL_REASONS)
    back_home(staff, live_server, counts, "appeals")

    # --- Evaluator applications: approve for the set offered ---------------------------------
    open_queue(staff, "evaluators", "Open the evaluator applications")
    expect(heading(staff)).to_have_text("Evaluators")
    staff.locator("table.evaluator-list").get_by_role(
        "link", name=APPLICANT_EVALUATOR, exact=True
    ).click()
    expect(heading(staff)).to_have_text(APPLICANT_EVALUATOR)
    staff.get_by_role("link", name="Approve…").click()
    expect(heading(staff)).to_have_text(f"Approve {APPLICANT_EVALUATOR} as an evaluator")
    expect(staff.get_by_role("checkbox", name=SET_NAME)).to_be_checked()
    staff.get_by_role("button", name="Approve the application").click()
    expect(main(staff)).to_contain_text(
        f"{APPLICANT_EVALUATOR} is now an evaluator for 1 set; they were emailed."
    )
    back_home(staff, live_server, counts, "evaluators")
    assert all(count == 0 for count in counts.values())

    # --- Search: the new candidate by number, and their record ------------------------------
    search = staff.get_by_role("search", name="Search the records")
    labelled(search, "Find a person, candidate number, certificate or course").fill(number)
    search.get_by_role("button", name="Search").click()
    expect(heading(staff)).to_have_text("Search the records")
    candidacies = staff.locator("#results-candidacies")
    expect(candidacies).to_contain_text(APPLICANT)
    candidacies.get_by_role("link", name=number).click()
    expect(heading(staff)).to_have_text(APPLICANT)
    expect(staff.locator(".person-candidacy")).to_contain_text(number)
    expect(staff.locator(".person-roles")).to_contain_text("Candidate")
    history = staff.locator("ol.person-history > li")
    admitted = history.filter(has_text="Application: Submitted → Admitted")
    expect(admitted).to_have_count(1)
    expect(admitted).to_contain_text("by You")
    expect(history.filter(has_text="Candidacy: Active")).to_have_count(1)

    # --- Reports: the funnel and the certificates, and a CSV ---------------------------------
    staff.goto(f"{live_server.url}/staff/")
    staff.get_by_role("link", name="Program reports").click()
    expect(heading(staff)).to_have_text("Reports")
    staff.get_by_role("link", name="Application funnel").click()
    expect(heading(staff)).to_have_text("Application funnel")
    chart = staff.locator("svg#funnel-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_have_text(
        "Of 1 applications started, 1 were submitted, 1 led to admission and 0 to a certificate."
    )
    table = staff.locator("table.report-table")
    expect(table).to_be_visible()
    admitted_row = table.locator("tbody tr").filter(
        has=staff.get_by_role("rowheader", name="Admitted")
    )
    expect(admitted_row.get_by_role("cell")).to_have_text(["1", "100.0%", "100.0%"])

    staff.go_back()
    staff.get_by_role("link", name="Certificates by month").click()
    expect(heading(staff)).to_have_text("Certificates by month")
    expect(staff.locator("svg#certificates-chart")).to_be_visible()
    table = staff.locator("table.report-table")
    this_month = f"{timezone.localdate():%B %Y}"
    month_row = table.locator("tbody tr").filter(
        has=staff.get_by_role("rowheader", name=this_month, exact=True)
    )
    # The ready candidate's first certificate and the renewal's, both issued today.
    expect(month_row.get_by_role("cell")).to_have_text(["1", "1", "0"])
    expect(table.locator("tfoot tr")).to_contain_text("All months")

    with staff.expect_download() as download_info:
        staff.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert re.fullmatch(
        r"certificates-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv",
        download.suggested_filename,
    ), download.suggested_filename
    with open(download.path(), encoding="utf-8") as csv_file:
        lines = csv_file.read().splitlines()
    assert lines[0].startswith("Certificates by month,"), lines[0]
    assert f"{this_month},1,1,0" in lines, lines

    # --- Audit: found by the candidate's email address, then by the payment's reference ---
    staff.goto(f"{live_server.url}/staff/")
    staff.get_by_role("link", name="Audit history").click()
    expect(heading(staff)).to_have_text("Audit trail")
    labelled(staff, "Search").fill(APPLICANT_EMAIL)
    staff.get_by_role("button", name="Show changes").click()
    expect(staff).to_have_url(re.compile(r"/staff/audit/\?.*q=robin\.reader%40example\.org"))
    rows = staff.locator("table.audit-trail tbody tr")
    # The candidacy the admission made, labelled with the email address.
    created = rows.filter(has_text=f"{number} ({APPLICANT_EMAIL})")
    expect(created).to_have_count(1)
    expect(created.locator(".audit-change")).to_have_text("Created as Active")
    expect(created.locator(".audit-actor")).to_have_text(f"{STAFF_NAME} ({STAFF_EMAIL})")
    expect(rows.filter(has_text=f"{CLAIMANT_FIRST} {CLAIMANT_LAST}")).to_have_count(0)

    labelled(staff, "Search").fill("Cheque 1042")
    staff.get_by_role("button", name="Show changes").click()
    expect(rows).to_have_count(1)
    payment = rows.first
    expect(payment.locator(".audit-change")).to_contain_text("Payment recorded")
    expect(payment.locator(".audit-object")).to_contain_text(APPLICANT)
    expect(payment.locator(".audit-actor")).to_have_text(f"{STAFF_NAME} ({STAFF_EMAIL})")
    expect(payment.locator(".audit-note")).to_contain_text("reference Cheque 1042.")

    # --- The records ------------------------------------------------------------------------
    waiting.application.refresh_from_db()
    assert waiting.application.status == Application.Status.ADMITTED
    assert Provider.objects.get(name=ORGANISATION).verified_by == staff_user
    assert Course.objects.get(title=COURSE_TITLE).status == Course.Status.APPROVED
    waiting.claim.refresh_from_db()
    assert waiting.claim.status == CourseCompletion.Status.VERIFIED
    assert Assignment.objects.filter(submission__portfolio=waiting.to_assign).count() == 2
    waiting.draft.refresh_from_db()
    assert waiting.draft.status == Decision.Status.RELEASED
    waiting.appeal.refresh_from_db()
    assert waiting.appeal.status == Appeal.Status.UPHELD
    waiting.renewal.refresh_from_db()
    assert waiting.renewal.status == Renewal.Status.APPROVED
    waiting.applicant_evaluator.refresh_from_db()
    assert waiting.applicant_evaluator.status == Evaluator.Status.APPROVED
    waiting.ready.refresh_from_db()
    assert waiting.ready.status == Candidacy.Status.CERTIFIED
