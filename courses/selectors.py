"""Reads of course providers."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from courses.models import Provider, ProviderMembership


def providers_of_user(user) -> QuerySet[Provider]:
    """The provider organisations the user is a member of, by name, each with `memberships`
    (and their users) loaded, ordered by email: two queries however many members there are."""
    return Provider.objects.filter(memberships__user=user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=ProviderMembership.objects.select_related("user").order_by("user__email"),
        )
    )


def provider_counts() -> dict[str, int]:
    """Verified providers and those awaiting verification, in one query."""
    return Provider.objects.aggregate(
        verified=Count("pk", filter=Q(verified_at__isnull=False)),
        awaiting_verification=Count("pk", filter=Q(verified_at__isnull=True)),
    )
