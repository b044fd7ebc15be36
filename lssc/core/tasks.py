import logging
import smtplib

from celery import shared_task
from django.core.management import call_command

from lssc.core.mail import send_logged_email, unsent_email_ids

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    max_retries=3,
)
def send_email_task(log_id: int) -> bool:
    """Send one logged email (see `lssc.core.mail.send_logged_email`)."""
    return send_logged_email(log_id)


@shared_task
def retry_unsent_email_task() -> int:
    """Send every logged email whose first attempt failed; returns how many were sent."""
    sent = 0
    for log_id in unsent_email_ids():
        try:
            sent += send_logged_email(log_id)
        except Exception:
            logger.exception("Retrying email %s failed", log_id)
    return sent


@shared_task
def clear_expired_sessions_task() -> None:
    """Delete expired login sessions."""
    call_command("clearsessions")
