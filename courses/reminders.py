"""Course-approval expiry notices to the provider's members, 120 and 30 days ahead.

Courses in a notice window are few, so each member's notice is claimed one by one through
lssc.core.reminders.send_reminder (a member added later still gets the notice; nobody gets
it twice)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from lssc.core.reminders import emailed, register_kind, send_reminder

COURSE_APPROVAL_EXPIRY = register_kind(
    "course_approval_expiry",
    "Course approval ending",
    "120 and 30 days before a course's approval ends (provider members).",
)
# (days before the approval ends, stage name), furthest first.
STAGES = [(120, "120d"), (30, "30d")]


def course_approval_notices(today=None) -> int:
    """Tell provider members that a course's approval ends soon. Courses with a renewal
    waiting for review are skipped. Returns how many notices were sent."""
    today = today or timezone.localdate()
    sent = 0
    for index, (days, stage) in enumerate(STAGES):
        upper = today + timedelta(days=days)
        lower = today + timedelta(days=STAGES[index + 1][0]) if index + 1 < len(STAGES) else today
        courses = (
            Course.objects.filter(
                status=Course.Status.APPROVED,
                approval_expires_on__gt=lower,
                approval_expires_on__lte=upper,
                renewal_requested_at__isnull=True,
            )
            .select_related("provider")
            .prefetch_related("provider__memberships__user")
            .order_by("pk")
        )
        for course in courses:
            for membership in course.provider.memberships.all():
                if emailed(
                    send_reminder(
                        recipient=membership.user,
                        kind=COURSE_APPROVAL_EXPIRY.code,
                        subject_id=course.pk,
                        anchor=course.approval_expires_on,
                        stage=stage,
                        subject=f"Approval of “{course.title}” ends in {days} days",
                        lines=[
                            f"The approval of {course.title} ends on "
                            f"{course.approval_expires_on:%-d %B %Y}. After that it leaves the "
                            "catalogue and new completions no longer count.",
                            "Ask for a renewal from the course page to keep it approved.",
                        ],
                        action_url=reverse("courses:course_detail", args=[course.pk]),
                        action_label="Open the course",
                        reason=(
                            "You received this notice because you are a member of "
                            f"{course.provider.name} on the LSSC website."
                        ),
                    )
                ):
                    sent += 1
    return sent
