"""The yearly thank-you letter an evaluator can download: the reviews they submitted in a
year (date, set, role), and nothing about the candidates."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def thank_you_letter_context(user, year: int, reviews) -> dict:
    return {
        "name": user.get_full_name().strip() or user.display_name,
        "year": year,
        "reviews": reviews,
        "today": timezone.localdate(),
        "site_url": settings.SITE_URL,
        "contact_email": settings.PROGRAM_CONTACT_EMAIL,
    }


def thank_you_letter_pdf(user, year: int, reviews) -> bytes:
    """The letter rendered by WeasyPrint (no network: every style is in the template)."""
    from weasyprint import HTML

    html = render_to_string(
        "reviews/thank_you_letter_pdf.html", thank_you_letter_context(user, year, reviews)
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
