"""The application at /apply/: a page per section, autosave, review and submit, the status
page and the invoice.

Every view works on the signed-in person's own application, fetched through the
selectors. No URL here carries an id, so nobody can reach another person's application, and
program staff decide applications in their own workspace, never here.

Autosave: a section page's script posts the section's form to the page's own URL with
`Accept: application/json`; the answer is JSON (`saved`, `at`, `errors`, `summary`) instead of
a redirect or a page. Without JavaScript the same URL takes ordinary form posts.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.eligibility import application_verdict
from candidates.forms import (
    SECTION_FORMS,
    ApplicationJobFormSet,
    AttestationForm,
    job_rows_as_initial,
)
from candidates.models import Application
from candidates.selectors import (
    application_payments,
    applications_visible_to,
    latest_application_for_user,
    open_application_for_user,
)
from candidates.services import (
    application_missing,
    application_replace_jobs,
    application_start,
    application_submit,
    application_update,
    fee_for,
)
from lssc.accounts.roles import roles_of
from lssc.core.errors import DomainError
from lssc.program.selectors import rules_in_force

Section = Application.Section
SECTIONS = list(Section)
MAX_JOBS = ApplicationJobFormSet.max_num


# --- Helpers ------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    ajax = request.headers.get("x-requested-with") == "XMLHttpRequest"
    return ajax or "application/json" in request.headers.get("accept", "")


def applicant_required(view):
    """Signed-in people only. A signed-out autosave gets a JSON answer it can show, not the
    login page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if _wants_json(request):
                return JsonResponse(
                    {
                        "saved": False,
                        "message": "Not saved: you are signed out. Sign in again in another "
                        "tab, then change any answer to save.",
                    },
                    status=401,
                )
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _section_url(section: str) -> str:
    return reverse("apply:section", args=[section])


def _next_section(section: str) -> str:
    index = SECTIONS.index(section)
    return SECTIONS[min(index + 1, len(SECTIONS) - 1)]


def _rules(application: Application):
    """The rules fixed at submission, or those in force for a draft."""
    return application.rules if application.rules_id else rules_in_force()


def _fee(application: Application, rules) -> dict:
    """The fee to show: fixed at first submission, quoted from the rules before that."""
    amount = application.fee_due if application.fee_due is not None else fee_for(application, rules)
    # The fixed fee tells the rate even if the member number was changed afterwards.
    member_rate = amount == rules.fee_member and (
        application.is_member or rules.fee_member != rules.fee_standard
    )
    return {
        "amount": amount,
        "currency": rules.currency,
        "text": f"{rules.currency} {amount}",
        "kind": "ALA member fee" if member_rate else "standard fee",
        "fixed": application.fee_due is not None,
    }


def _progress(application: Application, verdict) -> list[dict]:
    """Every section with what it still lacks, in order."""
    missing = defaultdict(list)
    for section, message in application_missing(application, verdict):
        missing[section].append(message)
    return [
        {
            "value": section.value,
            "label": section.label,
            "number": number,
            "url": _section_url(section),
            "missing": missing[section],
            "complete": not missing[section],
        }
        for number, section in enumerate(SECTIONS, start=1)
    ]


def _staff_note(application: Application) -> str:
    """What program staff wrote when they asked for more information or declined: the note
    of the latest move to the current status."""
    if application.status not in (
        Application.Status.INFO_REQUESTED,
        Application.Status.DECLINED,
    ):
        return ""
    change = application.status_changes.filter(new_status=application.status).last()
    return change.note if change else ""


def _proof_text(application: Application) -> str:
    if not application.education_proof:
        return "No proof uploaded."
    kind = application.education_proof.name.rsplit(".", 1)[-1].upper()
    kind = "JPEG" if kind == "JPG" else kind
    return f"A proof is on file ({kind})."


