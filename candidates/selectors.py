"""Reads of applications, candidacies and progress; who may see which rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from candidates.models import (
    Application,
    ApplicationStatusChange,
    Candidacy,
    CandidacyStatusChange,
    DeadlineExtension,
    Payment,
    SetProgress,
    SetProgressStatusChange,
)
from lssc.accounts.roles import PROGRAM_STAFF_GROUP, roles_of


def candidacy_for_user(user) -> Candidacy | None:
    """The user's own candidacy, or None if they have never been admitted."""
    return Candidacy.objects.filter(user=user).first()


def candidacy_counts_by_status() -> list[dict]:
    """How many candidacies are in each status, in one query.

    Returns one entry per status, in the order the statuses are declared, including those
    with no candidacies: `{"status": "active", "label": "Active", "count": 12}`.
    """
    counts = dict(Candidacy.objects.order_by().values_list("status").annotate(count=Count("pk")))
    return [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in Candidacy.Status.choices
    ]


def open_application_for_user(user) -> Application | None:
    """The user's application that is still in progress (draft, submitted, or waiting for
    more information), with its jobs."""
    return (
        Application.objects.filter(user=user, status__in=Application.OPEN_STATUSES)
        .prefetch_related("jobs")
        .first()
    )


def latest_application_for_user(user) -> Application | None:
    return Application.objects.filter(user=user).prefetch_related("jobs").first()


def applications_visible_to(user) -> QuerySet[Application]:
    """Program staff see every submitted application (drafts stay private to their author);
    anyone else sees only their own."""
    if roles_of(user).is_program_staff:
        return Application.objects.exclude(status=Application.Status.DRAFT)
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(user=user)


