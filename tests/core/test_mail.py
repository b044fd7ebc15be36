"""Logged email: sent once after commit, with a text and an HTML part; a failed send is
recorded and retried by the periodic job."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from lssc.core.mail import queue_rendered_email, send_logged_email
from lssc.core.models import EmailLog
from lssc.core.tasks import retry_unsent_email_task

pytestmark = pytest.mark.django_db


class UnreachableSMTPBackend(BaseEmailBackend):
    """Stands in for an SMTP server that drops the connection: the process boundary."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusesOneAddressBackend(locmem.EmailBackend):
    """An SMTP server that refuses one recipient and accepts everything else."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if "no-such-user@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused(
                    {"no-such-user@example.org": (550, b"No such user")}
                )
        return super().send_messages(email_messages)


# Dotted paths for settings.EMAIL_BACKEND (__name__ is whatever pytest imported us as).
UNREACHABLE_SMTP = f"{__name__}.UnreachableSMTPBackend"
REFUSES_ONE_ADDRESS = f"{__name__}.RefusesOneAddressBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def queue_notice(**overrides):
    fields = {
        "to_email": "candidate@example.org",
        "kind": "test_notice",
        "subject": "Your portfolio\n   was received",
        "body_text": "We received your portfolio.",
        "body_html": "<p>We received your portfolio.</p>",
    }
    return queue_rendered_email(**{**fields, **overrides})


def age(log, seconds):
    """Make a logged message look `seconds` old, as the retry job only takes older ones."""
    EmailLog.objects.filter(pk=log.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_queued_email_is_sent_after_commit_with_a_text_and_an_html_part(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log = queue_notice()
        assert mailoutbox == []  # nothing leaves before the transaction commits

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["candidate@example.org"]
    assert message.subject == "Your portfolio was received"
    assert message.body == "We received your portfolio."
    assert [tuple(part) for part in message.alternatives] == [
        ("<p>We received your portfolio.</p>", "text/html")
    ]
    log.refresh_from_db()
    assert (log.attempts, log.last_error) == (1, "")
    assert log.sent_at is not None


def test_queued_email_is_not_sent_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        queue_notice()
    # The test transaction is rolled back at the end and the callbacks are never run.
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_sending_a_logged_email_twice_sends_it_once(mailoutbox):
    log = queue_notice()

    assert send_logged_email(log.pk) is True
    assert send_logged_email(log.pk) is False

    assert [m.to for m in mailoutbox] == [["candidate@example.org"]]
    log.refresh_from_db()
    assert log.attempts == 1


def test_an_email_claimed_by_another_sender_is_left_to_it(mailoutbox):
    log = queue_notice()
    EmailLog.objects.filter(pk=log.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))

    assert send_logged_email(log.pk) is False
    assert mailoutbox == []


def test_failed_send_records_the_error_and_the_retry_job_sends_it_later(settings, mailoutbox):
    log = queue_notice()
    settings.EMAIL_BACKEND = UNREACHABLE_SMTP

    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_logged_email(log.pk)

    log.refresh_from_db()
    assert (log.attempts, log.last_error, log.sent_at, log.claimed_until) == (
        1,
        "Connection unexpectedly closed",
        None,
        None,
    )

    # The mail server is back; the periodic job picks up messages older than a minute.
    settings.EMAIL_BACKEND = LOCMEM
    age(log, seconds=120)
    assert retry_unsent_email_task() == 1
    assert retry_unsent_email_task() == 0

    assert [m.subject for m in mailoutbox] == ["Your portfolio was received"]
    log.refresh_from_db()
    assert (log.attempts, log.last_error) == (2, "")
    assert log.sent_at is not None


def test_retry_job_leaves_recent_messages_to_their_own_task(mailoutbox):
    queue_notice()

    assert retry_unsent_email_task() == 0
    assert mailoutbox == []


def test_retry_job_gives_up_after_five_attempts(mailoutbox):
    log = queue_notice()
    EmailLog.objects.filter(pk=log.pk).update(attempts=5, last_error="Mailbox unavailable")
    age(log, seconds=3600)

    assert retry_unsent_email_task() == 0
    assert mailoutbox == []


def test_one_refused_address_does_not_stop_the_retry_job_sending_the_others(settings, mailoutbox):
    refused = queue_notice(to_email="no-such-user@example.org")
    accepted = queue_notice(to_email="evaluator@example.org")
    age(refused, seconds=300)
    age(accepted, seconds=120)
    settings.EMAIL_BACKEND = REFUSES_ONE_ADDRESS

    assert retry_unsent_email_task() == 1

    assert [m.to for m in mailoutbox] == [["evaluator@example.org"]]
    refused.refresh_from_db()
    assert (refused.attempts, refused.sent_at) == (1, None)
    assert "No such user" in refused.last_error


def test_smtp_down_does_not_break_the_action_that_sent_the_email(
    client, settings, django_capture_on_commit_callbacks
):
    """With tasks run in-process, an SMTP failure after commit must not reach the user: the
    sign-up succeeds and its email waits in the log for the retry job."""
    settings.EMAIL_BACKEND = UNREACHABLE_SMTP
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "a-long-pass-2026",
                "password2": "a-long-pass-2026",
            },
        )
    assert response.status_code == 302
    log = EmailLog.objects.get(to_email="new@example.org")
    assert log.sent_at is None
    assert log.attempts == 1
    assert log.last_error
