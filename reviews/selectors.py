"""Reads of evaluators."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from lssc.program.models import CompetencySet
from reviews.models import Evaluator


def evaluator_for_user(user) -> Evaluator | None:
    """The user's own approved evaluator profile with `qualified_sets` loaded in set order,
    or None if they have no approved profile (an application still waiting is not one)."""
    return (
        Evaluator.objects.filter(user=user, approved_at__isnull=False)
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


def evaluator_counts() -> dict[str, int]:
    """Approved evaluators and applications still waiting for approval, in one query."""
    return Evaluator.objects.aggregate(
        approved=Count("pk", filter=Q(approved_at__isnull=False)),
        awaiting_approval=Count("pk", filter=Q(approved_at__isnull=True)),
    )
