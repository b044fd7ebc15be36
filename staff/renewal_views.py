"""The staff renewal desk: renewals waiting for a decision, one renewal's log, and the two
decisions (approve, request changes) through the confirm-page pattern of
`staff.confirm.confirm_page` (one-time token, errors kept at the form).

Renewals are read through `renewals_visible_to`; every page is for program staff only.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from candidates import certificate_services as services
from candidates.certificate_selectors import renewals_visible_to
from candidates.models import ContinuingEducation, Renewal
from candidates.renewal_rules import hours_progress
from candidates.renewal_views import (
    entry_rows,
    evidence_download,
    number,
    progress_summary,
    renewal_events,
    window_summary,
)
from lssc.accounts.permissions import program_staff_required
from lssc.core.dates import add_years
from lssc.program.selectors import rules_in_force
from staff.confirm import confirm_page
from staff.forms import ActionForm
from staff.renewal_forms import RenewalChangesForm
from staff.views import QUEUE_PAGE_SIZE

CONFIRM_METHODS = ["GET", "HEAD", "POST"]
RECENTLY_APPROVED_DAYS = 30
RECENTLY_APPROVED_MAX = 50


def _rows(request):
    """Renewals with what a list row shows, and their entries for the hours: two queries."""
    return renewals_visible_to(request.user).select_related("certificate__candidacy__user")


def _with_hours(renewals, rules, today) -> list[Renewal]:
    """Each renewal with `total_hours`, `technology_hours` and `hours_complete` from its
    prefetched entries, and `age_days` since it was submitted."""
    rows = list(renewals)
    for renewal in rows:
        progress = hours_progress(renewal.entries.all(), rules)
        renewal.total_hours = number(progress.total)
        renewal.technology_hours = number(progress.technology)
        renewal.hours_complete = progress.complete
        if renewal.submitted_at:
            renewal.age_days = (today - timezone.localtime(renewal.submitted_at).date()).days
    return rows


@require_safe
@program_staff_required
def renewal_list(request):
    """Submitted renewals waiting for a decision, oldest first; then those sent back for
    changes; then those approved in the last RECENTLY_APPROVED_DAYS days. A fixed number of
    queries whatever the number of rows."""
    rules = rules_in_force()
    today = timezone.localdate()
    entries = Prefetch("entries", queryset=ContinuingEducation.objects.order_by())
    waiting_qs = (
        _rows(request)
        .filter(status=Renewal.Status.SUBMITTED)
        .prefetch_related(entries)
        .order_by("submitted_at", "pk")
    )
    page = Paginator(waiting_qs, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    changes = (
        _rows(request)
        .filter(status=Renewal.Status.CHANGES_REQUESTED)
        .prefetch_related(entries)
        .order_by("updated_at", "pk")
    )
    approved = (
        _rows(request)
        .filter(
            status=Renewal.Status.APPROVED,
            decided_at__gte=timezone.now() - timedelta(days=RECENTLY_APPROVED_DAYS),
        )
        .select_related("certificate__superseded_by")
        .prefetch_related(entries)
        .order_by("-decided_at", "-pk")[:RECENTLY_APPROVED_MAX]
    )
    return render(
        request,
        "staff/renewal_list.html",
        {
            "page": page,
            "waiting": _with_hours(page, rules, today),
            "changes": _with_hours(changes, rules, today),
            "approved": _with_hours(approved, rules, today),
            "recent_days": RECENTLY_APPROVED_DAYS,
            "rules": rules,
        },
    )


def _renewal_for(request, pk: int) -> Renewal:
    return get_object_or_404(_rows(request), pk=pk)


def _new_expiry(renewal: Renewal, rules):
    """The expiry date approval would give the new certificate (as renewal_approve sets
    it: certificate_years from the old expiry, or from today when renewed late)."""
    return add_years(
        max(renewal.certificate.expires_on, timezone.localdate()), rules.certificate_years
    )


def _context(renewal: Renewal) -> dict:
    rules = rules_in_force()
    today = timezone.localdate()
    entries = entry_rows(renewal, rules)
    return {
        "renewal": renewal,
        "certificate": renewal.certificate,
        "holder": renewal.certificate.candidacy.user,
        "rules": rules,
        "entries": entries,
        **window_summary(renewal.certificate, rules, today),
        **progress_summary(entries, rules),
        "new_expires_on": _new_expiry(renewal, rules),
        "pending": renewal.status == Renewal.Status.SUBMITTED,
    }


@require_safe
@program_staff_required
def renewal_detail(request, pk):
    """One renewal: the certificate and window, the log with converted hours and evidence,
    progress toward the hours, the history, and the decisions while it waits."""
    renewal = _renewal_for(request, pk)
    context = _context(renewal)
    if renewal.status == Renewal.Status.APPROVED:
        context["new_certificate"] = getattr(renewal.certificate, "superseded_by", None)
    return render(
        request, "staff/renewal_detail.html", {**context, "timeline": renewal_events(renewal)}
    )


def _not_pending(renewal: Renewal) -> str:
    if renewal.status == Renewal.Status.SUBMITTED:
        return ""
    return (
        f"This renewal is {renewal.get_status_display().lower()}, so there is nothing to "
        "decide now."
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def renewal_approve(request, pk):
    """Confirm page: approve; a new certificate replaces the old one and the holder is
    emailed."""
    renewal = _renewal_for(request, pk)
    form = ActionForm(request.POST or None)

    def perform(data):
        new = services.renewal_approve(renewal, by=request.user)
        return (
            f"Renewal approved: certificate {new.number}, valid until "
            f"{new.expires_on:%-d %B %Y}, replaces {renewal.certificate.number}. The holder "
            "was emailed."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/renewal_approve.html",
        context={
            **_context(renewal),
            "heading": "Approve the renewal",
            "crumb": "Approve",
            "unavailable": _not_pending(renewal),
        },
        perform=perform,
        done_url=reverse("staff:renewal_detail", args=[renewal.pk]),
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def renewal_request_changes(request, pk):
    """Confirm page: send the renewal back to the holder with a note saying what to change."""
    renewal = _renewal_for(request, pk)
    form = RenewalChangesForm(request.POST or None)

    def perform(data):
        services.renewal_request_changes(renewal, note=data["note"], by=request.user)
        return "Changes were requested; the holder was emailed your note."

    return confirm_page(
        request,
        form=form,
        template="staff/renewal_request_changes.html",
        context={
            **_context(renewal),
            "heading": "Request changes to the renewal",
            "crumb": "Request changes",
            "unavailable": _not_pending(renewal),
        },
        perform=perform,
        done_url=reverse("staff:renewal_detail", args=[renewal.pk]),
    )


@require_safe
@program_staff_required
def renewal_evidence(request, pk, entry_pk):
    """An activity's evidence as a download, for staff only."""
    renewal = _renewal_for(request, pk)
    try:
        entry = renewal.entries.get(pk=entry_pk)
    except ContinuingEducation.DoesNotExist:
        raise Http404("No such activity.") from None
    return evidence_download(entry.evidence, pk=entry.pk)
