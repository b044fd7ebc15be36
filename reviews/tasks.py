from celery import shared_task

from reviews.services import assignments_release_stale


@shared_task
def release_stale_assignments_task() -> int:
    """Return unanswered offers and long-overdue reviews to the pool; returns how many.
    Idempotent: each assignment is claimed under a row lock and withdrawn once."""
    return assignments_release_stale()