def _summary(application: Application) -> dict:
    """What the page shows about the saved application, for the autosave script."""
    rules = _rules(application)
    verdict = application_verdict(application, rules=rules)
    progress = _progress(application, verdict)
    fee = _fee(application, rules)
    return {
        "sections": {step["value"]: step["complete"] for step in progress},
        "missing": {step["value"]: step["missing"] for step in progress},
        "counted_hours": f"{verdict.counted_hours:,.0f}",
        "required_hours": f"{verdict.required_hours:,}",
        "fee": fee["text"],
        "fee_kind": fee["kind"],
        "proof": _proof_text(application),
    }


def _saved_at() -> str:
    return timezone.localtime().strftime("%H:%M")


def _error_items(form=None, formset=None) -> list[dict]:
    """The error summary: one link per message to the field it is about."""
    items = []
    if form is not None:
        for error in form.non_field_errors():
            items.append({"anchor": "", "label": "", "message": error})
        for field in form:
            for error in field.errors:
                items.append({"anchor": _anchor(field), "label": field.label, "message": error})
    if formset is not None:
        for error in formset.non_form_errors():
            items.append({"anchor": "job-rows", "label": "Jobs", "message": error})
        for number, row in enumerate(formset.forms, start=1):
            for field in row:
                for error in field.errors:
                    items.append(
                        {
                            "anchor": _anchor(field),
                            "label": f"Job {number}, {field.label.lower()}",
                            "message": error,
                        }
                    )
    return items


def _anchor(field) -> str:
    # A radio group has no single id; its first option is where the eye should go.
    return field.id_for_label or f"{field.auto_id}_0"


def _json_errors(form=None, formset=None) -> dict:
    """Errors keyed by the input's name (`jobs-0-end`), as the script finds the inputs."""
    errors = {}
    for each in ([form] if form is not None else []) + (list(formset.forms) if formset else []):
        for name, messages_ in each.errors.items():
            key = each.add_prefix(name) if name != "__all__" else (each.prefix or "__all__")
            errors[key] = list(messages_)
    if formset is not None and formset.non_form_errors():
        errors["__all__"] = list(formset.non_form_errors())
    return errors


def _not_editable(request, application: Application | None):
    message = (
        "Your application is "
        f"{application.get_status_display().lower()}, so it can no longer be changed."
        if application
        else "There is no application in progress to change."
    )
    if _wants_json(request):
        return JsonResponse({"saved": False, "message": message, "errors": {}}, status=409)
    messages.info(request, message)
    return redirect("apply:start")


def _after_save(request, application: Application, section: str, go_on: bool):
    """The answer to a successful save: JSON for autosave, else a redirect (post/redirect/get)."""
    if _wants_json(request):
        fresh = open_application_for_user(request.user)
        return JsonResponse(
            {"saved": True, "at": _saved_at(), "errors": {}, "summary": _summary(fresh)}
        )
    if go_on:
        messages.success(request, f"{Section(section).label}: saved.")
        return redirect(_section_url(_next_section(section)))
    messages.success(
        request,
        f"Draft saved at {_saved_at()}. You can leave now: when you come back to Apply, you "
        "will continue here.",
    )
    return redirect(_section_url(section))


def _render_section(request, application, section, *, form=None, formset=None, notice=""):
    rules = _rules(application)
    verdict = application_verdict(application, rules=rules)
    progress = _progress(application, verdict)
    step = progress[SECTIONS.index(section)]
    return render(
        request,
        f"candidates/apply_{section}.html",
        {
            "application": application,
            "section": section,
            "section_label": Section(section).label,
            "step": step,
            "steps": progress,
            "total_steps": len(SECTIONS),
            "next_section": Section(_next_section(section)),
            "form": form,
            "formset": formset,
            "error_items": _error_items(form, formset),
            "verdict": verdict,
            "work_missing": progress[SECTIONS.index(Section.WORK)]["missing"],
            "rules": rules,
            "fee": _fee(application, rules),
            "staff_request": _staff_note(application),
            "proof_text": _proof_text(application),
            "notice": notice,
            "max_jobs": MAX_JOBS,
        },
    )


# --- Start and status ---------------------------------------------------------------------


