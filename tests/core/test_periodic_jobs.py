"""`manage.py run_periodic_jobs` runs every entry of the beat schedule once, without a broker."""

from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from lssc.celery import app
from lssc.core.mail import queue_rendered_email
from lssc.core.models import EmailLog

pytestmark = pytest.mark.django_db


def test_every_scheduled_job_runs_and_is_reported(mailoutbox):
    out = StringIO()
    call_command("run_periodic_jobs", stdout=out)
    reported = [line.split(":")[0] for line in out.getvalue().splitlines()]
    assert reported == list(app.conf.beat_schedule)


def test_jobs_have_their_effect_and_running_twice_sends_nothing_twice(mailoutbox):
    Session.objects.create(
        session_key="expired",
        session_data="",
        expire_date=timezone.now() - timezone.timedelta(days=1),
    )
    log = EmailLog.objects.create(
        to_email="someone@example.org", kind="test", subject="Hello", body_text="Hi"
    )
    EmailLog.objects.filter(pk=log.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )

    call_command("run_periodic_jobs", stdout=StringIO())
    call_command("run_periodic_jobs", stdout=StringIO())

    assert not Session.objects.filter(session_key="expired").exists()
    assert [m.to for m in mailoutbox] == [["someone@example.org"]]
    log.refresh_from_db()
    assert log.sent_at is not None


def test_unknown_job_name_is_refused_with_the_known_names():
    with pytest.raises(CommandError, match="Unknown job"):
        call_command("run_periodic_jobs", "--only", "no-such-job")


def test_queued_email_is_sent_once_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_rendered_email(
            to_email="a@example.org", kind="t", subject="S", body_text="T", body_html="<p>H</p>"
        )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].alternatives[0][1] == "text/html"
