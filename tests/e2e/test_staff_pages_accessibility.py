"""axe-core finds no serious or critical problem on the staff workspace's pages, and each
page has exactly one <h1>: the home page with an item in every queue (the overdue one too);
the search page (no query, too short, results, nothing found); the record of a person with
several roles; the reports index and every report (with data, with a period whose dates are
the wrong way round, and one with no data); the audit trail (rows, filtered, a date error);
the program rules page and the new-version form (blank, its errors, "nothing changes", the
preview, and the rules page once the version is made); the appeal desk (the list, an
appeal, the uphold and remand confirm pages and the uphold error); the candidate's appeal
pages (the list, the notice form and its error, an appeal with the grounds form and its
error, with the grounds missed, and upheld); and the evaluator desk (the list, the
applications tab, an application and an approved evaluator, the approve and decline confirm
pages and the decline error), none of which another file scans.

Everything is arranged through the factories and services; the browser is signed in with a
session cookie (`sign_in`), as the login form and the journey through these pages are
tested in test_staff_workspace_journey.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates import services as candidate_services
from candidates.models import Payment
from courses import services as course_services
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import appeal_services
from reviews import services as review_services
from reviews.models import Appeal, Assignment, Decision, Evaluator
from tests.e2e.conftest import labelled, sign_in
from tests.e2e.test_staff_workspace_journey import QUEUES, one_item_per_queue
from tests.factories import (
    EvaluatorFactory,
    ProviderMembershipFactory,
    UserFactory,
    approved_course,
    issued_certificate,
    rate_all,
    submitted_application,
    submitted_portfolio,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PERSON_EMAIL = "robin.reader@example.org"
PERSON = "Robin Reader"
COURSE_TITLE = "Foundations of Library Work"
HOLDER_FIRST, HOLDER_LAST = "Morgan", "Holder"
SET_NAME = "Technology"
# A period whose first day is after its last: every report and the audit refuse it.
WRONG_WAY_ROUND = "from=2030-01-31&to=2020-01-01"


@dataclass
class Visitor:
    """Who is signed in and the values the page's path and actions use."""

    user: object
    ids: dict = field(default_factory=dict)


# --- Arranging the records ------------------------------------------------------------------


def _staff():
    return UserFactory(
        email="sam.staff@example.org", first_name="Sam", last_name="Staff", program_staff=True
    )


def _technology() -> CompetencySet:
    return CompetencySet.objects.filter(code="technology").latest("pk")


def _pool() -> list[Evaluator]:
    """Two approved evaluators of the Technology set, from different libraries."""
    return [
        EvaluatorFactory(
            user__first_name=first,
            user__last_name="Rater",
            employer=employer,
            qualified_sets=[_technology()],
            capacity_per_quarter=20,
        )
        for first, employer in [("Ada", "Decatur Public Library"), ("Bo", "Joliet Library")]
    ]


def _released(staff, value: str = "not_met", candidacy=None, **candidate) -> Decision:
    """A Technology portfolio (of `candidacy`, or of a new candidacy made with `candidate`)
    auto-assigned to the pool (made first if missing), rated `value` throughout with its one
    resubmission used, and its decision released: "not demonstrated" for "not_met"."""
    if not Evaluator.objects.filter(qualified_sets__code="technology").exists():
        _pool()
    portfolio = submitted_portfolio(candidacy, **candidate)
    Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=1)
    submission = portfolio.submissions.get()
    for assignment in review_services.assignment_auto_assign(submission, by=staff):
        rate_all(assignment, value, comment="Read with care.")
    return review_services.decision_release(Decision.objects.get(submission=submission), by=staff)


def _appeal(staff, status: str, **candidate) -> Appeal:
    """An appeal against a released "not demonstrated" decision, brought to `status`:
    notice_filed, grounds_missed (notice filed, the grounds' last day passed), grounds_filed
    or upheld."""
    decision = _released(staff, **candidate)
    user = decision.portfolio.candidacy.user
    appeal = appeal_services.appeal_file_notice(
        decision, notice="The evidence for competency 2 was missed.", by=user
    )
    if status == "grounds_missed":
        Appeal.objects.filter(pk=appeal.pk).update(
            grounds_due_on=timezone.localdate() - timedelta(days=1)
        )
    if status in ("grounds_filed", "upheld"):
        appeal = appeal_services.appeal_file_grounds(
            appeal, grounds="My work log shows the help desk I ran for a year.", by=user
        )
    if status == "upheld":
        appeal = appeal_services.appeal_uphold(
            appeal, note="The ratings follow the evidence.", by=staff
        )
    appeal.refresh_from_db()
    return appeal


