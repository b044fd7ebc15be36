"""The certificate holder's renewal: the continuing-education log, progress toward the hours,
the renewal window, and submission.

Who may do what: the holder sees the page and changes the log; program staff may read it
(and download evidence) but not change it (403); anyone else gets 404, through
`certificates_visible_to`. Opening the page creates nothing: the renewal record is started
by the first activity logged.

The add-activity form carries an optional evidence file read through
`LimitedUploadHandler`, which streams it to disk and stops reading once it passes the limit.
The handler has to be installed before anything reads the request body, and Django's CSRF
middleware reads it first, so the page is exempt from the middleware and applies the same
check itself once the handler is in place (as portfolios.evidence_views does).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from candidates import certificate_services as services
from candidates.certificate_selectors import certificates_visible_to
from candidates.models import Certificate, ContinuingEducation, Renewal, RenewalStatusChange
from candidates.renewal_forms import EVIDENCE_MAX_MB, ContinuingEducationForm
from candidates.renewal_rules import contact_hours, hours_progress, renewal_window
from candidates.selectors import name_actors
from lssc.core.errors import DomainError
from lssc.core.files import private_file_response
from lssc.core.uploads import LimitedUploadHandler
from lssc.program.selectors import rules_in_force

MB = 1024 * 1024
# ContinuingEducation.Kind -> (one unit, several units)
UNITS = {
    ContinuingEducation.Kind.SEMESTER_CREDITS: ("semester credit", "semester credits"),
    ContinuingEducation.Kind.QUARTER_CREDITS: ("quarter credit", "quarter credits"),
    ContinuingEducation.Kind.WORKSHOP_HOURS: ("hour", "hours"),
    ContinuingEducation.Kind.SELF_DIRECTED_HOURS: ("hour", "hours"),
    ContinuingEducation.Kind.CONFERENCE_DAYS: ("day", "days"),
}
# Stored extension -> the type an evidence file is served as
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
}


def number(value) -> str:
    """A Decimal as people write it: 15, 1.5 (never 15.00)."""
    return f"{Decimal(value).normalize():f}"


def amount_label(entry) -> str:
    one, many = UNITS.get(entry.kind, ("", ""))
    return f"{number(entry.amount)} {one if entry.amount == 1 else many}"


def evidence_download(field_file, *, pk: int):
    """An evidence file as a download named after its entry, for callers that checked
    access."""
    suffix = field_file.name.rsplit(".", 1)[-1].lower() if "." in field_file.name else "bin"
    return private_file_response(
        field_file,
        filename=f"ce-evidence-{pk}.{suffix}",
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )


class EvidenceUploadHandler(LimitedUploadHandler):
    """One evidence file of at most EVIDENCE_MAX_MB; the refusal speaks of that file."""

    def __init__(self, request=None):
        super().__init__(
            request,
            max_file_bytes=EVIDENCE_MAX_MB * MB,
            max_total_bytes=EVIDENCE_MAX_MB * MB,
        )

    def _total_message(self) -> str:
        return (
            f"This file is larger than {EVIDENCE_MAX_MB} MB, the most one evidence file may "
            "be. Save a smaller copy (a scan at lower resolution, or a PDF) and upload it again."
        )


def _certificate(request, pk: int) -> Certificate:
    try:
        return certificates_visible_to(request.user).select_related("candidacy").get(pk=pk)
    except Certificate.DoesNotExist:
        raise Http404("No such certificate.") from None


def _require_holder(request, certificate: Certificate) -> None:
    """Staff may read a holder's renewal but only the holder changes it."""
    if certificate.candidacy.user_id != request.user.pk:
        raise PermissionDenied("Only the certificate's holder can change its renewal.")


def _renewal_of(certificate: Certificate) -> Renewal | None:
    try:
        return certificate.renewal
    except Renewal.DoesNotExist:
        return None


