"""Reads of user accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q


def user_counts() -> dict[str, int]:
    """All user accounts and the active ones (not switched off by an administrator), in one
    query."""
    return get_user_model().objects.aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(is_active=True))
    )
