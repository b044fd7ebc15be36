"""An appeal from notice to remand, and the new evaluators it needs, through the services."""

import pytest

from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import appeal_services, services
from reviews.models import Appeal, Assignment, Decision
from reviews.selectors import eligible_evaluators
from tests.factories import EvaluatorFactory, UserFactory, rate_all, submitted_portfolio

pytestmark = pytest.mark.django_db


def not_demonstrated(staff, pool):
    portfolio = submitted_portfolio()
    Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=1)
    submission = portfolio.submissions.get()
    for assignment in services.assignment_auto_assign(submission, by=staff):
        rate_all(assignment, "not_met", comment="Not shown.")
    decision = Decision.objects.get()
    assert decision.outcome == Decision.Outcome.NOT_DEMONSTRATED
    return services.decision_release(decision, by=staff)


def test_a_remanded_appeal_sends_the_round_to_new_evaluators():
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    pool = [EvaluatorFactory(qualified_sets=[technology], employer=f"L{i}") for i in range(4)]
    staff = UserFactory(program_staff=True)
    decision = not_demonstrated(staff, pool)
    candidate = decision.portfolio.candidacy.user

    appeal = appeal_services.appeal_file_notice(
        decision, notice="The evidence was missed.", by=candidate
    )
    appeal = appeal_services.appeal_file_grounds(
        appeal, grounds="Competency 2 is shown.", by=candidate
    )
    appeal = appeal_services.appeal_start_review(appeal, by=staff)
    appeal = appeal_services.appeal_remand(appeal, note="The ratings missed the log.", by=staff)

    assert appeal.status == Appeal.Status.REMANDED
    portfolio = Portfolio.objects.get(pk=decision.portfolio_id)
    assert portfolio.status == Portfolio.Status.SUBMITTED
    repeat = portfolio.submissions.get(round=2)
    assert repeat.remanded_from_id == decision.submission_id
    first_round = set(Assignment.objects.values_list("evaluator_id", flat=True))
    eligible = {c.evaluator.pk for c in eligible_evaluators(repeat)}
    assert eligible == {e.pk for e in pool} - first_round
    offers = services.assignment_auto_assign(repeat, by=staff)
    assert {a.evaluator_id for a in offers}.isdisjoint(first_round)