def application_queue(user, *, status=None, state=None, older_than_days=None):
    """The staff queue: submitted applications with what was paid, oldest first."""
    queryset = (
        applications_visible_to(user)
        .annotate(paid=Sum("payments__amount"))
        .select_related("user")
        .order_by("submitted_at", "pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    if state:
        queryset = queryset.filter(state__iexact=state)
    if older_than_days:
        queryset = queryset.filter(
            submitted_at__lt=timezone.now() - timedelta(days=int(older_than_days))
        )
    return queryset


def application_status_counts(user) -> dict[str, int]:
    """Submitted applications by status, in one query."""
    rows = applications_visible_to(user).order_by().values_list("status").annotate(n=Count("pk"))
    return dict(rows)


def application_payments(application: Application) -> list[Payment]:
    return list(application.payments.select_related("recorded_by"))


def application_timeline(application: Application) -> list[dict]:
    """Every status move and payment of an application, oldest first."""
    events = [
        {
            "at": change.at,
            "actor": change.actor,
            "title": Application.Status(change.new_status).label
            if not change.old_status
            else f"{Application.Status(change.old_status).label} → "
            f"{Application.Status(change.new_status).label}",
            "note": change.note,
        }
        for change in ApplicationStatusChange.objects.filter(
            application=application
        ).select_related("actor")
    ]
    events += [
        {
            "at": payment.recorded_at,
            "actor": payment.recorded_by,
            "title": f"Payment recorded: {payment.amount} ({payment.get_method_display()})",
            "note": f"Received {payment.received_on:%-d %B %Y}"
            + (f", reference {payment.reference}" if payment.reference else ""),
        }
        for payment in application.payments.select_related("recorded_by")
    ]
    return sorted(events, key=lambda event: event["at"])


def candidacy_progress(candidacy: Candidacy) -> list[SetProgress]:
    """The candidate's ten sets with their competency set, in the framework's order."""
    return list(candidacy.sets.select_related("competency_set").order_by("competency_set__order"))


@dataclass(frozen=True)
class ProgressSummary:
    """How far the candidate is towards the certificate, as the rules count it: required
    sets achieved, and chosen electives achieved (each capped at what the rules need)."""

    required_achieved: int
    required_needed: int
    electives_achieved: int
    electives_needed: int
    electives_chosen: int

    @property
    def achieved(self) -> int:
        return self.required_achieved + self.electives_achieved

    @property
    def needed(self) -> int:
        return self.required_needed + self.electives_needed

    @property
    def percent(self) -> int:
        return round(100 * self.achieved / self.needed) if self.needed else 100


def progress_summary(progress: list[SetProgress], rules) -> ProgressSummary:
    """Count achieved sets from already loaded progress rows (no queries)."""
    achieved = SetProgress.Status.ACHIEVED
    required = [p for p in progress if p.competency_set.is_required]
    chosen_electives = [p for p in progress if not p.competency_set.is_required and p.chosen]
    return ProgressSummary(
        required_achieved=min(sum(p.status == achieved for p in required), rules.required_sets),
        required_needed=rules.required_sets,
        electives_achieved=min(
            sum(p.status == achieved for p in chosen_electives), rules.electives_needed
        ),
        electives_needed=rules.electives_needed,
        electives_chosen=len(chosen_electives),
    )


def name_actors(events: list[dict], viewer) -> list[dict]:
    """Add `actor_name` as the viewer should read it: "You", a program staff member's name,
    or "LSSC" for anyone else. Evaluators' names never reach candidates, so reviews stay
    blind; program staff viewing the record see every name. One query at most."""
    staff_view = viewer is not None and roles_of(viewer).is_program_staff
    actor_ids = {event["actor"].pk for event in events if event["actor"] is not None}
    staff_ids = set()
    if actor_ids and not staff_view:
        staff_ids = set(
            get_user_model()
            .objects.filter(pk__in=actor_ids, groups__name=PROGRAM_STAFF_GROUP)
            .values_list("pk", flat=True)
        )
    for event in events:
        actor = event["actor"]
        if actor is None:
            event["actor_name"] = "LSSC (automatic)"
        elif viewer is not None and actor.pk == viewer.pk:
            event["actor_name"] = "You"
        elif staff_view or actor.pk in staff_ids:
            event["actor_name"] = actor.display_name
        else:
            event["actor_name"] = "LSSC"
    return events


def set_progress_history(progress: SetProgress, *, viewer) -> list[dict]:
    """One set's history, newest first, with actor names as `viewer` may read them."""
    events = [
        {
            "at": change.at,
            "actor": change.actor,
            "title": SetProgress.Status(change.new_status).label
            if change.old_status != change.new_status
            else change.note,
            "note": change.note if change.old_status != change.new_status else "",
        }
        for change in progress.status_changes.select_related("actor").order_by("-at", "-pk")
    ]
    return name_actors(events, viewer)


def candidacy_timeline(candidacy: Candidacy, *, viewer=None) -> list[dict]:
    """What happened to a candidacy and its sets, newest first, with actor names as `viewer`
    may read them: five queries in all."""
    events = []
    for change in CandidacyStatusChange.objects.filter(candidacy=candidacy).select_related("actor"):
        events.append(
            {
                "at": change.at,
                "actor": change.actor,
                "title": f"Candidacy {Candidacy.Status(change.new_status).label.lower()}",
                "note": change.note,
            }
        )
    for extension in DeadlineExtension.objects.filter(candidacy=candidacy).select_related("actor"):
        events.append(
            {
                "at": extension.at,
                "actor": extension.actor,
                "title": f"Deadline extended to {extension.new_deadline:%-d %B %Y}",
                "note": extension.reason,
            }
        )
    for change in SetProgressStatusChange.objects.filter(
        progress__candidacy=candidacy
    ).select_related("actor", "progress__competency_set"):
        moved = change.old_status != change.new_status
        events.append(
            {
                "at": change.at,
                "actor": change.actor,
                "title": f"{change.progress.competency_set.name}: "
                + (SetProgress.Status(change.new_status).label if moved else change.note),
                "note": change.note if moved else "",
            }
        )
    if candidacy.application_id:
        for change in ApplicationStatusChange.objects.filter(
            application_id=candidacy.application_id
        ).select_related("actor"):
            events.append(
                {
                    "at": change.at,
                    "actor": change.actor,
                    "title": f"Application {Application.Status(change.new_status).label.lower()}",
                    "note": change.note,
                }
            )
    return name_actors(sorted(events, key=lambda event: event["at"], reverse=True), viewer)


def candidacies_visible_to(user) -> QuerySet[Candidacy]:
    if roles_of(user).is_program_staff:
        return Candidacy.objects.all()
    if not user.is_authenticated:
        return Candidacy.objects.none()
    return Candidacy.objects.filter(user=user)
