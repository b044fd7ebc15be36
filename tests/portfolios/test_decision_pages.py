"""What the candidate reads once a decision on their portfolio is released: the decision
page, the flags in the workspace and the editor, the link on the set page, the
resubmission round, and the demo data that sets up an evaluation."""

import html
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lssc.core.templatetags.lssc import deadline
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import services
from reviews.models import Assignment, Decision, Evaluator
from tests.factories import (
    EvaluatorFactory,
    candidacy_with_progress,
    rate_all,
    submitted_portfolio,
)

pytestmark = pytest.mark.django_db

FIRST_COMMENT = "Add an example of helping a patron with a device."
SECOND_COMMENT = "Say what changed after you taught the class."
# Competency 1 not met and 2 partially met by both evaluators: the round falls short.
SHORT = {1: "not_met", 2: "partial"}


@pytest.fixture
def technology():
    return CompetencySet.objects.filter(code="technology").latest("pk")


@pytest.fixture
def pair(technology):
    """Two evaluators qualified for Technology, at libraries other than the candidate's."""
    return [
        EvaluatorFactory(
            qualified_sets=[technology],
            employer=employer,
            user__first_name="Quentin",
            user__last_name=last_name,
        )
        for employer, last_name in (
            ("Northfield College Library", "Raterford"),
            ("Eastside Public Library", "Scoresby"),
        )
    ]


@pytest.fixture
def candidate(db):
    """The persona, admitted with the progress rows a portfolio needs."""
    return candidacy_with_progress(
        user__email="candidate@example.org", user__first_name="Casey"
    ).user


@pytest.fixture
def portfolio(candidate, pair):
    return submitted_portfolio(candidate.candidacy)


@pytest.fixture
def owner(client, candidate):
    client.force_login(candidate)
    return client


def decide(portfolio, staff, *, values=None, release=True):
    """One round through the services: both evaluators rate (`values` maps a competency
    number to the rating both give; the rest are Met), then staff release the decision."""
    submission = portfolio.submissions.order_by("-round").first()
    first, second = sorted(
        services.assignment_auto_assign(submission, by=staff), key=lambda a: a.role
    )
    rate_all(first, "met", values=values, comment=FIRST_COMMENT)
    rate_all(second, "met", values=values, comment=SECOND_COMMENT)
    decision = Decision.objects.get(submission=submission)
    if release:
        decision = services.decision_release(decision, by=staff)
    portfolio.refresh_from_db()
    return decision


def decision_url(portfolio):
    return reverse("portfolios:decision", args=[portfolio.pk])


def workspace_url(portfolio):
    return reverse("portfolios:workspace", args=[portfolio.pk])


def courses_link(code="technology"):
    return f'href="{reverse("catalogue:course_list")}?set={code}"'


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- The decision page --------------------------------------------------------------------


def test_achieved_decision_shows_the_letter_results_and_the_way_back_to_the_dashboard(
    owner, portfolio, staff, mailoutbox, django_capture_on_commit_callbacks
):
    decision = decide(portfolio, staff, release=False)
    assert decision.outcome == Decision.Outcome.ACHIEVED
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_release(decision, by=staff)
    assert [m.subject for m in mailoutbox] == ["The decision on your Technology portfolio is ready"]
    assert decision_url(portfolio) in mailoutbox[0].body

    response = owner.get(decision_url(portfolio))

    assert response.status_code == 200
    page = text(response)
    assert "Decision on your Technology portfolio" in page
    assert '<span class="badge badge-status text-bg-success">Achieved</span>' in page
    released = timezone.localtime(decision.released_at)
    assert f"{released.day} {released:%B %Y}</time>." in page
    assert "Outcome: Achieved" in page  # the letter
    assert page.count(FIRST_COMMENT) == 2 * len(decision.results)  # letter and table
    assert f'href="{reverse("candidates:dashboard")}">Back to your candidacy' in page
    assert courses_link() not in page


def test_info_requested_decision_offers_the_workspace_and_one_resubmission(owner, portfolio, staff):
    decision = decide(portfolio, staff, values=SHORT)
    assert decision.outcome == Decision.Outcome.INFO_REQUESTED

    page = text(owner.get(decision_url(portfolio)))

    assert (
        '<span class="badge badge-status text-bg-warning">More information requested</span>' in page
    )
    assert "The evaluators need more information on 2 competencies" in page
    assert "You may resubmit it once" in page
    assert f'href="{workspace_url(portfolio)}">Edit your portfolio</a>' in page
    assert '<span class="badge badge-status text-bg-danger">Not met</span>' in page
    assert '<span class="badge badge-status text-bg-warning">Partially met</span>' in page
    assert courses_link() not in page