def entry_rows(renewal: Renewal | None, rules) -> list[ContinuingEducation]:
    """The log's entries in date order, each with `hours` (converted by `rules`) and
    `amount_label`: one query."""
    if renewal is None:
        return []
    entries = list(renewal.entries.all())
    for entry in entries:
        entry.hours = number(contact_hours(entry.kind, entry.amount, rules))
        entry.amount_label = amount_label(entry)
    return entries


def window_summary(certificate: Certificate, rules, today) -> dict:
    """The renewal window of `certificate` and where `today` falls in it."""
    window = renewal_window(certificate.expires_on, rules)
    return {"window": window, "stage": window.stage(today)}


def progress_summary(entries, rules) -> dict:
    """Hours toward the rules' totals, as numbers for the page."""
    progress = hours_progress(entries, rules)
    return {
        "progress": progress,
        "total_hours": number(progress.total),
        "technology_hours": number(progress.technology),
        "technology_percent": min(
            100,
            int(100 * progress.technology / progress.technology_needed)
            if progress.technology_needed
            else 100,
        ),
    }


def _missing(renewal, window, stage, progress) -> list[str]:
    """What stops submission: the service's answer once the log exists; before it, the same
    words from the window and an empty log."""
    if renewal is not None:
        return services.renewal_missing(renewal)
    missing = []
    if stage == "not_yet":
        missing.append(f"Renewal opens on {window.opens:%-d %B %Y}.")
    elif stage == "closed":
        missing.append(f"Renewal closed on {window.closes:%-d %B %Y}.")
    if progress.missing:
        missing.append(f"Log {number(progress.missing)} more contact hours.")
    if progress.technology_missing:
        missing.append(f"Log {number(progress.technology_missing)} more hours on technology.")
    return missing


def renewal_events(renewal: Renewal | None) -> list[dict]:
    """The renewal's history, newest first: dicts with at, actor, title and note. One
    query."""
    if renewal is None:
        return []
    events = []
    for change in RenewalStatusChange.objects.filter(renewal=renewal).select_related("actor"):
        if not change.old_status:
            title, note = "Renewal log started", ""
        elif change.old_status == change.new_status:
            title, note = "Noted", change.note
        else:
            title, note = Renewal.Status(change.new_status).label, change.note
        events.append({"at": change.at, "actor": change.actor, "title": title, "note": note})
    return events[::-1]


def _refusal(certificate: Certificate, renewal: Renewal | None) -> str:
    """Why the log cannot be changed now ("" when it can)."""
    if renewal is not None and not renewal.is_editable:
        return f"This renewal is {renewal.get_status_display().lower()}, so the log is locked."
    if certificate.status != Certificate.Status.VALID:
        return (
            f"This certificate is {certificate.get_status_display().lower()}, so it cannot be "
            "renewed."
        )
    return ""


def _render(request, certificate, form, *, status=200):
    rules = rules_in_force()
    today = timezone.localdate()
    renewal = _renewal_of(certificate)
    entries = entry_rows(renewal, rules)
    window = window_summary(certificate, rules, today)
    hours = progress_summary(entries, rules)
    missing = _missing(renewal, window["window"], window["stage"], hours["progress"])
    is_holder = certificate.candidacy.user_id == request.user.pk
    refusal = _refusal(certificate, renewal)
    can_edit = is_holder and not refusal
    new_certificate = None
    if renewal is not None and renewal.status == Renewal.Status.APPROVED:
        new_certificate = getattr(certificate, "superseded_by", None)
    return render(
        request,
        "candidates/renewal.html",
        {
            "certificate": certificate,
            "renewal": renewal,
            "rules": rules,
            "entries": entries,
            **window,
            **hours,
            "missing": missing,
            "is_holder": is_holder,
            "refusal": refusal,
            "can_edit": can_edit,
            "can_submit": can_edit and renewal is not None and not missing,
            "form": form,
            "history": name_actors(renewal_events(renewal), request.user),
            "new_certificate": new_certificate,
            "evidence_max_bytes": EVIDENCE_MAX_MB * MB,
            "evidence_max_label": f"{EVIDENCE_MAX_MB} MB",
        },
        status=status,
    )


