"""Staff pages for certificates: the queue of candidacies ready for the certificate with the
list of certificates, issuing, one certificate's record, and suspending, reinstating and
revoking.

Thin views: certificates are fetched through `certificates_visible_to` and candidacies
through `candidacies_visible_to` (404 when not visible), parsed with
`staff.certificate_forms` and changed through `candidates.certificate_services` behind the
confirm pages of `staff.confirm`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from candidates import certificate_services as services
from candidates.certificate_pdf import DESIGNATION, achieved_rows, verification_url
from candidates.certificate_selectors import (
    candidacies_ready_for_certification,
    certificate_public_status,
    certificates_visible_to,
    current_certificate,
)
from candidates.models import Candidacy, Certificate
from candidates.selectors import candidacies_visible_to
from lssc.accounts.permissions import program_staff_required
from lssc.core.dates import add_years
from lssc.core.errors import DomainError
from lssc.program.selectors import rules_in_force
from staff.certificate_forms import (
    CERTIFICATE_STATUS_CHOICES,
    CertificateFilterForm,
    CertificateIssueForm,
    CertificateReinstateForm,
    CertificateRevokeForm,
    CertificateSuspendForm,
)
from staff.confirm import (
    already_sent,
    claim_submission,
    confirm_page,
    release_submission,
    say_already_sent,
)
from staff.views import QUEUE_PAGE_SIZE

CONFIRM_METHODS = ["GET", "HEAD", "POST"]
Status = Certificate.Status


def _candidate_name(candidacy: Candidacy) -> str:
    return (
        (candidacy.application.legal_name if candidacy.application_id else "")
        or candidacy.user.get_full_name()
        or candidacy.user.display_name
    )


def _certificate_for(request, pk: int) -> Certificate:
    return get_object_or_404(
        certificates_visible_to(request.user).select_related(
            "candidacy__user", "supersedes", "superseded_by"
        ),
        pk=pk,
    )


# --- The list -----------------------------------------------------------------------------


def _status_counts(user) -> dict[str, int]:
    """Certificates per recorded status, in one query."""
    return certificates_visible_to(user).aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in Status.values}
    )


@require_safe
@program_staff_required
def certificate_list(request):
    """The candidacies ready for the certificate (longest waiting deadline first), then every
    certificate, newest first, with a filter by status and a search by number or holder
    name. A fixed number of queries whatever the number of rows."""
    form = CertificateFilterForm(request.GET or None)
    status, query = "", ""
    if form.is_bound and form.is_valid():
        status, query = form.cleaned_data["status"], form.cleaned_data["q"]
    rows = certificates_visible_to(request.user).select_related("candidacy", "superseded_by")
    if status:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(
            Q(number__icontains=query)
            | Q(holder_name__icontains=query)
            | Q(candidacy__number__icontains=query)
        )
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rules = rules_in_force()
    today = timezone.localdate()
    counts = _status_counts(request.user)
    tabs = [{"value": "", "label": "All", "count": sum(counts.values())}] + [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Status.choices
    ]
    ready = [
        {"candidacy": candidacy, "name": _candidate_name(candidacy)}
        for candidacy in candidacies_ready_for_certification()
    ]
    return render(
        request,
        "staff/certificate_list.html",
        {
            "form": form,
            "current_status": status,
            "current_label": dict(CERTIFICATE_STATUS_CHOICES)[status],
            "query": query,
            "tabs": tabs,
            "page": page,
            "rows": [
                {"certificate": c, "status": certificate_public_status(c, rules, today)}
                for c in page
            ],
            "ready": ready,
        },
    )


# --- Issuing ------------------------------------------------------------------------------


def _not_issuable(candidacy: Candidacy, rules) -> str:
    """Why no certificate can be issued to this candidacy now ("" when it can)."""
    if candidacy.status == Candidacy.Status.CERTIFIED:
        return "This candidate already holds the certificate."
    if candidacy.status != Candidacy.Status.ACTIVE:
        return (
            f"This candidacy is {candidacy.get_status_display().lower()}, so no certificate "
            "can be issued."
        )
    if not services.ready_for_certification(candidacy, rules):
        return (
            f"Not ready yet: all {rules.required_sets} required sets and "
            f"{rules.electives_needed} chosen electives must be achieved first."
        )
    return ""


def _after_issuing(candidacy: Candidacy) -> str:
    """The certificate's page once it exists (also after a repeated press), else the list."""
    certificate = current_certificate(candidacy)
    if certificate is None:
        return reverse("staff:certificates")
    return reverse("staff:certificate_detail", args=[certificate.pk])


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def certificate_issue(request, candidacy_pk):
    """Confirm page: issue the certificate to a candidacy that has achieved its sets. The
    certificate is numbered, valid for the years the rules say, the candidacy becomes
    certified and the candidate is emailed. Then the certificate's page opens."""
    candidacy = get_object_or_404(
        candidacies_visible_to(request.user).select_related("user", "application"),
        pk=candidacy_pk,
    )
    form = CertificateIssueForm(request.POST or None)
    # confirm_page redirects to a URL known in advance; this one is known only once the
    # certificate exists, so the same steps are spelt out here.
    if request.method == "POST":
        if already_sent(request):
            return say_already_sent(request, _after_issuing(candidacy))
        if form.is_valid():
            token = form.cleaned_data["submission"]
            if not claim_submission(request, token):
                return say_already_sent(request, _after_issuing(candidacy))
            try:
                certificate = services.certificate_issue(candidacy, by=request.user)
            except DomainError as error:
                release_submission(request, token)
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Certificate {certificate.number} is issued to "
                    f"{certificate.holder_name}, valid until "
                    f"{certificate.expires_on:%-d %B %Y}; they were emailed.",
                )
                return redirect("staff:certificate_detail", certificate.pk)
        candidacy.refresh_from_db(fields=["status"])
    rules = rules_in_force()
    return render(
        request,
        "staff/certificate_issue.html",
        {
            "candidacy": candidacy,
            "name": _candidate_name(candidacy),
            "achieved": achieved_rows(candidacy),
            "rules": rules,
            "expires_on": add_years(timezone.localdate(), rules.certificate_years),
            "unavailable": _not_issuable(candidacy, rules),
            "existing": current_certificate(candidacy),
            "form": form,
        },
    )


