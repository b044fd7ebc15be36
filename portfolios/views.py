"""The portfolio workspace and its editors: a narrative per competency, the learning
statement, and submission.

Who gets in: the owner may read and write (while the portfolio is editable); program staff
may read every page; anyone else gets 404 through `portfolios_visible_to`. Autosave posts the
same forms in the background and gets JSON back, so a plain form post works without
JavaScript and nothing typed is lost when a background save fails.
"""

from __future__ import annotations

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from candidates.models import SetProgress
from lssc.accounts.permissions import candidate_required, program_staff_required
from lssc.core.errors import DomainError
from lssc.program.selectors import rules_in_force
from portfolios import services
from portfolios.forms import ResponseForm, StatementForm
from portfolios.models import Portfolio
from portfolios.selectors import (
    portfolio_for_owner,
    portfolio_history,
    portfolio_workspace,
    portfolios_visible_to,
)

LOCKED_MESSAGE = "This portfolio is {status}, so it cannot be changed."
COMPETENCY_ITEM = re.compile(r"^Competency (\d+):")

# The staff gate alone (MFA policy included): None when the user may pass, else the answer
# (a redirect to set up two-factor authentication) to return instead.
_staff_gate = program_staff_required(lambda request: None)


# --- Helpers ------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    ajax = request.headers.get("x-requested-with") == "XMLHttpRequest"
    return ajax or "application/json" in request.headers.get("accept", "")