def _admitted(staff, user=None):
    """Robin Reader's application, submitted, paid in full and admitted."""
    application = submitted_application(
        user or UserFactory(email=PERSON_EMAIL, first_name="Robin", last_name="Reader"),
        legal_name=PERSON,
    )
    candidate_services.payment_record(
        application,
        amount=application.fee_due,
        method=Payment.Method.CHEQUE,
        received_on=timezone.localdate(),
        reference="Cheque 1042",
        by=staff,
    )
    return candidate_services.application_admit(application, by=staff)


def _program_data(staff) -> dict:
    """Something in every report and the audit trail: Robin Reader admitted (paid in full),
    who then claimed an approved course (verified), had a Technology portfolio decided "not
    demonstrated" and appealed it, and who also evaluates and belongs to a course provider;
    and a certificate issued to Morgan Holder."""
    candidacy = _admitted(staff)
    user = candidacy.user
    course = approved_course(title=COURSE_TITLE)
    claim = course_services.completion_claim(
        candidacy,
        course=course,
        completed_on=timezone.localdate(),
        proof=ContentFile(b"%PDF-1.4 certificate", name="certificate.pdf"),
        by=user,
    )
    course_services.completion_verify(claim, by=staff)
    decision = _released(staff, candidacy=candidacy)
    appeal_services.appeal_file_notice(
        decision, notice="The evidence for competency 2 was missed.", by=user
    )
    # A candidate who also evaluates (another set than their portfolio's) and offers courses.
    EvaluatorFactory(
        user=user, qualified_sets=[CompetencySet.objects.filter(code="foundations").latest("pk")]
    )
    ProviderMembershipFactory(user=user)
    certificate = issued_certificate(
        by=staff, user__first_name=HOLDER_FIRST, user__last_name=HOLDER_LAST
    )
    return {"person": user.pk, "number": candidacy.number, "certificate": certificate.number}


# --- The visitors -------------------------------------------------------------------------------


def staff_with_every_queue() -> Visitor:
    """One item in each queue of the home page; also an accepted evaluation past its due
    date, so the overdue queue is not empty either."""
    staff = _staff()
    one_item_per_queue(staff)
    late = submitted_portfolio(user__first_name="Lee", user__last_name="Late").submissions.get()
    accepted, _offered = review_services.assignment_auto_assign(late, by=staff)
    review_services.assignment_accept(accepted, by=accepted.evaluator.user)
    Assignment.objects.filter(pk=accepted.pk).update(
        due_on=timezone.localdate() - timedelta(days=2)
    )
    return Visitor(staff)


def staff_only() -> Visitor:
    return Visitor(_staff())


def staff_with_program_data() -> Visitor:
    staff = _staff()
    return Visitor(staff, _program_data(staff))


def staff_with_appeals() -> Visitor:
    """Open appeals (grounds sent; grounds overdue) and a decided one."""
    staff = _staff()
    waiting = _appeal(staff, "grounds_filed", user__first_name="Avery", user__last_name="Appeal")
    _appeal(staff, "grounds_missed", user__first_name="Blake", user__last_name="Late")
    _appeal(staff, "upheld", user__first_name="Cory", user__last_name="Upheld")
    return Visitor(staff, {"appeal": waiting.pk})


def staff_with_an_appeal() -> Visitor:
    staff = _staff()
    return Visitor(staff, {"appeal": _appeal(staff, "grounds_filed").pk})


def staff_with_an_upheld_appeal() -> Visitor:
    staff = _staff()
    return Visitor(staff, {"appeal": _appeal(staff, "upheld").pk})


def candidate_with_a_decision_to_appeal() -> Visitor:
    decision = _released(_staff())
    return Visitor(decision.portfolio.candidacy.user, {"decision": decision.pk})


def _candidate_appeal(status: str) -> Visitor:
    appeal = _appeal(_staff(), status)
    return Visitor(appeal.decision.portfolio.candidacy.user, {"appeal": appeal.pk})


def candidate_with_notice_filed() -> Visitor:
    return _candidate_appeal("notice_filed")


def candidate_with_grounds_missed() -> Visitor:
    return _candidate_appeal("grounds_missed")


def candidate_with_grounds_filed() -> Visitor:
    return _candidate_appeal("grounds_filed")


def candidate_upheld() -> Visitor:
    return _candidate_appeal("upheld")


