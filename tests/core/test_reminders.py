"""Reminders: the claim in lssc.core.reminders (sent once, opt-outs), every periodic job run
twice through `manage.py run_periodic_jobs`, and the notification settings page."""

from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lssc.accounts.models import User
from lssc.accounts.notification_views import REMINDERS_PER_PAGE, stage_words
from lssc.accounts.roles import PROGRAM_STAFF_GROUP
from lssc.core.dates import add_months
from lssc.core.mail import notify
from lssc.core.models import EmailLog, NotificationOptOut, Reminder
from lssc.core.reminders import KINDS, opt_out_set, optional_kinds, send_reminder
from lssc.program.models import CompetencySet
from reviews import services as review_services
from tests.factories import (
    ApplicationFactory,
    EvaluatorFactory,
    UserFactory,
    approved_course,
    candidacy_with_progress,
    issued_certificate,
    submitted_portfolio,
)

pytestmark = pytest.mark.django_db

URL = "/account/notifications/"
OPTIONAL = {"candidacy_deadline", "certificate_renewal", "application_idle", "assignment_due"}
REQUIRED = {
    "candidacy_lapsed",
    "certificate_expired",
    "assignment_overdue",
    "assignment_escalation",
    "course_approval_expiry",
}


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def on(day: date):
    return time_machine.travel(noon(day), tick=False)


def remind(user, kind="candidacy_deadline", *, stage="12m", subject_id=1, anchor=date(2028, 3, 15)):
    return send_reminder(
        recipient=user,
        kind=kind,
        subject_id=subject_id,
        anchor=anchor,
        stage=stage,
        subject=f"Reminder {kind} {stage} {subject_id}",
        lines=["Something is coming up."],
        action_url="/dashboard/",
        action_label="Open your dashboard",
    )


# --- The claim ----------------------------------------------------------------------------


def test_kinds_registered_by_the_apps_say_which_can_be_turned_off():
    assert {k.code for k in optional_kinds()} == OPTIONAL
    assert {code for code, kind in KINDS.items() if not kind.optional} == REQUIRED
    assert all(kind.label and kind.description for kind in KINDS.values())


def test_send_reminder_emails_once_and_a_repeat_sends_nothing(outsider):
    first = remind(outsider)
    again = remind(outsider)

    assert again is None
    assert list(Reminder.objects.values_list("pk", flat=True)) == [first.pk]
    log = EmailLog.objects.get()
    assert first.email == log
    assert (log.recipient, log.to_email, log.kind, log.subject) == (
        outsider,
        outsider.email,
        "reminder:candidacy_deadline:12m",
        "Reminder candidacy_deadline 12m 1",
    )
    assert f"{settings.SITE_URL}/dashboard/" in log.body_text
    assert f'href="{settings.SITE_URL}/dashboard/"' in log.body_html


def test_send_reminder_counts_each_anchor_stage_and_recipient_separately(outsider, staff):
    remind(outsider)
    remind(outsider, anchor=date(2028, 4, 15))  # the deadline moved
    remind(outsider, stage="6m")
    remind(staff)
    remind(outsider, subject_id=2)
    assert Reminder.objects.count() == EmailLog.objects.count() == 5


def test_send_reminder_refuses_an_unregistered_kind(outsider):
    with pytest.raises(ValueError, match="Unregistered reminder kind"):
        remind(outsider, kind="no_such_kind")
    assert not Reminder.objects.exists()


def test_opted_out_optional_kind_is_recorded_as_suppressed_without_email(outsider):
    opt_out_set(outsider, kinds_off={"candidacy_deadline"})

    reminder = remind(outsider)

    assert (reminder.suppressed, reminder.email) == (True, None)
    assert remind(outsider) is None
    assert not EmailLog.objects.exists()


def test_required_kind_is_sent_even_with_an_opt_out_row(outsider):
    NotificationOptOut.objects.create(user=outsider, kind="candidacy_lapsed")

    reminder = remind(outsider, kind="candidacy_lapsed", stage="lapsed")

    assert (reminder.suppressed, reminder.email.to_email) == (False, outsider.email)


def test_opt_out_set_keeps_exactly_the_optional_kinds_given(outsider):
    opt_out_set(outsider, kinds_off={"candidacy_deadline", "application_idle"})
    opt_out_set(outsider, kinds_off={"application_idle", "assignment_due", "candidacy_lapsed", "x"})

    assert set(outsider.notification_opt_outs.values_list("kind", flat=True)) == {
        "application_idle",
        "assignment_due",
    }


# --- Every periodic job, twice ------------------------------------------------------------

DAY = date(2031, 2, 1)


