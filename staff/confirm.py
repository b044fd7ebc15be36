"""The confirm-page pattern every staff action uses: a GET shows what will happen, a POST
acts once. Each confirm form carries a one-time token, claimed in the cache before the
service runs, so a double click or a resent form does nothing the second time. Set
CACHE_URL to Redis in production so the claim holds across processes."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render

from lssc.core.errors import DomainError

# How long a confirm form's token is remembered: far longer than any double click or resend.
SUBMISSION_TOKEN_SECONDS = 24 * 60 * 60


def _submission_key(request, token: str) -> str:
    return f"staff:submission:{request.user.pk}:{token}"


def claim_submission(request, token: str) -> bool:
    """True the first time a confirm form with this token is sent; False for a repeat (a
    double click, a resend), which must do nothing. An atomic cache add is the claim, so two
    requests arriving together cannot both win."""
    return cache.add(_submission_key(request, token), True, SUBMISSION_TOKEN_SECONDS)


def release_submission(request, token: str) -> None:
    """The action failed: let the same form be sent again once it is corrected."""
    cache.delete(_submission_key(request, token))


def already_sent(request) -> bool:
    """Whether the posted form's token was spent already. Checked before the form is
    validated: after the first press the data no longer fits (the fee is paid, the deadline
    moved), and the second press should say it was done, not that the input is wrong."""
    token = request.POST.get("submission", "")
    return len(token) == 32 and cache.get(_submission_key(request, token)) is not None


def say_already_sent(request, done_url: str):
    messages.info(
        request,
        "That form was already sent, so nothing was done a second time. The history shows "
        "what happened.",
    )
    return redirect(done_url)


def confirm_page(
    request,
    *,
    form,
    template: str,
    context: dict,
    perform: Callable[[dict], str],
    done_url: str,
):
    """The confirm-page pattern: GET shows the form; a valid POST claims the form's token and
    calls `perform` (which calls a service and returns the success message), then redirects
    to `done_url`. A DomainError is shown at the form with everything typed kept."""
    if request.method == "POST":
        if already_sent(request):
            return say_already_sent(request, done_url)
        if form.is_valid():
            token = form.cleaned_data["submission"]
            if not claim_submission(request, token):  # the twin request won the race
                return say_already_sent(request, done_url)
            try:
                message = perform(form.cleaned_data)
            except DomainError as error:
                release_submission(request, token)
                form.add_error(None, str(error))
            else:
                messages.success(request, message)
                return redirect(done_url)
    return render(request, template, {**context, "form": form})


def post_once(request, form, perform, done_url: str):
    """A one-click POST action: claim the form's one-time token, call `perform` (which
    calls a service and returns the success message) and redirect to `done_url` with a
    message saying what happened, or with the service's refusal as an error message."""
    if already_sent(request):
        messages.info(request, "That button was already pressed, so nothing was done twice.")
        return redirect(done_url)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(done_url)
    token = form.cleaned_data["submission"]
    if not claim_submission(request, token):
        messages.info(request, "That button was already pressed, so nothing was done twice.")
        return redirect(done_url)
    try:
        message = perform(form.cleaned_data)
    except DomainError as error:
        release_submission(request, token)
        messages.error(request, str(error))
    else:
        messages.success(request, message)
    return redirect(done_url)
