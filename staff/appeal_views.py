"""The staff appeal desk: the queue of open appeals (deadlines, age, overdue grounds) and the
recently decided ones, one appeal with its decision, notice, grounds and history, and the
actions: start the review (one POST button), uphold the decision or remand the portfolio for
a new evaluation (confirm pages with the reasons the candidate reads).

Thin views: reads through `reviews.selectors.appeals_visible_to` (404 when not visible),
every change through `reviews.appeal_services`; actions carry the one-time token of
`staff.confirm`, so a double click does nothing twice.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lssc.accounts.permissions import program_staff_required
from lssc.core.errors import DomainError
from reviews import appeal_services
from reviews.models import Appeal
from reviews.selectors import appeals_visible_to
from staff.appeal_forms import AppealOutcomeForm
from staff.confirm import (
    confirm_page,
    post_once,
)
from staff.forms import ActionForm

CONFIRM_METHODS = ["GET", "HEAD", "POST"]
# How many decided appeals the queue shows below the open ones, newest first.
RECENTLY_DECIDED_MAX = 50
# The statuses from which each outcome may be given (mirrors Appeal.TRANSITIONS).
UPHOLD_FROM = {s for s, moves in Appeal.TRANSITIONS.items() if Appeal.Status.UPHELD in moves}
REMAND_FROM = {s for s, moves in Appeal.TRANSITIONS.items() if Appeal.Status.REMANDED in moves}


def _appeals(request):
    return appeals_visible_to(request.user).select_related(
        "decision__portfolio__candidacy__user",
        "decision__portfolio__competency_set",
        "decision__submission",
    )


def _appeal_for(request, pk: int) -> Appeal:
    return get_object_or_404(_appeals(request).select_related("decided_by"), pk=pk)


def _describe(appeal: Appeal, today) -> Appeal:
    """Add what the pages show about an appeal's timing: days since the notice, and whether
    the grounds are overdue (still awaited after their last day)."""
    appeal.age_days = (today - timezone.localdate(appeal.notice_filed_at)).days
    appeal.grounds_overdue = (
        appeal.status == Appeal.Status.NOTICE_FILED and today > appeal.grounds_due_on
    )
    return appeal


@require_safe
@program_staff_required
def appeal_list(request):
    """Open appeals, oldest notice first, with the grounds deadline and age (overdue grounds
    highlighted); then the RECENTLY_DECIDED_MAX most recently decided. A fixed number of
    queries whatever the number of appeals."""
    today = timezone.localdate()
    open_appeals = [
        _describe(appeal, today)
        for appeal in _appeals(request)
        .filter(status__in=Appeal.OPEN_STATUSES)
        .order_by("notice_filed_at", "pk")
    ]
    decided = list(
        _appeals(request)
        .exclude(status__in=Appeal.OPEN_STATUSES)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")[:RECENTLY_DECIDED_MAX]
    )
    return render(
        request,
        "staff/appeal_list.html",
        {
            "open_appeals": open_appeals,
            "overdue_count": sum(1 for a in open_appeals if a.grounds_overdue),
            "decided": decided,
            "decided_max": RECENTLY_DECIDED_MAX,
        },
    )


def _timeline(appeal: Appeal) -> list[dict]:
    labels = dict(Appeal.Status.choices)
    return [
        {
            "at": change.at,
            "actor": change.actor,
            "title": labels.get(change.new_status, change.new_status),
            "note": change.note,
        }
        for change in appeal.status_changes.select_related("actor").order_by("-at", "-pk")
    ]


def _start_review(request, appeal: Appeal):
    """The Start review button: move the appeal to Under review once, and come back to the
    page with a message saying what happened."""

    def perform(_data):
        if appeal.status == Appeal.Status.UNDER_REVIEW:
            return "This appeal is already under review."
        appeal_services.appeal_start_review(appeal, by=request.user)
        return (
            "The appeal is under review. Uphold the decision or remand the portfolio when you "
            "have read the grounds."
        )

    return post_once(
        request, ActionForm(request.POST), perform, reverse("staff:appeal_detail", args=[appeal.pk])
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def appeal_detail(request, pk):
    """One appeal: the decision appealed (linked to its staff page), the notice, the
    grounds, the outcome and the history, with the actions its status allows. A POST here
    starts the review."""
    appeal = _appeal_for(request, pk)
    if request.method == "POST":
        return _start_review(request, appeal)
    _describe(appeal, timezone.localdate())
    decision = appeal.decision
    return render(
        request,
        "staff/appeal_detail.html",
        {
            "appeal": appeal,
            "decision": decision,
            "portfolio": decision.portfolio,
            "deadlines": appeal_services.appeal_deadlines(decision),
            "timeline": _timeline(appeal),
            "can_start_review": appeal.status == Appeal.Status.GROUNDS_FILED,
            "can_uphold": appeal.status in UPHOLD_FROM,
            "can_remand": appeal.status in REMAND_FROM,
            "form": ActionForm(),
        },
    )


def _outcome_page(
    request, pk: int, *, allowed_from: set, template: str, decide, message, done_url=None
):
    """The confirm page of an outcome: the reasons, then `decide(appeal, reasons)` (a
    service) and `message(appeal)` on success, then `done_url(appeal)` (the appeal's page by
    default)."""
    appeal = _appeal_for(request, pk)
    _describe(appeal, timezone.localdate())
    unavailable = ""
    if appeal.status not in allowed_from:
        unavailable = (
            f"This appeal is {appeal.get_status_display().lower()}, so this outcome cannot be "
            "given now."
        )
    form = AppealOutcomeForm(request.POST or None)

    def perform(data):
        decided = decide(appeal, data["reasons"])
        return message(decided)

    return confirm_page(
        request,
        form=form,
        template=template,
        context={
            "appeal": appeal,
            "portfolio": appeal.decision.portfolio,
            "unavailable": unavailable,
        },
        perform=perform,
        done_url=done_url(appeal) if done_url else reverse("staff:appeal_detail", args=[appeal.pk]),
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def appeal_uphold(request, pk):
    """Confirm page: the decision stands. The candidate is emailed the reasons."""

    def decide(appeal, reasons):
        if appeal.status not in UPHOLD_FROM:
            raise DomainError("This appeal was already decided; nothing was done.")
        return appeal_services.appeal_uphold(appeal, note=reasons, by=request.user)

    return _outcome_page(
        request,
        pk,
        allowed_from=UPHOLD_FROM,
        template="staff/appeal_uphold.html",
        decide=decide,
        message=lambda appeal: (
            f"The appeal was decided: the decision stands. "
            f"{appeal.decision.portfolio.candidacy.number} was emailed your reasons."
        ),
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def appeal_remand(request, pk):
    """Confirm page: the portfolio goes back for a new evaluation, as a new round for
    evaluators who have not rated it before. The candidate is emailed the reasons; staff
    land on the portfolio's page to assign the new evaluators."""

    def decide(appeal, reasons):
        if appeal.status not in REMAND_FROM:
            raise DomainError("This appeal cannot be remanded now; nothing was done.")
        return appeal_services.appeal_remand(appeal, note=reasons, by=request.user)

    return _outcome_page(
        request,
        pk,
        allowed_from=REMAND_FROM,
        template="staff/appeal_remand.html",
        decide=decide,
        message=lambda appeal: (
            f"The appeal was remanded: the portfolio is back in the queue as a new round and "
            f"{appeal.decision.portfolio.candidacy.number} was emailed your reasons. Assign "
            "new evaluators below: those who rated it before are not eligible."
        ),
        done_url=lambda appeal: reverse(
            "staff:portfolio_assign", args=[appeal.decision.portfolio_id]
        ),
    )
