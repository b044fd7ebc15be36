"""The candidate's own pages at /dashboard/: progress on the sets, electives, routes, the
acceptance letter and withdrawal.

Every page starts from `candidacy_for_user(request.user)`, so a candidate only ever sees and
changes their own candidacy; the URLs carry no candidacy id to probe.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.certificate_selectors import current_certificate
from candidates.certificate_services import ready_for_certification
from candidates.dashboard_forms import ElectivesForm, RouteForm, WithdrawForm
from candidates.letters import acceptance_letter_context
from candidates.models import Candidacy, SetProgress
from candidates.selectors import (
    candidacy_for_user,
    candidacy_progress,
    candidacy_timeline,
    progress_summary,
    set_progress_history,
)
from candidates.services import (
    candidacy_withdraw,
    set_progress_choose_electives,
    set_progress_choose_route,
)
from lssc.accounts.permissions import candidate_required
from lssc.core.errors import DomainError
from lssc.core.files import private_file_response
from lssc.program.selectors import rules_in_force


def _own_candidacy(request) -> Candidacy:
    candidacy = candidacy_for_user(request.user)
    if candidacy is None:
        # The role check passed a moment ago, so the candidacy was removed in between.
        raise Http404("No candidacy.")
    return candidacy


def _render_dashboard(request, candidacy, *, electives_form=None, progress=None, rules=None):
    rules = rules or rules_in_force()
    progress = progress if progress is not None else candidacy_progress(candidacy)
    active = candidacy.status == Candidacy.Status.ACTIVE
    if electives_form is None and active:
        electives_form = ElectivesForm(progress=progress, limit=rules.electives_needed)
    timeline = candidacy_timeline(candidacy, viewer=request.user)
    return render(
        request,
        "candidates/dashboard.html",
        {
            "candidacy": candidacy,
            "active": active,
            "rules": rules,
            "summary": progress_summary(progress, rules),
            "required": [p for p in progress if p.competency_set.is_required],
            "electives": [p for p in progress if not p.competency_set.is_required],
            "electives_form": electives_form,
            "timeline": timeline,
            "ready_for_certification": active and ready_for_certification(candidacy, rules),
            "certificate": current_certificate(candidacy)
            if candidacy.status == Candidacy.Status.CERTIFIED
            else None,
        },
    )


@candidate_required
@require_GET
def dashboard(request):
    """The candidate's home: deadline, progress on the ten sets with the next step for each,
    the elective chooser, the acceptance letter and the history."""
    return _render_dashboard(request, _own_candidacy(request))


@candidate_required
@require_POST
def choose_electives(request):
    """Save the elective choice; on an error, show the dashboard again with the ticks kept."""
    candidacy = _own_candidacy(request)
    rules = rules_in_force()
    progress = candidacy_progress(candidacy)
    form = ElectivesForm(request.POST, progress=progress, limit=rules.electives_needed)
    if form.is_valid():
        try:
            set_progress_choose_electives(
                candidacy, set_ids=form.cleaned_data["electives"], by=request.user
            )
        except DomainError as error:
            form.add_error("electives", str(error))
        else:
            names = [
                p.competency_set.name
                for p in form.rows
                if p.competency_set_id in set(form.cleaned_data["electives"])
            ]
            messages.success(
                request,
                f"Your electives are saved: {', '.join(names)}."
                if names
                else "Your electives are saved: none chosen yet.",
            )
            return redirect(reverse("candidates:dashboard") + "#electives")
    return _render_dashboard(
        request, candidacy, electives_form=form, progress=progress, rules=rules
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def set_detail(request, code):
    """One set: its status and next step, the route choice, its competencies and history."""
    candidacy = _own_candidacy(request)
    progress = (
        candidacy.sets.select_related("competency_set").filter(competency_set__code=code).first()
    )
    if progress is None:
        raise Http404("No such set in this candidacy.")
    active = candidacy.status == Candidacy.Status.ACTIVE
    can_change_route = active and progress.status != SetProgress.Status.ACHIEVED
    initial = {"route": progress.route} if progress.route else {}
    form = RouteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_progress_choose_route(progress, route=form.cleaned_data["route"], by=request.user)
        except DomainError as error:
            form.add_error("route", str(error))
        else:
            route = SetProgress.Route(form.cleaned_data["route"]).label.lower()
            messages.success(
                request, f"Saved: you plan to earn {progress.competency_set.name} by {route}."
            )
            return redirect("candidates:set_detail", code=code)
    history = set_progress_history(progress, viewer=request.user)
    return render(
        request,
        "candidates/set_detail.html",
        {
            "candidacy": candidacy,
            "active": active,
            "progress": progress,
            "set": progress.competency_set,
            "competencies": progress.competency_set.competencies.order_by("number"),
            "form": form,
            "can_change_route": can_change_route,
            "history": history,
            "rules": rules_in_force(),
        },
    )


@candidate_required
@require_GET
def letter(request):
    """The acceptance letter as a page in the site's layout, ready to print."""
    candidacy = _own_candidacy(request)
    return render(
        request,
        "candidates/letter.html",
        {**acceptance_letter_context(candidacy), "has_pdf": bool(candidacy.acceptance_letter)},
    )


@candidate_required
@require_GET
def letter_pdf(request):
    """The PDF letter kept in the candidate's record, served only to its owner."""
    candidacy = _own_candidacy(request)
    return private_file_response(
        candidacy.acceptance_letter,
        filename=f"acceptance-{candidacy.number}.pdf",
        content_type="application/pdf",
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def withdraw(request):
    """Confirm page for leaving the program; the POST withdraws, with the reason."""
    candidacy = _own_candidacy(request)
    if candidacy.status != Candidacy.Status.ACTIVE:
        # A second click on the button, or an old tab: say where things stand.
        messages.info(
            request,
            f"Your candidacy is {candidacy.get_status_display().lower()}, so there is nothing "
            "to withdraw from.",
        )
        return redirect("candidates:dashboard")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy_withdraw(candidacy, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                "You have withdrawn from the program. We have emailed you a confirmation; "
                "your records stay here.",
            )
            return redirect("candidates:dashboard")
    return render(request, "candidates/withdraw.html", {"candidacy": candidacy, "form": form})