@applicant_required
@require_http_methods(["GET", "POST"])
def apply_start(request):
    """Where "Apply" leads: the section the applicant stopped at, a new draft for someone
    who has none, or the status of an application that can no longer be changed.

    A POST starts a new application after a declined one."""
    user = request.user
    if roles_of(user).is_candidate:
        messages.info(request, "You are already a candidate: your dashboard shows your progress.")
        return redirect("candidates:dashboard")
    application = open_application_for_user(user)
    if application is None:
        latest = latest_application_for_user(user)
        if request.method == "GET" and latest is not None:
            # Declined: show why, with a button to start again.
            return _status_page(request, latest)
        try:
            application = application_start(user)
        except DomainError as error:
            messages.info(request, str(error))
            return redirect("candidates:dashboard")
        if latest is not None:
            messages.success(request, "Your new application is started.")
        return redirect(_section_url(application.last_section))
    if application.status == Application.Status.DRAFT:
        return redirect(_section_url(application.last_section))
    return _status_page(request, application)


def _status_page(request, application: Application):
    rules = _rules(application)
    return render(
        request,
        "candidates/apply_status.html",
        {
            "application": application,
            "note": _staff_note(application),
            "rules": rules,
            "fee": _fee(application, rules) if application.submitted_at else None,
        },
    )


# --- Sections -----------------------------------------------------------------------------


@applicant_required
@require_http_methods(["GET", "POST"])
def apply_section(request, section):
    """One section of the application: show it, save it (draft or continue), or autosave."""
    if section not in Section.values:
        raise Http404("No such section.")
    application = open_application_for_user(request.user)
    if application is None or not application.is_editable:
        if application is None and not _wants_json(request):
            return redirect("apply:start")
        return _not_editable(request, application)
    if section == Section.REVIEW:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return _render_review(
            request,
            application,
            AttestationForm(
                application=application,
                initial={"attestation_name": application.attestation_name},
            ),
        )
    try:
        if section == Section.WORK:
            return _work_section(request, application)
        return _form_section(request, application, section)
    except DomainError:
        # Submitted or decided in another tab between loading and saving.
        return _not_editable(request, open_application_for_user(request.user))


def _form_section(request, application, section):
    form_class = SECTION_FORMS[section]
    if request.method == "POST":
        go_on = "save_continue" in request.POST and not _wants_json(request)
        form = form_class(request.POST, request.FILES, instance=application, complete=go_on)
        if form.is_valid():
            application_update(
                application,
                # "Save and continue" resumes at the next section; a draft save, here.
                section=_next_section(section) if go_on else section,
                fields=form.changes(),
                by=request.user,
            )
            return _after_save(request, application, section, go_on)
        if _wants_json(request):
            return JsonResponse(
                {"saved": False, "errors": _json_errors(form=form), "summary": {}}, status=400
            )
    else:
        form = form_class(instance=application)
    return _render_section(request, application, section, form=form)


def _job_formset(rows: list[dict], *, add_row: bool = False):
    formset = ApplicationJobFormSet(initial=rows, prefix="jobs")
    # Unbound, the formset shows max(min_num, 0 initial) + extra rows: one per saved job (at
    # least one row), and one more when a row was asked for.
    formset.extra = max(len(rows) - 1, 0) + (1 if add_row else 0)
    return formset


def _typed_rows(formset) -> list[dict]:
    """What was typed into each row, raw, so a row can be added without losing any of it."""
    return [{name: form[name].value() for name in form.fields} for form in formset.forms]


def _work_section(request, application):
    if request.method == "POST":
        autosave = _wants_json(request)
        if "add_job" in request.POST and not autosave:
            rows = _typed_rows(ApplicationJobFormSet(request.POST, prefix="jobs"))
            can_add = len(rows) < MAX_JOBS
            return _render_section(
                request,
                application,
                Section.WORK,
                formset=_job_formset(rows, add_row=can_add),
                notice="A new row is ready at the end of the list. Your answers are saved when "
                "you press Save draft or Save and continue."
                if can_add
                else f"You can list up to {MAX_JOBS} jobs. List the most recent ones.",
            )
        go_on = "save_continue" in request.POST and not autosave
        formset = ApplicationJobFormSet(request.POST, prefix="jobs", complete=go_on)
        if formset.is_valid():
            saved = application_replace_jobs(application, jobs=formset.rows(), by=request.user)
            if go_on:
                application_update(
                    saved, section=_next_section(Section.WORK), fields={}, by=request.user
                )
            return _after_save(request, application, Section.WORK, go_on)
        if autosave:
            return JsonResponse(
                {"saved": False, "errors": _json_errors(formset=formset), "summary": {}},
                status=400,
            )
    else:
        formset = _job_formset(job_rows_as_initial(application))
    return _render_section(request, application, Section.WORK, formset=formset)


