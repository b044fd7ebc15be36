"""The candidates app's periodic sweeps, day by day with the clock frozen at noon in the
program's time zone: candidacy deadline reminders and lapse, certificate renewal reminders
and expiry, and idle application drafts. Every stage sends one email on the first run and
nothing on the second."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import certificate_services, reminders
from candidates import services as candidate_services
from candidates.models import Application, Candidacy, Certificate
from lssc.core.dates import add_months
from lssc.core.models import EmailLog, Reminder
from lssc.core.reminders import opt_out_set
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    candidacy_with_progress,
    issued_certificate,
    ready_candidacy,
)

pytestmark = pytest.mark.django_db

DEADLINE = date(2028, 3, 15)
ISSUED = date(2026, 3, 1)  # certificates issued then expire on 1 March 2031
EXPIRES = date(2031, 3, 1)


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def on(day: date):
    return time_machine.travel(noon(day), tick=False)


def emails(kind: str) -> list[tuple[str, str]]:
    """(to, subject) of the logged emails of `kind`, oldest first."""
    return list(
        EmailLog.objects.filter(kind=kind).order_by("pk").values_list("to_email", "subject")
    )


def assert_links_to(log: EmailLog, path: str) -> None:
    """The email has both parts and both carry the link to the page where the person acts."""
    url = f"{settings.SITE_URL}{path}"
    assert url in log.body_text
    assert log.body_html.startswith("<!doctype html>")
    assert f'href="{url}"' in log.body_html
    assert "notifications page" in log.body_text


# --- Candidacy deadline reminders ---------------------------------------------------------

DEADLINE_SUBJECTS = {
    "12m": "About a year left to finish your LSSC candidacy",
    "6m": "About 6 months left to finish your LSSC candidacy",
    "3m": "About 3 months left to finish your LSSC candidacy",
    "1m": "About 1 month left to finish your LSSC candidacy",
}


@pytest.mark.parametrize(("months", "stage"), reminders.DEADLINE_STAGES)
def test_candidacy_deadline_stage_sends_one_email_on_its_first_day_and_none_on_a_rerun(
    months, stage
):
    candidacy = candidacy_with_progress(deadline=DEADLINE)
    first_day = add_months(DEADLINE, -months)

    with on(first_day - timedelta(days=1)):
        before = reminders.candidacy_deadline_reminders()
    with on(first_day):
        first = reminders.candidacy_deadline_reminders()
        second = reminders.candidacy_deadline_reminders()

    # The day before is still the previous stage (or nothing yet, before 12 months).
    previous = [s for m, s in reminders.DEADLINE_STAGES if m > months]
    assert before == (1 if previous else 0)
    assert (first, second) == (1, 0)
    kind = f"reminder:candidacy_deadline:{stage}"
    assert emails(kind) == [(candidacy.user.email, DEADLINE_SUBJECTS[stage])]
    log = EmailLog.objects.get(kind=kind)
    assert log.recipient == candidacy.user
    assert "You have achieved 0 of the 6 sets you need" in log.body_text
    assert_links_to(log, reverse("candidates:dashboard"))
    reminder = Reminder.objects.get(stage=stage)
    assert (reminder.recipient, reminder.subject_id, reminder.anchor, reminder.email) == (
        candidacy.user,
        candidacy.pk,
        DEADLINE,
        log,
    )


def test_candidacy_deadline_reminders_run_daily_send_each_stage_exactly_once():
    candidacy = candidacy_with_progress(deadline=DEADLINE)
    day = add_months(DEADLINE, -13)
    while day <= DEADLINE + timedelta(days=3):
        with on(day):
            reminders.candidacy_deadline_reminders()
        day += timedelta(days=7)

    assert sorted(
        Reminder.objects.filter(subject_id=candidacy.pk).values_list("stage", flat=True)
    ) == sorted(s for _, s in reminders.DEADLINE_STAGES)
    assert EmailLog.objects.filter(kind__startswith="reminder:candidacy_deadline:").count() == 4


def test_candidacy_deadline_reminders_skip_candidacies_that_are_not_active():
    candidacy = candidacy_with_progress(deadline=DEADLINE, status=Candidacy.Status.WITHDRAWN)
    with on(add_months(DEADLINE, -1)):
        assert reminders.candidacy_deadline_reminders() == 0
    assert not Reminder.objects.filter(subject_id=candidacy.pk).exists()


def test_moved_deadline_gets_its_stage_again_counted_from_the_new_deadline():
    staff = UserFactory(program_staff=True)
    candidacy = candidacy_with_progress(deadline=DEADLINE)
    new_deadline = DEADLINE + timedelta(days=45)  # 29 April 2028
    with on(add_months(DEADLINE, -3)):
        assert reminders.candidacy_deadline_reminders() == 1
        extension = candidate_services.candidacy_extend_deadline(
            candidacy, new_deadline=new_deadline, reason="Illness.", by=staff
        )

    with on(add_months(new_deadline, -3)):
        first = reminders.candidacy_deadline_reminders()
        second = reminders.candidacy_deadline_reminders()

    assert extension.old_deadline == DEADLINE
    assert (first, second) == (1, 0)
    assert list(
        Reminder.objects.filter(stage="3m").order_by("pk").values_list("subject_id", "anchor")
    ) == [(candidacy.pk, DEADLINE), (candidacy.pk, new_deadline)]
    assert len(emails("reminder:candidacy_deadline:3m")) == 2


def test_candidacy_deadline_sweep_reads_only_due_rows_whatever_the_number_of_candidacies():
    def queries_with(count):
        Candidacy.objects.all().delete()
        for _ in range(count):
            candidacy_with_progress(deadline=DEADLINE)
        far_from_every_stage = add_months(DEADLINE, -30)
        with on(far_from_every_stage), CaptureQueriesContext(connection) as captured:
            assert reminders.candidacy_deadline_reminders() == 0
        return len(captured)

    assert queries_with(1) == queries_with(30)


def test_candidacy_deadline_sweep_query_count_does_not_grow_with_rows_already_reminded():
    for _ in range(3):
        candidacy_with_progress(deadline=DEADLINE)
    with on(add_months(DEADLINE, -1)):
        assert reminders.candidacy_deadline_reminders() == 3
        with CaptureQueriesContext(connection) as few:
            assert reminders.candidacy_deadline_reminders() == 0
        for _ in range(27):
            candidacy_with_progress(deadline=DEADLINE)
        assert reminders.candidacy_deadline_reminders() == 27
        with CaptureQueriesContext(connection) as many:
            assert reminders.candidacy_deadline_reminders() == 0
    assert len(few) == len(many)


# --- Candidacy lapse ----------------------------------------------------------------------


def test_candidacy_lapses_the_day_after_its_deadline_with_history_and_one_notice():
    candidacy = candidacy_with_progress(deadline=DEADLINE)

    # The deadline is the end of its day (23:59 US Central): nothing happens on the day.
    with on(DEADLINE):
        assert reminders.candidacy_lapse_sweep() == 0
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.ACTIVE

    with on(DEADLINE + timedelta(days=1)):
        first = reminders.candidacy_lapse_sweep()
        second = reminders.candidacy_lapse_sweep()

    assert (first, second) == (1, 0)
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.LAPSED
    assert list(
        candidacy.status_changes.values_list("old_status", "new_status", "actor", "note")
    ) == [("active", "lapsed", None, "The deadline passed.")]
    kind = "reminder:candidacy_lapsed:lapsed"
    assert emails(kind) == [(candidacy.user.email, "Your LSSC candidacy has lapsed")]
    log = EmailLog.objects.get(kind=kind)
    assert "15 March 2028, 23:59 US Central" in log.body_text
    assert_links_to(log, reverse("candidates:dashboard"))


def test_candidacy_ready_for_certification_does_not_lapse():
    candidacy = ready_candidacy(deadline=DEADLINE)
    with on(DEADLINE + timedelta(days=30)):
        assert reminders.candidacy_lapse_sweep() == 0
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.ACTIVE
    assert not Reminder.objects.exists()
    assert not candidacy.status_changes.exists()


def test_lapsed_candidacy_extended_is_active_again_and_lapses_again_at_the_new_deadline():
    staff = UserFactory(program_staff=True)
    candidacy = candidacy_with_progress(deadline=DEADLINE)
    new_deadline = DEADLINE + timedelta(days=60)
    with on(DEADLINE + timedelta(days=1)):
        reminders.candidacy_lapse_sweep()
        candidate_services.candidacy_extend_deadline(
            candidacy, new_deadline=new_deadline, reason="Appeal upheld.", by=staff
        )
    with on(new_deadline + timedelta(days=1)):
        assert reminders.candidacy_lapse_sweep() == 1
    assert len(emails("reminder:candidacy_lapsed:lapsed")) == 2
    candidacy.refresh_from_db()
    assert candidacy.status == Candidacy.Status.LAPSED


# --- Certificate renewal reminders and expiry ---------------------------------------------

# (stage, first day, subject) for a certificate expiring on 1 March 2031.
CERTIFICATE_STAGES = [
    ("window", date(2030, 3, 1), "You can now renew your LSSC certificate"),
    ("3m", date(2030, 12, 1), "Your LSSC certificate expires in 3 months"),
    ("1m", date(2031, 2, 1), "Your LSSC certificate expires in 1 month"),
    ("expiry", EXPIRES, "Your LSSC certificate has expired: renew it now"),
]


@pytest.fixture
def certificate():
    with on(ISSUED):
        certificate = issued_certificate()
    assert certificate.expires_on == EXPIRES
    return certificate


@pytest.mark.parametrize(("stage", "first_day", "subject"), CERTIFICATE_STAGES)
def test_certificate_renewal_stage_sends_one_email_on_its_first_day_and_none_on_a_rerun(
    certificate, stage, first_day, subject
):
    holder = certificate.candidacy.user
    with on(first_day - timedelta(days=1)):
        before = reminders.certificate_renewal_reminders()
    with on(first_day):
        first = reminders.certificate_renewal_reminders()
        second = reminders.certificate_renewal_reminders()

    assert before == (0 if stage == "window" else 1)  # the previous stage, if any
    assert (first, second) == (1, 0)
    kind = f"reminder:certificate_renewal:{stage}"
    assert emails(kind) == [(holder.email, subject)]
    log = EmailLog.objects.get(kind=kind)
    assert certificate.number in log.body_text
    assert "Renewal is open until" in log.body_text or "renew it until" in log.body_text
    assert_links_to(log, reverse("certificates:renewal", args=[certificate.pk]))
    assert Reminder.objects.get(stage=stage).anchor == EXPIRES


def test_certificate_renewal_reminders_stop_after_the_grace_period(certificate):
    with on(EXPIRES):
        assert reminders.certificate_renewal_reminders() == 1
    with on(date(2031, 4, 15)):
        assert reminders.certificate_renewal_reminders() == 0
    with on(date(2031, 5, 2)):
        assert reminders.certificate_renewal_reminders() == 0
    assert Reminder.objects.filter(kind="certificate_renewal").count() == 1


def test_certificate_expires_after_the_grace_period_with_one_notice(certificate):
    holder = certificate.candidacy.user
    # Renewal is accepted for two months after expiry, through 1 May 2031.
    with on(date(2031, 5, 1)):
        assert reminders.certificate_expiry_sweep() == 0
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID

    with on(date(2031, 5, 2)):
        first = reminders.certificate_expiry_sweep()
        second = reminders.certificate_expiry_sweep()

    assert (first, second) == (1, 0)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED
    assert list(certificate.status_changes.values_list("old_status", "new_status")) == [
        ("", "valid"),
        ("valid", "expired"),
    ]
    kind = "reminder:certificate_expired:expired"
    assert emails(kind) == [(holder.email, "Your LSSC certificate has expired")]
    assert_links_to(
        EmailLog.objects.get(kind=kind), reverse("certificates:detail", args=[certificate.pk])
    )
    # An expired certificate is not reminded about renewal any more.
    with on(date(2031, 5, 2)):
        assert reminders.certificate_renewal_reminders() == 0


def test_certificate_with_a_submitted_renewal_gets_no_further_renewal_reminders(certificate):
    holder = certificate.candidacy.user
    with on(date(2030, 3, 1)):
        assert reminders.certificate_renewal_reminders() == 1
    with on(date(2030, 6, 1)):
        renewal = certificate_services.renewal_start(certificate, by=holder)
        for kind, amount, technology in [("semester", 2, False), ("workshop", 4, True)]:
            certificate_services.ce_add(
                renewal,
                fields={
                    "activity": "Course",
                    "provider": "College",
                    "completed_on": date(2030, 1, 1),
                    "kind": kind,
                    "amount": Decimal(amount),
                    "technology": technology,
                },
                by=holder,
            )
        certificate_services.renewal_submit(renewal, by=holder)

    for _stage, day, _subject in CERTIFICATE_STAGES[1:]:
        with on(day):
            assert reminders.certificate_renewal_reminders() == 0
    assert list(Reminder.objects.values_list("stage", flat=True)) == ["window"]


# --- Idle application drafts --------------------------------------------------------------

STARTED = date(2026, 5, 4)


def test_application_draft_idle_exactly_fourteen_days_is_reminded_once():
    with on(STARTED):
        application = ApplicationFactory()
    with on(STARTED + timedelta(days=13)):
        assert reminders.application_idle_reminders() == 0
    with on(STARTED + timedelta(days=14)):
        first = reminders.application_idle_reminders()
        second = reminders.application_idle_reminders()
    with on(STARTED + timedelta(days=30)):
        later = reminders.application_idle_reminders()

    assert (first, second, later) == (1, 0, 0)
    kind = "reminder:application_idle:idle"
    assert emails(kind) == [(application.user.email, "Your LSSC application is waiting for you")]
    assert_links_to(EmailLog.objects.get(kind=kind), reverse("apply:start"))
    reminder = Reminder.objects.get()
    assert (reminder.subject_id, reminder.anchor) == (application.pk, STARTED)


def test_application_draft_is_reminded_again_after_a_new_idle_spell():
    with on(STARTED):
        application = ApplicationFactory()
    with on(STARTED + timedelta(days=14)):
        assert reminders.application_idle_reminders() == 1
    touched = STARTED + timedelta(days=20)
    with on(touched):
        candidate_services.application_update(
            application,
            section=Application.Section.POSITION,
            fields={"job_title": "Senior library assistant"},
            by=application.user,
        )
    with on(touched + timedelta(days=13)):
        assert reminders.application_idle_reminders() == 0
    with on(touched + timedelta(days=14)):
        assert reminders.application_idle_reminders() == 1
        assert reminders.application_idle_reminders() == 0

    assert list(Reminder.objects.order_by("pk").values_list("anchor", flat=True)) == [
        STARTED,
        touched,
    ]
    assert len(emails("reminder:application_idle:idle")) == 2


def test_submitted_application_is_not_reminded():
    with on(STARTED):
        ApplicationFactory(status=Application.Status.SUBMITTED)
    with on(STARTED + timedelta(days=14)):
        assert reminders.application_idle_reminders() == 0


# --- Opt-outs -----------------------------------------------------------------------------


def test_opted_out_deadline_reminder_is_recorded_as_suppressed_without_email():
    candidacy = candidacy_with_progress(deadline=DEADLINE)
    opt_out_set(candidacy.user, kinds_off={"candidacy_deadline"})
    with on(add_months(DEADLINE, -6)):
        reminders.candidacy_deadline_reminders()
        reminders.candidacy_deadline_reminders()

    reminder = Reminder.objects.get()
    assert (reminder.stage, reminder.suppressed, reminder.email) == ("6m", True, None)
    assert not EmailLog.objects.filter(kind__startswith="reminder:").exists()


def test_required_lapse_notice_is_sent_even_to_someone_who_turned_every_option_off():
    candidacy = candidacy_with_progress(deadline=DEADLINE)
    opt_out_set(
        candidacy.user,
        kinds_off={
            "candidacy_deadline",
            "certificate_renewal",
            "application_idle",
            "candidacy_lapsed",
        },
    )
    with on(DEADLINE + timedelta(days=1)):
        assert reminders.candidacy_lapse_sweep() == 1

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.suppressed) == ("candidacy_lapsed", False)
    assert emails("reminder:candidacy_lapsed:lapsed") == [
        (candidacy.user.email, "Your LSSC candidacy has lapsed")
    ]
