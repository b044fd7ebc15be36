"""Sending email: every message has a plain-text and an HTML part and is logged first.

A message is rendered and stored in `EmailLog` inside the caller's transaction; it is sent
after commit by a task, so a rolled-back action never sends mail, and a failed send is retried
by the periodic job without ever sending twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lssc.core.models import EmailLog

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 120
MAX_ATTEMPTS = 5


def queue_email(*, to_email: str, template: str, context: dict, recipient=None) -> EmailLog:
    """Render `emails/<template>_subject.txt`, `.txt` and `.html`, log the message and send it
    after the current transaction commits. Returns the log row."""
    ctx = {
        "site_url": settings.SITE_URL,
        "contact_email": settings.PROGRAM_CONTACT_EMAIL,
        "recipient": recipient,
        **context,
    }
    return queue_rendered_email(
        to_email=to_email,
        kind=template,
        subject=render_to_string(f"emails/{template}_subject.txt", ctx),
        body_text=render_to_string(f"emails/{template}.txt", ctx),
        body_html=render_to_string(f"emails/{template}.html", ctx),
        recipient=recipient,
    )


def queue_rendered_email(
    *, to_email: str, kind: str, subject: str, body_text: str, body_html: str, recipient=None
) -> EmailLog:
    """Log an already rendered message and send it after the current transaction commits."""
    log = EmailLog.objects.create(
        recipient=recipient,
        to_email=to_email,
        kind=kind,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
    )
    transaction.on_commit(lambda: _dispatch(log.pk))
    return log


def _dispatch(log_id: int) -> None:
    """Hand one message to the task queue. The action that queued it has already committed,
    so a failure here (broker down; SMTP down when tasks run in-process) must not reach the
    user: the message stays unsent in the log and the periodic retry job sends it later."""
    from lssc.core.tasks import send_email_task

    try:
        send_email_task.delay(log_id)
    except Exception:  # logged; the retry job is the safety net
        logger.warning("Email %s not sent yet; the retry job will send it.", log_id, exc_info=True)


def send_logged_email(log_id: int) -> bool:
    """Send one logged message unless it was already sent or another sender holds it.

    Claims the row with a conditional update first, so two workers never both send it.
    Returns True when this call sent the message; records the error and re-raises on failure.
    """
    now = timezone.now()
    claimed = (
        EmailLog.objects.filter(pk=log_id, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .exclude(claimed_until__gt=now)
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    if not claimed:
        return False
    log = EmailLog.objects.get(pk=log_id)
    message = EmailMultiAlternatives(
        subject=log.subject,
        body=log.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[log.to_email],
    )
    if log.body_html:
        message.attach_alternative(log.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        EmailLog.objects.filter(pk=log_id).update(
            attempts=log.attempts + 1, last_error=str(exc)[:2000], claimed_until=None
        )
        logger.warning("Sending email %s failed: %s", log_id, exc)
        raise
    EmailLog.objects.filter(pk=log_id).update(
        sent_at=timezone.now(), attempts=log.attempts + 1, last_error=""
    )
    return True


def unsent_email_ids(older_than_seconds: int = 60) -> list[int]:
    """Messages that should have gone out by now and have attempts left."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        EmailLog.objects.filter(
            sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )


def notify(
    user,
    *,
    subject: str,
    lines: list[str],
    action_url: str = "",
    action_label: str = "",
    reason: str = "",
    kind: str = "notice",
    to_email: str = "",
) -> EmailLog:
    """Queue a short notice to a person: a heading (the subject), a few paragraphs and one
    link to the page where they act. `action_url` is a path on this site. `kind` names the
    notice in the email log."""
    link = f"{settings.SITE_URL}{action_url}" if action_url.startswith("/") else action_url
    ctx = {
        "site_url": settings.SITE_URL,
        "contact_email": settings.PROGRAM_CONTACT_EMAIL,
        "recipient": user,
        "subject": subject,
        "lines": lines,
        "action_url": link,
        "action_label": action_label,
        "reason": reason or "You received this email about your account on the LSSC website.",
    }
    return queue_rendered_email(
        to_email=to_email or user.email,
        kind=kind,
        subject=subject,
        body_text=render_to_string("emails/notice.txt", ctx),
        body_html=render_to_string("emails/notice.html", ctx),
        recipient=user,
    )
