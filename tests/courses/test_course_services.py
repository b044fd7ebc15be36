"""Approval rules and the completion window, through the course services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from candidates.models import SetProgress
from courses.models import Course, CourseCompletion, CourseReview, CourseStatusChange
from courses.services import (
    completion_claim,
    completion_reject,
    completion_verify,
    completion_window,
    course_request_renewal,
    course_review,
)
from courses.tasks import expire_course_approvals_task
from lssc.core.dates import add_years
from lssc.core.errors import DomainError
from tests.factories import approved_course, candidacy_with_progress


@pytest.fixture
def course(provider_user, staff):
    provider = provider_user.provider_memberships.get().provider
    return approved_course(provider, by=provider_user, reviewer=staff, title="Foundations")


def _set_approval(course, *, approved_on, expires_on):
    # Arranged directly: the services only ever approve "today".
    Course.objects.filter(pk=course.pk).update(
        approved_on=approved_on, approval_expires_on=expires_on
    )
    course.refresh_from_db()
    return course


def _claim(course, completed_on, candidacy=None):
    candidacy = candidacy or candidacy_with_progress()
    return completion_claim(
        candidacy, course=course, completed_on=completed_on, proof=None, by=candidacy.user
    )


# --- Approval -----------------------------------------------------------------------------


def test_approval_sets_approved_on_today_and_expiry_after_the_rules_years(course, staff):
    today = timezone.localdate()

    assert course.status == Course.Status.APPROVED
    assert course.approved_on == today
    assert course.approval_expires_on == add_years(today, 4)
    assert list(course.status_changes.values_list("old_status", "new_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]


def test_renewal_extends_from_the_old_expiry_not_from_today(course, provider_user, staff):
    today = timezone.localdate()
    old_expiry = today + timedelta(days=45)
    first_approval = today - timedelta(days=4 * 365 - 45)
    _set_approval(course, approved_on=first_approval, expires_on=old_expiry)
    course_request_renewal(course, by=provider_user)

    review = course_review(
        course, decision=CourseReview.Decision.APPROVE, scores={}, reasons="", by=staff
    )

    course.refresh_from_db()
    assert review.kind == CourseReview.Kind.RENEWAL
    assert course.status == Course.Status.APPROVED
    assert course.approved_on == first_approval
    assert course.approval_expires_on == add_years(old_expiry, 4)
    assert course.renewal_requested_at is None
    assert course.status_changes.order_by("pk").last().note == (
        f"Approval renewed until {add_years(old_expiry, 4):%-d %B %Y}."
    )


# --- Completion window --------------------------------------------------------------------


@pytest.fixture
def lapsing_course(course):
    """Approved four years and a month ago, so its whole window lies in the past."""
    today = timezone.localdate()
    return _set_approval(
        course,
        approved_on=add_years(today, -4) - timedelta(days=30),
        expires_on=today - timedelta(days=30),
    )


def test_completion_window_runs_from_two_years_before_approval_to_expiry(lapsing_course):
    assert completion_window(lapsing_course) == (
        add_years(lapsing_course.approved_on, -2),
        lapsing_course.approval_expires_on,
    )


def test_completion_exactly_two_years_before_approval_is_allowed(lapsing_course):
    start = add_years(lapsing_course.approved_on, -2)

    completion = _claim(lapsing_course, start)

    assert completion.status == CourseCompletion.Status.SUBMITTED


def test_completion_one_day_before_the_window_is_refused(lapsing_course):
    start = add_years(lapsing_course.approved_on, -2)

    with pytest.raises(DomainError, match="is outside that window"):
        _claim(lapsing_course, start - timedelta(days=1))

    assert CourseCompletion.objects.count() == 0


def test_completion_on_the_expiry_day_is_allowed(lapsing_course):
    completion = _claim(lapsing_course, lapsing_course.approval_expires_on)

    assert completion.completed_on == lapsing_course.approval_expires_on


def test_completion_the_day_after_expiry_is_refused(lapsing_course):
    with pytest.raises(DomainError, match="is outside that window"):
        _claim(lapsing_course, lapsing_course.approval_expires_on + timedelta(days=1))


def test_completion_in_the_future_is_refused(course):
    with pytest.raises(DomainError, match="cannot be in the future"):
        _claim(course, timezone.localdate() + timedelta(days=1))


def test_claim_moves_the_set_to_submitted_by_the_course_route(course):
    candidacy = candidacy_with_progress()

    _claim(course, timezone.localdate(), candidacy)

    progress = candidacy.sets.get(competency_set__code="foundations")
    assert (progress.status, progress.route) == (SetProgress.Status.SUBMITTED, "course")


# --- Verification and rejection -----------------------------------------------------------


def test_verify_achieves_the_set_through_the_course(course, staff, mailoutbox):
    candidacy = candidacy_with_progress()
    completion = _claim(course, timezone.localdate(), candidacy)

    completion_verify(completion, by=staff)

    completion.refresh_from_db()
    progress = candidacy.sets.get(competency_set__code="foundations")
    assert completion.status == CourseCompletion.Status.VERIFIED
    assert progress.status == SetProgress.Status.ACHIEVED
    assert progress.achieved_through == f"Approved course: Foundations ({course.provider.name})"
    assert progress.achieved_at is not None


def test_claim_again_after_a_rejection(course, staff):
    candidacy = candidacy_with_progress()
    first = _claim(course, timezone.localdate(), candidacy)
    completion_reject(first, by=staff, reason="The certificate is for another course.")
    progress = candidacy.sets.get(competency_set__code="foundations")
    assert progress.status == SetProgress.Status.IN_PROGRESS

    second = _claim(course, timezone.localdate() - timedelta(days=1), candidacy)

    first.refresh_from_db()
    assert first.status == CourseCompletion.Status.REJECTED
    assert second.status == CourseCompletion.Status.SUBMITTED
    assert candidacy.sets.get(competency_set__code="foundations").status == (
        SetProgress.Status.SUBMITTED
    )


def test_a_second_open_claim_on_the_same_course_is_refused(course):
    candidacy = candidacy_with_progress()
    _claim(course, timezone.localdate(), candidacy)

    with pytest.raises(DomainError, match="already have a claim"):
        _claim(course, timezone.localdate(), candidacy)


# --- Expiry job ---------------------------------------------------------------------------


def test_expire_job_expires_only_due_courses_and_is_idempotent(provider_user, staff):
    provider = provider_user.provider_memberships.get().provider
    today = timezone.localdate()
    due = approved_course(provider, by=provider_user, reviewer=staff, title="Due")
    last_day = approved_course(provider, by=provider_user, reviewer=staff, title="Last day")
    current = approved_course(provider, by=provider_user, reviewer=staff, title="Current")
    _set_approval(
        due, approved_on=add_years(today, -4) - timedelta(1), expires_on=today - timedelta(1)
    )
    _set_approval(last_day, approved_on=add_years(today, -4), expires_on=today)

    first = expire_course_approvals_task()
    second = expire_course_approvals_task()

    assert (first, second) == (1, 0)
    statuses = dict(Course.objects.values_list("title", "status"))
    assert statuses == {"Due": "expired", "Last day": "approved", "Current": "approved"}
    assert CourseStatusChange.objects.filter(course=due, new_status="expired").count() == 1
    assert current.approval_expires_on == add_years(today, 4)
