"""Course-approval expiry notices with the clock frozen at noon in the program's time zone:
120 and 30 days before the approval ends, to each member of the provider, once; none once a
renewal is requested."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from courses import services
from courses.reminders import STAGES, course_approval_notices
from lssc.core.models import EmailLog, NotificationOptOut, Reminder
from tests.factories import ProviderFactory, ProviderMembershipFactory, approved_course

pytestmark = pytest.mark.django_db

APPROVED = date(2026, 2, 10)


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def on(day: date):
    return time_machine.travel(noon(day), tick=False)


@pytest.fixture
def members(db):
    provider = ProviderFactory(name="Prairie Library Cooperative")
    return [ProviderMembershipFactory(provider=provider).user for _ in range(2)]


@pytest.fixture
def course(members):
    with on(APPROVED):
        course = approved_course(members[0].provider_memberships.get().provider, by=members[0])
    assert course.approval_expires_on == date(2030, 2, 10)
    return course


@pytest.mark.parametrize(("days", "stage"), STAGES)
def test_course_approval_notice_goes_to_each_member_once_on_its_first_day(
    course, members, days, stage
):
    ends = course.approval_expires_on
    first_day = ends - timedelta(days=days)

    with on(first_day - timedelta(days=1)):
        before = course_approval_notices()
    with on(first_day):
        first = course_approval_notices()
        second = course_approval_notices()

    assert before == (2 if stage == "30d" else 0)  # the 120-day notice, to both members
    assert (first, second) == (2, 0)
    kind = f"reminder:course_approval_expiry:{stage}"
    logs = list(EmailLog.objects.filter(kind=kind).order_by("pk"))
    assert [(log.recipient, log.subject) for log in logs] == [
        (member, f"Approval of “Foundations” ends in {days} days") for member in members
    ]
    url = f"{settings.SITE_URL}{reverse('courses:course_detail', args=[course.pk])}"
    for log in logs:
        assert url in log.body_text
        assert f'href="{url}"' in log.body_html
        assert "10 February 2030" in log.body_text
        assert "member of Prairie Library Cooperative" in log.body_text
    assert set(
        Reminder.objects.filter(stage=stage).values_list("recipient", "subject_id", "anchor")
    ) == {(member.pk, course.pk, ends) for member in members}


def test_member_who_joins_later_still_gets_the_notice_and_nobody_gets_it_twice(course, members):
    with on(course.approval_expires_on - timedelta(days=120)):
        assert course_approval_notices() == 2
        newcomer = ProviderMembershipFactory(provider=course.provider).user
        assert course_approval_notices() == 1
        assert course_approval_notices() == 0
    assert EmailLog.objects.filter(recipient=newcomer, kind__startswith="reminder:").count() == 1


def test_no_notice_once_a_renewal_is_requested(course, members):
    with on(course.approval_expires_on - timedelta(days=150)):
        services.course_request_renewal(course, by=members[0])
    for days, _stage in STAGES:
        with on(course.approval_expires_on - timedelta(days=days)):
            assert course_approval_notices() == 0
    assert not Reminder.objects.exists()
    assert not EmailLog.objects.filter(kind__startswith="reminder:").exists()


def test_course_approval_notice_cannot_be_turned_off(course, members):
    # A stray opt-out row (the settings page never offers this kind) changes nothing.
    NotificationOptOut.objects.create(user=members[0], kind="course_approval_expiry")
    with on(course.approval_expires_on - timedelta(days=30)):
        assert course_approval_notices() == 2
    assert not Reminder.objects.filter(suppressed=True).exists()
    assert EmailLog.objects.filter(recipient=members[0], kind__startswith="reminder:").count() == 1
