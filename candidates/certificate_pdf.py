"""The certificate as people see it: what the holder's page and the printed PDF show (the
sets achieved, the public verification address and its QR code), and the PDF itself."""

from __future__ import annotations

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from candidates.models import Candidacy, Certificate, SetProgress

DESIGNATION = "Library Support Staff Certification"


def verification_url(certificate: Certificate) -> str:
    """The absolute address of the certificate's public verification page."""
    return f"{settings.SITE_URL}{reverse('verify:code', args=[certificate.verification_code])}"


def achieved_sets(candidacy: Candidacy) -> list[SetProgress]:
    """The competency sets the candidate achieved, in the framework's order (one query)."""
    return list(
        candidacy.sets.filter(status=SetProgress.Status.ACHIEVED)
        .select_related("competency_set")
        .order_by("competency_set__order", "pk")
    )


def how_achieved(progress: SetProgress) -> str:
    """ "Approved course: Cataloguing basics", or the route when nothing more was recorded."""
    return progress.achieved_through or progress.get_route_display()


def achieved_rows(candidacy: Candidacy) -> list[dict]:
    """The sets achieved as printed: name, whether required, and how it was achieved."""
    return [
        {
            "name": p.competency_set.name,
            "required": p.competency_set.is_required,
            "how": how_achieved(p),
        }
        for p in achieved_sets(candidacy)
    ]


def certificate_context(certificate: Certificate) -> dict:
    """What both the holder's page and the PDF print about a certificate."""
    return {
        "certificate": certificate,
        "designation": DESIGNATION,
        "achieved": achieved_rows(certificate.candidacy),
        "verification_url": verification_url(certificate),
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    """One landscape page rendered by WeasyPrint, with a QR code to the verification page.
    No network is used: the styles are in the template, the QR code is inline SVG and the
    fonts (DejaVu) are installed with the system."""
    from weasyprint import HTML  # heavy import, needed only here

    context = certificate_context(certificate)
    context["qr_svg"] = segno.make(context["verification_url"], error="m").svg_inline(
        scale=4, border=0, dark="#1d3557", omitsize=True
    )
    html = render_to_string("candidates/certificate_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