def staff_with_evaluators() -> Visitor:
    """An application to evaluate, an approved evaluator and a declined applicant."""
    staff = _staff()
    applied = EvaluatorFactory(
        user__first_name="Evan",
        user__last_name="Applicant",
        status=Evaluator.Status.APPLIED,
        approved_at=None,
        qualified_sets=[_technology()],
    )
    approved = EvaluatorFactory(
        user__first_name="Ada", user__last_name="Rater", qualified_sets=[_technology()]
    )
    declined = EvaluatorFactory(
        user__first_name="Dale",
        user__last_name="Declined",
        status=Evaluator.Status.APPLIED,
        approved_at=None,
    )
    review_services.evaluator_decline(
        declined, reason="More years of reference work would help.", by=staff
    )
    return Visitor(staff, {"applied": applied.pk, "approved": approved.pk})


# --- What is done on the page before it is scanned ----------------------------------------------


def main(page: Page):
    return page.get_by_role("main")


def every_queue_waits(page: Page, _visitor: Visitor) -> None:
    for key in QUEUES:
        expect(page.locator(f"#queue-{key} strong").first).to_have_text("1")


def shows_hint(text: str):
    def check(page: Page, _visitor: Visitor) -> None:
        expect(page.locator(".search-hint")).to_contain_text(text)

    check.__name__ = "shows_hint"
    return check


def finds(group: str, text_key: str | None = None, text: str = ""):
    """The results group `group` lists a row with `text` (or the visitor's id `text_key`)."""

    def check(page: Page, visitor: Visitor) -> None:
        expected = visitor.ids[text_key] if text_key else text
        expect(page.locator(f"#results-{group}")).to_contain_text(expected)

    check.__name__ = f"finds_{group}"
    return check


def finds_nothing(page: Page, _visitor: Visitor) -> None:
    expect(main(page)).to_contain_text("Nothing matches “nobody-has-this-name”.")


def shows_every_role(page: Page, _visitor: Visitor) -> None:
    roles = page.locator(".person-roles")
    for role in ("Candidate", "Evaluator", "Course provider"):
        expect(roles).to_contain_text(role)
    expect(page.locator("ol.person-history > li").first).to_be_visible()
    expect(page.locator(".person-appeals")).to_contain_text(f"Appeal on {SET_NAME}")


def report_with_chart(chart_id: str):
    def check(page: Page, _visitor: Visitor) -> None:
        expect(page.locator(f"svg#{chart_id}")).to_be_visible()
        expect(page.locator("table.report-table").first).to_be_visible()

    check.__name__ = f"chart_{chart_id}"
    return check


def period_refused(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator(".report-period-text")).to_contain_text(
        "The dates could not be used, so the figures below cover the default period."
    )


def report_empty(page: Page, _visitor: Visitor) -> None:
    expect(page.locator(".empty-state")).to_contain_text("No application was started")


def audit_rows(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("table.audit-trail tbody tr").first).to_be_visible()


def audit_filtered(page: Page, _visitor: Visitor) -> None:
    rows = page.locator("table.audit-trail tbody tr")
    expect(rows.filter(has_text="Payment recorded")).to_have_count(1)
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()


def audit_date_error(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("#error-summary")).to_contain_text(
        "The last day cannot be before the first day."
    )


def preview_without_answers(page: Page, _visitor: Visitor) -> None:
    page.get_by_role("button", name="Preview changes").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Choose the day the new rules take effect.")
    expect(summary).to_contain_text("Say why this version is made.")


def _fill_new_version(page: Page, *, fee: str | None) -> None:
    in_a_month = timezone.localdate() + timedelta(days=30)
    labelled(page, "Takes effect on").fill(in_a_month.isoformat())
    labelled(page, "Why this version is made").fill("The board's fee review of this year.")
    if fee:
        labelled(page, "Fee standard").fill(fee)
    page.get_by_role("button", name="Preview changes").click()


def preview_with_nothing_changed(page: Page, _visitor: Visitor) -> None:
    _fill_new_version(page, fee=None)
    expect(page.locator("#error-summary")).to_contain_text("Nothing changes")


def preview_a_new_fee(page: Page, _visitor: Visitor) -> None:
    _fill_new_version(page, fee="375.00")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the new program rules")
    expect(page.locator('table.rules-changes tr[data-field="fee_standard"]')).to_contain_text(
        "USD 375.00"
    )


def make_the_new_version(page: Page, visitor: Visitor) -> None:
    preview_a_new_fee(page, visitor)
    page.get_by_role("button", name="Make this version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Program rules and competency framework"
    )
    expect(main(page)).to_contain_text("The new program rules take effect on")


