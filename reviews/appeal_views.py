"""The candidate's appeal pages: their appeals, the notice of appeal against a released
decision, and one appeal with its deadlines, the grounds form and the outcome.

Who gets in: signed-in people only; rows come through `appeals_visible_to` and
`decisions_visible_to`, so another candidate's appeal or decision is a 404. Program staff see
every row through those selectors but act on appeals from the staff desk: they are sent
there, or refused (403) where only the candidate can act. Every write goes through
`reviews.appeal_services`, which enforces the deadlines.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lssc.core.errors import DomainError
from lssc.program.selectors import rules_in_force
from reviews import appeal_services
from reviews.appeal_forms import GroundsForm, NoticeForm
from reviews.models import Appeal, Decision
from reviews.selectors import appeals_visible_to, decisions_visible_to

FORM_METHODS = ["GET", "HEAD", "POST"]


def _own_appeals(user):
    """The user's own appeals (staff see every appeal, but these pages list only theirs)."""
    return appeals_visible_to(user).filter(decision__portfolio__candidacy__user=user)


def _is_owner(decision: Decision, user) -> bool:
    return decision.portfolio.candidacy.user_id == user.pk


@login_required
@require_safe
def appeal_list(request):
    """The candidate's appeals, newest first, and the released decisions they may still
    appeal with the last day to do so. A fixed number of queries."""
    appeals = list(
        _own_appeals(request.user)
        .select_related("decision__portfolio__competency_set", "decision__submission")
        .order_by("-notice_filed_at", "-pk")
    )
    rules = rules_in_force()
    today = timezone.localdate()
    appealable = []
    for decision in (
        decisions_visible_to(request.user)
        .filter(
            portfolio__candidacy__user=request.user,
            status=Decision.Status.RELEASED,
            appeal__isnull=True,
        )
        .exclude(outcome=Decision.Outcome.ACHIEVED)
        .select_related("portfolio__competency_set", "submission")
        .order_by("-released_at")
    ):
        deadlines = appeal_services.appeal_deadlines(decision, rules)
        if today <= deadlines.notice_by:
            decision.notice_by = deadlines.notice_by
            appealable.append(decision)
    return render(
        request,
        "reviews/appeal_list.html",
        {"appeals": appeals, "appealable": appealable, "rules": rules},
    )


@login_required
@require_http_methods(FORM_METHODS)
def appeal_new(request, decision_pk):
    """The notice of appeal against one released decision: what an appeal is, the two
    deadlines with their dates, and the notice itself. Once an appeal exists this page
    sends the candidate to it."""
    decision = get_object_or_404(
        decisions_visible_to(request.user).select_related(
            "portfolio__candidacy", "portfolio__competency_set", "submission"
        ),
        pk=decision_pk,
    )
    if not _is_owner(decision, request.user):
        raise PermissionDenied("Only the candidate can appeal a decision.")
    existing = appeals_visible_to(request.user).filter(decision=decision).first()
    if existing is not None:
        messages.info(request, "You have already appealed this decision; here is your appeal.")
        return redirect("appeals:detail", existing.pk)

    deadlines = appeal_services.appeal_deadlines(decision)
    unavailable = ""
    if decision.outcome == Decision.Outcome.ACHIEVED:
        unavailable = "The set was achieved with this decision, so there is nothing to appeal."
    elif not appeal_services.can_appeal(decision):
        unavailable = (
            f"The time to appeal this decision ended on {deadlines.notice_by:%-d %B %Y}: notice "
            f"of appeal must be given within {rules_in_force().appeal_notice_days} days of the "
            "decision."
        )

    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = appeal_services.appeal_file_notice(
                decision, notice=form.cleaned_data["notice"], by=request.user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Your notice of appeal is recorded and we have emailed you a confirmation. "
                f"Now send your full grounds, by {appeal.grounds_due_on:%-d %B %Y}.",
            )
            return redirect("appeals:detail", appeal.pk)
    return render(
        request,
        "reviews/appeal_new.html",
        {
            "decision": decision,
            "portfolio": decision.portfolio,
            "set": decision.portfolio.competency_set,
            "deadlines": deadlines,
            "rules": rules_in_force(),
            "unavailable": unavailable,
            "form": form,
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def appeal_detail(request, pk):
    """One appeal: its status, deadlines and notice; the grounds form while the notice
    waits for them and the deadline has not passed (a POST here sends them); the outcome
    and its reasons once decided. Program staff are sent to the staff desk's page."""
    appeal = get_object_or_404(
        appeals_visible_to(request.user).select_related(
            "decision__portfolio__candidacy",
            "decision__portfolio__competency_set",
            "decision__submission",
        ),
        pk=pk,
    )
    decision = appeal.decision
    if not _is_owner(decision, request.user):
        if request.method == "POST":
            raise PermissionDenied("Only the candidate can send the grounds of an appeal.")
        return redirect("staff:appeal_detail", appeal.pk)

    today = timezone.localdate()
    waiting_for_grounds = appeal.status == Appeal.Status.NOTICE_FILED
    grounds_open = waiting_for_grounds and today <= appeal.grounds_due_on
    form = GroundsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_services.appeal_file_grounds(
                appeal, grounds=form.cleaned_data["grounds"], by=request.user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "Your grounds are sent and we have emailed you a confirmation. Program staff "
                "will review your appeal and email you the outcome.",
            )
            return redirect("appeals:detail", appeal.pk)
    return render(
        request,
        "reviews/appeal_detail.html",
        {
            "appeal": appeal,
            "decision": decision,
            "portfolio": decision.portfolio,
            "set": decision.portfolio.competency_set,
            "grounds_open": grounds_open,
            "grounds_missed": waiting_for_grounds and not grounds_open,
            # A refused POST keeps what was typed on the page, even once the form has closed.
            "form": form if grounds_open or form.is_bound else None,
            "decision_url": reverse("portfolios:decision", args=[decision.portfolio_id]),
        },
    )
