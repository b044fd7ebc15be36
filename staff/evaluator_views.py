"""Staff pages for the evaluator pool: the list of applications and evaluators, one
evaluator's record with their résumé, and the approve and decline confirm pages.

Thin views: evaluators are fetched through `reviews.selectors.evaluators_visible_to` (404
when not visible), parsed with `staff.evaluator_forms` and changed through
`reviews.services` with the confirm-page pattern of `staff.confirm.confirm_page`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from lssc.accounts.permissions import program_staff_required
from lssc.core.errors import DomainError
from lssc.core.files import private_file_response
from lssc.program.models import CompetencySet
from reviews import services
from reviews.models import Assignment, Evaluator
from reviews.selectors import evaluators_visible_to
from staff.confirm import confirm_page
from staff.evaluator_forms import (
    EVALUATOR_STATUS_CHOICES,
    EvaluatorApproveForm,
    EvaluatorDeclineForm,
    EvaluatorFilterForm,
)
from staff.views import QUEUE_PAGE_SIZE

CONFIRM_METHODS = ["GET", "HEAD", "POST"]
# Applications waiting first, then the working pool, then those paused, then declined.
STATUS_ORDER = [
    Evaluator.Status.APPLIED,
    Evaluator.Status.APPROVED,
    Evaluator.Status.INACTIVE,
    Evaluator.Status.DECLINED,
]
RESUME_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
}
_SETS_IN_ORDER = Prefetch(
    "qualified_sets",
    queryset=CompetencySet.objects.order_by("framework__effective_from", "order"),
)


def _evaluator_for(request, pk: int) -> Evaluator:
    return get_object_or_404(
        evaluators_visible_to(request.user).select_related("user").prefetch_related(_SETS_IN_ORDER),
        pk=pk,
    )


def _status_counts(user) -> dict[str, int]:
    """Evaluators per status, in one query."""
    return evaluators_visible_to(user).aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in Evaluator.Status.values}
    )


@require_safe
@program_staff_required
def evaluator_list(request):
    """Every evaluator and application: applications waiting first (oldest first), then
    approved, paused and declined, with a filter by status and a count for each. A fixed
    number of queries whatever the number of rows."""
    form = EvaluatorFilterForm(request.GET or None)
    status = ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
    rows = (
        evaluators_visible_to(request.user)
        .select_related("user")
        .prefetch_related(_SETS_IN_ORDER)
        .annotate(
            status_rank=Case(
                *(When(status=value, then=Value(rank)) for rank, value in enumerate(STATUS_ORDER)),
                default=Value(len(STATUS_ORDER)),
                output_field=IntegerField(),
            ),
            live_assignments=Count(
                "assignments", filter=Q(assignments__status__in=Assignment.LIVE_STATUSES)
            ),
        )
        .order_by("status_rank", "created_at", "pk")
    )
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = _status_counts(request.user)
    tabs = [{"value": "", "label": "All", "count": sum(counts.values())}] + [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Evaluator.Status.choices
    ]
    return render(
        request,
        "staff/evaluator_list.html",
        {
            "form": form,
            "current_status": status,
            "current_label": dict(EVALUATOR_STATUS_CHOICES)[status],
            "tabs": tabs,
            "page": page,
            "rows": list(page),
            "waiting": counts.get(Evaluator.Status.APPLIED, 0),
        },
    )


def _timeline(evaluator: Evaluator) -> list[dict]:
    """The evaluator's history (status moves, profile edits, conflicts), newest first."""
    events = []
    for change in evaluator.status_changes.select_related("actor"):
        note = change.note
        if not change.old_status:
            title = "Applied to evaluate"
            note = "" if note == "Applied." else note
        elif change.old_status == change.new_status:
            title, note = note or "Noted", ""
        else:
            title = (
                f"{Evaluator.Status(change.old_status).label} → "
                f"{Evaluator.Status(change.new_status).label}"
            )
        events.append({"at": change.at, "actor": change.actor, "title": title, "note": note})
    return events[::-1]


