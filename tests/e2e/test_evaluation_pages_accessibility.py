"""axe-core finds no serious or critical problem on the portfolio-evaluation pages (the staff
queue, assignment, withdrawal and decision pages; the evaluator's offer, overview, rating and
submit pages; the candidate's decision page and the workspace and editor that flag what the
evaluators asked for), in their ordinary, empty and error states, and each page has exactly
one <h1>.

Each round is brought to its stage through the services (`rate_all` for the ratings); the
browser is signed in with a session cookie (`sign_in`), as the login form and the journey
through these pages are tested in test_evaluation_journey.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import services
from reviews.models import Assignment, Decision
from tests.e2e.conftest import labelled, sign_in
from tests.factories import EvaluatorFactory, UserFactory, rate_all, submitted_portfolio

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SET_CODE = "technology"
# Round 1 of nine competencies: competency 1 is disputed (Met against Not met), 3 reconciles
# to Not met, so the round falls short (see test_evaluation_journey.py).
FIRST_VALUES = {3: "partial"}
SECOND_VALUES = {1: "not_met", 2: "partial", 3: "not_met"}


@dataclass
class Visitor:
    """Who is signed in, and the ids their pages' paths are filled in with."""

    user: object
    ids: dict = field(default_factory=dict)


@dataclass
class Round:
    portfolio: Portfolio
    staff: object
    evaluators: list  # three evaluators qualified for the set, A, B and C

    def assignment(self, evaluator) -> Assignment:
        return Assignment.objects.get(portfolio=self.portfolio, evaluator=evaluator)

    @property
    def decision(self) -> Decision:
        return Decision.objects.get(portfolio=self.portfolio)


def _round(*, resubmissions_used: int = 0) -> Round:
    """A submitted Technology portfolio, program staff and three qualified evaluators."""
    portfolio = submitted_portfolio(
        set_code=SET_CODE, user__email="robin.candidate@example.org", user__first_name="Robin"
    )
    if resubmissions_used:
        Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=resubmissions_used)
        portfolio.refresh_from_db()
    competency_set = CompetencySet.objects.filter(code=SET_CODE).latest("pk")
    evaluators = [
        EvaluatorFactory(employer=employer, qualified_sets=[competency_set])
        for employer in ("Decatur Public Library", "Joliet Area Library", "Moline Library")
    ]
    staff_user = UserFactory(email="sam.staff@example.org", first_name="Sam", program_staff=True)
    return Round(portfolio, staff_user, evaluators)


def _offered(**kwargs) -> Round:
    """Staff offered the round to A (first) and B (second); neither has answered."""
    state = _round(**kwargs)
    submission = state.portfolio.submissions.get()
    for evaluator in state.evaluators[:2]:
        services.assignment_offer(submission, evaluator, by=state.staff)
    return state


def _disputed(**kwargs) -> Round:
    """A and B submitted and disagree on competency 1: C is offered it."""
    state = _offered(**kwargs)
    a, b, _ = state.evaluators
    rate_all(state.assignment(a), values=FIRST_VALUES)
    rate_all(state.assignment(b), values=SECOND_VALUES)
    return state


def _drafted(**kwargs) -> Round:
    """C rated competency 1 Partially met: a decision is drafted."""
    state = _disputed(**kwargs)
    rate_all(state.assignment(state.evaluators[2]), value="partial")
    return state


def _released(**kwargs) -> Round:
    state = _drafted(**kwargs)
    services.decision_release(state.decision, by=state.staff)
    return state


# --- The visitors -----------------------------------------------------------------------------


def staff_with_offers() -> Visitor:
    state = _offered()
    return Visitor(
        state.staff,
        {"portfolio": state.portfolio.pk, "assignment": state.assignment(state.evaluators[0]).pk},
    )


def staff_with_a_new_round() -> Visitor:
    state = _round()
    return Visitor(state.staff, {"portfolio": state.portfolio.pk})


def staff_with_a_dispute() -> Visitor:
    state = _disputed()
    return Visitor(state.staff, {"portfolio": state.portfolio.pk})


def staff_with_a_draft() -> Visitor:
    state = _drafted()
    return Visitor(state.staff, {"portfolio": state.portfolio.pk, "decision": state.decision.pk})


def staff_after_release() -> Visitor:
    state = _released()
    return Visitor(state.staff, {"portfolio": state.portfolio.pk, "decision": state.decision.pk})


def evaluator_offered() -> Visitor:
    state = _offered()
    a = state.evaluators[0]
    return Visitor(a.user, {"assignment": state.assignment(a).pk})


