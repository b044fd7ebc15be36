"""Reads for the evaluator's own pages: the queue with counts, the history of submitted
reviews, the review sheet of one assignment and the reviews behind a yearly thank-you letter.

Everything here starts from `assignments_visible_to(user)` narrowed to the user's own
assignments, so program staff who also evaluate see only their own work on these pages.
Nothing here reads the candidate's name, email or library: the evaluator knows a portfolio by
its candidacy number alone (blind review).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from portfolios.models import Evidence
from reviews.models import Assignment, Rating
from reviews.selectors import assignments_visible_to, settle_state

# What an evaluator may open once they have accepted: the portfolio and its evidence.
OPEN_STATUSES = (Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED)
PAIR_ROLES = (Assignment.Role.FIRST, Assignment.Role.SECOND)


def evaluator_assignments(user) -> QuerySet[Assignment]:
    """The user's own live assignments (offered, accepted, submitted), with the set, the
    candidacy number and the frozen submission loaded. Declined and withdrawn ones are not
    here, so their pages are 404."""
    return (
        assignments_visible_to(user)
        .filter(evaluator__user=user)
        .select_related("portfolio__competency_set", "portfolio__candidacy", "submission")
    )


def assignments_held_by(user) -> QuerySet[Assignment]:
    """The user's own assignments in any status. Only for answering a form sent from a page
    that has since gone stale (the assignment was withdrawn, declined or submitted
    meanwhile): the service then refuses with its message instead of a bare 404, and the
    page keeps what was typed. Never for showing a portfolio."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(evaluator__user=user).select_related(
        "portfolio__competency_set", "portfolio__candidacy", "submission"
    )


def scope_numbers(assignment: Assignment) -> list[int]:
    """The competency numbers this assignment rates, in order (one query for the scope)."""
    scope = set(assignment.scope.values_list("pk", flat=True))
    return [
        item["number"]
        for item in assignment.submission.content
        if not scope or item["competency_id"] in scope
    ]


# --- The queue ----------------------------------------------------------------------------


@dataclass
class Queue:
    """The evaluator's home: offers to answer, accepted reviews to rate, submitted ones."""

    offered: list[Assignment] = field(default_factory=list)
    accepted: list[Assignment] = field(default_factory=list)
    history: list[Assignment] = field(default_factory=list)

    @property
    def letter_years(self) -> list[int]:
        """Years with at least one submitted review, newest first (one letter each)."""
        return sorted(
            {timezone.localtime(a.submitted_at).year for a in self.history if a.submitted_at},
            reverse=True,
        )


def assignment_queue(user) -> Queue:
    """The user's offered and accepted assignments (due soonest first), each with
    `rated_count` and `total_count` (ratings saved of competencies in scope), and their
    submitted reviews, newest first. Two queries however many assignments."""
    queue = Queue()
    open_rows = (
        evaluator_assignments(user)
        .filter(status__in=[Assignment.Status.OFFERED, Assignment.Status.ACCEPTED])
        .annotate(
            rated_count=Count("ratings", distinct=True),
            scope_count=Count("scope", distinct=True),
        )
        .order_by("due_on", "pk")
    )
    for assignment in open_rows:
        assignment.total_count = assignment.scope_count or len(assignment.submission.content)
        if assignment.status == Assignment.Status.OFFERED:
            queue.offered.append(assignment)
        else:
            queue.accepted.append(assignment)
    queue.history = list(
        evaluator_assignments(user)
        .filter(status=Assignment.Status.SUBMITTED)
        .defer("submission__content", "submission__learning_statement")
        .order_by("-submitted_at", "-pk")
    )
    return queue


def reviews_submitted_in(user, year: int) -> list[Assignment]:
    """The user's reviews submitted in `year` (program time zone), oldest first: what their
    thank-you letter for that year lists."""
    return list(
        evaluator_assignments(user)
        .filter(status=Assignment.Status.SUBMITTED, submitted_at__year=year)
        .defer("submission__content", "submission__learning_statement")
        .order_by("submitted_at", "pk")
    )


# --- The review sheet ---------------------------------------------------------------------


@dataclass
class OtherRating:
    """A rating by another evaluator of the same round, labelled by role, never by name."""

    label: str
    rating: Rating | None


@dataclass
class SheetItem:
    """One competency in scope, as submitted, with the evaluator's own rating."""

    competency_id: int
    number: int
    statement: str
    narrative: str
    evidence: list[Evidence]
    rating: Rating | None
    others: list[OtherRating] = field(default_factory=list)


@dataclass
class ReviewSheet:
    assignment: Assignment
    items: list[SheetItem]
    others_visible: bool = False

    @property
    def rated_count(self) -> int:
        return sum(1 for item in self.items if item.rating is not None)

    @property
    def numbers(self) -> list[int]:
        return [item.number for item in self.items]

    def item(self, number: int) -> SheetItem | None:
        return next((item for item in self.items if item.number == number), None)


def _other_ratings(assignment: Assignment) -> dict[str, dict[int, Rating]] | None:
    """Once both the first and the second evaluator have submitted, the ratings of the
    others on the round by label: "The other evaluator" for the pair; "The first evaluator"
    and "The second evaluator" for an adjudicator. None before that (blind rating)."""
    if assignment.status != Assignment.Status.SUBMITTED:
        return None
    state = settle_state(assignment.submission)
    if not state.complete_pair:
        return None
    others = {}
    for other in state.live:
        if (
            other.pk == assignment.pk
            or other.status != Assignment.Status.SUBMITTED
            or other.role not in PAIR_ROLES
        ):
            continue
        if assignment.role in PAIR_ROLES:
            label = "The other evaluator"
        else:
            label = f"The {other.get_role_display().split()[0].lower()} evaluator"
        others[label] = {r.competency_id: r for r in other.ratings.all()}
    return dict(sorted(others.items(), key=lambda kv: kv[0] != "The first evaluator"))


def review_sheet(assignment: Assignment) -> ReviewSheet:
    """Every competency the assignment rates, from the frozen submission: its statement,
    narrative and cited evidence, the evaluator's own rating and, once the round's pair has
    submitted and so has this evaluator, the other evaluators' ratings. A handful of
    queries, whatever the number of competencies."""
    submission = assignment.submission
    scope = set(assignment.scope.values_list("pk", flat=True))
    evidence = {item.pk: item for item in submission.evidence.all()}
    ratings = {r.competency_id: r for r in assignment.ratings.all()}
    others = _other_ratings(assignment)
    items = []
    for entry in submission.content:
        if scope and entry["competency_id"] not in scope:
            continue
        key = entry["competency_id"]
        items.append(
            SheetItem(
                competency_id=key,
                number=entry["number"],
                statement=entry["statement"],
                narrative=entry["narrative"],
                evidence=[evidence[pk] for pk in entry["evidence"] if pk in evidence],
                rating=ratings.get(key),
                others=[
                    OtherRating(label=label, rating=by_competency.get(key))
                    for label, by_competency in (others or {}).items()
                ],
            )
        )
    return ReviewSheet(assignment=assignment, items=items, others_visible=bool(others))
