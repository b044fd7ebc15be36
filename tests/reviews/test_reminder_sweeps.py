"""Evaluator reminders with the clock frozen at noon in the program's time zone: a review
due soon, a review overdue, and the escalation to every program staff member. Each is sent
once, and never for a review already submitted."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from lssc.core.models import EmailLog, Reminder
from lssc.core.reminders import opt_out_set
from lssc.program.models import CompetencySet
from reviews import services
from reviews.models import Assignment
from reviews.reminders import assignment_reminders
from tests.factories import EvaluatorFactory, UserFactory, rate_all, submitted_portfolio

pytestmark = pytest.mark.django_db

OFFERED = date(2026, 9, 1)


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def on(day: date):
    return time_machine.travel(noon(day), tick=False)


def emails(kind: str) -> list[tuple[str, str]]:
    return list(
        EmailLog.objects.filter(kind=kind).order_by("pk").values_list("to_email", "subject")
    )


def assert_links_to(log: EmailLog, path: str) -> None:
    url = f"{settings.SITE_URL}{path}"
    assert url in log.body_text
    assert log.body_html.startswith("<!doctype html>")
    assert f'href="{url}"' in log.body_html


@pytest.fixture
def reminder_settings(settings):
    settings.EVALUATION_DUE_DAYS = 30
    settings.EVALUATION_REMINDER_DAYS = 5
    settings.EVALUATION_ESCALATION_DAYS = 3
    return settings


@pytest.fixture
def staff_members(db):
    return [UserFactory(program_staff=True) for _ in range(2)]


@pytest.fixture
def assignments(reminder_settings, staff_members):
    """Both roles of a Technology round offered on OFFERED (due 30 days later); the first
    evaluator accepted, the second has not answered yet."""
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    for i in range(2):
        EvaluatorFactory(qualified_sets=[technology], employer=f"Library {i}", state="Ohio")
    with on(OFFERED):
        portfolio = submitted_portfolio()
        first, second = services.assignment_auto_assign(
            portfolio.submissions.get(round=1), by=staff_members[0]
        )
        first = services.assignment_accept(first, by=first.evaluator.user)
    assert first.due_on == OFFERED + timedelta(days=30)
    return first, second


def run_twice(day):
    with on(day):
        return assignment_reminders(), assignment_reminders()


def test_due_soon_reminder_goes_to_the_evaluator_who_accepted_five_days_before(assignments):
    accepted, offered = assignments
    due_on = accepted.due_on

    with on(due_on - timedelta(days=6)):
        assert assignment_reminders() == 0
    assert run_twice(due_on - timedelta(days=5)) == (1, 0)

    kind = "reminder:assignment_due:due"
    assert emails(kind) == [
        (accepted.evaluator.user.email, f"Your Technology review is due {due_on:%-d %B}")
    ]
    log = EmailLog.objects.get(kind=kind)
    assert f"{due_on.day} {due_on:%B %Y}, 23:59 US Central" in log.body_text
    assert_links_to(log, reverse("reviews:assignment", args=[accepted.pk]))
    # Nothing for an offer nobody accepted yet.
    assert not EmailLog.objects.filter(
        recipient=offered.evaluator.user, kind__startswith="reminder:"
    )


def test_due_soon_footer_says_how_to_turn_it_off(assignments):
    accepted, _ = assignments
    with on(accepted.due_on - timedelta(days=5)):
        assignment_reminders()
    log = EmailLog.objects.get(kind="reminder:assignment_due:due")
    assert "notifications page" in log.body_text


def test_overdue_reminder_goes_to_the_evaluator_the_day_after_the_due_date(assignments):
    accepted, _ = assignments
    due_on = accepted.due_on
    with on(due_on - timedelta(days=5)):
        assignment_reminders()

    with on(due_on):
        assert assignment_reminders() == 0
    assert run_twice(due_on + timedelta(days=1)) == (1, 0)

    kind = "reminder:assignment_overdue:overdue"
    assert emails(kind) == [(accepted.evaluator.user.email, "Your Technology review is overdue")]
    assert_links_to(
        EmailLog.objects.get(kind=kind), reverse("reviews:assignment", args=[accepted.pk])
    )
    assert list(Reminder.objects.order_by("pk").values_list("stage", flat=True)) == [
        "due",
        "overdue",
    ]


def test_escalation_goes_to_every_program_staff_member_once(assignments, staff_members):
    accepted, _ = assignments
    due_on = accepted.due_on
    with on(due_on + timedelta(days=1)):
        assert assignment_reminders() == 1  # overdue (a missed due-soon is not sent late)

    with on(due_on + timedelta(days=3)):
        assert assignment_reminders() == 0
    assert run_twice(due_on + timedelta(days=4)) == (2, 0)

    kind = "reminder:assignment_escalation:escalation"
    subject = "A Technology review is 4 days overdue"
    assert sorted(emails(kind)) == sorted((person.email, subject) for person in staff_members)
    for log in EmailLog.objects.filter(kind=kind):
        assert accepted.evaluator.user.get_full_name() in log.body_text
        assert_links_to(log, reverse("staff:portfolio_assign", args=[accepted.portfolio_id]))
    # The evaluator is not told twice, and later runs add nothing.
    with on(due_on + timedelta(days=6)):
        assert assignment_reminders() == 0


def test_staff_member_who_joins_later_is_told_of_a_review_still_overdue(assignments, staff_members):
    accepted, _ = assignments
    with on(accepted.due_on + timedelta(days=4)):
        assignment_reminders()
    newcomer = UserFactory(program_staff=True)
    with on(accepted.due_on + timedelta(days=5)):
        assert assignment_reminders() == 1
    assert (
        EmailLog.objects.filter(
            recipient=newcomer, kind="reminder:assignment_escalation:escalation"
        ).count()
        == 1
    )


def test_submitted_review_gets_no_reminders(assignments):
    accepted, _ = assignments
    with on(accepted.due_on - timedelta(days=10)):
        submitted = rate_all(accepted)
    assert submitted.status == Assignment.Status.SUBMITTED

    for offset in (-5, 1, 4):
        with on(accepted.due_on + timedelta(days=offset)):
            assert assignment_reminders() == 0
    assert not Reminder.objects.exists()


def test_evaluator_who_turned_off_due_soon_is_not_emailed_but_still_gets_overdue(assignments):
    accepted, _ = assignments
    user = accepted.evaluator.user
    opt_out_set(user, kinds_off={"assignment_due", "assignment_overdue"})

    with on(accepted.due_on - timedelta(days=5)):
        assignment_reminders()
    with on(accepted.due_on + timedelta(days=1)):
        assignment_reminders()

    assert list(
        Reminder.objects.filter(recipient=user)
        .order_by("pk")
        .values_list("kind", "suppressed", "email__kind")
    ) == [
        ("assignment_due", True, None),
        ("assignment_overdue", False, "reminder:assignment_overdue:overdue"),
    ]
    assert list(
        EmailLog.objects.filter(recipient=user, kind__startswith="reminder:").values_list(
            "kind", flat=True
        )
    ) == ["reminder:assignment_overdue:overdue"]
