"""Reads of evaluators, assignments, rounds and decisions, and who may see them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from lssc.accounts.roles import roles_of
from lssc.program.models import CompetencySet
from lssc.program.selectors import rules_in_force
from portfolios.models import PortfolioSubmission
from reviews import scoring
from reviews.models import Appeal, Assignment, ConflictOfInterest, Decision, Evaluator

QUARTER = timedelta(days=91)


def evaluator_for_user(user) -> Evaluator | None:
    """The user's own evaluator profile, approved or paused, with `qualified_sets` loaded in
    set order; None if they hold no such profile (an application still waiting is not one)."""
    return (
        Evaluator.objects.filter(user=user, status__in=Evaluator.ROLE_STATUSES)
        .prefetch_related(
            Prefetch(
                "qualified_sets",
                queryset=CompetencySet.objects.select_related("framework").order_by(
                    "framework__effective_from", "order"
                ),
            )
        )
        .first()
    )


def evaluator_profile_for_user(user) -> Evaluator | None:
    """The user's evaluator profile in any status (an application, approved, declined or
    paused), with its sets and conflicts; None when they never applied."""
    if not user.is_authenticated:
        return None
    return (
        Evaluator.objects.filter(user=user).prefetch_related("qualified_sets", "conflicts").first()
    )


def evaluators_visible_to(user) -> QuerySet[Evaluator]:
    """Program staff see every evaluator profile; an evaluator sees their own."""
    if not user.is_authenticated:
        return Evaluator.objects.none()
    if roles_of(user).is_program_staff:
        return Evaluator.objects.all()
    return Evaluator.objects.filter(user=user)


def evaluator_counts() -> dict[str, int]:
    """Approved evaluators and applications still waiting for approval, in one query."""
    return Evaluator.objects.aggregate(
        approved=Count("pk", filter=Q(status=Evaluator.Status.APPROVED)),
        awaiting_approval=Count("pk", filter=Q(status=Evaluator.Status.APPLIED)),
    )


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """Program staff see every assignment. An evaluator (approved, or paused) sees their own
    while they hold it (offered, accepted, submitted); declined and withdrawn ones
    disappear (404)."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    if roles_of(user).is_program_staff:
        return Assignment.objects.all()
    return Assignment.objects.filter(
        evaluator__user=user,
        evaluator__status__in=Evaluator.ROLE_STATUSES,
        status__in=Assignment.LIVE_STATUSES,
    )


def decisions_visible_to(user) -> QuerySet[Decision]:
    """Program staff see every decision; a candidate sees their own once released."""
    if not user.is_authenticated:
        return Decision.objects.none()
    if roles_of(user).is_program_staff:
        return Decision.objects.all()
    return Decision.objects.filter(portfolio__candidacy__user=user, status=Decision.Status.RELEASED)


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """The candidate sees their own appeals; program staff see every one."""
    if not user.is_authenticated:
        return Appeal.objects.none()
    if roles_of(user).is_program_staff:
        return Appeal.objects.all()
    return Appeal.objects.filter(decision__portfolio__candidacy__user=user)


def released_decision_for(portfolio) -> Decision | None:
    """The portfolio's latest released decision (what the candidate may read), if any."""
    return (
        portfolio.decisions.filter(status=Decision.Status.RELEASED)
        .select_related("submission")
        .order_by("-released_at", "-pk")
        .first()
    )


# --- Conflicts and eligibility ------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@dataclass(frozen=True)
class CandidateIdentity:
    """What conflict checks compare, never shown to evaluators."""

    user_id: int
    names: frozenset
    library: str
    state: str

    @classmethod
    def of(cls, candidacy) -> CandidateIdentity:
        user = candidacy.user
        application = candidacy.application
        names = {
            f"{user.first_name} {user.last_name}",
            f"{user.preferred_name} {user.last_name}",
        }
        if application:
            names |= {application.legal_name, f"{application.preferred_name} {user.last_name}"}
        return cls(
            user_id=user.pk,
            names=frozenset(n for n in map(_norm, names) if " " in n),
            library=_norm(application.library_name) if application else "",
            state=_norm(application.state) if application else "",
        )


