"""Staff pages for portfolio evaluation: the queue of open rounds, assigning evaluators to a
round (by hand or automatically), withdrawing an assignment, and editing and releasing the
decisions drafted from the evaluators' ratings.

Thin views: reads through `reviews.rounds` and `reviews.selectors` (404 when not visible),
every change through `reviews.services`; destructive steps use the confirm-page pattern of
`staff.confirm.confirm_page`, and the one-click actions carry its one-time token too.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lssc.accounts.permissions import program_staff_required
from lssc.core.errors import DomainError
from lssc.program.selectors import rules_in_force
from portfolios.models import Portfolio
from portfolios.selectors import portfolios_visible_to
from reviews import services
from reviews.models import Assignment, Decision, Rating
from reviews.reports import evaluator_name
from reviews.rounds import (
    GROUPS,
    OPEN_STATUSES,
    WAITING_STATUSES,
    evaluators_needed,
    latest_round,
    round_assignments,
    round_queue,
)
from reviews.selectors import (
    assignments_visible_to,
    decisions_visible_to,
    eligible_evaluators,
    settle_state,
)
from staff.confirm import (
    confirm_page,
    post_once,
)
from staff.forms import ActionForm
from staff.review_forms import AssignForm, LetterForm, WithdrawForm

CONFIRM_METHODS = ["GET", "HEAD", "POST"]
# How long a released decision stays on the decisions page.
RECENTLY_RELEASED_DAYS = 30
RECENTLY_RELEASED_MAX = 50

ROLE_NAMES = {
    Assignment.Role.FIRST: "first evaluator",
    Assignment.Role.SECOND: "second evaluator",
    Assignment.Role.ADJUDICATOR: "third evaluator",
}


def _offer_message(assignments: list[Assignment]) -> str:
    parts = [
        f"{evaluator_name(a.evaluator)} as {ROLE_NAMES[a.role]} (due {a.due_on:%-d %B %Y})"
        for a in assignments
    ]
    return (
        "The portfolio was offered to "
        + " and ".join(parts)
        + ". They were emailed a link to accept or decline."
    )


# --- The queue ----------------------------------------------------------------------------


@require_safe
@program_staff_required
def portfolio_queue(request):
    """Open rounds by what they wait for: evaluators, a third evaluator, the evaluators'
    ratings, or the release of a drafted decision. A fixed number of queries whatever the
    number of rounds."""
    groups = round_queue()
    return render(
        request,
        "staff/portfolio_queue.html",
        {
            "groups": [
                {"key": key, "label": label, "rows": groups[key], "count": len(groups[key])}
                for key, label in GROUPS
            ],
            "total": sum(len(rows) for rows in groups.values()),
        },
    )


# --- Assigning evaluators -----------------------------------------------------------------


def _portfolio_for(request, pk: int) -> Portfolio:
    return get_object_or_404(
        portfolios_visible_to(request.user).select_related(
            "candidacy__user", "candidacy__application", "competency_set"
        ),
        pk=pk,
    )


def _next_role(state, assignments: list[Assignment], needed: int) -> str:
    """The role the next evaluator assigned by hand would take, or "" when the round has
    all it needs. Mirrors the order `assignment_offer` fills roles in."""
    if state.decided:
        return ""
    if state.needs_adjudicator:
        return "" if state.adjudicator_live else Assignment.Role.ADJUDICATOR
    taken = {a.role for a in assignments if a.is_live}
    for role in (Assignment.Role.FIRST, Assignment.Role.SECOND)[:needed]:
        if role not in taken:
            return role
    return ""


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def portfolio_assign(request, pk):
    """The latest round of one portfolio: its assignments with a Withdraw action each, and
    the approved evaluators ranked for it, eligible ones with an Assign button (a POST here)
    and ineligible ones with the reasons."""
    portfolio = _portfolio_for(request, pk)
    submission = latest_round(portfolio)
    done_url = reverse("staff:portfolio_assign", args=[portfolio.pk])
    if request.method == "POST":
        if submission is None:
            raise Http404("This portfolio has not been submitted.")
        form = AssignForm(request.POST)

        def perform(data):
            assignment = services.assignment_offer(submission, data["evaluator"], by=request.user)
            return _offer_message([assignment])

        return post_once(request, form, perform, done_url)

    context = {"portfolio": portfolio, "submission": submission}
    if submission is not None:
        state = settle_state(submission)
        assignments = round_assignments(submission)
        choices = eligible_evaluators(submission, include_ineligible=True)
        for choice in choices:
            choice.name = evaluator_name(choice.evaluator)
            choice.previous_role_name = ROLE_NAMES.get(choice.previous_role, "")
        open_round = portfolio.status in OPEN_STATUSES and not state.decided
        next_role = (
            _next_role(state, assignments, evaluators_needed(rules_in_force()))
            if open_round
            else ""
        )
        decision = Decision.objects.filter(submission=submission).first()
        context.update(
            {
                "state": state,
                "assignments": assignments,
                "withdrawable": WAITING_STATUSES,
                "eligible": [c for c in choices if c.eligible],
                "ineligible": [c for c in choices if not c.eligible],
                "open_round": open_round,
                "next_role": next_role,
                "next_role_name": ROLE_NAMES.get(next_role, ""),
                "decision": decision,
                "form": ActionForm(),
            }
        )
    return render(request, "staff/portfolio_assign.html", context)


@require_POST
@program_staff_required
def portfolio_auto_assign(request, pk):
    """Fill the round's open roles with the best-ranked eligible evaluators."""
    portfolio = _portfolio_for(request, pk)
    submission = latest_round(portfolio)
    if submission is None:
        raise Http404("This portfolio has not been submitted.")

    def perform(data):
        return _offer_message(services.assignment_auto_assign(submission, by=request.user))

    return post_once(
        request,
        ActionForm(request.POST),
        perform,
        reverse("staff:portfolio_assign", args=[portfolio.pk]),
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def assignment_withdraw(request, pk):
    """Confirm page: take an offered or accepted assignment back, with a reason the
    evaluator reads; the round goes back to the pool."""
    assignment = get_object_or_404(
        assignments_visible_to(request.user).select_related(
            "evaluator__user",
            "submission",
            "portfolio__candidacy",
            "portfolio__competency_set",
        ),
        pk=pk,
    )
    form = WithdrawForm(request.POST or None)
    name = evaluator_name(assignment.evaluator)

    def perform(data):
        services.assignment_withdraw(assignment, reason=data["reason"], by=request.user)
        return (
            f"{name} was withdrawn from the portfolio and emailed the reason. The round "
            f"needs another {ROLE_NAMES[assignment.role]}: assign one below."
        )

    unavailable = ""
    if assignment.status not in WAITING_STATUSES:
        unavailable = (
            f"This assignment is {assignment.get_status_display().lower()}, so it cannot be "
            "withdrawn."
        )
    return confirm_page(
        request,
        form=form,
        template="staff/assignment_withdraw.html",
        context={
            "assignment": assignment,
            "portfolio": assignment.portfolio,
            "evaluator_name": name,
            "role_name": ROLE_NAMES[assignment.role],
            "unavailable": unavailable,
        },
        perform=perform,
        done_url=reverse("staff:portfolio_assign", args=[assignment.portfolio_id]),
    )


# --- Decisions ----------------------------------------------------------------------------


def _decisions(request):
    return decisions_visible_to(request.user).select_related(
        "portfolio__candidacy", "portfolio__competency_set", "submission"
    )


@require_safe
@program_staff_required
def decision_list(request):
    """Drafted decisions waiting for release, oldest first, then those released in the
    last RECENTLY_RELEASED_DAYS days, newest first. A fixed number of queries."""
    since = timezone.now() - timedelta(days=RECENTLY_RELEASED_DAYS)
    drafts = list(_decisions(request).filter(status=Decision.Status.DRAFT).order_by("created_at"))
    today = timezone.localdate()
    for decision in drafts:
        decision.age_days = (today - timezone.localtime(decision.created_at).date()).days
    released = list(
        _decisions(request)
        .filter(status=Decision.Status.RELEASED, released_at__gte=since)
        .select_related("released_by")
        .order_by("-released_at")[:RECENTLY_RELEASED_MAX]
    )
    return render(
        request,
        "staff/decision_list.html",
        {"drafts": drafts, "released": released, "recent_days": RECENTLY_RELEASED_DAYS},
    )


def _decision_for(request, pk: int) -> Decision:
    return get_object_or_404(
        _decisions(request).select_related("portfolio__candidacy__user", "released_by"), pk=pk
    )


def _result_rows(decision: Decision) -> list[dict]:
    """Each competency of the decision with its reconciled result and every evaluator's
    rating and comment (names are shown: this is a staff page)."""
    labels = dict(Rating.Value.choices)
    ratings: dict[int, list[dict]] = {}
    for rating in (
        Rating.objects.filter(
            assignment__submission_id=decision.submission_id,
            assignment__status=Assignment.Status.SUBMITTED,
        )
        .select_related("assignment__evaluator__user")
        .order_by("assignment__role", "pk")
    ):
        assignment = rating.assignment
        ratings.setdefault(rating.competency_id, []).append(
            {
                "evaluator": evaluator_name(assignment.evaluator),
                "role": assignment.role,
                "role_name": ROLE_NAMES[assignment.role],
                "value": rating.value,
                "label": labels.get(rating.value, rating.value),
                "comment": rating.comment,
            }
        )
    order = {Assignment.Role.FIRST: 0, Assignment.Role.SECOND: 1, Assignment.Role.ADJUDICATOR: 2}
    rows = []
    for result in decision.results:
        by_evaluator = sorted(
            ratings.get(result["competency_id"], []), key=lambda r: order.get(r["role"], 9)
        )
        rows.append(
            {
                **result,
                "label": labels.get(result["result"], result["result"]),
                "ratings": by_evaluator,
            }
        )
    return rows


def _timeline(decision: Decision) -> list[dict]:
    labels = dict(Decision.Status.choices)
    return [
        {
            "at": change.at,
            "actor": change.actor,
            "title": labels.get(change.new_status, change.new_status)
            if change.old_status != change.new_status
            else "Edited",
            "note": change.note,
        }
        for change in decision.status_changes.select_related("actor").order_by("-at", "-pk")
    ]


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def decision_detail(request, pk):
    """One decision: the outcome, each competency's reconciled result with every
    evaluator's rating and comment, and the letter, editable (a POST here saves it) until
    the decision is released."""
    decision = _decision_for(request, pk)
    released = decision.status == Decision.Status.RELEASED
    context = {
        "decision": decision,
        "portfolio": decision.portfolio,
        "released": released,
        "rows": _result_rows(decision),
        "timeline": _timeline(decision),
    }
    done_url = reverse("staff:decision_detail", args=[decision.pk])
    if released:
        if request.method == "POST":
            messages.error(request, "This decision was released; its letter can no longer change.")
            return redirect(done_url)
        return render(request, "staff/decision_detail.html", {**context, "form": None})

    form = LetterForm(request.POST or None, initial={"letter": decision.letter})

    def perform(data):
        services.decision_update_letter(decision, letter=data["letter"], by=request.user)
        return "The letter was saved. The candidate sees it once you release the decision."

    return confirm_page(
        request,
        form=form,
        template="staff/decision_detail.html",
        context=context,
        perform=perform,
        done_url=done_url,
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def decision_release(request, pk):
    """Confirm page: release a drafted decision. The candidate is emailed and can read the
    letter; the portfolio and the set take the outcome."""
    decision = _decision_for(request, pk)
    form = ActionForm(request.POST or None)

    def perform(data):
        if decision.status != Decision.Status.DRAFT:
            raise DomainError("This decision was already released; nothing was done.")
        services.decision_release(decision, by=request.user)
        return (
            f"The decision was released: {decision.portfolio.competency_set.name} is now "
            f"“{decision.get_outcome_display().lower()}” for "
            f"{decision.portfolio.candidacy.number}, who was emailed."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/decision_release.html",
        context={
            "decision": decision,
            "portfolio": decision.portfolio,
            "unavailable": ""
            if decision.status == Decision.Status.DRAFT
            else "This decision was already released, so there is nothing left to do.",
        },
        perform=perform,
        done_url=reverse("staff:decision_detail", args=[decision.pk]),
    )