def evaluator_rating() -> Visitor:
    """A accepted and rated competency 1 Met; the rest is still to rate."""
    state = _offered()
    a = state.evaluators[0]
    assignment = services.assignment_accept(state.assignment(a), by=a.user)
    first = assignment.submission.content[0]
    services.rating_save(
        assignment, competency_id=first["competency_id"], value="met", comment="", by=a.user
    )
    return Visitor(a.user, {"assignment": assignment.pk})


def evaluator_all_rated() -> Visitor:
    """A accepted and rated every competency, but has not submitted."""
    state = _offered()
    a = state.evaluators[0]
    assignment = services.assignment_accept(state.assignment(a), by=a.user)
    for item in assignment.submission.content:
        services.rating_save(
            assignment, competency_id=item["competency_id"], value="met", comment="", by=a.user
        )
    return Visitor(a.user, {"assignment": assignment.pk})


def adjudicator_offered() -> Visitor:
    state = _disputed()
    c = state.evaluators[2]
    return Visitor(c.user, {"assignment": state.assignment(c).pk})


def evaluator_after_release() -> Visitor:
    """A's submitted review once the round is decided: the others' ratings show beside A's."""
    state = _released()
    a = state.evaluators[0]
    return Visitor(a.user, {"assignment": state.assignment(a).pk})


def candidate_asked_for_more() -> Visitor:
    state = _released()
    return Visitor(state.portfolio.candidacy.user, {"pk": state.portfolio.pk})


def candidate_not_demonstrated() -> Visitor:
    """The same ratings with no resubmission left: not demonstrated."""
    state = _released(resubmissions_used=1)
    assert state.decision.outcome == Decision.Outcome.NOT_DEMONSTRATED
    return Visitor(state.portfolio.candidacy.user, {"pk": state.portfolio.pk})


def candidate_achieved() -> Visitor:
    state = _offered()
    for evaluator in state.evaluators[:2]:
        rate_all(state.assignment(evaluator))
    services.decision_release(state.decision, by=state.staff)
    assert state.decision.outcome == Decision.Outcome.ACHIEVED
    return Visitor(state.portfolio.candidacy.user, {"pk": state.portfolio.pk})


# --- What is done on the page before it is scanned --------------------------------------------


def main(page: Page):
    return page.get_by_role("main")


def queue_shows_the_round(page: Page) -> None:
    expect(page.locator("table.portfolio-queue")).to_have_count(1)


def queue_shows_a_dispute(page: Page) -> None:
    expect(page.locator("#in_review")).to_contain_text("1 competency disputed")


def assign_page_lists_offers(page: Page) -> None:
    expect(page.locator("table.round-assignments tbody tr")).to_have_count(2)
    expect(page.locator("table.ineligible-evaluators tbody tr")).to_have_count(2)


def assign_page_lists_the_adjudicator(page: Page) -> None:
    expect(page.locator("table.round-assignments")).to_contain_text("Third evaluator (adjudicator)")


def withdraw_without_reason(page: Page) -> None:
    page.get_by_role("button", name="Withdraw the assignment").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Give the reason; the evaluator will read it."
    )


def save_an_empty_letter(page: Page) -> None:
    labelled(page, "Decision letter").fill("   ")
    page.get_by_role("button", name="Save the letter").click()
    expect(page.locator("#error-summary")).to_contain_text("The letter cannot be empty.")


def letter_is_read_only(page: Page) -> None:
    expect(page.locator(".decision-letter")).to_contain_text("Outcome: More information requested")


def offer_to_adjudicate(page: Page) -> None:
    expect(main(page)).to_contain_text("1 (only those the first two evaluators disagreed on)")


def rate_not_met_without_comment(page: Page) -> None:
    page.get_by_role("radio", name="Not met", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Add a comment: it is required unless you choose Met."
    )


def submit_too_early(page: Page) -> None:
    page.get_by_role("button", name="Submit my review").click()
    expect(main(page)).to_contain_text("Not submitted yet. Competency 2: choose a rating.")


def open_the_submit_confirmation(page: Page) -> None:
    page.get_by_role("button", name="Submit my review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit your review?")


def others_ratings_show(page: Page) -> None:
    expect(main(page)).to_contain_text("The other evaluator:")


def decision_asks_for_more(page: Page) -> None:
    expect(main(page)).to_contain_text("The evaluators need more information on 2 competencies")


def decision_not_demonstrated(page: Page) -> None:
    expect(main(page)).to_contain_text("you may appeal")


def decision_achieved(page: Page) -> None:
    expect(main(page)).to_contain_text("so it is achieved. Congratulations.")


def workspace_flags_competencies(page: Page) -> None:
    expect(page.get_by_role("region", name="More information requested")).to_be_visible()


def editor_shows_feedback(page: Page) -> None:
    expect(
        page.get_by_role("region", name="The evaluators asked for more information here")
    ).to_be_visible()


