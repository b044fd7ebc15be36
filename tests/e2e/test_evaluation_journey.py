"""A submitted portfolio from the staff queue to an achieved set, in two rounds, through the
real pages: staff assign two evaluators; they follow their emailed offers, rate blind with
"Save and next" and submit; they disagree on one competency, so the third evaluator is
offered it automatically and settles it; the ratings fall short, so staff edit and release a
"more information requested" letter; the candidate reads it, improves a flagged competency
and resubmits; staff auto-assign the same two evaluators, who find everything Met; the
candidate reads "Achieved" on the decision page and on their dashboard.

The portfolio, the people and one round-2 review (`rate_all`) are arranged through the
factories and services; everything else is the UI. Staff and evaluators log in with their
password and authenticator code, each in their own browser context.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, expect

from candidates.models import SetProgress
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews.models import Assignment, Decision
from tests.e2e.conftest import TIMEOUT_MS, fresh_totp_code, labelled, mail_links
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    EvaluatorFactory,
    UserFactory,
    rate_all,
    submitted_portfolio,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SET_CODE = "technology"
SET_NAME = "Technology"
CANDIDATE_EMAIL = "robin.quillfeather@example.org"
CANDIDATE_FIRST, CANDIDATE_LAST = "Robin", "Quillfeather"
STAFF_EMAIL = "sam.office@example.org"
EVALUATORS = {
    # key: (first name, last name, email, employer)
    "a": ("Alex", "Archer", "alex.archer@example.org", "Decatur Public Library"),
    "b": ("Blair", "Bowman", "blair.bowman@example.org", "Joliet Area Library"),
    "c": ("Casey", "Carver", "casey.carver@example.org", "Moline Community Library"),
}
NARRATIVE_LABEL = "How your work shows this competency"
APPENDED = "Please call the program office if you would like to talk the comments through."
IMPROVED = (
    "I keep patron records confidential: I wrote our data-retention checklist, purge "
    "circulation histories monthly and trained six colleagues on it."
)

# Round 1, nine competencies. First evaluator (A): Met except 3 Partially met. Second (B):
# 1 Not met, 2 Partially met, 3 Not met. Reconciled (reviews/scoring.py): 1 Met against
# Not met is disputed, and the third evaluator (C) rates it Partially met; 2 Met with
# Partially met is Met; 3 Partially met with Not met is Not met. So 7 Met, 1 Partially met
# and 1 Not met: the share of Met (78 %) and of Partially met (11 %) would pass, but no
# Not met is allowed, so round 1 falls short and, a resubmission being left, asks for more.
COMMENT_A3 = "The narrative names the privacy policy but shows no task of yours that applies it."
COMMENT_B1 = "No current technology trend is named, nor how it changed your work."
COMMENT_B2 = "The digital literacy help is described only in general terms."
COMMENT_B3 = "Nothing here shows how you keep users' activity confidential."
COMMENT_C1 = "One trend is named but its effect on your library is not explained."
RATINGS_A1 = {3: ("Partially met", COMMENT_A3)}
RATINGS_B1 = {
    1: ("Not met", COMMENT_B1),
    2: ("Partially met", COMMENT_B2),
    3: ("Not met", COMMENT_B3),
}
RATINGS_C1 = {1: ("Partially met", COMMENT_C1)}
SAVE_AND_GO_ON = re.compile(r"^Save and (next competency|back to the overview)$")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def main(page: Page):
    return page.get_by_role("main")


def new_page(new_context) -> Page:
    page = new_context().new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def notice_link(email: str, kind: str, path_part: str) -> str:
    """The one link to `path_part` in the newest email of `kind` to `email`."""
    [link] = [link for link in mail_links(email, kind=kind) if path_part in link]
    return link


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


def assert_blind(page: Page) -> None:
    """The evaluator's page names the candidate by number only."""
    html = page.content()
    for private in (CANDIDATE_EMAIL, CANDIDATE_LAST, f"{CANDIDATE_FIRST} {CANDIDATE_LAST}"):
        assert private not in html, f"{page.url} shows {private!r}"