def appeals_listed(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("table.appeal-open tbody tr")).to_have_count(2)
    expect(page.locator("table.appeal-open tr.grounds-overdue")).to_have_count(1)
    expect(page.locator("table.appeal-decided tbody tr")).to_have_count(1)


def appeal_actions_offered(page: Page, _visitor: Visitor) -> None:
    expect(page.get_by_role("button", name="Start review")).to_be_visible()
    expect(page.get_by_role("link", name="Uphold the decision…")).to_be_visible()


def uphold_without_reasons(page: Page, _visitor: Visitor) -> None:
    page.get_by_role("button", name="Uphold the decision").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Give the reasons; the candidate reads them."
    )


def appealable_listed(page: Page, _visitor: Visitor) -> None:
    expect(page.locator(".appealable-decisions")).to_contain_text(SET_NAME)


def appeal_listed(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("table.appeal-list tbody tr")).to_have_count(1)


def give_notice_empty(page: Page, _visitor: Visitor) -> None:
    page.get_by_role("button", name="Give notice of appeal").click()
    expect(page.locator("#error-summary")).to_contain_text("Say briefly what you are appealing.")


def grounds_form_shown(page: Page, _visitor: Visitor) -> None:
    expect(labelled(page, "Your grounds for the appeal")).to_be_visible()


def send_grounds_empty(page: Page, _visitor: Visitor) -> None:
    page.get_by_role("button", name="Send the grounds").click()
    expect(page.locator("#error-summary")).to_contain_text("Write your grounds for the appeal.")


def grounds_missed(page: Page, _visitor: Visitor) -> None:
    expect(page.locator(".appeal-grounds-missed")).to_be_visible()


def outcome_shown(page: Page, _visitor: Visitor) -> None:
    expect(page.locator(".appeal-outcome")).to_contain_text("The ratings follow the evidence.")


def evaluators_listed(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("table.evaluator-list tbody tr")).to_have_count(3)


def one_application_listed(page: Page, _visitor: Visitor) -> None:
    expect(page.locator("table.evaluator-list tbody tr")).to_have_count(1)


def decline_without_reason(page: Page, _visitor: Visitor) -> None:
    page.get_by_role("button", name="Decline the application").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Give the reason for declining; the applicant will read it."
    )


def scan(who, path, then=None, *, id):
    """One page to scan."""
    return pytest.param(who, path, then, id=id)


REPORTS = [
    ("funnel", "funnel-chart"),
    ("candidates", None),
    ("pass-rates", None),
    ("time-to-decision", None),
    ("certificates", "certificates-chart"),
]