def _conflict_reasons(evaluator: Evaluator, who: CandidateIdentity) -> list[str]:
    reasons = []
    if evaluator.user_id == who.user_id:
        reasons.append("It is their own portfolio.")
    if who.library and _norm(evaluator.employer) == who.library:
        reasons.append("They work at the candidate's library.")
    for conflict in evaluator.conflicts.all():
        name = _norm(conflict.name)
        if conflict.kind == ConflictOfInterest.Kind.PERSON and name in who.names:
            reasons.append("They declared a conflict with the candidate.")
        if conflict.kind == ConflictOfInterest.Kind.LIBRARY and name and name == who.library:
            reasons.append("They declared a conflict with the candidate's library.")
    if settings.EVALUATOR_SAME_STATE_CONFLICT and who.state and _norm(evaluator.state) == who.state:
        reasons.append("They work in the candidate's state.")
    return reasons


def conflicts_between(evaluator: Evaluator, candidacy) -> list[str]:
    """Why this evaluator may not judge this candidate; empty when there is no conflict."""
    return _conflict_reasons(evaluator, CandidateIdentity.of(candidacy))


@dataclass
class EvaluatorChoice:
    evaluator: Evaluator
    load: int
    capacity: int
    reviews_done: int
    on_time: int
    previous_role: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def why_not(self) -> str:
        return " ".join(self.reasons)

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.reviews_done) if self.reviews_done else None


def eligible_evaluators(
    submission: PortfolioSubmission, *, include_ineligible: bool = False
) -> list[EvaluatorChoice]:
    """Approved evaluators for a round, best first: the round's previous evaluators (for a
    resubmission), then the lightest load against capacity, then the best record of
    finishing on time. Ineligible ones (not qualified for the set, in conflict, at
    capacity, already on this round) carry their reasons and are left out unless asked
    for. Three queries however many evaluators."""
    portfolio = submission.portfolio
    since = timezone.now() - QUARTER
    evaluators = (
        Evaluator.objects.filter(status=Evaluator.Status.APPROVED)
        .select_related("user")
        .prefetch_related("conflicts")
        .annotate(
            load=Count(
                "assignments",
                filter=Q(
                    assignments__status__in=Assignment.LIVE_STATUSES,
                    assignments__offered_at__gte=since,
                ),
            ),
            reviews_done=Count(
                "assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED)
            ),
            on_time=Count(
                "assignments",
                filter=Q(
                    assignments__status=Assignment.Status.SUBMITTED,
                    assignments__submitted_at__date__lte=F("assignments__due_on"),
                ),
            ),
        )
        .order_by("approved_at", "pk")
    )
    qualified = set(
        Evaluator.qualified_sets.through.objects.filter(
            competencyset_id=portfolio.competency_set_id
        ).values_list("evaluator_id", flat=True)
    )
    on_round = {}
    previous = {}
    rated_before = set()
    for evaluator_id, round_no, role, status in Assignment.objects.filter(
        portfolio=portfolio
    ).values_list("evaluator_id", "submission__round", "role", "status"):
        if round_no == submission.round:
            on_round[evaluator_id] = status
        elif status in (Assignment.Status.SUBMITTED, Assignment.Status.ACCEPTED):
            previous[evaluator_id] = role
            rated_before.add(evaluator_id)
    if submission.remanded_from_id:
        # A remanded appeal is evaluated afresh: nobody who rated this portfolio before.
        previous = {}
    who = CandidateIdentity.of(portfolio.candidacy)
    choices = []
    for evaluator in evaluators:
        choice = EvaluatorChoice(
            evaluator=evaluator,
            load=evaluator.load,
            capacity=evaluator.capacity_per_quarter,
            reviews_done=evaluator.reviews_done,
            on_time=evaluator.on_time,
            previous_role=previous.get(evaluator.pk, ""),
        )
        if evaluator.pk not in qualified:
            choice.reasons.append(f"Not qualified for {portfolio.competency_set.name}.")
        choice.reasons += _conflict_reasons(evaluator, who)
        if submission.remanded_from_id and evaluator.pk in rated_before:
            choice.reasons.append("Rated this portfolio before; a remanded appeal needs new eyes.")
        if evaluator.load >= evaluator.capacity_per_quarter:
            choice.reasons.append(
                f"At capacity ({evaluator.load} of {evaluator.capacity_per_quarter} this quarter)."
            )
        status = on_round.get(evaluator.pk)
        if status in Assignment.LIVE_STATUSES:
            choice.reasons.append("Already on this round.")
        elif status:
            choice.reasons.append(f"{Assignment.Status(status).label} this round already.")
        if choice.eligible or include_ineligible:
            choices.append(choice)
    choices.sort(
        key=lambda c: (
            not c.eligible,
            not c.previous_role,
            c.load / max(1, c.capacity),
            -(c.on_time_percent if c.on_time_percent is not None else 100),
        )
    )
    return choices


