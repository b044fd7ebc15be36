"""Recruiting evaluators: the public page that explains the role (/evaluators/) and the
application form (/evaluators/apply/), which also shows where an application stands.

The application carries a résumé, read through `LimitedUploadHandler` so an oversized file is
refused before it is read whole. The handler has to be installed before anything reads the
request body, and Django's CSRF middleware reads it first, so the posting view is exempt from
the middleware and applies the same check itself once the handler is in place (as
portfolios.evidence_views does).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from lssc.core.errors import DomainError
from lssc.core.uploads import LimitedUploadHandler
from lssc.program.selectors import competency_sets_in_force
from reviews import services
from reviews.forms import RESUME_MAX_MB, EvaluatorApplicationForm
from reviews.models import Evaluator
from reviews.selectors import evaluator_profile_for_user

MB = 1024 * 1024
# Statuses whose holder is an evaluator already and manages their details on the profile.
EVALUATOR_STATUSES = (Evaluator.Status.APPROVED, Evaluator.Status.INACTIVE)


class ResumeUploadHandler(LimitedUploadHandler):
    """One résumé of at most RESUME_MAX_MB; the refusal speaks of the résumé, not of a
    portfolio's space."""

    def __init__(self, request=None):
        super().__init__(
            request, max_file_bytes=RESUME_MAX_MB * MB, max_total_bytes=RESUME_MAX_MB * MB
        )

    def _total_message(self) -> str:
        return (
            f"This file is larger than {RESUME_MAX_MB} MB, the most a résumé may be. Save a "
            "smaller copy (a PDF without images is usually small) and upload it again."
        )


def install_resume_handler(request) -> ResumeUploadHandler | None:
    """Read a posted résumé through ResumeUploadHandler. Call before touching request.POST."""
    if request.method != "POST":
        return None
    handler = ResumeUploadHandler(request)
    request.upload_handlers = [handler]
    return handler


def refused_upload(handler, form) -> bool:
    """When the handler cut the upload off, put its reason at the résumé field (the fields
    sent before the file are kept). True when it did."""
    if handler is None or not handler.refused:
        return False
    form.is_valid()
    form.errors.pop("resume", None)
    form.add_error("resume", handler.refused)
    return True


def save_errors_to_form(form, error: Exception) -> None:
    """A refusal from the service, at the résumé field (a bad file) or the form's summary."""
    if isinstance(error, ValidationError):
        form.add_error("resume", error.messages)
    else:
        form.add_error(None, str(error))


@require_safe
def join(request):
    """Public: what evaluators do and what we ask of them, with the next step for the
    visitor (apply, see their application, or go to their evaluator pages)."""
    return render(
        request,
        "reviews/join.html",
        {
            "profile": evaluator_profile_for_user(request.user),
            "sets": list(competency_sets_in_force()),
        },
    )


@csrf_exempt
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    """Apply to evaluate, update an application still waiting, or apply again after a
    decline. Shows where the application stands. See the module docstring about CSRF."""
    handler = install_resume_handler(request)
    return _apply(request, handler)


@csrf_protect
def _apply(request, handler):
    profile = evaluator_profile_for_user(request.user)
    if profile is not None and profile.status in EVALUATOR_STATUSES:
        messages.info(
            request, "You are already an evaluator. Your details are on your evaluator profile."
        )
        return redirect("reviews:profile")
    has_resume = bool(profile and profile.resume)
    if request.method == "POST":
        form = EvaluatorApplicationForm(request.POST, request.FILES, has_resume=has_resume)
        if not refused_upload(handler, form) and form.is_valid():
            try:
                services.evaluator_apply(
                    request.user,
                    fields=form.profile_fields(),
                    set_ids=[s.pk for s in form.cleaned_data["sets"]],
                    resume=form.cleaned_data["resume"],
                )
            except (DomainError, ValidationError) as error:
                save_errors_to_form(form, error)
            else:
                messages.success(request, _applied_message(profile))
                return redirect("evaluators:apply")
    else:
        initial = EvaluatorApplicationForm.initial_from(profile)
        if profile is not None:
            initial["sets"] = [s.pk for s in profile.qualified_sets.all()]
        form = EvaluatorApplicationForm(initial=initial, has_resume=has_resume)
    return render(request, "reviews/apply.html", {"form": form, "profile": profile})


def _applied_message(before: Evaluator | None) -> str:
    if before is None:
        return (
            "Thank you: your application is sent. Program staff will email you their "
            "decision; we sent you an email to confirm we have it."
        )
    if before.status == Evaluator.Status.DECLINED:
        return "Thank you: your new application is sent. Program staff will email you."
    return "Your application is updated. It is still waiting for program staff."
