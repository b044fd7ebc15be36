"""The evaluator's own profile (/reviews/profile/): their details and résumé, the sets staff
confirmed, declared conflicts of interest, and pausing or resuming new offers.

Who gets in: evaluators, approved or paused (a paused evaluator keeps the role so they can
resume here and finish what they accepted), with two-factor authentication on. Everyone else
gets what `evaluator_required` gives: the login page, or 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from lssc.accounts.permissions import evaluator_required
from lssc.core.errors import DomainError
from reviews import services
from reviews.forms import ConflictForm, EvaluatorProfileForm
from reviews.models import Evaluator
from reviews.recruit_views import install_resume_handler, refused_upload, save_errors_to_form
from reviews.selectors import evaluator_profile_for_user


def own_profile_required(view):
    """`evaluator_required` (approved or paused, with two-factor authentication), passing
    the signed-in person's profile to the view after `request`."""

    @evaluator_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        evaluator = evaluator_profile_for_user(request.user)
        if evaluator is None or evaluator.status not in Evaluator.ROLE_STATUSES:
            # The role check passed, so the approval was withdrawn a moment ago.
            raise Http404("No evaluator profile.")
        return view(request, evaluator, *args, **kwargs)

    return wrapped


def _render_profile(request, evaluator, *, form=None, conflict_form=None, status=200):
    return render(
        request,
        "reviews/profile.html",
        {
            "evaluator": evaluator,
            "form": form
            or EvaluatorProfileForm(
                initial=EvaluatorProfileForm.initial_from(evaluator),
                has_resume=bool(evaluator.resume),
            ),
            "conflict_form": conflict_form or ConflictForm(),
            "qualified_sets": sorted(evaluator.qualified_sets.all(), key=lambda s: s.order),
            "conflicts": list(evaluator.conflicts.all()),
            "paused": evaluator.status == Evaluator.Status.INACTIVE,
        },
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    """Show the profile; a POST saves the details (and a new résumé). See
    reviews.recruit_views about reading the upload and CSRF."""
    handler = install_resume_handler(request)
    return _profile(request, handler=handler)


@csrf_protect
@own_profile_required
def _profile(request, evaluator, *, handler):
    if request.method != "POST":
        return _render_profile(request, evaluator)
    form = EvaluatorProfileForm(request.POST, request.FILES, has_resume=bool(evaluator.resume))
    if not refused_upload(handler, form) and form.is_valid():
        try:
            services.evaluator_update_profile(
                evaluator,
                fields=form.profile_fields(),
                resume=form.cleaned_data["resume"],
                by=request.user,
            )
        except (DomainError, ValidationError) as error:
            save_errors_to_form(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("reviews:profile")
    return _render_profile(request, evaluator, form=form)


@require_POST
@own_profile_required
def availability(request, evaluator):
    """Pause new offers (`action=pause`) or take them again (`action=resume`). Assignments
    already accepted are not affected."""
    action = request.POST.get("action")
    if action not in ("pause", "resume"):
        messages.error(request, "Choose whether to pause or resume new offers.")
        return redirect("reviews:profile")
    try:
        services.evaluator_set_active(evaluator, active=action == "resume", by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if action == "resume":
            messages.success(request, "Welcome back: program staff may offer you portfolios again.")
        else:
            messages.success(
                request,
                "New offers are paused. Finish any portfolio you already accepted; resume "
                "here whenever you are ready.",
            )
    return redirect("reviews:profile")


@require_POST
@own_profile_required
def conflict_add(request, evaluator):
    """Declare a person or library the evaluator must not judge. A form with errors is
    shown again on the profile with what was typed."""
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            conflict = services.conflict_add(
                evaluator,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Conflict recorded: you will not be offered portfolios from {conflict.name}.",
            )
            return redirect("reviews:profile")
    return _render_profile(request, evaluator, conflict_form=form)


@require_POST
@own_profile_required
def conflict_remove(request, evaluator, pk):
    """Remove one of the evaluator's own conflicts; anyone else's is 404."""
    conflict = next((c for c in evaluator.conflicts.all() if c.pk == pk), None)
    if conflict is None:
        raise Http404("No such conflict.")
    services.conflict_remove(conflict, by=request.user)
    messages.success(request, f"The conflict with {conflict.name} is removed.")
    return redirect("reviews:profile")