def test_the_letter_is_escaped_and_keeps_its_line_breaks(owner, portfolio, staff):
    decision = decide(portfolio, staff, release=False)
    services.decision_update_letter(
        decision, letter="First line\nSecond <b>line</b>\n\nNew paragraph", by=staff
    )
    services.decision_release(decision, by=staff)

    body = owner.get(decision_url(portfolio)).content.decode()

    assert "<p>First line<br>Second &lt;b&gt;line&lt;/b&gt;</p>\n\n<p>New paragraph</p>" in body


def test_the_page_never_names_the_evaluators(owner, portfolio, staff, pair):
    decide(portfolio, staff, values=SHORT)

    page = text(owner.get(decision_url(portfolio)))

    for evaluator in pair:
        assert evaluator.user.last_name not in page
        assert evaluator.user.email not in page
    assert "Quentin" not in page


def test_a_draft_decision_is_not_shown_to_the_candidate(owner, portfolio, staff):
    decision = decide(portfolio, staff, release=False)
    assert decision.status == Decision.Status.DRAFT

    assert owner.get(decision_url(portfolio)).status_code == 404
    assert "Read the decision" not in owner.get(workspace_url(portfolio)).content.decode()


def test_no_decision_yet_is_404(owner, portfolio):
    assert owner.get(decision_url(portfolio)).status_code == 404


@pytest.mark.parametrize("persona", ["other_candidate", "evaluator", "outsider"])
def test_decision_is_404_for_anyone_but_the_owner_and_staff(
    client, request, persona, portfolio, staff
):
    decide(portfolio, staff)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(decision_url(portfolio)).status_code == 404


def test_decision_is_404_for_the_evaluators_who_rated_it(client, portfolio, staff, pair):
    decide(portfolio, staff)
    client.force_login(pair[0].user)

    assert client.get(decision_url(portfolio)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, portfolio, staff):
    decide(portfolio, staff)

    response = client.get(decision_url(portfolio))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={decision_url(portfolio)}"


def test_staff_read_the_decision_as_the_candidate_does(client, portfolio, staff):
    decide(portfolio, staff, values=SHORT)
    client.force_login(staff)

    response = client.get(decision_url(portfolio))

    assert response.status_code == 200
    page = text(response)
    assert "Decision on the Technology portfolio" in page
    assert "exactly as the candidate reads it" in page
    assert "Edit your portfolio" not in page


def test_decision_page_is_get_only(owner, portfolio, staff):
    decide(portfolio, staff)

    assert owner.post(decision_url(portfolio)).status_code == 405


# --- More information: the workspace and the editor ----------------------------------------


def test_workspace_flags_the_competencies_that_need_more_information(owner, portfolio, staff):
    decide(portfolio, staff, values=SHORT)
    assert portfolio.status == Portfolio.Status.INFO_REQUESTED

    page = text(owner.get(workspace_url(portfolio)))

    assert "More information requested" in page
    assert "The evaluators need more on 2 competencies" in page
    assert f'href="{decision_url(portfolio)}">Read the decision letter' in page
    for number, label in ((1, "not met"), (2, "partially met")):
        response_url = reverse("portfolios:response", args=[portfolio.pk, number])
        assert f'<a href="{response_url}">Competency {number}</a> ({label})' in page
    # One marker on each flagged competency, with both evaluators' comments.
    assert page.count("More information needed") == 2
    assert page.count(FIRST_COMMENT) == 4  # in the notice and on the competency
    assert page.count(SECOND_COMMENT) == 4
    assert "Resubmit your portfolio" in page


def test_editor_shows_the_comments_above_a_flagged_competency_only(owner, portfolio, staff):
    decide(portfolio, staff, values=SHORT)

    flagged = text(owner.get(reverse("portfolios:response", args=[portfolio.pk, 2])))
    unflagged = text(owner.get(reverse("portfolios:response", args=[portfolio.pk, 3])))

    assert "The evaluators asked for more information here" in flagged
    assert "Result in round 1: Partially met." in flagged
    assert flagged.index(FIRST_COMMENT) < flagged.index('name="narrative"')
    assert SECOND_COMMENT in flagged
    assert "The evaluators asked for more information here" not in unflagged
    assert FIRST_COMMENT not in unflagged


def test_workspace_of_an_achieved_portfolio_links_to_the_decision(owner, portfolio, staff):
    decide(portfolio, staff)

    page = text(owner.get(workspace_url(portfolio)))

    assert f'href="{decision_url(portfolio)}">Read the decision on round 1</a>' in page
    assert "More information needed" not in page