def signed_in_required(view):
    """Signed-in people only; a signed-out autosave gets JSON it can show, not the login page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if _wants_json(request):
                return JsonResponse(
                    {
                        "saved": False,
                        "message": "Not saved: you are signed out. Sign in again in another "
                        "tab; your text is still here and will be saved then.",
                    },
                    status=401,
                )
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _portfolio_for_viewer(request, pk: int):
    """(portfolio, is_owner, gate_answer): the owner's or, for program staff, anyone's;
    404 for everyone else. `gate_answer` is a response to return instead when staff still
    have to set up two-factor authentication."""
    portfolio = get_object_or_404(
        portfolios_visible_to(request.user).select_related("competency_set", "candidacy__user"),
        pk=pk,
    )
    is_owner = portfolio.candidacy.user_id == request.user.pk
    return portfolio, is_owner, None if is_owner else _staff_gate(request)


def _locked_message(portfolio: Portfolio) -> str:
    return LOCKED_MESSAGE.format(status=portfolio.get_status_display().lower())


def _saved_at() -> str:
    return timezone.localtime().strftime("%H:%M")


def _documented(responses) -> int:
    """Competencies with a narrative and at least one piece of evidence."""
    return sum(1 for r in responses if r.narrative.strip() and r.evidence.all())


def _progress_text(documented: int, total: int) -> str:
    return f"{documented} of {total} competenc{'y' if total == 1 else 'ies'} documented"


def _checklist(portfolio: Portfolio, missing: list[str]) -> list[dict]:
    """Each missing item with the page where it is fixed."""
    items = []
    for text in missing:
        match = COMPETENCY_ITEM.match(text)
        url = (
            reverse("portfolios:response", args=[portfolio.pk, int(match.group(1))])
            if match
            else reverse("portfolios:statement", args=[portfolio.pk])
        )
        items.append({"text": text, "url": url})
    return items


def _summary(portfolio: Portfolio) -> dict:
    """What an autosave refreshes on the page: progress and the checklist."""
    responses = portfolio_workspace(portfolio)
    return {
        "progress": _progress_text(_documented(responses), len(responses)),
        "missing": services.portfolio_missing(portfolio),
    }


def _refused(request, portfolio: Portfolio, message: str, *, redirect_to: str):
    """A write to a portfolio that is no longer editable (another tab, a replayed form)."""
    if _wants_json(request):
        return JsonResponse({"saved": False, "locked": True, "message": message}, status=409)
    messages.error(request, message)
    return redirect(redirect_to)


# --- Pages --------------------------------------------------------------------------------


@candidate_required
@require_POST
def portfolio_start(request, code):
    """Start (or open) the portfolio for one of the candidate's sets on the portfolio route."""
    progress = (
        SetProgress.objects.filter(candidacy__user=request.user, competency_set__code=code)
        .select_related("candidacy", "competency_set")
        .first()
    )
    if progress is None:
        raise Http404("No such set in your candidacy.")
    existed = progress.candidacy.portfolios.filter(competency_set=progress.competency_set).exists()
    try:
        portfolio = services.portfolio_start(
            progress.candidacy, competency_set=progress.competency_set, by=request.user
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("candidates:set_detail", code=code)
    if not existed:
        messages.success(
            request,
            f"Your {progress.competency_set.name} portfolio is ready. Start with any "
            "competency; your writing is saved as you go.",
        )
    return redirect("portfolios:workspace", pk=portfolio.pk)


@signed_in_required
@require_safe
def workspace(request, pk):
    """Every competency with its narrative and evidence, progress, what is still missing,
    the history and, while editable, the submit button."""
    portfolio, is_owner, gate = _portfolio_for_viewer(request, pk)
    if gate:
        return gate
    return _render_workspace(request, portfolio, is_owner=is_owner)


def _render_workspace(request, portfolio, *, is_owner, refused=None, status=200):
    responses = portfolio_workspace(portfolio)
    missing = services.portfolio_missing(portfolio)
    documented = _documented(responses)
    released, shortfall = _decision_reads(portfolio)
    for response in responses:
        response.shortfall = shortfall.get(response.competency_id)
    return render(
        request,
        "portfolios/workspace.html",
        {
            "portfolio": portfolio,
            "set": portfolio.competency_set,
            "responses": responses,
            "documented": documented,
            "progress_text": _progress_text(documented, len(responses)),
            "checklist": _checklist(portfolio, missing),
            "history": portfolio_history(portfolio, request.user),
            "is_owner": is_owner,
            "can_edit": is_owner and portfolio.is_editable,
            "has_submission": portfolio.status != Portfolio.Status.DRAFT,
            "refused": refused,
            "decision": released,
            "shortfall": [r for r in responses if r.shortfall],
            "courses_url": _courses_url(portfolio),
        },
        status=status,
    )


@signed_in_required
@require_http_methods(["GET", "POST"])
def response_edit(request, pk, number):
    """One competency: its statement, the narrative (autosaved) and the evidence it cites."""
    portfolio, is_owner, gate = _portfolio_for_viewer(request, pk)
    if gate:
        return gate
    response = get_object_or_404(
        portfolio.responses.select_related("competency"), competency__number=number
    )
    here = reverse("portfolios:response", args=[portfolio.pk, number])
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Only the candidate may change their portfolio.")
        form = ResponseForm(request.POST, portfolio=portfolio)
        if not portfolio.is_editable:
            return _refused(request, portfolio, _locked_message(portfolio), redirect_to=here)
        if form.is_valid():
            try:
                services.response_save(
                    portfolio,
                    competency_id=response.competency_id,
                    narrative=form.cleaned_data["narrative"],
                    evidence_ids=[item.pk for item in form.cleaned_data["evidence"]],
                    by=request.user,
                )
            except DomainError as error:
                # Submitted in another tab between loading and saving.
                return _refused(request, portfolio, str(error), redirect_to=here)
            if _wants_json(request):
                return JsonResponse(
                    {"saved": True, "at": _saved_at(), "errors": {}, "summary": _summary(portfolio)}
                )
            return _after_response_save(request, portfolio, number, go_on="next" in request.POST)
        if _wants_json(request):
            return JsonResponse(
                {"saved": False, "errors": _errors(form)},
                status=400,
            )
    else:
        form = ResponseForm(
            portfolio=portfolio,
            initial={
                "narrative": response.narrative,
                "evidence": [item.pk for item in response.evidence.all()],
            },
        )
    numbers = list(portfolio.responses.values_list("competency__number", flat=True))
    index = numbers.index(number)
    released, shortfall = _decision_reads(portfolio)
    return render(
        request,
        "portfolios/response_edit.html",
        {
            "portfolio": portfolio,
            "set": portfolio.competency_set,
            "response": response,
            "competency": response.competency,
            "crumb": f"Competency {number}",
            "form": form,
            "is_owner": is_owner,
            "can_edit": is_owner and portfolio.is_editable,
            "locked_message": "" if portfolio.is_editable else _locked_message(portfolio),
            "previous_number": numbers[index - 1] if index > 0 else None,
            "next_number": numbers[index + 1] if index + 1 < len(numbers) else None,
            "total": len(numbers),
            "position": index + 1,
            "decision": released,
            "feedback": shortfall.get(response.competency_id),
        },
        status=400 if form.is_bound else 200,
    )


def _errors(form) -> dict[str, list[str]]:
    return {name: [str(message) for message in errors] for name, errors in form.errors.items()}


def _after_response_save(request, portfolio, number, *, go_on: bool):
    if not go_on:
        messages.success(request, f"Competency {number}: saved at {_saved_at()}.")
        return redirect("portfolios:response", pk=portfolio.pk, number=number)
    later = (
        portfolio.responses.filter(competency__number__gt=number)
        .order_by("competency__number")
        .values_list("competency__number", flat=True)
        .first()
    )
    if later is None:
        messages.success(
            request,
            f"Competency {number}: saved. That was the last competency; check what is still "
            "missing below.",
        )
        return redirect("portfolios:workspace", pk=portfolio.pk)
    messages.success(request, f"Competency {number}: saved. Here is competency {later}.")
    return redirect("portfolios:response", pk=portfolio.pk, number=later)


@signed_in_required
@require_http_methods(["GET", "POST"])
def statement_edit(request, pk):
    """The personal learning statement (autosaved)."""
    portfolio, is_owner, gate = _portfolio_for_viewer(request, pk)
    if gate:
        return gate
    here = reverse("portfolios:statement", args=[portfolio.pk])
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Only the candidate may change their portfolio.")
        form = StatementForm(request.POST)
        if not portfolio.is_editable:
            return _refused(request, portfolio, _locked_message(portfolio), redirect_to=here)
        if form.is_valid():
            try:
                services.learning_statement_save(
                    portfolio, text=form.cleaned_data["learning_statement"], by=request.user
                )
            except DomainError as error:
                return _refused(request, portfolio, str(error), redirect_to=here)
            if _wants_json(request):
                return JsonResponse(
                    {"saved": True, "at": _saved_at(), "errors": {}, "summary": _summary(portfolio)}
                )
            messages.success(request, f"Learning statement: saved at {_saved_at()}.")
            return redirect("portfolios:workspace", pk=portfolio.pk)
        if _wants_json(request):
            return JsonResponse({"saved": False, "errors": _errors(form)}, status=400)
    else:
        form = StatementForm(initial={"learning_statement": portfolio.learning_statement})
    return render(
        request,
        "portfolios/statement_edit.html",
        {
            "portfolio": portfolio,
            "set": portfolio.competency_set,
            "form": form,
            "is_owner": is_owner,
            "can_edit": is_owner and portfolio.is_editable,
            "locked_message": "" if portfolio.is_editable else _locked_message(portfolio),
        },
        status=400 if form.is_bound else 200,
    )


@candidate_required
@require_POST
def submit(request, pk):
    """Submit the portfolio: refused with the list of what is missing, otherwise locked."""
    try:
        portfolio = portfolio_for_owner(request.user, pk)
    except Portfolio.DoesNotExist:
        raise Http404("No such portfolio.") from None
    if portfolio.status == Portfolio.Status.SUBMITTED:
        messages.info(request, "Already submitted: your portfolio is locked while it is evaluated.")
        return redirect("portfolios:workspace", pk=portfolio.pk)
    try:
        services.portfolio_submit(portfolio, by=request.user)
    except DomainError as error:
        portfolio.refresh_from_db()
        refused = services.portfolio_missing(portfolio) if portfolio.is_editable else []
        return _render_workspace(
            request, portfolio, is_owner=True, refused=refused or [str(error)], status=400
        )
    messages.success(request, "Submitted: your portfolio is locked while it is evaluated.")
    return redirect("portfolios:workspace", pk=portfolio.pk)


@signed_in_required
@require_safe
def submitted(request, pk):
    """What was submitted in the latest round (or `?round=N`), exactly as the evaluators
    read it."""
    portfolio, is_owner, gate = _portfolio_for_viewer(request, pk)
    if gate:
        return gate
    rounds = portfolio.submissions.order_by("round")
    wanted = request.GET.get("round", "")
    submission = rounds.filter(round=int(wanted)).first() if wanted.isdigit() else rounds.last()
    if submission is None:
        raise Http404("Nothing has been submitted yet.")
    titles = {item.pk: item for item in submission.evidence.order_by("title")}
    competencies = [
        {**entry, "evidence_items": [titles[pk] for pk in entry["evidence"] if pk in titles]}
        for entry in submission.content
    ]
    return render(
        request,
        "portfolios/submitted.html",
        {
            "portfolio": portfolio,
            "set": portfolio.competency_set,
            "submission": submission,
            "competencies": competencies,
            "round_numbers": list(rounds.values_list("round", flat=True)),
            "is_owner": is_owner,
        },
    )


@signed_in_required
@require_safe
def decision(request, pk):
    """The latest released decision: outcome, letter, per-competency results with the
    evaluators' comments (never their names) and what the candidate can do next. 404 until a
    decision is released: a draft is never shown here, not even to staff."""
    portfolio, is_owner, gate = _portfolio_for_viewer(request, pk)
    if gate:
        return gate
    # Imported here, not at the top: reviews imports portfolios, so a module-level import
    # would turn the apps' dependency round.
    from reviews import candidate_reads

    released = candidate_reads.released_decision(portfolio)
    if released is None:
        raise Http404("No decision has been released on this portfolio.")
    results = candidate_reads.decision_results(released)
    # The appeal periods of the rules in force when the decision was released.
    rules = rules_in_force(timezone.localdate(released.released_at))
    return render(
        request,
        "portfolios/decision.html",
        {
            "portfolio": portfolio,
            "set": portfolio.competency_set,
            "decision": released,
            "results": results,
            "shortfall_count": sum(1 for r in results if r["result"] != "met"),
            "appeal": candidate_reads.appeal_deadlines(released, rules),
            "can_appeal": is_owner and candidate_reads.appeal_services.can_appeal(released),
            "rules": rules,
            "is_owner": is_owner,
            "courses_url": _courses_url(portfolio),
        },
    )


def _courses_url(portfolio: Portfolio) -> str:
    """The catalogue narrowed to the approved courses for the portfolio's set."""
    return f"{reverse('catalogue:course_list')}?set={portfolio.competency_set.code}"


def _decision_reads(portfolio: Portfolio):
    """(released decision or None, shortfall by competency id) for the workspace and the
    editor: one query, none for a draft (which has never been decided)."""
    if portfolio.status == Portfolio.Status.DRAFT:
        return None, {}
    # Imported here, not at the top: reviews imports portfolios (see `decision`).
    from reviews import candidate_reads

    released = candidate_reads.released_decision(portfolio)
    if released is None or portfolio.status != Portfolio.Status.INFO_REQUESTED:
        # The flags only matter while the candidate can act on them.
        return released, {}
    return released, candidate_reads.decision_shortfall(released)
