"""The notification settings page: the reminders a person was sent, and the optional kinds
they can turn off."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lssc.accounts.notification_forms import NotificationSettingsForm
from lssc.core.models import Reminder
from lssc.core.reminders import KINDS, opt_out_set

REMINDERS_PER_PAGE = 25

# Stages that are not "<n> months/days before" (see the sweeps' stage names).
STAGE_WORDS = {
    "window": "Renewal opened",
    "expiry": "On the expiry date",
    "expired": "Grace period ended",
    "lapsed": "Deadline passed",
    "due": "Due soon",
    "overdue": "Overdue",
    "escalation": "Still overdue (escalated)",
    "idle": "Untouched for two weeks",
}
_COUNTDOWN = re.compile(r"^(\d+)([md])$")


def stage_words(stage: str) -> str:
    """ "12m" → "12 months before", "30d" → "30 days before", "overdue" → "Overdue"."""
    match = _COUNTDOWN.match(stage)
    if match:
        count, unit = int(match[1]), {"m": "month", "d": "day"}[match[2]]
        return f"{count} {unit}{'' if count == 1 else 's'} before"
    return STAGE_WORDS.get(stage, stage.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ReminderRow:
    """One line of the list of reminders, in words."""

    reminder: Reminder

    @property
    def about(self) -> str:
        kind = KINDS.get(self.reminder.kind)
        return kind.label if kind else self.reminder.kind.replace("_", " ").capitalize()

    @property
    def stage(self) -> str:
        return stage_words(self.reminder.stage)

    @property
    def subject(self) -> str:
        return self.reminder.email.subject if self.reminder.email_id else ""


def _reminders_of(user):
    # Starts from the person, so only their own rows; the email bodies are not needed.
    return (
        user.reminders.select_related("email")
        .defer("email__body_text", "email__body_html")
        .order_by("-created_at", "-pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """The reminders sent to this person, newest first, and a form to turn the optional
    kinds on or off (required notices are listed but cannot be turned off)."""
    kinds_off = set(request.user.notification_opt_outs.values_list("kind", flat=True))
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST, kinds_off=kinds_off)
        if form.is_valid():
            off = form.kinds_off()
            opt_out_set(request.user, kinds_off=off)
            if off:
                names = ", ".join(k.label for k in form.kinds if k.code in off)
                messages.success(
                    request, f"Your notification settings are saved. Turned off: {names}."
                )
            else:
                messages.success(
                    request, "Your notification settings are saved. Every reminder is on."
                )
            return redirect("notifications:settings")
    else:
        form = NotificationSettingsForm(kinds_off=kinds_off)
    page = Paginator(_reminders_of(request.user), REMINDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "account/notifications.html",
        {
            "form": form,
            "page": page,
            "rows": [ReminderRow(r) for r in page],
            "required_kinds": [k for k in KINDS.values() if not k.optional],
        },
    )