def rate_and_go_on(page: Page, number: int, label: str, comment: str = "") -> None:
    """On competency `number`'s rating page: choose `label`, comment, "Save and next"."""
    expect(heading(page)).to_have_text(f"Competency {number}")
    assert_blind(page)
    page.get_by_role("radio", name=label, exact=True).check()
    if comment:
        labelled(page, "Comment").fill(comment)
    page.get_by_role("button", name=SAVE_AND_GO_ON).click()


def answer_offer_and_rate(
    page: Page,
    *,
    email: str,
    numbers: list[int],
    ratings: dict[int, tuple[str, str]],
    log_in: bool,
    assert_accessible=None,
) -> None:
    """Follow the newest offer emailed to `email`, accept, rate each competency of `numbers`
    in turn (Met unless `ratings` says otherwise), and submit through the confirm page."""
    page.goto(notice_link(email, "assignment_offered", "/reviews/assignments/"))
    if log_in:
        log_in_here(page, email, with_code=True)
    expect(heading(page)).to_have_text(f"Will you rate this {SET_NAME} portfolio?")
    assert_blind(page)
    page.get_by_role("button", name="Accept and start rating").click()
    expect(main(page)).to_contain_text(f"You accepted {SET_NAME} portfolio")
    expect(main(page)).to_contain_text(f"Rated 0 of {len(numbers)}.")
    assert_blind(page)

    page.get_by_role("link", name=f"Rate competency {numbers[0]}", exact=True).click()
    if assert_accessible is not None:
        expect(heading(page)).to_have_text(f"Competency {numbers[0]}")
        assert_accessible(page, "the evaluator's rating page")
    for position, number in enumerate(numbers):
        label, comment = ratings.get(number, ("Met", ""))
        rate_and_go_on(page, number, label, comment)
        if position + 1 < len(numbers):
            expect(main(page)).to_contain_text(
                f"Competency {number}: rating saved. Here is competency {numbers[position + 1]}."
            )
    expect(main(page)).to_contain_text(
        f"Competency {numbers[-1]}: rating saved. That was the last competency; check what "
        "is still missing, then submit your review."
    )
    expect(main(page)).to_contain_text(f"Rated {len(numbers)} of {len(numbers)}.")
    expect(main(page)).to_contain_text("Every competency is rated.")
    for number, (label, _) in ratings.items():
        expect(page.locator(f"#competency-{number}")).to_contain_text(f"Your rating: {label}")
    assert_blind(page)

    page.get_by_role("button", name="Submit my review").click()
    expect(heading(page)).to_have_text("Submit your review?")
    assert_blind(page)
    page.get_by_role("button", name="Submit and lock my ratings").click()
    expect(main(page)).to_contain_text(
        "Submitted: your ratings are locked and program staff have them. Thank you for your review."
    )
    assert_blind(page)


def release_draft(staff: Page, live_server, number: str, outcome: str, *, append: str = ""):
    """Open the draft decision from the decisions page, optionally append to its letter,
    and release it through the confirm page."""
    staff.goto(f"{live_server.url}/staff/decisions/")
    expect(heading(staff)).to_have_text("Decisions")
    row = staff.locator("table.decision-drafts tbody tr").filter(has_text=number)
    expect(row).to_contain_text(outcome)
    row.get_by_role("link", name=number).click()
    expect(heading(staff)).to_have_text(f"Decision for {number}: {SET_NAME}")
    expect(staff.locator(".decision-summary")).to_contain_text(outcome)
    if append:
        letter = labelled(staff, "Decision letter")
        letter.fill(f"{letter.input_value().rstrip()}\n\n{append}")
        staff.get_by_role("button", name="Save the letter").click()
        expect(main(staff)).to_contain_text(
            "The letter was saved. The candidate sees it once you release the decision."
        )
        expect(labelled(staff, "Decision letter")).to_have_value(re.compile(re.escape(append)))
    staff.get_by_role("link", name="Release the decision…").click()
    expect(heading(staff)).to_have_text("Release the decision")
    staff.get_by_role("button", name="Release the decision").click()
    expect(main(staff)).to_contain_text(
        f"The decision was released: {SET_NAME} is now “{outcome.lower()}” for {number}, "
        "who was emailed."
    )
    expect(main(staff)).to_contain_text(
        "This decision was released; the candidate can read the letter."
    )