PAGES = [
    # Program staff
    pytest.param(staff_with_a_new_round, "/staff/portfolios/", queue_shows_the_round, id="queue"),
    pytest.param(
        staff_with_a_dispute, "/staff/portfolios/", queue_shows_a_dispute, id="queue-disputed"
    ),
    pytest.param(staff_with_a_new_round, "/staff/portfolios/{portfolio}/", None, id="assign-new"),
    pytest.param(
        staff_with_offers,
        "/staff/portfolios/{portfolio}/",
        assign_page_lists_offers,
        id="assign-offered",
    ),
    pytest.param(
        staff_with_a_dispute,
        "/staff/portfolios/{portfolio}/",
        assign_page_lists_the_adjudicator,
        id="assign-adjudicator",
    ),
    pytest.param(
        staff_with_offers, "/staff/assignments/{assignment}/withdraw/", None, id="withdraw"
    ),
    pytest.param(
        staff_with_offers,
        "/staff/assignments/{assignment}/withdraw/",
        withdraw_without_reason,
        id="withdraw-error",
    ),
    pytest.param(staff_with_a_new_round, "/staff/decisions/", None, id="decisions-empty"),
    pytest.param(staff_with_a_draft, "/staff/decisions/", None, id="decisions-draft"),
    pytest.param(staff_after_release, "/staff/decisions/", None, id="decisions-released"),
    pytest.param(staff_with_a_draft, "/staff/decisions/{decision}/", None, id="decision-draft"),
    pytest.param(
        staff_with_a_draft,
        "/staff/decisions/{decision}/",
        save_an_empty_letter,
        id="decision-letter-error",
    ),
    pytest.param(
        staff_with_a_draft, "/staff/decisions/{decision}/release/", None, id="decision-release"
    ),
    pytest.param(
        staff_after_release,
        "/staff/decisions/{decision}/",
        letter_is_read_only,
        id="decision-released",
    ),
    # Evaluators
    pytest.param(evaluator_offered, "/reviews/", None, id="evaluator-home-offer"),
    pytest.param(evaluator_offered, "/reviews/assignments/{assignment}/", None, id="offer"),
    pytest.param(
        adjudicator_offered,
        "/reviews/assignments/{assignment}/",
        offer_to_adjudicate,
        id="offer-adjudicator",
    ),
    pytest.param(evaluator_rating, "/reviews/", None, id="evaluator-home-rating"),
    pytest.param(evaluator_rating, "/reviews/assignments/{assignment}/", None, id="overview"),
    pytest.param(
        evaluator_rating,
        "/reviews/assignments/{assignment}/",
        submit_too_early,
        id="overview-submit-refused",
    ),
    pytest.param(
        evaluator_rating, "/reviews/assignments/{assignment}/competencies/1/", None, id="rate"
    ),
    pytest.param(
        evaluator_rating,
        "/reviews/assignments/{assignment}/competencies/2/",
        rate_not_met_without_comment,
        id="rate-error",
    ),
    pytest.param(
        evaluator_all_rated,
        "/reviews/assignments/{assignment}/",
        open_the_submit_confirmation,
        id="submit-confirm",
    ),
    pytest.param(
        evaluator_after_release,
        "/reviews/assignments/{assignment}/",
        others_ratings_show,
        id="overview-submitted",
    ),
    pytest.param(
        evaluator_after_release,
        "/reviews/assignments/{assignment}/competencies/1/",
        others_ratings_show,
        id="rate-locked",
    ),
    # Candidates
    pytest.param(
        candidate_asked_for_more,
        "/portfolios/{pk}/decision/",
        decision_asks_for_more,
        id="decision-info-requested",
    ),
    pytest.param(
        candidate_not_demonstrated,
        "/portfolios/{pk}/decision/",
        decision_not_demonstrated,
        id="decision-not-demonstrated",
    ),
    pytest.param(
        candidate_achieved, "/portfolios/{pk}/decision/", decision_achieved, id="decision-achieved"
    ),
    pytest.param(
        candidate_asked_for_more,
        "/portfolios/{pk}/",
        workspace_flags_competencies,
        id="workspace-flagged",
    ),
    pytest.param(
        candidate_asked_for_more,
        "/portfolios/{pk}/competencies/3/",
        editor_shows_feedback,
        id="competency-flagged",
    ),
]


@pytest.mark.parametrize(("who", "path", "then"), PAGES)
def test_evaluation_page_has_one_h1_and_no_serious_accessibility_problem(
    live_server, page: Page, assert_accessible, who, path, then
):
    person = who()
    sign_in(page.context, live_server, person.user)
    url = f"{live_server.url}{path.format(**person.ids)}"

    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    expect(page).to_have_url(url)  # not sent to log in or to set up two-factor authentication
    if then:
        then(page)

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
