"""The holder's certificate pages at /certificates/<pk>/: the certificate with its live
status, and its PDF.

Certificates are fetched through `certificates_visible_to`, so the holder and program staff
see one and everyone else gets 404 (no probing for certificate numbers).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from candidates.certificate_pdf import certificate_context, certificate_pdf
from candidates.certificate_selectors import certificate_public_status, certificates_visible_to
from candidates.models import Certificate
from lssc.program.selectors import rules_in_force

RENEWABLE_CODES = ("valid", "grace")


def _certificate_for(request, pk: int) -> Certificate:
    return get_object_or_404(
        certificates_visible_to(request.user).select_related(
            "candidacy__user", "supersedes", "superseded_by"
        ),
        pk=pk,
    )


@require_safe
@login_required
def detail(request, pk):
    """The certificate: holder, designation, dates, the sets achieved, its live status as the
    verification page shows it, the verification address and the PDF, with the renewal while
    it can be renewed."""
    certificate = _certificate_for(request, pk)
    status = certificate_public_status(certificate, rules_in_force())
    is_holder = certificate.candidacy.user_id == request.user.pk
    return render(
        request,
        "candidates/certificate_detail.html",
        {
            **certificate_context(certificate),
            "status": status,
            "is_holder": is_holder,
            "can_renew": is_holder and status.code in RENEWABLE_CODES,
            "replacement": getattr(certificate, "superseded_by", None),
            "previous": certificate.supersedes,
        },
    )


@require_safe
@login_required
def pdf(request, pk):
    """The certificate as a one-page landscape PDF, as a download."""
    certificate = _certificate_for(request, pk)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    # Personal data: never kept by a shared cache, never guessed as another type.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
