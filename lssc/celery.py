"""The Celery application and the schedule of periodic jobs.

The beat schedule lives here, in code, and is the one list of periodic jobs:
`manage.py run_periodic_jobs` runs each entry once without a broker. Every job is idempotent,
so running it twice, or overlapping with beat, sends nothing twice.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lssc.settings")

app = Celery("lssc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every night, remove expired login sessions so the session table does not grow forever.
    "clear-expired-sessions": {
        "task": "lssc.core.tasks.clear_expired_sessions_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every night, take courses whose approval period has ended out of the catalogue.
    "expire-course-approvals": {
        "task": "courses.tasks.expire_course_approvals_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every morning, give back offers nobody answered and reviews long past due, so staff can
    # assign those portfolios to someone else.
    "release-stale-assignments": {
        "task": "reviews.tasks.release_stale_assignments_task",
        "schedule": crontab(hour=6, minute=0),
    },
    # Every morning, remind candidates of their deadline (12, 6, 3, 1 months before) and lapse
    # candidacies whose deadline has passed.
    "candidacy-reminders": {
        "task": "candidates.tasks.candidacy_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every morning, remind certificate holders about renewal and expire certificates whose
    # grace period has ended.
    "certificate-reminders": {
        "task": "candidates.tasks.certificate_reminders_task",
        "schedule": crontab(hour=7, minute=10),
    },
    # Every morning, remind evaluators of reviews due soon or overdue, and tell staff of
    # reviews that stay overdue.
    "assignment-reminders": {
        "task": "reviews.tasks.assignment_reminders_task",
        "schedule": crontab(hour=7, minute=20),
    },
    # Every morning, tell providers 120 and 30 days before a course approval ends.
    "course-approval-notices": {
        "task": "courses.tasks.course_approval_notices_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # Every day at noon, nudge applicants whose draft has been idle for two weeks.
    "application-idle-reminders": {
        "task": "candidates.tasks.application_idle_reminders_task",
        "schedule": crontab(hour=12, minute=0),
    },
    # Every ten minutes, send any email whose first attempt failed (SMTP down, worker crash).
    "retry-unsent-email": {
        "task": "lssc.core.tasks.retry_unsent_email_task",
        "schedule": crontab(minute="*/10"),
    },
}
