"""Staff pages for decisions: the list of drafts and recent releases, one decision with every
evaluator's ratings and the editable letter, and the release confirm page."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import SetProgress
from lssc.core.models import EmailLog
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import services
from reviews.models import Decision, DecisionStatusChange
from tests.factories import EvaluatorFactory, rate_all, submitted_portfolio

LIST = "/staff/decisions/"


def detail_url(decision):
    return reverse("staff:decision_detail", args=[decision.pk])


def release_url(decision):
    return reverse("staff:decision_release", args=[decision.pk])


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def technology(db):
    return CompetencySet.objects.filter(code="technology").latest("pk")


@pytest.fixture
def pool(technology):
    return [
        EvaluatorFactory(
            qualified_sets=[technology],
            employer=f"Library {i}",
            capacity_per_quarter=20,
            user__first_name=name,
            user__last_name="Rater",
        )
        for i, name in enumerate(["Ada", "Ben", "Cy"])
    ]


def decided(*, staff, second_values=None, days_ago: int = 0) -> Decision:
    """A submitted portfolio rated by two evaluators (the second with `second_values`),
    whose draft decision is returned; `days_ago` moves its drafting back."""
    submission = submitted_portfolio().submissions.get()
    first, second = services.assignment_auto_assign(submission, by=staff)
    rate_all(first, "met", comment="Clear evidence.")
    rate_all(second, "met", values=second_values, comment="Partly shown.")
    decision = Decision.objects.get(submission=submission)
    if days_ago:
        Decision.objects.filter(pk=decision.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        decision.refresh_from_db()
    return decision


@pytest.fixture
def decision(pool, staff):
    return decided(staff=staff, second_values={2: "partial"})


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_decision_urls_have_their_names():
    assert reverse("staff:decisions") == LIST
    assert reverse("staff:decision_detail", args=[4]) == "/staff/decisions/4/"
    assert reverse("staff:decision_release", args=[4]) == "/staff/decisions/4/release/"


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, decision):
    for url in (LIST, detail_url(decision), release_url(decision)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404_and_change_nothing(client, decision, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for url in (LIST, detail_url(decision), release_url(decision)):
        assert client.get(url).status_code == 404, url
    assert client.post(detail_url(decision), {"letter": "Hacked"}).status_code == 404
    assert client.post(release_url(decision), {}).status_code == 404
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DRAFT
    assert "Hacked" not in decision.letter


def test_the_candidate_whose_decision_it_is_gets_404_too(client, decision):
    client.force_login(decision.portfolio.candidacy.user)

    assert client.get(detail_url(decision)).status_code == 404
    assert client.post(release_url(decision), {}).status_code == 404


def test_unknown_decision_is_404(staff_client):
    assert staff_client.get("/staff/decisions/999999/").status_code == 404
    assert staff_client.get("/staff/decisions/999999/release/").status_code == 404


def test_decision_list_is_get_only(staff_client):
    assert staff_client.post(LIST).status_code == 405


# --- The list -----------------------------------------------------------------------------


def test_list_shows_drafts_oldest_first_with_their_age_then_recent_releases(
    staff_client, staff, pool
):
    newer = decided(staff=staff, days_ago=1)
    older = decided(staff=staff, days_ago=5)
    released = decided(staff=staff)
    services.decision_release(released, by=staff)
    long_ago = decided(staff=staff)
    services.decision_release(long_ago, by=staff)
    Decision.objects.filter(pk=long_ago.pk).update(released_at=timezone.now() - timedelta(days=90))

    response = staff_client.get(LIST)

    assert response.status_code == 200
    assert [d.pk for d in response.context["drafts"]] == [older.pk, newer.pk]
    assert [d.age_days for d in response.context["drafts"]] == [5, 1]
    assert [d.pk for d in response.context["released"]] == [released.pk]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "5 days waiting" in html
    assert html.index(older.portfolio.candidacy.number) < html.index(
        released.portfolio.candidacy.number
    )


def test_empty_list_says_where_decisions_come_from(staff_client):
    html = staff_client.get(LIST).content.decode()

    assert "No decisions are waiting" in html
    assert "No decisions were released in the last 30 days." in html


def test_list_query_count_does_not_grow_with_the_number_of_decisions(staff_client, staff, pool):
    services.decision_release(decided(staff=staff), by=staff)
    decided(staff=staff)
    staff_client.get(LIST)
    with CaptureQueriesContext(connection) as with_one:
        staff_client.get(LIST)
    for _ in range(3):
        decided(staff=staff)
        services.decision_release(decided(staff=staff), by=staff)

    with CaptureQueriesContext(connection) as with_many:
        response = staff_client.get(LIST)

    assert (len(response.context["drafts"]), len(response.context["released"])) == (4, 4)
    assert len(with_many) == len(with_one)


# --- One decision -------------------------------------------------------------------------


def test_detail_shows_the_outcome_each_evaluators_rating_and_the_editable_letter(
    staff_client, decision
):
    response = staff_client.get(detail_url(decision))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["number"] for r in rows] == [r["number"] for r in decision.results]
    second = rows[1]
    assert second["result"] == "met"  # Met with Partially met reconciles to Met
    assert [
        (r["evaluator"], r["role_name"], r["value"], r["comment"]) for r in second["ratings"]
    ] == [
        ("Ada Rater", "first evaluator", "met", "Clear evidence."),
        ("Ben Rater", "second evaluator", "partial", "Partly shown."),
    ]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Achieved" in html
    assert "Ada Rater" in html and "Partly shown." in html
    assert '<textarea name="letter"' in html
    assert release_url(decision) in html


def test_saving_the_letter_keeps_the_edit_in_the_history(staff_client, staff, decision):
    token = token_of(staff_client.get(detail_url(decision)))

    response = staff_client.post(
        detail_url(decision), {"submission": token, "letter": "Dear candidate,\n\nWell done."}
    )

    assert response.status_code == 302
    assert response.url == detail_url(decision)
    decision.refresh_from_db()
    assert decision.letter == "Dear candidate,\n\nWell done."
    assert decision.status == Decision.Status.DRAFT
    assert DecisionStatusChange.objects.filter(
        decision=decision, actor=staff, note="Letter edited."
    ).exists()
    assert messages_of(response) == [
        "The letter was saved. The candidate sees it once you release the decision."
    ]


def test_an_empty_letter_is_refused_and_the_page_shows_the_error(staff_client, decision):
    original = decision.letter
    token = token_of(staff_client.get(detail_url(decision)))

    response = staff_client.post(detail_url(decision), {"submission": token, "letter": "  \n "})

    assert response.status_code == 200
    assert response.context["form"].errors == {"letter": ["The letter cannot be empty."]}
    assert "Please check the highlighted answers" in response.content.decode()
    decision.refresh_from_db()
    assert decision.letter == original


# --- Release ------------------------------------------------------------------------------


def test_release_page_says_what_will_happen(staff_client, decision):
    response = staff_client.get(release_url(decision))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "the candidate is emailed" in html
    assert "the portfolio and the Technology set on their dashboard become “Achieved”" in html
    assert "This cannot be undone" in html


def test_release_moves_the_portfolio_and_set_and_emails_the_candidate(
    staff_client, staff, decision, django_capture_on_commit_callbacks, mailoutbox
):
    token = token_of(staff_client.get(release_url(decision)))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(release_url(decision), {"submission": token})

    assert response.status_code == 302
    assert response.url == detail_url(decision)
    decision.refresh_from_db()
    assert (decision.status, decision.released_by) == (Decision.Status.RELEASED, staff)
    portfolio = Portfolio.objects.get(pk=decision.portfolio_id)
    assert portfolio.status == Portfolio.Status.ACHIEVED
    progress = portfolio.candidacy.sets.get(competency_set=portfolio.competency_set)
    assert progress.status == SetProgress.Status.ACHIEVED
    candidate_email = portfolio.candidacy.user.email
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([candidate_email], "The decision on your Technology portfolio is ready")
    ]
    assert messages_of(response) == [
        f"The decision was released: Technology is now “achieved” for "
        f"{portfolio.candidacy.number}, who was emailed."
    ]


def test_a_released_decision_is_read_only(staff_client, staff, decision):
    services.decision_release(decision, by=staff)
    letter = Decision.objects.get(pk=decision.pk).letter

    page = staff_client.get(detail_url(decision))
    response = staff_client.post(detail_url(decision), {"letter": "Changed afterwards."})

    html = page.content.decode()
    assert "<textarea" not in html
    assert release_url(decision) not in html
    assert "It can no longer change." in html
    assert response.status_code == 302
    assert Decision.objects.get(pk=decision.pk).letter == letter
    assert messages_of(response) == ["This decision was released; its letter can no longer change."]
    release_page = staff_client.get(release_url(decision)).content.decode()
    assert "This decision was already released, so there is nothing left to do." in release_page


def test_releasing_again_does_nothing(staff_client, staff, decision):
    first_token = token_of(staff_client.get(release_url(decision)))
    second_token = token_of(staff_client.get(release_url(decision)))
    staff_client.post(release_url(decision), {"submission": first_token})
    mails = EmailLog.objects.filter(kind="portfolio_decision").count()
    history = DecisionStatusChange.objects.filter(decision=decision).count()

    repeat = staff_client.post(release_url(decision), {"submission": first_token})
    other_tab = staff_client.post(release_url(decision), {"submission": second_token})

    assert mails == 1
    assert EmailLog.objects.filter(kind="portfolio_decision").count() == 1
    assert DecisionStatusChange.objects.filter(decision=decision).count() == history
    assert repeat.status_code == 302
    assert other_tab.status_code == 200
    assert other_tab.context["form"].non_field_errors() == [
        "This decision was already released; nothing was done."
    ]


def test_a_more_information_decision_sends_the_portfolio_back(staff_client, staff, pool):
    submission = submitted_portfolio().submissions.get()
    first, second = services.assignment_auto_assign(submission, by=staff)
    rate_all(first, "partial", comment="Say more.")
    rate_all(second, "partial", comment="Say more.")
    decision = Decision.objects.get()
    assert decision.outcome == Decision.Outcome.INFO_REQUESTED
    token = token_of(staff_client.get(release_url(decision)))

    staff_client.post(release_url(decision), {"submission": token})

    portfolio = Portfolio.objects.get(pk=decision.portfolio_id)
    assert portfolio.status == Portfolio.Status.INFO_REQUESTED
    assert portfolio.is_editable
