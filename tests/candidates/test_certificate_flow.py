"""The certificate from issue to renewal, and the reminder sweeps, through the services."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from candidates import certificate_services as services
from candidates import reminders
from candidates.models import Candidacy, Certificate, ContinuingEducation
from lssc.core.models import Reminder
from tests.factories import UserFactory, issued_certificate

pytestmark = pytest.mark.django_db


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def test_issue_then_renew_replaces_the_certificate():
    staff = UserFactory(program_staff=True)
    with time_machine.travel(noon(date(2026, 3, 1)), tick=False):
        certificate = issued_certificate(by=staff)
    assert certificate.expires_on == date(2031, 3, 1)
    certificate.candidacy.refresh_from_db()
    assert certificate.candidacy.status == Candidacy.Status.CERTIFIED
    with time_machine.travel(noon(date(2030, 6, 1)), tick=False):
        renewal = services.renewal_start(certificate, by=certificate.candidacy.user)
        for kind, amount, tech in [("semester", 2, False), ("workshop", 4, True)]:
            services.ce_add(
                renewal,
                fields={
                    "activity": "Course",
                    "provider": "College",
                    "completed_on": date(2030, 1, 1),
                    "kind": kind,
                    "amount": Decimal(amount),
                    "technology": tech,
                },
                by=certificate.candidacy.user,
            )
        services.renewal_submit(renewal, by=certificate.candidacy.user)
        new = services.renewal_approve(renewal, by=staff)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REPLACED
    assert new.supersedes == certificate
    assert new.expires_on == date(2036, 3, 1)
    assert ContinuingEducation.objects.count() == 2


def test_renewal_reminders_are_sent_once_per_stage():
    with time_machine.travel(noon(date(2026, 3, 1)), tick=False):
        certificate = issued_certificate()
    for day, stage in [
        (date(2030, 3, 2), "window"),
        (date(2030, 12, 5), "3m"),
        (date(2031, 2, 10), "1m"),
        (date(2031, 3, 1) + timedelta(days=3), "expiry"),
    ]:
        with time_machine.travel(noon(day), tick=False):
            assert reminders.certificate_renewal_reminders() == 1
            assert reminders.certificate_renewal_reminders() == 0
        assert Reminder.objects.filter(stage=stage).count() == 1
    with time_machine.travel(noon(date(2031, 5, 2)), tick=False):
        assert reminders.certificate_expiry_sweep() == 1
        assert reminders.certificate_expiry_sweep() == 0
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED
