"""Reads of the staff's portfolio queue: every open round (the latest submission of a
portfolio that is submitted or under review) sorted into what it waits for.

`settle_state` answers the same question for one round in a handful of queries; the queue
asks it of every open round at once, so it is worked out here in bulk: a fixed number of
queries however many rounds there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from lssc.program.selectors import rules_in_force
from portfolios.models import Portfolio, PortfolioSubmission
from reviews import scoring
from reviews.models import Assignment, Decision, Rating

OPEN_STATUSES = (Portfolio.Status.SUBMITTED, Portfolio.Status.UNDER_REVIEW)
PAIR_ROLES = (Assignment.Role.FIRST, Assignment.Role.SECOND)
WAITING_STATUSES = (Assignment.Status.OFFERED, Assignment.Status.ACCEPTED)

# The queue's groups, in the order staff work through them.
NEEDS_EVALUATORS = "needs_evaluators"
NEEDS_ADJUDICATOR = "needs_adjudicator"
IN_REVIEW = "in_review"
DECISION_DRAFTED = "decision_drafted"
GROUPS = [
    (NEEDS_EVALUATORS, "Need evaluators"),
    (NEEDS_ADJUDICATOR, "Need a third evaluator"),
    (IN_REVIEW, "In review"),
    (DECISION_DRAFTED, "Decision drafted"),
]


def evaluators_needed(rules) -> int:
    """How many first/second evaluators a round takes (the services fill at most two)."""
    return min(2, max(1, rules.evaluators_per_portfolio))


@dataclass
class QueueRound:
    """One open round in the staff queue and what it waits for."""

    submission: PortfolioSubmission
    assignments: list[Assignment] = field(default_factory=list)
    decision: Decision | None = None
    group: str = IN_REVIEW
    open_roles: int = 0
    disputed: int = 0

    @property
    def portfolio(self) -> Portfolio:
        return self.submission.portfolio

    @property
    def live(self) -> list[Assignment]:
        """The assignments still counting for the round (offered, accepted or submitted),
        each with `is_overdue` set."""
        return [a for a in self.assignments if a.is_live]

    @property
    def overdue(self) -> bool:
        return any(a.is_overdue for a in self.assignments)


def open_rounds() -> QuerySet[PortfolioSubmission]:
    """The latest submitted round of each portfolio that is submitted or under review,
    oldest first, with the portfolio, candidacy and set loaded."""
    latest_round = (
        PortfolioSubmission.objects.filter(portfolio=OuterRef("portfolio"))
        .order_by("-round")
        .values("round")[:1]
    )
    return (
        PortfolioSubmission.objects.filter(
            portfolio__status__in=OPEN_STATUSES, round=Subquery(latest_round)
        )
        .select_related("portfolio__candidacy", "portfolio__competency_set")
        .order_by("submitted_at", "pk")
    )


def _disputed(ratings: dict[str, dict[int, str]]) -> int:
    """How many competencies the first two evaluators disagree on (Met against Not met) and
    no submitted adjudicator has settled. `ratings` maps role → competency → value."""
    first = ratings.get(Assignment.Role.FIRST, {})
    second = ratings.get(Assignment.Role.SECOND, {})
    settled = ratings.get(Assignment.Role.ADJUDICATOR, {})
    return sum(
        1
        for competency_id in first.keys() & second.keys()
        if competency_id not in settled
        and scoring.reconcile(first[competency_id], second[competency_id]) == scoring.DISPUTED
    )


def classify(entry: QueueRound, *, needed: int) -> None:
    """Set `entry.group`, `open_roles` and `disputed` from its assignments and decision,
    the way `settle_state` reads one round."""
    live = entry.live
    pair_live = {a.role for a in live if a.role in PAIR_ROLES}
    entry.open_roles = max(0, needed - len(pair_live))
    adjudicator_waiting = any(
        a.role == Assignment.Role.ADJUDICATOR and a.status in WAITING_STATUSES for a in live
    )
    if entry.decision is not None:
        entry.group = DECISION_DRAFTED
    elif entry.disputed and not adjudicator_waiting:
        entry.group = NEEDS_ADJUDICATOR
    elif entry.open_roles:
        entry.group = NEEDS_EVALUATORS
    else:
        entry.group = IN_REVIEW


def round_queue(*, today: date | None = None) -> dict[str, list[QueueRound]]:
    """Every open round sorted into the queue's groups (GROUPS), oldest first in each.
    A round with a draft decision waits for release; one whose evaluators disagree with
    no third evaluator at work needs one; one with fewer first/second evaluators than the
    program rules ask for needs evaluators; everything else is in review. Five queries
    however many rounds there are."""
    today = today or timezone.localdate()
    needed = evaluators_needed(rules_in_force())
    entries = {submission.pk: QueueRound(submission=submission) for submission in open_rounds()}
    groups: dict[str, list[QueueRound]] = {key: [] for key, _ in GROUPS}
    if not entries:
        return groups
    assignments = Assignment.objects.filter(submission_id__in=list(entries)).select_related(
        "evaluator__user"
    )
    submitted_ids = {}
    for assignment in assignments.order_by("pk"):
        assignment.is_overdue = assignment.status in WAITING_STATUSES and assignment.due_on < today
        entries[assignment.submission_id].assignments.append(assignment)
        if assignment.status == Assignment.Status.SUBMITTED:
            submitted_ids[assignment.pk] = assignment
    for decision in Decision.objects.filter(
        submission_id__in=list(entries), status=Decision.Status.DRAFT
    ):
        entries[decision.submission_id].decision = decision
    # Ratings matter only where both evaluators of the pair have submitted.
    paired = {
        pk
        for pk, entry in entries.items()
        if needed == 2
        and {a.role for a in entry.assignments if a.status == Assignment.Status.SUBMITTED}
        >= set(PAIR_ROLES)
    }
    if paired:
        values: dict[int, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
        for submission_id, role, competency_id, value in Rating.objects.filter(
            assignment__submission_id__in=paired,
            assignment__status=Assignment.Status.SUBMITTED,
        ).values_list("assignment__submission_id", "assignment__role", "competency_id", "value"):
            values[submission_id][role][competency_id] = value
        for submission_id, ratings in values.items():
            entries[submission_id].disputed = _disputed(ratings)
    for entry in entries.values():
        classify(entry, needed=needed)
        groups[entry.group].append(entry)
    return groups


def round_queue_counts() -> dict[str, int]:
    """How many open rounds are in each group of the queue, plus `to_assign` (rounds that
    need an evaluator or a third evaluator)."""
    counts = {key: len(rows) for key, rows in round_queue().items()}
    counts["to_assign"] = counts[NEEDS_EVALUATORS] + counts[NEEDS_ADJUDICATOR]
    return counts


def latest_round(portfolio: Portfolio) -> PortfolioSubmission | None:
    """The portfolio's most recently submitted round, or None before the first submission."""
    return portfolio.submissions.order_by("-round").first()


def round_assignments(submission: PortfolioSubmission) -> list[Assignment]:
    """Every assignment of one round (live, declined and withdrawn), with the evaluator's
    user, in the order they were made; each has `is_overdue` set."""
    today = timezone.localdate()
    rows = list(
        Assignment.objects.filter(submission=submission)
        .select_related("evaluator__user")
        .order_by("pk")
    )
    for assignment in rows:
        assignment.is_overdue = assignment.status in WAITING_STATUSES and assignment.due_on < today
    return rows
