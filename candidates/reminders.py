"""The candidates app's periodic sweeps: candidacy deadline reminders and lapse, certificate
renewal reminders and expiry, and idle application drafts.

Each sweep reads only what is still due (a NOT EXISTS on the reminder claims, over an
indexed date range) and handles each item in its own transaction through
lssc.core.reminders.send_reminder, so its cost follows the number of due reminders and a run
that dies part-way is finished by the next one, with nothing sent twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from candidates.certificate_services import certificate_expire, ready_for_certification
from candidates.models import Application, Candidacy, Certificate, Renewal
from candidates.renewal_rules import renewal_window
from candidates.selectors import candidacy_progress, progress_summary
from candidates.services import _candidacy_transition
from lssc.core.dates import add_months
from lssc.core.reminders import emailed, not_reminded, register_kind, send_reminder
from lssc.core.templatetags.lssc import deadline as deadline_text
from lssc.program.selectors import rules_in_force

CANDIDACY_DEADLINE = register_kind(
    "candidacy_deadline",
    "Candidacy deadline",
    "12, 6, 3 and 1 months before your candidacy deadline, with your progress.",
    optional=True,
)
CANDIDACY_LAPSED = register_kind(
    "candidacy_lapsed", "Candidacy lapsed", "When your candidacy deadline has passed."
)
CERTIFICATE_RENEWAL = register_kind(
    "certificate_renewal",
    "Certificate renewal",
    "When renewal opens, 3 and 1 months before your certificate expires, and on the day.",
    optional=True,
)
CERTIFICATE_EXPIRED = register_kind(
    "certificate_expired",
    "Certificate expired",
    "When your certificate has expired and can no longer be renewed.",
)
APPLICATION_IDLE = register_kind(
    "application_idle",
    "Unfinished application",
    "When your application draft has not been touched for two weeks.",
    optional=True,
)

# (months before the deadline, stage name), furthest first.
DEADLINE_STAGES = [(12, "12m"), (6, "6m"), (3, "3m"), (1, "1m")]
APPLICATION_IDLE_DAYS = 14
# Drafts idle longer than this are not chased again (one reminder per idle spell).
APPLICATION_IDLE_HORIZON_DAYS = 90
CANDIDATE_REASON = "You received this reminder because you are an LSSC candidate."


def _in_stage_window(queryset, field: str, today, stages):
    """Yield (stage, rows) for each stage: rows whose `field` falls after the next stage's
    horizon and on or before this stage's, so each row is in exactly one stage's window."""
    for index, (months, stage) in enumerate(stages):
        upper = add_months(today, months)
        lower = add_months(today, stages[index + 1][0]) if index + 1 < len(stages) else today
        yield stage, months, queryset.filter(**{f"{field}__gt": lower, f"{field}__lte": upper})


def candidacy_deadline_reminders(today=None) -> int:
    """Remind active candidates of their deadline at 12, 6, 3 and 1 months, with their
    progress. Returns how many reminders were sent."""
    today = today or timezone.localdate()
    rules = rules_in_force()
    active = Candidacy.objects.filter(status=Candidacy.Status.ACTIVE)
    sent = 0
    for stage, months, rows in _in_stage_window(active, "deadline", today, DEADLINE_STAGES):
        due = not_reminded(
            rows,
            kind=CANDIDACY_DEADLINE.code,
            stage=stage,
            anchor_field="deadline",
            recipient_field="user_id",
        ).select_related("user")
        for candidacy in due.order_by("pk").iterator(chunk_size=200):
            summary = progress_summary(candidacy_progress(candidacy), rules)
            when = "a year" if months == 12 else f"{months} month{'s' if months > 1 else ''}"
            if emailed(
                send_reminder(
                    recipient=candidacy.user,
                    kind=CANDIDACY_DEADLINE.code,
                    subject_id=candidacy.pk,
                    anchor=candidacy.deadline,
                    stage=stage,
                    subject=f"About {when} left to finish your LSSC candidacy",
                    lines=[
                        f"Your candidacy deadline is {deadline_text(candidacy.deadline)}.",
                        f"You have achieved {summary.achieved} of the {summary.needed} sets you "
                        f"need ({summary.required_achieved} of {summary.required_needed} required, "
                        f"{summary.electives_achieved} of {summary.electives_needed} electives).",
                        "Your dashboard shows the next step for each set. If you need more time, "
                        "contact the program office before the deadline.",
                    ],
                    action_url=reverse("candidates:dashboard"),
                    action_label="Open your dashboard",
                    reason=CANDIDATE_REASON,
                )
            ):
                sent += 1
    return sent


def candidacy_lapse_sweep(today=None) -> int:
    """Lapse active candidacies whose deadline has passed (unless they are ready for the
    certificate, which staff will issue) and tell the candidate. Returns how many lapsed."""
    today = today or timezone.localdate()
    rules = rules_in_force()
    lapsed = 0
    past = Candidacy.objects.filter(status=Candidacy.Status.ACTIVE, deadline__lt=today)
    for pk in past.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            candidacy = (
                Candidacy.objects.select_for_update(of=("self",)).select_related("user").get(pk=pk)
            )
            if candidacy.status != Candidacy.Status.ACTIVE or candidacy.deadline >= today:
                continue
            if ready_for_certification(candidacy, rules):
                continue
            _candidacy_transition(
                candidacy, Candidacy.Status.LAPSED, by=None, note="The deadline passed."
            )
            send_reminder(
                recipient=candidacy.user,
                kind=CANDIDACY_LAPSED.code,
                subject_id=candidacy.pk,
                anchor=candidacy.deadline,
                stage="lapsed",
                subject="Your LSSC candidacy has lapsed",
                lines=[
                    f"Your candidacy deadline, {deadline_text(candidacy.deadline)}, has "
                    "passed, so your candidacy has lapsed.",
                    "The sets you achieved stay in your record. If something kept you from "
                    "finishing, contact the program office: staff can extend a deadline.",
                ],
                action_url=reverse("candidates:dashboard"),
                action_label="See your record",
            )
            lapsed += 1
    return lapsed


# Certificate stages, relative to the expiry date: (stage, months before expiry that start
# it), latest first is not needed: each certificate is in one window at a time.
def certificate_renewal_reminders(today=None) -> int:
    """Remind holders when renewal opens, 3 and 1 months before expiry and on the day it
    expires (during the grace period); skip certificates whose renewal is already submitted
    or approved. Returns how many reminders were sent."""
    today = today or timezone.localdate()
    rules = rules_in_force()
    stages = [(rules.renewal_window_months, "window"), (3, "3m"), (1, "1m")]
    stages = [s for s in stages if s[0] <= rules.renewal_window_months]
    valid = Certificate.objects.filter(status=Certificate.Status.VALID).exclude(
        renewal__status__in=[Renewal.Status.SUBMITTED, Renewal.Status.APPROVED]
    )
    grace_start = add_months(today, -rules.renewal_grace_months)
    windows = list(_in_stage_window(valid, "expires_on", today, stages))
    # On the day of expiry and through the grace period: one "expired, still renewable".
    windows.append(("expiry", 0, valid.filter(expires_on__lte=today, expires_on__gte=grace_start)))
    sent = 0
    for stage, _months, rows in windows:
        due = not_reminded(
            rows,
            kind=CERTIFICATE_RENEWAL.code,
            stage=stage,
            anchor_field="expires_on",
            recipient_field="candidacy__user_id",
        ).select_related("candidacy__user")
        for certificate in due.order_by("pk").iterator(chunk_size=200):
            window = renewal_window(certificate.expires_on, rules)
            if stage == "expiry":
                subject = "Your LSSC certificate has expired: renew it now"
                first = (
                    f"Your certificate {certificate.number} expired on "
                    f"{certificate.expires_on:%-d %B %Y}. You can still renew it until "
                    f"{window.closes:%-d %B %Y}."
                )
            else:
                subject = (
                    "You can now renew your LSSC certificate"
                    if stage == "window"
                    else f"Your LSSC certificate expires in {_months} month{'s' if _months > 1 else ''}"
                )
                first = (
                    f"Your certificate {certificate.number} expires on "
                    f"{certificate.expires_on:%-d %B %Y}. Renewal is open until "
                    f"{window.closes:%-d %B %Y}."
                )
            if emailed(
                send_reminder(
                    recipient=certificate.candidacy.user,
                    kind=CERTIFICATE_RENEWAL.code,
                    subject_id=certificate.pk,
                    anchor=certificate.expires_on,
                    stage=stage,
                    subject=subject,
                    lines=[
                        first,
                        f"To renew, log {rules.renewal_hours} contact hours of continuing "
                        f"education, at least {rules.renewal_technology_hours} on technology, and "
                        "submit your renewal.",
                    ],
                    action_url=reverse("certificates:renewal", args=[certificate.pk]),
                    action_label="Work on your renewal",
                    reason="You received this reminder because you hold the LSSC certificate.",
                )
            ):
                sent += 1
    return sent


def certificate_expiry_sweep(today=None) -> int:
    """Expire valid certificates whose grace period has ended, and tell the holder.
    Returns how many expired."""
    today = today or timezone.localdate()
    rules = rules_in_force()
    cutoff = add_months(today, -rules.renewal_grace_months)
    count = 0
    past = Certificate.objects.filter(status=Certificate.Status.VALID, expires_on__lt=cutoff)
    for pk in past.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=500):
        with transaction.atomic():
            certificate, moved = certificate_expire(Certificate(pk=pk))
            if not moved:
                continue
            send_reminder(
                recipient=certificate.candidacy.user,
                kind=CERTIFICATE_EXPIRED.code,
                subject_id=certificate.pk,
                anchor=certificate.expires_on,
                stage="expired",
                subject="Your LSSC certificate has expired",
                lines=[
                    f"Your certificate {certificate.number} expired on "
                    f"{certificate.expires_on:%-d %B %Y} and the renewal period has ended.",
                    "Contact the program office to ask about certifying again.",
                ],
                action_url=reverse("certificates:detail", args=[certificate.pk]),
                action_label="See your certificate",
            )
            count += 1
    return count


def application_idle_reminders(now=None) -> int:
    """Nudge applicants whose draft has not changed for two weeks (once per idle spell).
    Returns how many reminders were sent."""
    now = now or timezone.now()
    drafts = (
        Application.objects.filter(
            status=Application.Status.DRAFT,
            updated_at__lte=now - timedelta(days=APPLICATION_IDLE_DAYS),
            updated_at__gt=now - timedelta(days=APPLICATION_IDLE_HORIZON_DAYS),
        )
        .annotate(idle_since=TruncDate("updated_at"))
        .select_related("user")
    )
    due = not_reminded(
        drafts,
        kind=APPLICATION_IDLE.code,
        stage="idle",
        anchor_field="idle_since",
        recipient_field="user_id",
    )
    sent = 0
    for application in due.order_by("pk").iterator(chunk_size=200):
        if emailed(
            send_reminder(
                recipient=application.user,
                kind=APPLICATION_IDLE.code,
                subject_id=application.pk,
                anchor=application.idle_since,
                stage="idle",
                subject="Your LSSC application is waiting for you",
                lines=[
                    "You started an application to become an LSSC candidate. Everything you "
                    "entered is saved; pick up where you stopped whenever you are ready.",
                ],
                action_url=reverse("apply:start"),
                action_label="Continue your application",
            )
        ):
            sent += 1
    return sent