@csrf_exempt
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def renewal(request, pk):
    """The renewal page (GET) and logging an activity (POST, the holder only). See the
    module docstring for why CSRF is checked inside."""
    certificate = _certificate(request, pk)
    handler = None
    if request.method == "POST":
        _require_holder(request, certificate)
        handler = EvidenceUploadHandler(request)
        request.upload_handlers = [handler]
    return _renewal(request, certificate, handler)


@csrf_protect
def _renewal(request, certificate, handler):
    rules = rules_in_force()
    if request.method != "POST":
        return _render(request, certificate, ContinuingEducationForm(rules=rules))
    request.POST  # noqa: B018 - read the body now, through the handler, before asking it
    if handler.refused:
        # The file was cut off; the fields sent before it are kept and shown again.
        form = ContinuingEducationForm(request.POST, rules=rules)
        form.is_valid()
        form.errors.pop("evidence", None)
        form.add_error("evidence", handler.refused)
        return _render(request, certificate, form, status=413)
    form = ContinuingEducationForm(request.POST, request.FILES, rules=rules)
    if form.is_valid():
        try:
            # The log is started by its first activity; if that activity is refused, the
            # empty log is not kept either.
            with transaction.atomic():
                renewal = _renewal_of(certificate) or services.renewal_start(
                    certificate, by=request.user
                )
                entry = services.ce_add(
                    renewal,
                    fields=form.entry_fields(),
                    evidence=form.cleaned_data["evidence"],
                    by=request.user,
                )
        except ValidationError as error:
            form.add_error("evidence", error.messages)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            hours = number(contact_hours(entry.kind, entry.amount, rules))
            messages.success(request, f"“{entry.activity}” is in your log: {hours} contact hours.")
            return redirect(reverse("certificates:renewal", args=[certificate.pk]) + "#log")
    return _render(request, certificate, form)


@login_required
@require_POST
def renewal_submit(request, pk):
    """Send the log to program staff. Refusals (outside the window, hours missing) come
    back as a message on the page."""
    certificate = _certificate(request, pk)
    _require_holder(request, certificate)
    renewal = _renewal_of(certificate)
    if renewal is None:
        messages.error(request, "Log your continuing education first, then submit it.")
    else:
        try:
            services.renewal_submit(renewal, by=request.user)
        except DomainError as error:
            messages.error(request, f"The renewal was not submitted. {error}")
        else:
            messages.success(
                request,
                "Your renewal is submitted. Program staff will review your continuing "
                "education and email you.",
            )
    return redirect("certificates:renewal", pk=certificate.pk)


def _entry(certificate: Certificate, entry_pk: int) -> ContinuingEducation:
    try:
        return ContinuingEducation.objects.select_related("renewal").get(
            renewal__certificate=certificate, pk=entry_pk
        )
    except ContinuingEducation.DoesNotExist:
        raise Http404("No such activity.") from None


@login_required
@require_POST
def ce_remove(request, pk, entry_pk):
    """Take an activity (and its evidence file) out of a log that can still change."""
    certificate = _certificate(request, pk)
    _require_holder(request, certificate)
    entry = _entry(certificate, entry_pk)
    try:
        services.ce_remove(entry, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{entry.activity}” was removed from your log.")
    return redirect(reverse("certificates:renewal", args=[certificate.pk]) + "#log")


@login_required
@require_safe
def ce_evidence(request, pk, entry_pk):
    """An activity's evidence as a download, for the holder and program staff."""
    certificate = _certificate(request, pk)
    entry = _entry(certificate, entry_pk)
    return evidence_download(entry.evidence, pk=entry.pk)
