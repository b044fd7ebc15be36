"""Reads for the public course catalogue, course alerts and candidates' completion claims.

The catalogue is public, so its reads do not filter by user; a candidate's claims do.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from courses.models import (
    CompetencyCoverage,
    CompletionStatusChange,
    Course,
    CourseAlert,
    CourseCompletion,
)


def approved_courses() -> QuerySet[Course]:
    """Courses listed in the catalogue: approved, and whose approval has not run out today
    (the nightly expiry job may not have caught up yet). Newest approval first, each with its
    provider and set loaded, so a page of them costs one query."""
    return (
        Course.objects.filter(
            status=Course.Status.APPROVED, approval_expires_on__gte=timezone.localdate()
        )
        .select_related("provider", "competency_set")
        .order_by("-approved_on", "title", "pk")
    )


def approved_course_with_map(pk: int) -> Course:
    """One catalogue course with its competency map (coverage rows and their competencies);
    404 for a course that is not listed (draft, submitted, expired, withdrawn…)."""
    coverage = CompetencyCoverage.objects.select_related("competency").order_by(
        "competency__number"
    )
    return get_object_or_404(
        approved_courses().prefetch_related(Prefetch("coverage", queryset=coverage)), pk=pk
    )


def catalogue_states() -> list[str]:
    """The states and provinces of listed courses, in alphabetical order (one query)."""
    return list(
        approved_courses()
        .exclude(state="")
        .order_by("state")
        .values_list("state", flat=True)
        .distinct()
    )


def claimable_courses() -> QuerySet[Course]:
    """Courses a candidate may claim: approved now, or approved once and since expired
    (completions before the end of the approval still count). Ordered by set, then title."""
    return (
        Course.objects.filter(
            status__in=[Course.Status.APPROVED, Course.Status.EXPIRED],
            approved_on__isnull=False,
            approval_expires_on__isnull=False,
        )
        .select_related("provider", "competency_set")
        .order_by("competency_set__order", "title", "pk")
    )


def alert_by_token(token) -> CourseAlert:
    """The alert an emailed link points at, with its set; 404 for an unknown token."""
    return get_object_or_404(CourseAlert.objects.select_related("competency_set"), token=token)


def completions_of_candidacy(candidacy) -> QuerySet[CourseCompletion]:
    """The candidacy's claims, newest first, each with its course (provider, set) and, as
    `rejections`, the status changes that rejected it (whose note is the reason)."""
    return (
        CourseCompletion.objects.filter(candidacy=candidacy)
        .select_related("course__provider", "course__competency_set")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=CompletionStatusChange.objects.filter(
                    new_status=CourseCompletion.Status.REJECTED
                ),
                to_attr="rejections",
            )
        )
        .order_by("-submitted_at", "-pk")
    )
