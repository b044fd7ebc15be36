"""axe-core finds no serious or critical problem on the pages each signed-in role uses
(candidate, applicant, program staff, evaluator, provider), in their ordinary, empty and error
states, and each page has exactly one <h1>.

The data is made through the services, as people make it on the site; the browser is signed
in with a session cookie (`sign_in`), as the login form is tested elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates import services
from candidates.models import Application, Candidacy, Payment
from lssc.program.models import CompetencySet
from lssc.program.selectors import competency_sets_in_force
from tests.e2e.conftest import labelled, sign_in
from tests.factories import (
    EvaluatorFactory,
    ProviderMembershipFactory,
    UserFactory,
    submitted_application,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Section = Application.Section


# --- The cast ---------------------------------------------------------------------------------


@dataclass
class Visitor:
    """Who is signed in, and the ids their pages' paths are filled in with."""

    user: object
    ids: dict = field(default_factory=dict)


def admitted_candidacy(staff) -> Candidacy:
    """A candidate admitted after paying in full, with a progress row for every set."""
    application = submitted_application(
        UserFactory(email="casey.candidate@example.org", first_name="Casey"),
        legal_name="Casey Candidate",
    )
    services.payment_record(
        application,
        amount=application.fee_due,
        method=Payment.Method.CHEQUE,
        received_on=timezone.localdate(),
        reference="Cheque 1001",
        by=staff,
    )
    return services.application_admit(application, by=staff)


def first_set(kind: str) -> str:
    return competency_sets_in_force().filter(kind=kind).order_by("order").first().code


def candidate() -> Visitor:
    candidacy = admitted_candidacy(UserFactory(program_staff=True))
    return Visitor(
        candidacy.user,
        {
            "required": first_set(CompetencySet.Kind.REQUIRED),
            "elective": first_set(CompetencySet.Kind.ELECTIVE),
        },
    )


def applicant() -> Visitor:
    """Someone who has started an application and answered nothing yet."""
    user = UserFactory(email="avery.applicant@example.org", first_name="Avery")
    services.application_start(user)
    return Visitor(user)


def submitted_applicant() -> Visitor:
    return Visitor(submitted_application(legal_name="Sasha Submitter").user)


def staff() -> Visitor:
    """Program staff, with one submitted unpaid application and one candidacy to look at."""
    member = UserFactory(email="sam.staff@example.org", first_name="Sam", program_staff=True)
    application = submitted_application(legal_name="Robin Reader")
    candidacy = admitted_candidacy(member)
    return Visitor(member, {"application": application.pk, "candidacy": candidacy.pk})


def evaluator() -> Visitor:
    return Visitor(EvaluatorFactory(user__first_name="Eve").user)


def provider() -> Visitor:
    return Visitor(ProviderMembershipFactory(user__first_name="Priya").user)


# --- Error states: what is done on the page before it is scanned ---------------------------


def withdraw_without_reason(page: Page) -> None:
    page.get_by_role("button", name="Withdraw from the program").click()
    expect(page.locator("#error-summary")).to_contain_text("Tell us why you are withdrawing.")


def save_a_job_of_too_many_hours(page: Page) -> None:
    labelled(page.get_by_role("group", name="Job 1"), "Hours per week").fill("100")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#error-summary")).to_contain_text("Enter 80 hours a week or fewer.")


def pay_more_than_due(page: Page) -> None:
    labelled(page, "Amount received").fill("400")
    page.get_by_role("radio", name="Cheque").check()
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "That is more than the 350.00 still due; record at most 350.00."
    )


def admitting_needs_a_reason(page: Page) -> None:
    # Unpaid, so the page asks for the reason to admit anyway (no error yet).
    expect(page.get_by_role("button", name="Admit despite the unmet checks")).to_be_visible()
    expect(labelled(page, "Reason for admitting anyway")).to_be_visible()


PAGES = [
    pytest.param(candidate, "/dashboard/", None, id="candidate-dashboard"),
    pytest.param(candidate, "/dashboard/sets/{required}/", None, id="candidate-required-set"),
    pytest.param(candidate, "/dashboard/sets/{elective}/", None, id="candidate-elective-set"),
    pytest.param(candidate, "/dashboard/letter/", None, id="candidate-letter"),
    pytest.param(candidate, "/dashboard/withdraw/", None, id="candidate-withdraw"),
    pytest.param(
        candidate, "/dashboard/withdraw/", withdraw_without_reason, id="candidate-withdraw-error"
    ),
    *[
        pytest.param(applicant, f"/apply/{section}/", None, id=f"applicant-{section}")
        for section in Section.values
        if section != Section.REVIEW
    ],
    pytest.param(
        applicant, "/apply/work/", save_a_job_of_too_many_hours, id="applicant-work-error"
    ),
    pytest.param(applicant, "/apply/review/", None, id="applicant-review-incomplete"),
    pytest.param(submitted_applicant, "/apply/invoice/", None, id="applicant-invoice"),
    pytest.param(staff, "/staff/", None, id="staff-home"),
    pytest.param(staff, "/staff/applications/", None, id="staff-applications"),
    pytest.param(staff, "/staff/applications/{application}/", None, id="staff-application"),
    pytest.param(
        staff,
        "/staff/applications/{application}/payment/",
        pay_more_than_due,
        id="staff-payment-error",
    ),
    pytest.param(
        staff, "/staff/applications/{application}/request-info/", None, id="staff-request-info"
    ),
    pytest.param(staff, "/staff/applications/{application}/decline/", None, id="staff-decline"),
    pytest.param(
        staff,
        "/staff/applications/{application}/admit/",
        admitting_needs_a_reason,
        id="staff-admit-unpaid",
    ),
    pytest.param(staff, "/staff/candidacies/{candidacy}/", None, id="staff-candidacy"),
    pytest.param(staff, "/staff/candidacies/{candidacy}/extend/", None, id="staff-extend"),
    pytest.param(evaluator, "/reviews/", None, id="evaluator-home"),
    pytest.param(provider, "/provider/", None, id="provider-home"),
]


@pytest.mark.parametrize(("who", "path", "then"), PAGES)
def test_role_page_has_one_h1_and_no_serious_accessibility_problem(
    live_server, page: Page, assert_accessible, who, path, then
):
    visitor = who()
    sign_in(page.context, live_server, visitor.user)
    url = f"{live_server.url}{path.format(**visitor.ids)}"

    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    expect(page).to_have_url(url)  # not sent to log in or to set up two-factor authentication
    if then:
        then(page)

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