@pytest.fixture
def everything_due_on_day():
    """On DAY, one thing due for each sweep: a deadline a month away, a deadline passed, a
    certificate a month from expiry, one past its grace period, an idle draft, a review four
    days overdue (so escalated), and a course approval ending in 30 days."""
    with on(date(2026, 3, 1)):
        issued_certificate()  # expires 1 March 2031
    with on(date(2025, 11, 1)):
        issued_certificate()  # expired 1 November 2030, grace ended 1 January 2031
    with on(date(2027, 3, 3)):
        course = approved_course()  # approval ends 3 March 2031
    with on(DAY - timedelta(days=34)):
        technology = CompetencySet.objects.filter(code="technology").latest("pk")
        EvaluatorFactory(qualified_sets=[technology], employer="Library 1", state="Ohio")
        EvaluatorFactory(qualified_sets=[technology], employer="Library 2", state="Ohio")
        staff = UserFactory(program_staff=True)
        portfolio = submitted_portfolio()
        first, _ = review_services.assignment_auto_assign(
            portfolio.submissions.get(round=1), by=staff
        )
        review_services.assignment_accept(first, by=first.evaluator.user)
    with on(DAY - timedelta(days=14)):
        ApplicationFactory()
        candidacy_with_progress(deadline=add_months(DAY, 1))
        candidacy_with_progress(deadline=DAY - timedelta(days=1))
    assert course.approval_expires_on == DAY + timedelta(days=30)
    return course


def test_run_periodic_jobs_twice_sends_every_due_reminder_once(
    everything_due_on_day, mailoutbox, django_capture_on_commit_callbacks
):
    staff_count = User.objects.filter(groups__name=PROGRAM_STAFF_GROUP).count()
    with on(DAY):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_periodic_jobs", stdout=StringIO())
        logs_after_first = EmailLog.objects.count()
        sent_after_first = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_periodic_jobs", stdout=StringIO())

    reminder_logs = EmailLog.objects.filter(kind__startswith="reminder:")
    assert Counter(reminder_logs.values_list("kind", flat=True)) == {
        "reminder:candidacy_deadline:1m": 1,
        "reminder:candidacy_lapsed:lapsed": 1,
        "reminder:certificate_renewal:1m": 1,
        "reminder:certificate_expired:expired": 1,
        "reminder:application_idle:idle": 1,
        "reminder:assignment_overdue:overdue": 1,
        "reminder:assignment_escalation:escalation": staff_count,
        "reminder:course_approval_expiry:30d": 1,
    }
    assert Reminder.objects.count() == reminder_logs.count()
    # The second run logged and sent nothing; every reminder went out exactly once.
    assert EmailLog.objects.count() == logs_after_first
    assert len(mailoutbox) == sent_after_first
    assert not reminder_logs.filter(sent_at__isnull=True).exists()
    delivered = Counter((m.to[0], m.subject) for m in mailoutbox)
    for log in reminder_logs:
        assert delivered[(log.to_email, log.subject)] == 1


def test_every_reminder_footer_links_to_the_notification_settings(everything_due_on_day):
    with on(DAY):
        call_command("run_periodic_jobs", stdout=StringIO())
    settings_url = f"{settings.SITE_URL}{reverse('notifications:settings')}"
    missing = [
        log.kind
        for log in EmailLog.objects.filter(kind__startswith="reminder:")
        if settings_url not in log.body_text or settings_url not in log.body_html
    ]
    assert missing == []


# --- The notification settings page -------------------------------------------------------


def reminder_for(user, kind="candidacy_deadline", *, stage="12m", subject_id=1, suppressed=False):
    """A Reminder row as a sweep leaves it (with its email unless suppressed)."""
    email = None
    if not suppressed:
        email = notify(user, subject=f"Email {kind} {stage} {subject_id}", lines=["Hi."])
    return Reminder.objects.create(
        recipient=user,
        kind=kind,
        subject_id=subject_id,
        anchor=date(2028, 3, 15),
        stage=stage,
        email=email,
        suppressed=suppressed,
    )


def test_notifications_page_needs_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


def test_notifications_page_refuses_other_methods(client, outsider):
    client.force_login(outsider)
    assert client.put(URL).status_code == 405


def test_notifications_page_lists_only_the_users_own_reminders_newest_first(
    client, candidate, other_candidate
):
    with on(date(2027, 3, 15)):
        reminder_for(candidate, stage="12m")
    with on(date(2027, 9, 15)):
        reminder_for(candidate, stage="6m", suppressed=True)
    with on(date(2027, 10, 1)):
        reminder_for(candidate, "assignment_overdue", stage="overdue", subject_id=7)
        reminder_for(other_candidate, stage="3m", subject_id=99)
    client.force_login(candidate)

    response = client.get(URL)

    assert response.status_code == 200
    rows = [
        (r.reminder.created_at.date(), r.about, r.stage, r.subject, r.reminder.suppressed)
        for r in response.context["rows"]
    ]
    assert rows == [
        (
            date(2027, 10, 1),
            "Review overdue",
            "Overdue",
            "Email assignment_overdue overdue 7",
            False,
        ),
        (date(2027, 9, 15), "Candidacy deadline", "6 months before", "", True),
        (
            date(2027, 3, 15),
            "Candidacy deadline",
            "12 months before",
            "Email candidacy_deadline 12m 1",
            False,
        ),
    ]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "15 March 2027" in html and "1 October 2027" in html
    assert "Not emailed: you had turned these off" in html
    assert "Email candidacy_deadline 3m 99" not in html
    assert f'href="{URL}"' in html  # the account menu links here