def test_resubmitting_through_the_page_then_falling_short_again_ends_not_demonstrated(
    owner, portfolio, staff
):
    decide(portfolio, staff, values=SHORT)
    flagged = portfolio.responses.get(competency__number=1)
    evidence = portfolio.evidence.get()
    saved = owner.post(
        reverse("portfolios:response", args=[portfolio.pk, 1]),
        {"narrative": "I taught six patrons to use e-readers.", "evidence": [evidence.pk]},
    )
    assert saved.status_code == 302
    flagged.refresh_from_db()
    assert flagged.narrative == "I taught six patrons to use e-readers."

    response = owner.post(reverse("portfolios:submit", args=[portfolio.pk]))

    assert response.status_code == 302
    assert response["Location"] == workspace_url(portfolio)
    portfolio.refresh_from_db()
    assert (portfolio.status, portfolio.resubmissions_used) == (Portfolio.Status.SUBMITTED, 1)
    assert list(portfolio.submissions.values_list("round", flat=True)) == [1, 2]
    # Until the second round is decided, the first decision stays readable.
    waiting = text(owner.get(decision_url(portfolio)))
    assert "The portfolio was resubmitted after this decision and is now submitted." in waiting

    decision = decide(portfolio, staff, values=SHORT)

    assert decision.outcome == Decision.Outcome.NOT_DEMONSTRATED
    assert decision.submission.round == 2
    assert portfolio.status == Portfolio.Status.NOT_DEMONSTRATED
    page = text(owner.get(decision_url(portfolio)))
    assert "Round 2, released" in page
    assert '<span class="badge badge-status text-bg-danger">Not demonstrated</span>' in page
    assert f"{courses_link()}>Find approved courses for Technology</a>" in page
    assert "you may appeal" in page
    released_on = timezone.localdate(decision.released_at)
    notice_by = deadline(released_on + timedelta(days=10))
    assert f"within 10 days of the decision, that is by {notice_by};" in page
    assert "Edit your portfolio" not in page
    workspace = text(owner.get(workspace_url(portfolio)))
    assert f"{courses_link()}>Find approved courses for Technology</a>" in workspace
    assert "More information needed" not in workspace


def test_workspace_queries_do_not_grow_with_the_flagged_competencies(client, staff, pair):
    few = submitted_portfolio(candidacy_with_progress())
    many = submitted_portfolio(candidacy_with_progress())
    decide(few, staff, values=SHORT)
    decide(many, staff, values={1: "not_met", 2: "partial", 3: "partial", 4: "not_met"})
    assert (len(few.decisions.get().shortfall), len(many.decisions.get().shortfall)) == (2, 4)

    counts = []
    for portfolio in (few, many):
        client.force_login(portfolio.candidacy.user)
        client.get(workspace_url(portfolio))  # warm the session and role caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(workspace_url(portfolio)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- The set page -------------------------------------------------------------------------


def set_url(code="technology"):
    return reverse("candidates:set_detail", args=[code])


def test_set_page_links_to_a_released_decision_only(owner, portfolio, staff):
    decision = decide(portfolio, staff, release=False)
    assert "Read the decision" not in owner.get(set_url()).content.decode()

    services.decision_release(decision, by=staff)

    page = owner.get(set_url()).content.decode()
    assert f'<a href="{decision_url(portfolio)}">Read the decision</a>' in page
    assert "Read the decision" not in owner.get(set_url("foundations")).content.decode()


def test_set_page_finds_the_decision_in_one_query(owner, candidate, portfolio, staff):
    def queries(url):
        owner.get(url)  # warm the session and role caches
        with CaptureQueriesContext(connection) as captured:
            assert owner.get(url).status_code == 200
        return len(captured)

    before = queries(set_url())
    decide(portfolio, staff)
    after = queries(set_url())

    # The portfolio list is read whether or not there is a decision: no extra query.
    assert after == before


# --- Demo data ----------------------------------------------------------------------------


def test_seed_demo_twice_leaves_one_accepted_assignment_for_the_demo_evaluator(settings):
    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assignment = Assignment.objects.get(evaluator__user__email="evaluator@example.org")
    assert assignment.status == Assignment.Status.ACCEPTED
    assert assignment.portfolio.competency_set.code == "technology"
    assert assignment.portfolio.candidacy.user.email == "candidate@example.org"
    assert assignment.portfolio.status == Portfolio.Status.UNDER_REVIEW
    assert Assignment.objects.count() == 1
    assert sorted(Evaluator.objects.values_list("user__email", "status")) == [
        ("applicant.evaluator@example.org", "applied"),
        ("evaluator2@example.org", "approved"),
        ("evaluator@example.org", "approved"),
    ]
    demo = Evaluator.objects.get(user__email="evaluator@example.org")
    assert sorted(demo.qualified_sets.values_list("code", flat=True)) == [
        "reference-information",
        "technology",
    ]


def test_demo_evaluator_can_rate_the_seeded_assignment(settings):
    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assignment = Assignment.objects.get(evaluator__user__email="evaluator@example.org")
    first = assignment.submission.content[0]

    services.rating_save(
        assignment,
        competency_id=first["competency_id"],
        value="met",
        comment="",
        by=assignment.evaluator.user,
    )

    assert assignment.ratings.count() == 1
