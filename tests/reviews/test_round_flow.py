"""A round from submission to released decision, through the services."""

import pytest
from django.core import mail

from candidates.models import SetProgress
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import services
from reviews.models import Assignment, Decision
from tests.factories import EvaluatorFactory, UserFactory, rate_all, submitted_portfolio

pytestmark = pytest.mark.django_db


@pytest.fixture
def technology():
    return CompetencySet.objects.filter(code="technology").latest("pk")


@pytest.fixture
def pool(technology):
    return [
        EvaluatorFactory(qualified_sets=[technology], employer=f"Library {i}") for i in range(3)
    ]


def test_a_disputed_competency_goes_to_an_adjudicator_then_a_draft_decision_is_released(
    pool, django_capture_on_commit_callbacks
):
    staff = UserFactory(program_staff=True)
    portfolio = submitted_portfolio()
    submission = portfolio.submissions.get()
    first, second = services.assignment_auto_assign(submission, by=staff)
    assert {first.role, second.role} == {"first", "second"}
    rate_all(first, "met")
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.UNDER_REVIEW
    rate_all(second, "met", values={1: "not_met"}, comment="Not shown.")
    adjudicator = Assignment.objects.get(role="adjudicator")
    assert [c.number for c in adjudicator.scope.all()] == [1]
    assert not Decision.objects.exists()
    rate_all(adjudicator, "met")
    decision = Decision.objects.get()
    assert decision.outcome == Decision.Outcome.ACHIEVED
    assert decision.status == Decision.Status.DRAFT
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_release(decision, by=staff)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.ACHIEVED
    progress = portfolio.candidacy.sets.get(competency_set=portfolio.competency_set)
    assert progress.status == SetProgress.Status.ACHIEVED
    assert [m.subject for m in mail.outbox] == [
        "The decision on your Technology portfolio is ready"
    ]
