"""The acceptance letter, as a page and as a PDF kept in the candidate's record."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from candidates.models import Candidacy
from lssc.program.selectors import rules_in_force


def acceptance_letter_context(candidacy: Candidacy) -> dict:
    application = candidacy.application
    return {
        "candidacy": candidacy,
        "application": application,
        "name": (application.legal_name if application else "") or candidacy.user.display_name,
        "rules": (application.rules if application and application.rules else rules_in_force()),
        "site_url": settings.SITE_URL,
        "contact_email": settings.PROGRAM_CONTACT_EMAIL,
    }


def acceptance_letter_pdf(candidacy: Candidacy) -> bytes:
    """The letter rendered by WeasyPrint (no network: every style is in the template)."""
    from weasyprint import HTML

    html = render_to_string(
        "candidates/acceptance_letter_pdf.html", acceptance_letter_context(candidacy)
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
