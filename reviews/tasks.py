from celery import shared_task

from reviews.services import assignments_release_stale


@shared_task
def release_stale_assignments_task() -> int:
    """Return unanswered offers and long-overdue reviews to the pool; returns how many.
    Idempotent: each assignment is claimed under a row lock and withdrawn once."""
    return assignments_release_stale()


@shared_task
def assignment_reminders_task() -> int:
    """Remind evaluators of reviews due soon and overdue; tell staff of long-overdue ones.
    Idempotent."""
    from reviews.reminders import assignment_reminders

    return assignment_reminders()