@contextmanager
def autosave_carrying(page: Page, value: str):
    """Wait, after the block, for the background save whose form data includes `value`."""

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


def test_portfolio_is_rated_adjudicated_sent_back_resubmitted_and_achieved(
    live_server, page: Page, new_context, settings, assert_accessible
):
    # Emailed links point at the site under test.
    settings.SITE_URL = live_server.url
    competency_set = CompetencySet.objects.filter(code=SET_CODE).latest("pk")
    numbers = list(competency_set.competencies.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, 10)), "the ratings below are worked out for nine"

    portfolio = submitted_portfolio(
        set_code=SET_CODE,
        user__email=CANDIDATE_EMAIL,
        user__first_name=CANDIDATE_FIRST,
        user__last_name=CANDIDATE_LAST,
    )
    number = portfolio.candidacy.number
    UserFactory(email=STAFF_EMAIL, first_name="Sam", last_name="Office", program_staff=True)
    evaluators = {
        key: EvaluatorFactory(
            user__first_name=first,
            user__last_name=last,
            user__email=email,
            employer=employer,
            qualified_sets=[competency_set],
        )
        for key, (first, last, email, employer) in EVALUATORS.items()
    }
    name = {key: f"{first} {last}" for key, (first, last, _, _) in EVALUATORS.items()}
    email = {key: value[2] for key, value in EVALUATORS.items()}

    # --- Staff assign two evaluators by hand -----------------------------------------------
    staff = page
    staff.goto(f"{live_server.url}/staff/portfolios/")
    log_in_here(staff, STAFF_EMAIL, with_code=True)
    expect(heading(staff)).to_have_text("Portfolios")
    row = staff.locator("#needs_evaluators tbody tr").filter(has_text=number)
    expect(row).to_contain_text(SET_NAME)
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")  # the round
    expect(row).to_contain_text("2 more needed")
    row.get_by_role("link", name="Assign").click()

    expect(heading(staff)).to_have_text(f"Evaluators for {number}: {SET_NAME}")
    eligible = staff.locator("table.eligible-evaluators")
    for key in "abc":
        expect(eligible).to_contain_text(name[key])
    expect(staff.locator("#next-heading + p")).to_contain_text("first evaluator")
    assert_accessible(staff, "the staff assignment page")
    staff.get_by_role("button", name=f"Assign {name['a']}").click()
    expect(main(staff)).to_contain_text(
        f"The portfolio was offered to {name['a']} as first evaluator"
    )
    staff.get_by_role("button", name=f"Assign {name['b']}").click()
    expect(main(staff)).to_contain_text(
        f"The portfolio was offered to {name['b']} as second evaluator"
    )
    assignments = staff.locator("table.round-assignments tbody tr")
    expect(assignments).to_have_count(2)
    expect(assignments.nth(0)).to_contain_text(f"{name['a']} First evaluator Offered")
    expect(assignments.nth(1)).to_contain_text(f"{name['b']} Second evaluator Offered")
    expect(main(staff)).to_contain_text("This round has the evaluators it needs.")

    # --- Evaluator A: all Met but competency 3 ----------------------------------------------
    evaluator_a = new_page(new_context)
    answer_offer_and_rate(
        evaluator_a,
        email=email["a"],
        numbers=numbers,
        ratings=RATINGS_A1,
        log_in=True,
        assert_accessible=assert_accessible,
    )
    expect(main(evaluator_a)).to_contain_text(
        "The other evaluator's ratings appear here once they have submitted too."
    )

    # --- Evaluator B disagrees on competency 1 ----------------------------------------------
    evaluator_b = new_page(new_context)
    answer_offer_and_rate(
        evaluator_b, email=email["b"], numbers=numbers, ratings=RATINGS_B1, log_in=True
    )
    expect(main(evaluator_b)).to_contain_text(
        "Every evaluator of this round has submitted, so their ratings are shown beside yours."
    )
    expect(evaluator_b.locator("#competency-1")).to_contain_text("The other evaluator: Met")

    # --- The third evaluator is offered the disputed competency and settles it ---------------
    adjudication = Assignment.objects.get(role=Assignment.Role.ADJUDICATOR)
    assert adjudication.evaluator == evaluators["c"]
    assert adjudication.offered_by is None  # the site offered it itself
    assert [c.number for c in adjudication.scope.all()] == [1]
    staff.reload()
    expect(assignments).to_have_count(3)
    expect(assignments.nth(2)).to_contain_text(f"{name['c']} Third evaluator (adjudicator) Offered")

    evaluator_c = new_page(new_context)
    evaluator_c.goto(notice_link(email["c"], "assignment_offered", "/reviews/assignments/"))
    log_in_here(evaluator_c, email["c"], with_code=True)
    expect(heading(evaluator_c)).to_have_text(f"Will you rate this {SET_NAME} portfolio?")
    expect(main(evaluator_c)).to_contain_text("Third evaluator (adjudicator)")
    expect(main(evaluator_c)).to_contain_text(
        "1 (only those the first two evaluators disagreed on)"
    )
    answer_offer_and_rate(
        evaluator_c, email=email["c"], numbers=[1], ratings=RATINGS_C1, log_in=False
    )
    first_decision = Decision.objects.get(portfolio=portfolio)
    assert first_decision.outcome == Decision.Outcome.INFO_REQUESTED
    assert first_decision.status == Decision.Status.DRAFT

    # --- Staff edit the letter and release "More information requested" ----------------------
    release_draft(staff, live_server, number, "More information requested", append=APPENDED)
    rows = staff.locator("table.decision-results tbody tr")
    expect(rows.nth(0)).to_contain_text("Partially met")
    expect(rows.nth(0)).to_contain_text(f"{name['c']} (third evaluator): Partially met")
    expect(rows.nth(2)).to_contain_text("Not met")

    # --- The candidate reads the decision, improves competency 3 and resubmits --------------
    candidate = new_page(new_context)
    candidate.goto(notice_link(CANDIDATE_EMAIL, "portfolio_decision", "/decision/"))
    log_in_here(candidate, CANDIDATE_EMAIL, with_code=False)
    expect(heading(candidate)).to_have_text(f"Decision on your {SET_NAME} portfolio")
    expect(main(candidate)).to_contain_text("More information requested")
    expect(main(candidate)).to_contain_text(
        "The evaluators need more information on 2 competencies, marked below with their comments."
    )
    letter = candidate.get_by_role("article", name="Decision letter")
    expect(letter).to_contain_text("Outcome: More information requested")
    expect(letter).to_contain_text(APPENDED)
    expect(candidate.locator("#result-1")).to_contain_text("Partially met")
    expect(candidate.locator("#result-1")).to_contain_text(COMMENT_C1)
    expect(candidate.locator("#result-2")).to_contain_text("Met")
    expect(candidate.locator("#result-3")).to_contain_text("Not met")
    expect(candidate.locator("#result-3")).to_contain_text(COMMENT_B3)
    for key in "abc":  # comments, never who wrote them
        expect(main(candidate)).not_to_contain_text(name[key])
    assert_accessible(candidate, "the candidate's decision page")

    candidate.get_by_role("link", name="Edit your portfolio").click()
    expect(heading(candidate)).to_have_text(f"{SET_NAME} portfolio")
    flags = candidate.get_by_role("region", name="More information requested")
    expect(flags).to_contain_text("The evaluators need more on 2 competencies.")
    flagged = flags.get_by_role("listitem")
    expect(flagged).to_have_count(2)
    expect(flagged.nth(0)).to_contain_text("Competency 1 (partially met)")
    expect(flagged.nth(0)).to_contain_text(f"“{COMMENT_C1}”")
    expect(flagged.nth(1)).to_contain_text("Competency 3 (not met)")
    expect(flagged.nth(1)).to_contain_text(f"“{COMMENT_B3}”")
    expect(candidate.locator("#competency-3")).to_contain_text("More information needed")
    expect(candidate.locator("#competency-2")).not_to_contain_text("More information needed")
    flags.get_by_role("link", name="Competency 3", exact=True).click()

    expect(heading(candidate)).to_have_text("Competency 3")
    expect(
        candidate.get_by_role("region", name="The evaluators asked for more information here")
    ).to_contain_text(COMMENT_B3)
    with autosave_carrying(candidate, "data-retention"):
        labelled(candidate, NARRATIVE_LABEL).fill(IMPROVED)
    candidate.get_by_role("button", name="Save", exact=True).click()
    expect(main(candidate)).to_contain_text("Competency 3: saved at")
    expect(labelled(candidate, NARRATIVE_LABEL)).to_have_value(IMPROVED)
    candidate.get_by_role("navigation", name="Other competencies").get_by_role(
        "link", name="Back to the portfolio"
    ).click()
    expect(candidate.get_by_role("heading", name="Resubmit your portfolio")).to_be_visible()
    candidate.get_by_role("button", name="Submit and lock my portfolio").click()
    expect(main(candidate)).to_contain_text(
        "Submitted: your portfolio is locked while it is evaluated."
    )
    portfolio.refresh_from_db()
    assert (portfolio.status, portfolio.resubmissions_used) == (Portfolio.Status.SUBMITTED, 1)

    # --- Round 2: staff auto-assign, and the same two evaluators are offered it --------------
    staff.goto(f"{live_server.url}/staff/portfolios/")
    row = staff.locator("#needs_evaluators tbody tr").filter(has_text=number)
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    row.get_by_role("link", name="Assign").click()
    expect(heading(staff)).to_have_text(f"Evaluators for {number}: {SET_NAME}")
    expect(main(staff)).to_contain_text("No evaluator has been asked yet.")
    expect(eligible.get_by_role("row").filter(has_text=name["a"])).to_contain_text(
        "Rated the previous round (first evaluator)"
    )
    expect(eligible.get_by_role("row").filter(has_text=name["b"])).to_contain_text(
        "Rated the previous round (second evaluator)"
    )
    staff.get_by_role("button", name="Auto-assign the best-ranked evaluators").click()
    expect(main(staff)).to_contain_text(
        re.compile(
            rf"The portfolio was offered to {name['a']} as first evaluator \(due [^)]+\) and "
            rf"{name['b']} as second evaluator \(due [^)]+\)\. They were emailed a link"
        )
    )
    expect(assignments).to_have_count(2)
    expect(assignments.nth(0)).to_contain_text(f"{name['a']} First evaluator Offered")
    expect(assignments.nth(1)).to_contain_text(f"{name['b']} Second evaluator Offered")

    # A rates in the browser (still logged in); B's review is arranged through the services.
    answer_offer_and_rate(evaluator_a, email=email["a"], numbers=numbers, ratings={}, log_in=False)
    rate_all(Assignment.objects.get(submission__round=2, evaluator=evaluators["b"]), value="met")
    release_draft(staff, live_server, number, "Achieved")

    # --- The candidate finds the set achieved ------------------------------------------------
    candidate.goto(notice_link(CANDIDATE_EMAIL, "portfolio_decision", "/decision/"))
    expect(heading(candidate)).to_have_text(f"Decision on your {SET_NAME} portfolio")
    expect(main(candidate)).to_contain_text("Round 2, released")
    expect(main(candidate)).to_contain_text(
        f"The evaluators found the {SET_NAME} set demonstrated, so it is achieved. Congratulations."
    )
    expect(candidate.get_by_role("article", name="Decision letter")).to_contain_text(
        "Outcome: Achieved"
    )
    candidate.get_by_role("link", name="Back to your candidacy").click()
    expect(heading(candidate)).to_have_text("Your candidacy")
    set_row = candidate.get_by_role("table", name="Required sets").locator(
        f'tr[data-set="{SET_CODE}"]'
    )
    expect(set_row.locator(".badge-status")).to_have_text("Achieved")

    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.ACHIEVED
    decisions = Decision.objects.filter(portfolio=portfolio).order_by("submission__round")
    assert [(d.submission.round, d.outcome, d.status) for d in decisions] == [
        (1, Decision.Outcome.INFO_REQUESTED, Decision.Status.RELEASED),
        (2, Decision.Outcome.ACHIEVED, Decision.Status.RELEASED),
    ]
    assert APPENDED in decisions[0].letter
    progress = portfolio.candidacy.sets.get(competency_set=competency_set)
    assert progress.status == SetProgress.Status.ACHIEVED
    assert set(Assignment.objects.filter(submission__round=2).values_list("evaluator", "role")) == {
        (evaluators["a"].pk, Assignment.Role.FIRST),
        (evaluators["b"].pk, Assignment.Role.SECOND),
    }
