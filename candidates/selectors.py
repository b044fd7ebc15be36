"""Reads of candidacies."""

from __future__ import annotations

from django.db.models import Count

from candidates.models import Candidacy


def candidacy_for_user(user) -> Candidacy | None:
    """The user's own candidacy, or None if they have never been admitted."""
    return Candidacy.objects.filter(user=user).first()


def candidacy_counts_by_status() -> list[dict]:
    """How many candidacies are in each status, in one query.

    Returns one entry per status, in the order the statuses are declared, including those
    with no candidacies: `{"status": "active", "label": "Active", "count": 12}`.
    """
    counts = dict(Candidacy.objects.order_by().values_list("status").annotate(count=Count("pk")))
    return [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in Candidacy.Status.choices
    ]
