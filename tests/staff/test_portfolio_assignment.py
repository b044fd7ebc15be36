"""Staff pages for portfolio evaluation: the queue of open rounds, the assignment page with
its ranked evaluators, assigning by hand and automatically, and withdrawing an assignment."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lssc.core.models import EmailLog
from lssc.program.models import CompetencySet
from reviews import services
from reviews.models import Assignment, AssignmentStatusChange, Decision
from reviews.rounds import round_queue_counts
from tests.factories import (
    ApplicationFactory,
    EvaluatorFactory,
    UserFactory,
    rate_all,
    submitted_portfolio,
)

QUEUE = "/staff/portfolios/"


def assign_url(portfolio):
    return reverse("staff:portfolio_assign", args=[portfolio.pk])


def auto_url(portfolio):
    return reverse("staff:portfolio_auto_assign", args=[portfolio.pk])


def withdraw_url(assignment):
    return reverse("staff:assignment_withdraw", args=[assignment.pk])


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def offers_to(user) -> list[str]:
    return list(
        EmailLog.objects.filter(recipient=user, kind="assignment_offered").values_list(
            "subject", flat=True
        )
    )


@pytest.fixture
def technology(db):
    return CompetencySet.objects.filter(code="technology").latest("pk")


@pytest.fixture
def pool(technology):
    """Three approved evaluators qualified for Technology, at three other libraries."""
    return [
        EvaluatorFactory(
            qualified_sets=[technology],
            employer=f"Library {i}",
            user__first_name=f"Eval{i}",
            user__last_name="Pool",
        )
        for i in range(3)
    ]


@pytest.fixture
def portfolio(db):
    return submitted_portfolio()


@pytest.fixture
def round_one(portfolio):
    return portfolio.submissions.get()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_portfolio_urls_have_their_names():
    assert reverse("staff:portfolios") == QUEUE
    assert reverse("staff:portfolio_assign", args=[3]) == "/staff/portfolios/3/"
    assert reverse("staff:portfolio_auto_assign", args=[3]) == "/staff/portfolios/3/auto-assign/"
    assert reverse("staff:assignment_withdraw", args=[3]) == "/staff/assignments/3/withdraw/"


# --- Who may open the pages ---------------------------------------------------------------


@pytest.fixture
def offered(pool, round_one, staff):
    return services.assignment_offer(round_one, pool[0], by=staff)


def all_urls(portfolio, assignment):
    return [QUEUE, assign_url(portfolio), withdraw_url(assignment)]


def test_anonymous_visitor_is_sent_to_log_in(client, portfolio, offered):
    for url in [*all_urls(portfolio, offered), auto_url(portfolio)]:
        response = client.post(url) if url == auto_url(portfolio) else client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404_and_change_nothing(client, portfolio, offered, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for url in all_urls(portfolio, offered):
        assert client.get(url).status_code == 404, url
    assert client.post(auto_url(portfolio)).status_code == 404
    assert client.post(assign_url(portfolio), {"evaluator": offered.evaluator.pk}).status_code == (
        404
    )
    assert client.post(withdraw_url(offered), {"reason": "x"}).status_code == 404
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.OFFERED
    assert Assignment.objects.count() == 1


def test_the_assigned_evaluator_cannot_open_the_staff_pages_either(client, offered, portfolio):
    client.force_login(offered.evaluator.user)

    assert client.get(assign_url(portfolio)).status_code == 404
    assert client.get(withdraw_url(offered)).status_code == 404


def test_unknown_portfolio_or_assignment_is_404(staff_client):
    assert staff_client.get("/staff/portfolios/999999/").status_code == 404
    assert staff_client.post("/staff/portfolios/999999/auto-assign/").status_code == 404
    assert staff_client.get("/staff/assignments/999999/withdraw/").status_code == 404


def test_auto_assign_is_post_only(staff_client, portfolio):
    assert staff_client.get(auto_url(portfolio)).status_code == 405


def test_queue_is_get_only(staff_client):
    assert staff_client.post(QUEUE).status_code == 405


# --- The assignment page ------------------------------------------------------------------


def test_assignment_page_ranks_eligible_evaluators_and_lists_the_others_with_reasons(
    staff_client, staff, technology
):
    user = UserFactory()
    application = ApplicationFactory(user=user, library_name="Oak Park Public Library")
    portfolio = submitted_portfolio(user=user, application=application)
    light = EvaluatorFactory(
        qualified_sets=[technology], employer="Library A", capacity_per_quarter=3
    )
    busy = EvaluatorFactory(qualified_sets=[technology], employer="Library B")
    full = EvaluatorFactory(
        qualified_sets=[technology], employer="Library C", capacity_per_quarter=1
    )
    unqualified = EvaluatorFactory(employer="Library D")
    conflicted = EvaluatorFactory(qualified_sets=[technology], employer="Oak Park Public Library")
    # One live assignment each elsewhere: busy is at 1 of 2, full at 1 of 1.
    for evaluator in (busy, full):
        services.assignment_offer(submitted_portfolio().submissions.get(), evaluator, by=staff)

    response = staff_client.get(assign_url(portfolio))

    assert response.status_code == 200
    eligible = response.context["eligible"]
    assert [c.evaluator for c in eligible] == [light, busy]
    assert [(c.load, c.capacity) for c in eligible] == [(0, 3), (1, 2)]
    ineligible = {c.evaluator: c.reasons for c in response.context["ineligible"]}
    assert ineligible == {
        full: ["At capacity (1 of 1 this quarter)."],
        unqualified: ["Not qualified for Technology."],
        conflicted: ["They work at the candidate's library."],
    }
    assert response.context["next_role"] == Assignment.Role.FIRST
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "0 of 3 this quarter" in html
    assert "1 of 2 this quarter" in html
    assert "At capacity (1 of 1 this quarter)." in html
    assert "They work at the candidate&#x27;s library." in html
    assert "Oak Park Public Library" in html
    # An Assign button for each eligible evaluator, none for the others.
    assert html.count('name="evaluator"') == 2
    assert f'name="evaluator" value="{full.pk}"' not in html


def test_assignment_page_shows_the_rounds_assignments_with_a_withdraw_link(
    staff_client, pool, round_one, staff
):
    first, second = services.assignment_auto_assign(round_one, by=staff)
    Assignment.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - timedelta(days=1))

    response = staff_client.get(assign_url(round_one.portfolio))

    assert [a.pk for a in response.context["assignments"]] == [first.pk, second.pk]
    assert [a.is_overdue for a in response.context["assignments"]] == [True, False]
    assert response.context["next_role"] == ""
    html = response.content.decode()
    assert withdraw_url(first) in html and withdraw_url(second) in html
    assert "overdue" in html
    assert 'name="evaluator"' not in html  # the round has its evaluators


def test_assignment_page_marks_the_evaluators_of_the_previous_round(
    staff_client, pool, round_one, staff
):
    first, second = services.assignment_auto_assign(round_one, by=staff)
    rate_all(first, "partial", comment="Say more.")
    rate_all(second, "partial", comment="Say more.")
    decision = Decision.objects.get()
    assert decision.outcome == Decision.Outcome.INFO_REQUESTED
    services.decision_release(decision, by=staff)
    from portfolios import services as portfolio_services

    portfolio = round_one.portfolio
    portfolio.refresh_from_db()
    portfolio_services.portfolio_submit(portfolio, by=portfolio.candidacy.user)

    response = staff_client.get(assign_url(portfolio))

    assert response.context["submission"].round == 2
    ranked = response.context["eligible"]
    assert {c.evaluator for c in ranked[:2]} == {first.evaluator, second.evaluator}
    assert [c.previous_role for c in ranked] == ["first", "second", ""] or [
        c.previous_role for c in ranked
    ] == ["second", "first", ""]
    assert "Rated the previous round (first evaluator)" in response.content.decode()


def test_assignment_page_of_an_unsubmitted_portfolio_says_there_is_nothing_to_assign(
    staff_client, candidate, technology
):
    from candidates import services as candidate_services
    from portfolios import services as portfolio_services
    from tests.factories import candidacy_with_progress

    candidacy = candidacy_with_progress()
    progress = candidacy.sets.get(competency_set__code="technology")
    candidate_services.set_progress_choose_route(progress, route="portfolio", by=candidacy.user)
    draft = portfolio_services.portfolio_start(
        candidacy, competency_set=progress.competency_set, by=candidacy.user
    )

    response = staff_client.get(assign_url(draft))

    assert response.status_code == 200
    assert "has not been submitted yet" in response.content.decode()


# --- Assigning ----------------------------------------------------------------------------


def test_assign_offers_the_round_to_the_chosen_evaluator_first_then_second(
    staff_client, pool, round_one, django_capture_on_commit_callbacks
):
    page = staff_client.get(assign_url(round_one.portfolio))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            assign_url(round_one.portfolio),
            {"evaluator": pool[1].pk, "submission": token_of(page)},
        )

    assert response.status_code == 302
    assert response.url == assign_url(round_one.portfolio)
    assignment = Assignment.objects.get()
    assert (assignment.evaluator, assignment.role, assignment.status) == (
        pool[1],
        Assignment.Role.FIRST,
        Assignment.Status.OFFERED,
    )
    assert offers_to(pool[1].user) == ["A Technology portfolio is waiting for your answer"]
    assert messages_of(response) == [
        f"The portfolio was offered to Eval1 Pool as first evaluator (due "
        f"{assignment.due_on:%-d %B %Y}). They were emailed a link to accept or decline."
    ]

    page = staff_client.get(assign_url(round_one.portfolio))
    assert page.context["next_role"] == Assignment.Role.SECOND
    staff_client.post(
        assign_url(round_one.portfolio), {"evaluator": pool[2].pk, "submission": token_of(page)}
    )
    assert list(Assignment.objects.order_by("pk").values_list("evaluator", "role")) == [
        (pool[1].pk, "first"),
        (pool[2].pk, "second"),
    ]


def test_pressing_assign_twice_offers_once(staff_client, pool, round_one):
    token = token_of(staff_client.get(assign_url(round_one.portfolio)))
    data = {"evaluator": pool[0].pk, "submission": token}

    staff_client.post(assign_url(round_one.portfolio), data)
    response = staff_client.post(assign_url(round_one.portfolio), data)

    assert Assignment.objects.count() == 1
    # The first press's message was not shown yet (no page in between), so both are there.
    assert messages_of(response)[-1] == (
        "That button was already pressed, so nothing was done twice."
    )


def test_assigning_an_ineligible_evaluator_is_refused_with_the_reason(
    staff_client, pool, round_one
):
    outsider_evaluator = EvaluatorFactory(employer="Library Z")  # qualified for no set
    token = token_of(staff_client.get(assign_url(round_one.portfolio)))

    response = staff_client.post(
        assign_url(round_one.portfolio),
        {"evaluator": outsider_evaluator.pk, "submission": token},
    )

    assert response.status_code == 302
    assert not Assignment.objects.exists()
    assert messages_of(response) == [
        "This evaluator cannot take this portfolio: Not qualified for Technology."
    ]
    assert offers_to(outsider_evaluator.user) == []


def test_assigning_without_an_evaluator_says_what_to_do(staff_client, pool, round_one):
    token = token_of(staff_client.get(assign_url(round_one.portfolio)))

    response = staff_client.post(assign_url(round_one.portfolio), {"submission": token})

    assert not Assignment.objects.exists()
    assert messages_of(response) == ["Choose an evaluator from the list."]


def test_auto_assign_offers_the_two_best_ranked_and_emails_them(
    staff_client, pool, round_one, mailoutbox, django_capture_on_commit_callbacks
):
    token = token_of(staff_client.get(assign_url(round_one.portfolio)))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(auto_url(round_one.portfolio), {"submission": token})

    assert response.status_code == 302
    assert response.url == assign_url(round_one.portfolio)
    rows = list(Assignment.objects.order_by("pk"))
    assert [(a.evaluator, a.role, a.status) for a in rows] == [
        (pool[0], "first", "offered"),
        (pool[1], "second", "offered"),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([pool[0].user.email, pool[1].user.email])
    assert {m.subject for m in mailoutbox} == {"A Technology portfolio is waiting for your answer"}
    due = f"{rows[0].due_on:%-d %B %Y}"
    assert messages_of(response) == [
        f"The portfolio was offered to Eval0 Pool as first evaluator (due {due}) and Eval1 Pool "
        f"as second evaluator (due {due}). They were emailed a link to accept or decline."
    ]


def test_auto_assign_with_nobody_eligible_shows_the_reason(staff_client, round_one):
    token = token_of(staff_client.get(assign_url(round_one.portfolio)))

    response = staff_client.post(auto_url(round_one.portfolio), {"submission": token})

    assert not Assignment.objects.exists()
    assert messages_of(response) == ["No eligible evaluator is free for this set; widen the pool."]


def test_auto_assign_on_a_full_round_is_refused(staff_client, pool, round_one, staff):
    services.assignment_auto_assign(round_one, by=staff)
    token = token_of(staff_client.get(assign_url(round_one.portfolio)))

    response = staff_client.post(auto_url(round_one.portfolio), {"submission": token})

    assert Assignment.objects.count() == 2
    assert messages_of(response) == ["This round already has its evaluators."]


# --- Withdrawing --------------------------------------------------------------------------


def test_withdraw_page_says_what_will_happen(staff_client, offered):
    response = staff_client.get(withdraw_url(offered))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "This cannot be undone" in html
    assert "is emailed your reason" in html
    assert 'name="reason"' in html


def test_withdraw_without_a_reason_is_refused(staff_client, offered):
    token = token_of(staff_client.get(withdraw_url(offered)))

    response = staff_client.post(withdraw_url(offered), {"submission": token, "reason": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Give the reason; the evaluator will read it."]
    }
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.OFFERED
    assert not EmailLog.objects.filter(kind="assignment_withdrawn").exists()


def test_withdraw_with_a_reason_withdraws_and_emails_the_evaluator(
    staff_client, staff, offered, django_capture_on_commit_callbacks, mailoutbox
):
    token = token_of(staff_client.get(withdraw_url(offered)))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            withdraw_url(offered), {"submission": token, "reason": "Away until March."}
        )

    assert response.status_code == 302
    assert response.url == assign_url(offered.portfolio)
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.WITHDRAWN
    assert list(
        AssignmentStatusChange.objects.filter(assignment=offered)
        .order_by("pk")
        .values_list("old_status", "new_status", "actor", "note")
    ) == [
        ("", "offered", staff.pk, "Offered as first evaluator."),
        ("offered", "withdrawn", staff.pk, "Away until March."),
    ]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([offered.evaluator.user.email], "A Technology portfolio was taken off your list")
    ]
    assert "Reason: Away until March." in mailoutbox[0].body
    assert messages_of(response) == [
        "Eval0 Pool was withdrawn from the portfolio and emailed the reason. The round needs "
        "another first evaluator: assign one below."
    ]
    # The round is back in the pool: the withdrawn evaluator is listed as not eligible.
    page = staff_client.get(assign_url(offered.portfolio))
    assert page.context["next_role"] == Assignment.Role.FIRST
    assert {c.evaluator for c in page.context["ineligible"]} == {offered.evaluator}


def test_a_submitted_assignment_cannot_be_withdrawn(staff_client, offered):
    rate_all(offered, "met")

    response = staff_client.get(withdraw_url(offered))

    assert "This assignment is submitted, so it cannot be withdrawn." in response.content.decode()
    assert 'name="reason"' not in response.content.decode()


# --- The queue ----------------------------------------------------------------------------


def build_queue(pool, staff):
    """One round in each state of the queue; returns them by state."""
    waiting = submitted_portfolio().submissions.get()

    half = submitted_portfolio().submissions.get()
    services.assignment_offer(half, pool[0], by=staff)

    in_review = submitted_portfolio().submissions.get()
    late, _ = services.assignment_auto_assign(in_review, by=staff)
    Assignment.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))

    disputed = submitted_portfolio().submissions.get()
    first, second = services.assignment_auto_assign(disputed, by=staff)
    rate_all(first, "met")
    rate_all(second, "met", values={1: "not_met"}, comment="Not shown.")
    # settle_round offered the dispute to the third evaluator; withdraw it so it waits.
    adjudicator = Assignment.objects.get(submission=disputed, role="adjudicator")
    services.assignment_withdraw(adjudicator, reason="Unavailable.", by=staff)

    drafted = submitted_portfolio().submissions.get()
    first, second = services.assignment_auto_assign(drafted, by=staff)
    rate_all(first, "met")
    rate_all(second, "met")
    return {
        "waiting": waiting,
        "half": half,
        "in_review": in_review,
        "disputed": disputed,
        "drafted": drafted,
        "late": late,
    }


@pytest.fixture
def big_pool(technology):
    return [
        EvaluatorFactory(
            qualified_sets=[technology], employer=f"Library {i}", capacity_per_quarter=20
        )
        for i in range(4)
    ]


def test_queue_sorts_rounds_into_groups_with_counts(staff_client, staff, big_pool):
    rounds = build_queue(big_pool, staff)

    response = staff_client.get(QUEUE)

    assert response.status_code == 200
    groups = {g["key"]: g for g in response.context["groups"]}
    assert {key: [r.submission.pk for r in g["rows"]] for key, g in groups.items()} == {
        "needs_evaluators": [rounds["waiting"].pk, rounds["half"].pk],
        "needs_adjudicator": [rounds["disputed"].pk],
        "in_review": [rounds["in_review"].pk],
        "decision_drafted": [rounds["drafted"].pk],
    }
    assert {key: g["count"] for key, g in groups.items()} == {
        "needs_evaluators": 2,
        "needs_adjudicator": 1,
        "in_review": 1,
        "decision_drafted": 1,
    }
    assert response.context["total"] == 5
    # What the staff home shows (reviews.rounds.round_queue_counts).
    assert round_queue_counts() == {
        "needs_evaluators": 2,
        "needs_adjudicator": 1,
        "in_review": 1,
        "decision_drafted": 1,
        "to_assign": 3,
    }
    rows = {r.submission.pk: r for g in groups.values() for r in g["rows"]}
    assert rows[rounds["waiting"].pk].open_roles == 2
    assert rows[rounds["half"].pk].open_roles == 1
    assert rows[rounds["disputed"].pk].disputed == 1
    assert rows[rounds["in_review"].pk].overdue is True
    assert rows[rounds["half"].pk].overdue is False
    assert rows[rounds["drafted"].pk].decision == Decision.objects.get(submission=rounds["drafted"])
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert rounds["waiting"].portfolio.candidacy.number in html
    assert "overdue" in html
    assert reverse("staff:decision_detail", args=[rows[rounds["drafted"].pk].decision.pk]) in html


def test_queue_leaves_out_released_and_draft_portfolios(staff_client, staff, big_pool):
    done = submitted_portfolio().submissions.get()
    first, second = services.assignment_auto_assign(done, by=staff)
    rate_all(first, "met")
    rate_all(second, "met")
    services.decision_release(Decision.objects.get(), by=staff)

    response = staff_client.get(QUEUE)

    assert response.context["total"] == 0
    assert "No portfolios are waiting" in response.content.decode()


def test_queue_query_count_does_not_grow_with_the_number_of_rounds(staff_client, staff, big_pool):
    # One round of the costliest kind (both evaluators in, ratings read) to start with.
    first, second = services.assignment_auto_assign(
        submitted_portfolio().submissions.get(), by=staff
    )
    rate_all(first, "met")
    rate_all(second, "met")
    staff_client.get(QUEUE)  # warm the caches (program rules, session)
    with CaptureQueriesContext(connection) as with_one:
        staff_client.get(QUEUE)
    build_queue(big_pool, staff)
    build_queue(big_pool, staff)

    with CaptureQueriesContext(connection) as with_many:
        response = staff_client.get(QUEUE)

    assert response.context["total"] == 11
    assert len(with_many) == len(with_one)
