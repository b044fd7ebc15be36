"""The audit page: every recorded change in the program, newest first, read-only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lssc.accounts.permissions import program_staff_required
from staff.audit import PAGE_SIZE, audit_entry, audit_trail
from staff.audit_forms import AuditFilterForm


@require_safe
@program_staff_required
def audit(request):
    """The audit trail: status changes from every app's history and the staff actions that
    change no status, merged in time order, 50 to a page, with filters by words, object
    type, actor and days. Two queries for the rows (a count and a page) whatever their
    number; nothing here changes or removes a record."""
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(audit_trail(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/audit.html",
        {
            "form": form,
            "filtered": bool(filters or form.errors),
            "page": page,
            "entries": [audit_entry(row) for row in page],
        },
    )