# --- One certificate ----------------------------------------------------------------------


def _timeline(certificate: Certificate) -> list[dict]:
    """The certificate's status history, newest first."""
    events = []
    for change in certificate.status_changes.select_related("actor").order_by("-at", "-pk"):
        if not change.old_status:
            title = "Issued"
            note = "" if change.note == "Issued." else change.note
        else:
            title = f"{Status(change.old_status).label} → {Status(change.new_status).label}"
            note = change.note
        events.append({"at": change.at, "actor": change.actor, "title": title, "note": note})
    return events


def _allowed(certificate: Certificate) -> set[str]:
    return Certificate.TRANSITIONS[Status(certificate.status)]


@require_safe
@program_staff_required
def certificate_detail(request, pk):
    """One certificate: every field, its status today as the public sees it, the
    verification address, the history, and the status changes allowed from here."""
    certificate = _certificate_for(request, pk)
    allowed = _allowed(certificate)
    return render(
        request,
        "staff/certificate_detail.html",
        {
            "certificate": certificate,
            "designation": DESIGNATION,
            "status": certificate_public_status(certificate, rules_in_force()),
            "verification_url": verification_url(certificate),
            "replacement": getattr(certificate, "superseded_by", None),
            "previous": certificate.supersedes,
            "timeline": _timeline(certificate),
            "can_suspend": Status.SUSPENDED in allowed,
            "can_reinstate": Status.VALID in allowed,  # only a suspended one moves back
            "can_revoke": Status.REVOKED in allowed,
        },
    )


def _cannot(certificate: Certificate, target: str, verb: str) -> str:
    """Why the certificate cannot move to `target` now ("" when it can)."""
    if target in _allowed(certificate):
        return ""
    return (
        f"This certificate is {certificate.get_status_display().lower()}, so it cannot be {verb}."
    )


def _check_still_allowed(certificate: Certificate, target: str, verb: str) -> None:
    """The status may have changed since the page was opened: refuse rather than repeat."""
    certificate.refresh_from_db(fields=["status"])
    reason = _cannot(certificate, target, verb)
    if reason:
        raise DomainError(reason)


def _action_page(request, certificate, *, form, template, target, verb, title, perform):
    return confirm_page(
        request,
        form=form,
        template=template,
        context={
            "certificate": certificate,
            "status": certificate_public_status(certificate, rules_in_force()),
            "unavailable": _cannot(certificate, target, verb),
            "page_title": f"{title} certificate {certificate.number}",
            "crumb": title,
        },
        perform=perform,
        done_url=reverse("staff:certificate_detail", args=[certificate.pk]),
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def certificate_suspend(request, pk):
    """Confirm page: suspend the certificate with a reason. The verification page says so
    at once and the holder is emailed. It can be reinstated later."""
    certificate = _certificate_for(request, pk)
    form = CertificateSuspendForm(request.POST or None)

    def perform(data):
        _check_still_allowed(certificate, Status.SUSPENDED, "suspended")
        services.certificate_suspend(certificate, reason=data["reason"], by=request.user)
        return (
            f"Certificate {certificate.number} is suspended; the verification page says so "
            "(without the reason) and the holder was emailed your reason."
        )

    return _action_page(
        request,
        certificate,
        form=form,
        template="staff/certificate_suspend.html",
        target=Status.SUSPENDED,
        verb="suspended",
        title="Suspend",
        perform=perform,
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def certificate_reinstate(request, pk):
    """Confirm page: lift a suspension, with an optional note. The holder is emailed."""
    certificate = _certificate_for(request, pk)
    form = CertificateReinstateForm(request.POST or None)

    def perform(data):
        _check_still_allowed(certificate, Status.VALID, "reinstated")
        services.certificate_reinstate(certificate, note=data["note"], by=request.user)
        return (
            f"Certificate {certificate.number} is valid again; the verification page says so "
            "and the holder was emailed."
        )

    return _action_page(
        request,
        certificate,
        form=form,
        template="staff/certificate_reinstate.html",
        target=Status.VALID,
        verb="reinstated",
        title="Reinstate",
        perform=perform,
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def certificate_revoke(request, pk):
    """Confirm page: revoke the certificate for good, with a reason the verification page
    shows. The holder is emailed."""
    certificate = _certificate_for(request, pk)
    form = CertificateRevokeForm(request.POST or None)

    def perform(data):
        _check_still_allowed(certificate, Status.REVOKED, "revoked")
        services.certificate_revoke(certificate, reason=data["reason"], by=request.user)
        return (
            f"Certificate {certificate.number} is revoked; the verification page shows your "
            "reason and the holder was emailed."
        )

    return _action_page(
        request,
        certificate,
        form=form,
        template="staff/certificate_revoke.html",
        target=Status.REVOKED,
        verb="revoked",
        title="Revoke",
        perform=perform,
    )
