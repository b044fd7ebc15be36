"""Reads of course providers and their courses, and who may see which."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from courses.models import (
    CompetencyCoverage,
    Course,
    CourseCompletion,
    CourseReview,
    CourseStatusChange,
    Provider,
    ProviderInvitation,
    ProviderMembership,
)
from lssc.accounts.roles import roles_of


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


def providers_with_courses_of_user(user) -> QuerySet[Provider]:
    """`providers_of_user(user)`, each also with its `courses` (and their sets) loaded, newest
    first: three queries however many organisations and courses there are."""
    return providers_of_user(user).prefetch_related(
        Prefetch(
            "courses",
            queryset=Course.objects.select_related("competency_set").order_by("-created_at"),
        )
    )


def provider_of_member(user, pk: int) -> Provider:
    """One organisation the user belongs to; 404 for any other (no probing for existence)."""
    return get_object_or_404(Provider.objects.filter(memberships__user=user), pk=pk)


def invitation_by_token(token) -> ProviderInvitation:
    """The invitation an emailed link names, with its provider and inviter; 404 if unknown.
    Anyone holding the link may see it; `invitation_accept` checks who may use it."""
    return get_object_or_404(
        ProviderInvitation.objects.select_related("provider", "invited_by"), token=token
    )


def courses_visible_to(user) -> QuerySet[Course]:
    """Courses the user may see: program staff every course past draft, provider members
    every course of their organisations (drafts included), everybody approved courses."""
    visible = Q(status=Course.Status.APPROVED)
    if user.is_authenticated:
        visible |= Q(
            provider__in=ProviderMembership.objects.filter(user=user).values("provider_id")
        )
        if roles_of(user).is_program_staff:
            visible |= ~Q(status=Course.Status.DRAFT)
    return Course.objects.filter(visible).select_related("provider", "competency_set")


def course_for_member(user, pk: int) -> Course:
    """A course of one of the user's organisations, with its provider and set; 404 for any
    other course, whoever can see it elsewhere."""
    return get_object_or_404(
        Course.objects.filter(
            provider__in=ProviderMembership.objects.filter(user=user).values("provider_id")
        ).select_related("provider", "competency_set"),
        pk=pk,
    )


def course_coverage(course: Course) -> list[CompetencyCoverage]:
    """The course's competency map, one row per competency of its set, in number order, each
    with its competency: one query however many competencies the set has."""
    return list(course.coverage.select_related("competency").order_by("competency__number"))


def course_history(course: Course) -> list[CourseStatusChange]:
    """The course's status changes, oldest first, with who made each."""
    return list(course.status_changes.select_related("actor").order_by("at", "pk"))


def course_reviews(course: Course) -> list[CourseReview]:
    """Program staff's reviews of the course, newest first."""
    return list(course.reviews.order_by("-created_at"))


def completions_visible_to_member(user) -> QuerySet[CourseCompletion]:
    """Completion claims on the courses of the user's organisations, newest first, with the
    candidate and course loaded (a fixed number of queries however many claims)."""
    return (
        CourseCompletion.objects.filter(course__provider__memberships__user=user)
        .select_related("course", "course__provider", "candidacy__user", "candidacy__application")
        .order_by("-submitted_at", "-pk")
    )