PAGES = [
    # The home page and the search
    scan(staff_with_every_queue, "/staff/", every_queue_waits, id="home-every-queue"),
    scan(staff_only, "/staff/search/", shows_hint("Type at least"), id="search-no-query"),
    scan(staff_only, "/staff/search/?q=R", shows_hint("is too short"), id="search-too-short"),
    scan(
        staff_with_program_data,
        "/staff/search/?q=Robin",
        finds("people", text=PERSON_EMAIL),
        id="search-people",
    ),
    scan(
        staff_with_program_data,
        "/staff/search/?q={number}",
        finds("candidacies", "number"),
        id="search-number",
    ),
    scan(
        staff_with_program_data,
        "/staff/search/?q={certificate}",
        finds("certificates", "certificate"),
        id="search-certificate",
    ),
    scan(
        staff_with_program_data,
        "/staff/search/?q=nobody-has-this-name",
        finds_nothing,
        id="search-nothing-found",
    ),
    scan(staff_with_program_data, "/staff/people/{person}/", shows_every_role, id="person"),
    # The reports
    scan(staff_with_program_data, "/staff/reports/", None, id="reports"),
    *[
        scan(
            staff_with_program_data,
            f"/staff/reports/{name}/",
            report_with_chart(chart) if chart else None,
            id=f"report-{name}",
        )
        for name, chart in REPORTS
    ],
    *[
        scan(
            staff_with_program_data,
            f"/staff/reports/{name}/?{WRONG_WAY_ROUND}",
            period_refused,
            id=f"report-{name}-period-error",
        )
        for name, _chart in REPORTS
    ],
    scan(staff_only, "/staff/reports/funnel/", report_empty, id="report-funnel-empty"),
    # The audit trail
    scan(staff_with_program_data, "/staff/audit/", audit_rows, id="audit"),
    scan(staff_with_program_data, "/staff/audit/?q=Cheque+1042", audit_filtered, id="audit-q"),
    scan(
        staff_with_program_data,
        f"/staff/audit/?{WRONG_WAY_ROUND}",
        audit_date_error,
        id="audit-date-error",
    ),
    # The program rules
    scan(staff_only, "/staff/rules/", None, id="rules"),
    scan(staff_only, "/staff/rules/new/", None, id="rules-new"),
    scan(staff_only, "/staff/rules/new/", preview_without_answers, id="rules-new-errors"),
    scan(staff_only, "/staff/rules/new/", preview_with_nothing_changed, id="rules-new-no-change"),
    scan(staff_only, "/staff/rules/new/", preview_a_new_fee, id="rules-preview"),
    scan(staff_only, "/staff/rules/new/", make_the_new_version, id="rules-after-new-version"),
    # The appeal desk
    scan(staff_with_appeals, "/staff/appeals/", appeals_listed, id="appeals"),
    scan(staff_only, "/staff/appeals/", None, id="appeals-empty"),
    scan(staff_with_an_appeal, "/staff/appeals/{appeal}/", appeal_actions_offered, id="appeal"),
    scan(staff_with_an_upheld_appeal, "/staff/appeals/{appeal}/", None, id="appeal-upheld"),
    scan(staff_with_an_appeal, "/staff/appeals/{appeal}/uphold/", None, id="appeal-uphold"),
    scan(
        staff_with_an_appeal,
        "/staff/appeals/{appeal}/uphold/",
        uphold_without_reasons,
        id="appeal-uphold-error",
    ),
    scan(staff_with_an_appeal, "/staff/appeals/{appeal}/remand/", None, id="appeal-remand"),
    # The candidate's appeal pages
    scan(candidate_with_a_decision_to_appeal, "/appeals/", appealable_listed, id="my-appeals"),
    scan(candidate_with_notice_filed, "/appeals/", appeal_listed, id="my-appeals-one"),
    scan(
        candidate_with_a_decision_to_appeal,
        "/appeals/decisions/{decision}/",
        None,
        id="notice-form",
    ),
    scan(
        candidate_with_a_decision_to_appeal,
        "/appeals/decisions/{decision}/",
        give_notice_empty,
        id="notice-form-error",
    ),
    scan(
        candidate_with_notice_filed,
        "/appeals/{appeal}/",
        grounds_form_shown,
        id="my-appeal-grounds-form",
    ),
    scan(
        candidate_with_notice_filed,
        "/appeals/{appeal}/",
        send_grounds_empty,
        id="my-appeal-grounds-error",
    ),
    scan(
        candidate_with_grounds_missed,
        "/appeals/{appeal}/",
        grounds_missed,
        id="my-appeal-grounds-missed",
    ),
    scan(candidate_with_grounds_filed, "/appeals/{appeal}/", None, id="my-appeal-in-review"),
    scan(candidate_upheld, "/appeals/{appeal}/", outcome_shown, id="my-appeal-upheld"),
    # The evaluator desk
    scan(staff_with_evaluators, "/staff/evaluators/", evaluators_listed, id="evaluators"),
    scan(
        staff_with_evaluators,
        "/staff/evaluators/?status=applied",
        one_application_listed,
        id="evaluators-applied",
    ),
    scan(staff_only, "/staff/evaluators/", None, id="evaluators-empty"),
    scan(staff_with_evaluators, "/staff/evaluators/{applied}/", None, id="evaluator-applied"),
    scan(staff_with_evaluators, "/staff/evaluators/{approved}/", None, id="evaluator-approved"),
    scan(
        staff_with_evaluators, "/staff/evaluators/{applied}/approve/", None, id="evaluator-approve"
    ),
    scan(
        staff_with_evaluators, "/staff/evaluators/{applied}/decline/", None, id="evaluator-decline"
    ),
    scan(
        staff_with_evaluators,
        "/staff/evaluators/{applied}/decline/",
        decline_without_reason,
        id="evaluator-decline-error",
    ),
]


@pytest.mark.parametrize(("who", "path", "then"), PAGES)
def test_staff_page_has_one_h1_and_no_serious_accessibility_problem(
    live_server, page: Page, settings, assert_accessible, who, path, then
):
    settings.SITE_URL = live_server.url
    visitor = who()
    sign_in(page.context, live_server, visitor.user)
    url = f"{live_server.url}{path.format(**visitor.ids)}"

    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    # Not sent to log in or to set up two-factor authentication.
    expect(page).to_have_url(url)
    if then:
        then(page, visitor)

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
