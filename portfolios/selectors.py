"""Who may see which portfolios, and the reads the pages need."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from candidates.selectors import name_actors
from lssc.accounts.roles import roles_of
from portfolios.models import CompetencyResponse, Evidence, Portfolio


def portfolios_visible_to(user) -> QuerySet[Portfolio]:
    """The owner sees their portfolios and program staff see every one; everyone else sees
    none, so their requests end in 404. Evaluators never open these pages: they read the
    frozen round assigned to them, without the candidate's identity, through the reviews
    pages (reviews.selectors.assignments_visible_to)."""
    if not user.is_authenticated:
        return Portfolio.objects.none()
    if roles_of(user).is_program_staff:
        return Portfolio.objects.all()
    return Portfolio.objects.filter(candidacy__user=user)


def portfolio_for_owner(user, pk: int) -> Portfolio:
    """The user's own portfolio; raises Portfolio.DoesNotExist for anyone else's."""
    return Portfolio.objects.select_related("competency_set", "candidacy").get(
        pk=pk, candidacy__user=user
    )


def portfolio_workspace(portfolio: Portfolio) -> list[CompetencyResponse]:
    """Every competency's response with its competency and cited evidence: three queries
    however many competencies and files."""
    return list(
        portfolio.responses.select_related("competency").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("title"))
        )
    )


def evidence_library(portfolio: Portfolio) -> list[Evidence]:
    """The portfolio's files with the competencies each supports: two queries."""
    return list(
        portfolio.evidence.prefetch_related(
            Prefetch(
                "responses",
                queryset=CompetencyResponse.objects.select_related("competency").order_by(
                    "competency__number"
                ),
            )
        )
    )


def evidence_visible_to(user) -> QuerySet[Evidence]:
    return Evidence.objects.filter(portfolio__in=portfolios_visible_to(user))


def portfolio_history(portfolio: Portfolio, viewer) -> list[dict]:
    """The portfolio's status moves, newest first, with actor names as `viewer` may read them
    (evaluators are never named to candidates)."""
    events = [
        {
            "at": change.at,
            "actor": change.actor,
            "title": Portfolio.Status(change.new_status).label,
            "note": change.note,
        }
        for change in portfolio.status_changes.select_related("actor").order_by("-at", "-pk")
    ]
    return name_actors(events, viewer)
