"""Evaluator reminders: a review due soon, a review overdue, and an escalation to program
staff when it stays overdue. Each is claimed once per assignment, due date and recipient
through lssc.core.reminders.send_reminder."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from lssc.accounts.models import User
from lssc.accounts.roles import PROGRAM_STAFF_GROUP
from lssc.core.reminders import emailed, not_reminded, register_kind, send_reminder
from lssc.core.templatetags.lssc import deadline
from reviews.models import Assignment

ASSIGNMENT_DUE = register_kind(
    "assignment_due",
    "Review due soon",
    "A few days before a portfolio review you accepted is due.",
    optional=True,
)
ASSIGNMENT_OVERDUE = register_kind(
    "assignment_overdue", "Review overdue", "The day after a review you accepted was due."
)
ASSIGNMENT_ESCALATION = register_kind(
    "assignment_escalation",
    "Overdue review (staff)",
    "Program staff: a review still overdue some days after its due date.",
)
REASON = "You received this reminder because you volunteer as an LSSC portfolio evaluator."


def _accepted():
    return Assignment.objects.filter(status=Assignment.Status.ACCEPTED).select_related(
        "evaluator__user", "portfolio__competency_set"
    )


def assignment_reminders(today=None) -> int:
    """Due-soon and overdue reminders to evaluators, and escalations to program staff.
    Returns how many were sent."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.EVALUATION_REMINDER_DAYS)
    escalate_before = today - timedelta(days=settings.EVALUATION_ESCALATION_DAYS)
    sent = 0
    batches = [
        ("due", ASSIGNMENT_DUE, _accepted().filter(due_on__gte=today, due_on__lte=soon)),
        ("overdue", ASSIGNMENT_OVERDUE, _accepted().filter(due_on__lt=today)),
    ]
    for stage, kind, rows in batches:
        due = not_reminded(
            rows,
            kind=kind.code,
            stage=stage,
            anchor_field="due_on",
            recipient_field="evaluator__user_id",
        )
        for assignment in due.order_by("pk").iterator(chunk_size=200):
            set_name = assignment.portfolio.competency_set.name
            if stage == "due":
                subject = f"Your {set_name} review is due {assignment.due_on:%-d %B}"
                first = f"Your review is due {deadline(assignment.due_on)}."
            else:
                subject = f"Your {set_name} review is overdue"
                first = (
                    f"Your review was due {deadline(assignment.due_on)}. Please submit it, or "
                    "tell the program office if you cannot finish it."
                )
            if emailed(
                send_reminder(
                    recipient=assignment.evaluator.user,
                    kind=kind.code,
                    subject_id=assignment.pk,
                    anchor=assignment.due_on,
                    stage=stage,
                    subject=subject,
                    lines=[first],
                    action_url=reverse("reviews:assignment", args=[assignment.pk]),
                    action_label="Open the review",
                    reason=REASON,
                )
            ):
                sent += 1
    staff = list(User.objects.filter(groups__name=PROGRAM_STAFF_GROUP, is_active=True))
    for assignment in _accepted().filter(due_on__lt=escalate_before).order_by("pk"):
        for person in staff:
            if emailed(
                send_reminder(
                    recipient=person,
                    kind=ASSIGNMENT_ESCALATION.code,
                    subject_id=assignment.pk,
                    anchor=assignment.due_on,
                    stage="escalation",
                    subject=(
                        f"A {assignment.portfolio.competency_set.name} review is "
                        f"{(today - assignment.due_on).days} days overdue"
                    ),
                    lines=[
                        f"{assignment.evaluator.user.get_full_name() or assignment.evaluator.user.email}"
                        f" has not submitted a review that was due {deadline(assignment.due_on)}.",
                        "Contact the evaluator, or withdraw the assignment so the portfolio can go "
                        "to someone else.",
                    ],
                    action_url=reverse("staff:portfolio_assign", args=[assignment.portfolio_id]),
                    action_label="Open the portfolio's assignments",
                    reason="You received this email because you are LSSC program staff.",
                )
            ):
                sent += 1
    return sent