def _assignment_counts(evaluator: Evaluator) -> list[dict]:
    counts = dict(
        evaluator.assignments.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        {"label": label, "count": counts.get(value, 0)}
        for value, label in Assignment.Status.choices
    ]


@require_safe
@program_staff_required
def evaluator_detail(request, pk):
    """One evaluator: the application or profile, the sets offered or confirmed, declared
    conflicts, assignment counts and the history, with approve and decline while the
    application waits."""
    evaluator = _evaluator_for(request, pk)
    return render(
        request,
        "staff/evaluator_detail.html",
        {
            "evaluator": evaluator,
            "sets": list(evaluator.qualified_sets.all()),
            "conflicts": list(evaluator.conflicts.all()),
            "assignment_counts": _assignment_counts(evaluator),
            "timeline": _timeline(evaluator),
            "decidable": evaluator.status == Evaluator.Status.APPLIED,
        },
    )


@require_safe
@program_staff_required
def evaluator_resume(request, pk):
    """The evaluator's résumé as a download, for program staff only."""
    evaluator = get_object_or_404(evaluators_visible_to(request.user), pk=pk)
    name = evaluator.resume.name
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    return private_file_response(
        evaluator.resume,
        filename=f"evaluator-{evaluator.pk}-resume.{suffix}",
        content_type=RESUME_TYPES.get(suffix, "application/octet-stream"),
    )


def _not_waiting(evaluator: Evaluator) -> str:
    if evaluator.status == Evaluator.Status.APPLIED:
        return ""
    return (
        f"This application is no longer waiting for a decision: the profile is "
        f"{evaluator.get_status_display().lower()}."
    )


def _name(evaluator: Evaluator) -> str:
    return evaluator.user.display_name


def _check_still_waiting(evaluator: Evaluator) -> None:
    """Approving an approved profile would silently replace its sets; refuse instead."""
    evaluator.refresh_from_db(fields=["status"])
    if evaluator.status != Evaluator.Status.APPLIED:
        raise DomainError(_not_waiting(evaluator))


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def evaluator_approve(request, pk):
    """Confirm page: approve the application for the sets ticked (those the applicant
    offered, to begin with), with an optional note. The evaluator is emailed."""
    evaluator = _evaluator_for(request, pk)
    offered = list(evaluator.qualified_sets.all())
    form = EvaluatorApproveForm(request.POST or None, initial={"sets": [s.pk for s in offered]})

    def perform(data):
        _check_still_waiting(evaluator)
        services.evaluator_approve(
            evaluator,
            set_ids=[s.pk for s in data["sets"]],
            note=data["note"].strip(),
            by=request.user,
        )
        return (
            f"{_name(evaluator)} is now an evaluator for {len(data['sets'])} set"
            + ("s" if len(data["sets"]) != 1 else "")
            + "; they were emailed."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/evaluator_approve.html",
        context={
            "evaluator": evaluator,
            "offered": offered,
            "unavailable": _not_waiting(evaluator),
        },
        perform=perform,
        done_url=reverse("staff:evaluator_detail", args=[evaluator.pk]),
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def evaluator_decline(request, pk):
    """Confirm page: decline the application with a reason the applicant reads."""
    evaluator = _evaluator_for(request, pk)
    form = EvaluatorDeclineForm(request.POST or None)

    def perform(data):
        _check_still_waiting(evaluator)
        services.evaluator_decline(evaluator, reason=data["reason"], by=request.user)
        return (
            f"The application from {_name(evaluator)} is declined; they were emailed your reason."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/evaluator_decline.html",
        context={
            "evaluator": evaluator,
            "offered": list(evaluator.qualified_sets.all()),
            "unavailable": _not_waiting(evaluator),
        },
        perform=perform,
        done_url=reverse("staff:evaluator_detail", args=[evaluator.pk]),
    )
