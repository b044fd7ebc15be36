from celery import shared_task

from candidates import reminders


@shared_task
def candidacy_reminders_task() -> dict:
    """Deadline reminders (12, 6, 3, 1 months) and lapse of candidacies past their deadline.
    Idempotent: every reminder and lapse is claimed once."""
    return {
        "reminded": reminders.candidacy_deadline_reminders(),
        "lapsed": reminders.candidacy_lapse_sweep(),
    }


@shared_task
def certificate_reminders_task() -> dict:
    """Renewal reminders (window open, 3 and 1 months, at expiry) and expiry after the
    grace period. Idempotent."""
    return {
        "reminded": reminders.certificate_renewal_reminders(),
        "expired": reminders.certificate_expiry_sweep(),
    }


@shared_task
def application_idle_reminders_task() -> int:
    """Nudge applicants whose draft has been idle for two weeks. Idempotent."""
    return reminders.application_idle_reminders()