# --- Review and submit --------------------------------------------------------------------


def _render_review(request, application, attestation, *, refused: bool = False):
    rules = _rules(application)
    jobs = list(application.jobs.all())
    verdict = application_verdict(application, jobs=jobs, rules=rules)
    progress = _progress(application, verdict)
    # The signature is on this page, so it is not listed as something missing elsewhere.
    blockers = [step for step in progress if step["missing"] and step["value"] != Section.REVIEW]
    return render(
        request,
        "candidates/apply_review.html",
        {
            "application": application,
            "section": Section.REVIEW,
            "section_label": Section.REVIEW.label,
            "step": progress[-1],
            "steps": progress,
            "total_steps": len(SECTIONS),
            "verdict": verdict,
            "jobs": [
                {"row": job, "hours": counted.hours, "days": counted.days_inside}
                for job, counted in zip(jobs, verdict.jobs, strict=True)
            ],
            "blockers": blockers,
            "refused": refused,
            "rules": rules,
            "fee": _fee(application, rules),
            "form": attestation,
            "error_items": _error_items(attestation),
            "staff_request": _staff_note(application),
            "proof_text": _proof_text(application),
            "resubmission": application.status == Application.Status.INFO_REQUESTED,
        },
    )


@applicant_required
@require_POST
def apply_submit(request):
    """Sign and submit. A second submit (a double click) leads to the invoice and changes
    nothing; an incomplete or ineligible application is refused with the reasons."""
    user = request.user
    application = open_application_for_user(user)
    if application is not None and application.status == Application.Status.SUBMITTED:
        messages.info(request, "Your application is already submitted. Here is your invoice.")
        return redirect("apply:invoice")
    if application is None or not application.is_editable:
        return _not_editable(request, application)
    attestation = AttestationForm(request.POST, application=application)
    if not attestation.is_valid():
        return _render_review(request, application, attestation)
    resubmission = application.status == Application.Status.INFO_REQUESTED
    try:
        # Signed and submitted together: a refused submission keeps no signature.
        with transaction.atomic():
            signed = application_update(
                application, section=Section.REVIEW, fields=attestation.changes(), by=user
            )
            submitted = application_submit(signed, by=user)
    except DomainError:
        fresh = open_application_for_user(user)
        if fresh is not None and fresh.status == Application.Status.SUBMITTED:
            # The first of two quick clicks got there first.
            return redirect("apply:invoice")
        if fresh is None or not fresh.is_editable:
            return _not_editable(request, fresh)
        return _render_review(request, fresh, attestation, refused=True)
    messages.success(
        request,
        (
            "Your application was sent back to program staff with your changes. "
            if resubmission
            else "Your application is submitted. "
        )
        + f"We emailed a confirmation to {submitted.email}. Your invoice is below.",
    )
    return redirect("apply:invoice")


# --- Invoice ------------------------------------------------------------------------------


@applicant_required
@require_GET
def invoice(request):
    """The printable invoice of the applicant's latest submitted application."""
    application = (
        applications_visible_to(request.user)
        .filter(user=request.user, submitted_at__isnull=False)
        .select_related("rules")
        .first()
    )
    if application is None:
        raise Http404("You have no submitted application, so there is no invoice yet.")
    payments = application_payments(application)
    paid = sum((payment.amount for payment in payments), Decimal(0))
    rules = application.rules
    return render(
        request,
        "candidates/invoice.html",
        {
            "application": application,
            "payments": payments,
            "paid": paid,
            "balance": max(application.fee_due - paid, Decimal(0)),
            "rules": rules,
            "fee": _fee(application, rules),
        },
    )
