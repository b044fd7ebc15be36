"""Reminders sent by the periodic sweeps, each exactly once.

`send_reminder` inserts the unique `Reminder` row (the claim) and queues the email in one
transaction. Whatever happens around it — the same sweep run twice, two overlapping runs, a
worker killed in the middle — a reminder whose row committed was queued (and the email log's
retry job delivers it), and one whose row did not commit is sent by the next run.

Each app registers its kinds here so the notifications page can list them; optional kinds
can be turned off by the person they go to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from lssc.core.mail import notify
from lssc.core.models import NotificationOptOut, Reminder


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: str
    description: str
    optional: bool = False


KINDS: dict[str, ReminderKind] = {}
DEFAULT_REASON = "You received this reminder because of your part in the LSSC program."


def register_kind(code: str, label: str, description: str, *, optional: bool = False):
    KINDS[code] = ReminderKind(code, label, description, optional)
    return KINDS[code]


def optional_kinds() -> list[ReminderKind]:
    return [kind for kind in KINDS.values() if kind.optional]


def send_reminder(
    *,
    recipient,
    kind: str,
    subject_id: int,
    anchor,
    stage: str,
    subject: str,
    lines: list[str],
    action_url: str = "",
    action_label: str = "",
    reason: str = "",
) -> Reminder | None:
    """Claim and send one reminder. Returns the new Reminder, or None when it was claimed
    before (nothing is sent). An optional kind the recipient turned off is recorded as
    suppressed and not emailed."""
    if kind not in KINDS:
        raise ValueError(f"Unregistered reminder kind: {kind!r}")
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    recipient=recipient,
                    kind=kind,
                    subject_id=subject_id,
                    anchor=anchor,
                    stage=stage,
                )
        except IntegrityError:
            return None
        if (
            KINDS[kind].optional
            and NotificationOptOut.objects.filter(user=recipient, kind=kind).exists()
        ):
            reminder.suppressed = True
            reminder.save(update_fields=["suppressed"])
            return reminder
        settings_url = f"{settings.SITE_URL}{reverse('notifications:settings')}"
        how = (
            f"You can turn this kind of reminder off on your notifications page: {settings_url}"
            if KINDS[kind].optional
            else (
                "This notice cannot be turned off; your notifications page lists every "
                f"reminder sent to you: {settings_url}"
            )
        )
        reminder.email = notify(
            recipient,
            kind=f"reminder:{kind}:{stage}",
            subject=subject,
            lines=lines,
            action_url=action_url,
            action_label=action_label,
            reason=f"{reason or DEFAULT_REASON} {how}",
        )
        reminder.save(update_fields=["email"])
    return reminder


def emailed(reminder: Reminder | None) -> bool:
    """Whether `send_reminder` emailed someone just now (not a repeat, not turned off)."""
    return reminder is not None and not reminder.suppressed


def not_reminded(queryset, *, kind: str, stage: str, anchor_field: str, recipient_field: str):
    """`queryset` without the rows already reminded of `stage`: a NOT EXISTS on the claim
    table, so a sweep reads only what is still due."""
    return queryset.exclude(
        Exists(
            Reminder.objects.filter(
                kind=kind,
                stage=stage,
                subject_id=OuterRef("pk"),
                anchor=OuterRef(anchor_field),
                recipient_id=OuterRef(recipient_field),
            )
        )
    )


@transaction.atomic
def opt_out_set(user, *, kinds_off: set[str]) -> None:
    """Make `kinds_off` exactly the optional kinds this person has turned off."""
    allowed = {kind.code for kind in optional_kinds()}
    kinds_off = set(kinds_off) & allowed
    NotificationOptOut.objects.filter(user=user).exclude(kind__in=kinds_off).delete()
    existing = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    NotificationOptOut.objects.bulk_create(
        NotificationOptOut(user=user, kind=kind) for kind in kinds_off - existing
    )