def test_notifications_page_empty_state_says_what_the_list_is_for(client, outsider):
    client.force_login(outsider)
    html = client.get(URL).content.decode()
    assert "No reminders yet" in html


def test_notifications_page_paginates_the_reminders(client, outsider):
    for n in range(REMINDERS_PER_PAGE + 1):
        reminder_for(outsider, subject_id=n, suppressed=True)
    client.force_login(outsider)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["rows"]) == REMINDERS_PER_PAGE
    assert [r.reminder.subject_id for r in second.context["rows"]] == [0]
    assert "Page 1 of 2" in first.content.decode()


def test_notifications_page_offers_only_the_optional_kinds_with_their_descriptions(
    client, outsider
):
    client.force_login(outsider)
    response = client.get(URL)

    form = response.context["form"]
    assert {code for code, _label in form.fields["kinds_on"].choices} == OPTIONAL
    assert all(option.checked for option in form.options)
    html = response.content.decode()
    for code in OPTIONAL:
        kind = KINDS[code]
        assert f'value="{code}" id="id_kinds_on_{code}"' in html
        assert (
            f'<label class="form-check-label" for="id_kinds_on_{code}">{kind.label}</label>' in html
        )
        assert kind.description in html
    for code in REQUIRED:
        assert f'value="{code}"' not in html
        assert KINDS[code].label in html  # listed among the notices that cannot be turned off
    assert "cannot be turned off" in html


def test_saving_the_settings_turns_off_the_unticked_kinds_and_the_next_reminder_is_suppressed(
    client, outsider
):
    client.force_login(outsider)

    response = client.post(URL, {"kinds_on": ["certificate_renewal", "assignment_due"]})

    assert response.status_code == 302
    assert response.url == URL
    assert set(outsider.notification_opt_outs.values_list("kind", flat=True)) == {
        "candidacy_deadline",
        "application_idle",
    }
    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]] == [
        "Your notification settings are saved. Turned off: Candidacy deadline, "
        "Unfinished application."
    ]
    ticks = {o.value: o.checked for o in page.context["form"].options}
    assert ticks == {
        "candidacy_deadline": False,
        "certificate_renewal": True,
        "application_idle": False,
        "assignment_due": True,
    }
    assert remind(outsider).suppressed is True
    assert remind(outsider, kind="certificate_renewal").email is not None
    assert not EmailLog.objects.filter(kind__startswith="reminder:candidacy_deadline").exists()


def test_ticking_everything_again_turns_every_reminder_back_on(client, outsider):
    opt_out_set(outsider, kinds_off=OPTIONAL)
    client.force_login(outsider)

    response = client.post(URL, {"kinds_on": sorted(OPTIONAL)}, follow=True)

    assert not outsider.notification_opt_outs.exists()
    assert [str(m) for m in response.context["messages"]] == [
        "Your notification settings are saved. Every reminder is on."
    ]
    assert remind(outsider).email is not None


def test_posting_a_required_kind_is_refused_and_changes_nothing(client, outsider):
    opt_out_set(outsider, kinds_off={"application_idle"})
    client.force_login(outsider)

    response = client.post(URL, {"kinds_on": ["candidacy_lapsed", "candidacy_deadline"]})

    assert response.status_code == 200
    assert response.context["form"].errors == {"kinds_on": ["Choose from the reminders listed."]}
    assert list(outsider.notification_opt_outs.values_list("kind", flat=True)) == [
        "application_idle"
    ]
    # What was posted stays ticked.
    ticks = {o.value: o.checked for o in response.context["form"].options}
    assert ticks["candidacy_deadline"] is True and ticks["certificate_renewal"] is False


def test_notifications_page_query_count_does_not_grow_with_the_reminders(client, outsider):
    client.force_login(outsider)

    def queries_with(count):
        Reminder.objects.all().delete()
        for n in range(count):
            reminder_for(outsider, subject_id=n, suppressed=n % 2 == 0)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert len(response.context["rows"]) == count
        return len(captured)

    assert queries_with(1) == queries_with(20)


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        ("12m", "12 months before"),
        ("1m", "1 month before"),
        ("120d", "120 days before"),
        ("window", "Renewal opened"),
        ("expiry", "On the expiry date"),
        ("expired", "Grace period ended"),
        ("lapsed", "Deadline passed"),
        ("due", "Due soon"),
        ("overdue", "Overdue"),
        ("escalation", "Still overdue (escalated)"),
        ("idle", "Untouched for two weeks"),
    ],
)
def test_stage_words(stage, words):
    assert stage_words(stage) == words