# --- Rounds -------------------------------------------------------------------------------


@dataclass
class RoundState:
    """How far a submitted round has got: who holds which role, what the ratings reconcile
    to, and what it waits for."""

    decided: bool = False
    complete_pair: bool = False
    adjudicator_live: bool = False
    disputed: list[int] = field(default_factory=list)
    reconciled: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)
    overall_comments: list[str] = field(default_factory=list)
    previous_roles: dict = field(default_factory=dict)
    live: list[Assignment] = field(default_factory=list)

    @property
    def needs_adjudicator(self) -> bool:
        return any(v == scoring.DISPUTED for v in self.reconciled.values())


def settle_state(submission: PortfolioSubmission) -> RoundState:
    """Read a round's assignments and ratings and reconcile what is in (a handful of
    queries). Used by the services that settle a round and by the staff pages."""
    state = RoundState(decided=Decision.objects.filter(submission=submission).exists())
    assignments = list(
        Assignment.objects.filter(portfolio_id=submission.portfolio_id)
        .select_related("evaluator__user", "submission")
        .prefetch_related("ratings")
        .order_by("pk")
    )
    this_round = [a for a in assignments if a.submission_id == submission.pk]
    for a in assignments:
        if submission.remanded_from_id:
            break  # a remanded round goes to new evaluators, so no "previous" roles
        if a.submission_id != submission.pk and a.status in (
            Assignment.Status.SUBMITTED,
            Assignment.Status.ACCEPTED,
        ):
            state.previous_roles[a.evaluator_id] = a.role
    state.live = [a for a in this_round if a.is_live]
    done = {a.role: a for a in this_round if a.status == Assignment.Status.SUBMITTED}
    state.adjudicator_live = any(
        a.role == Assignment.Role.ADJUDICATOR and a.status != Assignment.Status.SUBMITTED
        for a in state.live
    )
    needed = rules_in_force().evaluators_per_portfolio
    first = done.get(Assignment.Role.FIRST)
    second = done.get(Assignment.Role.SECOND)
    if first is None or (needed >= 2 and second is None):
        return state
    state.complete_pair = True
    values = {a.role: {r.competency_id: r.value for r in a.ratings.all()} for a in done.values()}
    adjudicator = values.get(Assignment.Role.ADJUDICATOR)
    if second is None:
        state.reconciled = dict(values[Assignment.Role.FIRST])
    else:
        pair = scoring.reconcile_all(values[Assignment.Role.FIRST], values[Assignment.Role.SECOND])
        state.disputed = [k for k, v in pair.items() if v == scoring.DISPUTED]
        state.reconciled = scoring.reconcile_all(
            values[Assignment.Role.FIRST], values[Assignment.Role.SECOND], adjudicator
        )
    for a in done.values():
        for rating in a.ratings.all():
            if rating.comment:
                state.comments.setdefault(rating.competency_id, []).append(rating.comment)
        if a.overall_comment:
            state.overall_comments.append(a.overall_comment)
    return state
