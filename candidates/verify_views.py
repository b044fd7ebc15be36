"""The public verification pages (no login): anyone checks a certificate by its number and
verification code, or by the code alone from the QR code on the PDF, and sees the record
and its live status.

A mismatch of any kind gets the same answer, so the pages never tell whether a number
exists. Lookups are limited per client address (settings.VERIFY_RATE_LIMIT) so codes
cannot be guessed by brute force. Nothing is cached by browsers or proxies (a suspension
shows at once) and search engines are asked not to index the pages.
"""

from __future__ import annotations

import math
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from candidates.certificate_selectors import (
    certificate_for_verification,
    certificate_public_status,
)
from candidates.models import Certificate
from candidates.verify_forms import VerifyForm, normalise_code
from lssc.core import ratelimit
from lssc.program.selectors import rules_in_force

NOT_FOUND = "No certificate matches that number and code."
NOT_FOUND_CODE = "No certificate matches that code."
RATE_SCOPE = "verify"


def _public_lookup(view):
    """GET/POST only, never stored by a cache, never indexed."""

    @require_http_methods(["GET", "HEAD", "POST"])
    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapped


def _rate_limited(request):
    """Count one lookup from this client; past the limit, the 429 page with Retry-After."""
    rate = ratelimit.parse_rate(settings.VERIFY_RATE_LIMIT, setting="VERIFY_RATE_LIMIT")
    retry_after = ratelimit.hit(RATE_SCOPE, ratelimit.client_ip(request), rate)
    if not retry_after:
        return None
    response = render(
        request,
        "candidates/verify_limited.html",
        {"minutes": math.ceil(retry_after / 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _result(certificate: Certificate) -> dict:
    """What the result box shows: the record, its public status and, for a suspension or
    revocation, when it happened (from the status history)."""
    status = certificate_public_status(certificate, rules_in_force())
    since = None
    if status.code in ("suspended", "revoked"):
        since = (
            certificate.status_changes.filter(new_status=certificate.status)
            .order_by("-at", "-pk")
            .values_list("at", flat=True)
            .first()
        )
    return {"certificate": certificate, "status": status, "since": since}


@_public_lookup
def verify(request):
    """The form; with both fields (posted, or as ?number=&code= in a link) the result, or
    the one answer for every mismatch."""
    if request.method == "POST":
        data = request.POST
    elif "number" in request.GET or "code" in request.GET:
        data = request.GET
    else:
        data = None
    form = VerifyForm(data)
    context = {"form": form, "not_found": "", "checked_at": timezone.now()}
    if form.is_bound and form.is_valid():
        limited = _rate_limited(request)
        if limited:
            return limited
        certificate = certificate_for_verification(
            code=form.cleaned_data["code"], number=form.cleaned_data["number"]
        )
        if certificate is None:
            context["not_found"] = NOT_FOUND
        else:
            context.update(_result(certificate))
    return render(request, "candidates/verify.html", context)


@_public_lookup
def verify_code(request, code):
    """The QR code's target: the result for the code alone, or a 404 that says only that
    no certificate matches."""
    limited = _rate_limited(request)
    if limited:
        return limited
    certificate = certificate_for_verification(code=normalise_code(code))
    if certificate is None:
        return render(
            request,
            "candidates/verify_code.html",
            {"not_found": NOT_FOUND_CODE},
            status=404,
        )
    context = _result(certificate)
    context["checked_at"] = timezone.now()
    return render(request, "candidates/verify_code.html", context)
