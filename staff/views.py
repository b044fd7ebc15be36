from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from candidates import services
from candidates.eligibility import application_verdict
from candidates.models import Application, Candidacy
from candidates.selectors import (
    application_payments,
    application_queue,
    application_status_counts,
    application_timeline,
    applications_visible_to,
    candidacies_visible_to,
    candidacy_counts_by_status,
    candidacy_progress,
    candidacy_timeline,
)
from candidates.services import PAYABLE_STATUSES, amount_paid
from courses.selectors import provider_counts
from lssc.accounts.permissions import program_staff_required
from lssc.accounts.selectors import user_counts
from lssc.core.dates import add_years
from lssc.core.files import private_file_response
from lssc.program.selectors import competency_sets_in_force
from reviews.selectors import evaluator_counts
from staff.confirm import confirm_page
from staff.forms import (
    AdmitForm,
    ApplicationQueueFilterForm,
    DeclineForm,
    ExtendDeadlineForm,
    PaymentForm,
    RequestInfoForm,
)
from staff.queues import staff_queues

# The staff workspace sits above every domain app (it shows all their queues) and reads them
# only through their selectors; every change goes through their services (called as
# `services.…`, since several views share a service's name).

QUEUE_PAGE_SIZE = 25
DECIDABLE_STATUSES = (Application.Status.SUBMITTED, Application.Status.INFO_REQUESTED)
EXTENDABLE_STATUSES = (Candidacy.Status.ACTIVE, Candidacy.Status.LAPSED)


@require_safe
@program_staff_required
def staff_home(request):
    """The program office's workspace: every work queue with its count and the age of its
    oldest item, then an overview of candidacies, providers, evaluators and user accounts.
    A fixed number of queries whatever the numbers."""
    queues = staff_queues(request.user)
    candidacies = candidacy_counts_by_status()
    return render(
        request,
        "staff/home.html",
        {
            "queues": queues,
            "certificates_to_issue": next(q.count for q in queues if q.key == "certificates"),
            "candidacies": candidacies,
            "candidacy_total": sum(row["count"] for row in candidacies),
            "providers": provider_counts(),
            "evaluators": evaluator_counts(),
            "users": user_counts(),
        },
    )


# --- Applications -------------------------------------------------------------------------


def _states_present(user) -> list[str]:
    """The states of the applications staff can see, once each whatever their capitals (the
    queue filters on the state without regard to case)."""
    seen = {}
    for state in (
        applications_visible_to(user)
        .exclude(state="")
        .order_by("state")
        .values_list("state", flat=True)
        .distinct()
    ):
        seen.setdefault(state.strip().casefold(), state.strip())
    return sorted(seen.values(), key=str.casefold)


@require_safe
@program_staff_required
def application_list(request):
    """The queue of submitted applications, oldest first, with counts per status and filters
    by status, state and age. A fixed number of queries whatever the number of rows."""
    form = ApplicationQueueFilterForm(request.GET or None, states=_states_present(request.user))
    filters = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter is reported at its field and ignored
        filters = {name: value for name, value in form.cleaned_data.items() if value}
    page = Paginator(application_queue(request.user, **filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = application_status_counts(request.user)
    tabs = [{"value": "", "label": "All", "count": sum(counts.values())}] + [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Application.Status.choices
        if value != Application.Status.DRAFT
    ]
    return render(
        request,
        "staff/application_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "current_status": filters.get("status", ""),
            "tabs": tabs,
            "page": page,
            "rows": list(page),
        },
    )


def _application_for(request, pk: int) -> Application:
    """An application the signed-in staff member may see (never a draft), or 404."""
    return get_object_or_404(
        applications_visible_to(request.user).select_related("user", "rules"), pk=pk
    )


def _balance(application: Application, paid: Decimal) -> Decimal:
    return (application.fee_due or Decimal(0)) - paid


def _available_actions(application: Application, balance: Decimal) -> dict[str, bool]:
    """Which confirm pages make sense in the application's status (the services decide)."""
    decidable = application.status in DECIDABLE_STATUSES
    return {
        "payment": application.status in PAYABLE_STATUSES and balance > 0,
        "request_info": application.status == Application.Status.SUBMITTED,
        "decline": decidable,
        "admit": decidable,
    }


def _admission_problems(application: Application, verdict, balance: Decimal) -> list[str]:
    """What stops admission without an override, in the words the admit service uses."""
    problems = list(verdict.missing) if not verdict.eligible else []
    if balance > 0:
        problems.append(f"{application.rules.currency} {balance} of the fee is still unpaid.")
    return problems


@require_safe
@program_staff_required
def application_detail(request, pk):
    """Everything about one application: its sections, the eligibility breakdown, the fee
    and payments, the history and the actions its status allows."""
    application = _application_for(request, pk)
    jobs = list(application.jobs.all())
    verdict = application_verdict(application, jobs=jobs)
    payments = application_payments(application)
    paid = sum((payment.amount for payment in payments), Decimal(0))
    balance = _balance(application, paid)
    candidacy = None
    if application.status == Application.Status.ADMITTED:
        candidacy = candidacies_visible_to(request.user).filter(application=application).first()
    return render(
        request,
        "staff/application_detail.html",
        {
            "application": application,
            "verdict": verdict,
            "job_rows": list(zip(jobs, verdict.jobs, strict=True)),
            "payments": payments,
            "paid": paid,
            "balance": balance,
            "timeline": application_timeline(application)[::-1],
            "actions": _available_actions(application, balance),
            "candidacy": candidacy,
        },
    )


def _applicant_name(application: Application) -> str:
    return application.legal_name or application.user.display_name


@require_http_methods(["GET", "HEAD", "POST"])
@program_staff_required
def application_payment(request, pk):
    """Record money received for the fee. Partial payments add up; more than the balance is
    refused."""
    application = _application_for(request, pk)
    balance = _balance(application, amount_paid(application))
    form = PaymentForm(request.POST or None, balance=balance)
    currency = application.rules.currency if application.rules else ""

    def perform(data):
        payment = services.payment_record(
            application,
            amount=data["amount"],
            method=data["method"],
            received_on=data["received_on"],
            reference=data["reference"],
            by=request.user,
        )
        remaining = balance - payment.amount
        return (
            f"Payment of {currency} {payment.amount} recorded. "
            + (
                f"{currency} {remaining} is still due. "
                if remaining
                else "The fee is paid in full. "
            )
            + f"{_applicant_name(application)} was emailed a receipt."
        )

    unavailable = ""
    if application.status not in PAYABLE_STATUSES:
        unavailable = (
            f"Payments cannot be recorded on an application that is "
            f"{application.get_status_display().lower()}."
        )
    elif balance <= 0:
        unavailable = "The fee is already paid in full, so there is nothing left to record."
    return confirm_page(
        request,
        form=form,
        template="staff/application_payment.html",
        context={
            "application": application,
            "page_title": "Record a payment",
            "crumb": "Record a payment",
            "balance": balance,
            "currency": currency,
            "unavailable": unavailable,
        },
        perform=perform,
        done_url=reverse("staff:application_detail", args=[application.pk]),
    )


def _not_now(application: Application, what: str) -> str:
    return (
        f"An application that is {application.get_status_display().lower()} cannot {what}, "
        "so there is nothing to do here."
    )


@require_http_methods(["GET", "HEAD", "POST"])
@program_staff_required
def application_request_info(request, pk):
    """Send the application back to the applicant with a message; they edit and resubmit."""
    application = _application_for(request, pk)
    form = RequestInfoForm(request.POST or None)

    def perform(data):
        services.application_request_info(application, by=request.user, message=data["message"])
        return (
            f"The application was sent back to {_applicant_name(application)} for more "
            "information; they were emailed your message."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/application_request_info.html",
        context={
            "application": application,
            "page_title": "Request more information",
            "crumb": "Request more information",
            "unavailable": ""
            if application.status == Application.Status.SUBMITTED
            else _not_now(application, "be sent back for more information"),
        },
        perform=perform,
        done_url=reverse("staff:application_detail", args=[application.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@program_staff_required
def application_decline(request, pk):
    """Decline the application with a reason the applicant is told."""
    application = _application_for(request, pk)
    form = DeclineForm(request.POST or None)

    def perform(data):
        services.application_decline(application, by=request.user, reason=data["reason"])
        return (
            f"The application was declined; {_applicant_name(application)} was emailed the reason."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/application_decline.html",
        context={
            "application": application,
            "page_title": "Decline the application",
            "crumb": "Decline",
            "unavailable": ""
            if application.status in DECIDABLE_STATUSES
            else _not_now(application, "be declined"),
        },
        perform=perform,
        done_url=reverse("staff:application_detail", args=[application.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@program_staff_required
def application_admit(request, pk):
    """Admit the applicant as a candidate: only when eligible and paid in full, unless staff
    give a written reason to override."""
    application = _application_for(request, pk)
    verdict = application_verdict(application)
    balance = _balance(application, amount_paid(application))
    problems = _admission_problems(application, verdict, balance)
    form = AdmitForm(request.POST or None, needs_override=bool(problems))

    def perform(data):
        candidacy = services.application_admit(
            application, by=request.user, override_reason=data.get("override_reason", "")
        )
        return (
            f"{_applicant_name(application)} was admitted as candidate {candidacy.number}, "
            f"with a deadline of {candidacy.deadline:%-d %B %Y}. They were emailed."
        )

    rules = application.rules
    return confirm_page(
        request,
        form=form,
        template="staff/application_admit.html",
        context={
            "application": application,
            "page_title": "Admit the applicant",
            "crumb": "Admit",
            "verdict": verdict,
            "balance": balance,
            "problems": problems,
            "deadline": add_years(timezone.localdate(), rules.candidacy_years) if rules else None,
            "set_count": competency_sets_in_force().count(),
            "unavailable": ""
            if application.status in DECIDABLE_STATUSES
            else _not_now(application, "be admitted"),
        },
        perform=perform,
        done_url=reverse("staff:application_detail", args=[application.pk]),
    )


# --- Candidacies --------------------------------------------------------------------------


def _candidacy_for(request, pk: int) -> Candidacy:
    return get_object_or_404(
        candidacies_visible_to(request.user).select_related("user", "application"), pk=pk
    )


def _candidate_name(candidacy: Candidacy) -> str:
    return (
        (candidacy.application.legal_name if candidacy.application else "")
        or candidacy.user.get_full_name()
        or candidacy.user.display_name
    )


@require_safe
@program_staff_required
def candidacy_detail(request, pk):
    """One candidate's record: number, status, deadline, progress on each set and history."""
    candidacy = _candidacy_for(request, pk)
    return render(
        request,
        "staff/candidacy_detail.html",
        {
            "candidacy": candidacy,
            "name": _candidate_name(candidacy),
            "progress": candidacy_progress(candidacy),
            "timeline": candidacy_timeline(candidacy),
            "can_extend": candidacy.status in EXTENDABLE_STATUSES,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@program_staff_required
def candidacy_extend(request, pk):
    """Move a candidacy's deadline later, with a reason; reinstates a lapsed candidacy."""
    candidacy = _candidacy_for(request, pk)
    form = ExtendDeadlineForm(request.POST or None, current_deadline=candidacy.deadline)

    def perform(data):
        extension = services.candidacy_extend_deadline(
            candidacy, new_deadline=data["new_deadline"], reason=data["reason"], by=request.user
        )
        return (
            f"The deadline was extended to {extension.new_deadline:%-d %B %Y}; the candidate "
            "was emailed."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/candidacy_extend.html",
        context={
            "candidacy": candidacy,
            "name": _candidate_name(candidacy),
            "unavailable": ""
            if candidacy.status in EXTENDABLE_STATUSES
            else f"The deadline of a {candidacy.get_status_display().lower()} candidacy cannot "
            "change.",
        },
        perform=perform,
        done_url=reverse("staff:candidacy_detail", args=[candidacy.pk]),
    )


@require_safe
@program_staff_required
def candidacy_letter_pdf(request, pk):
    """The acceptance letter kept in the candidate's record, as a download (never shown
    inline, never guessed as another type). 404 when there is none."""
    candidacy = _candidacy_for(request, pk)
    return private_file_response(
        candidacy.acceptance_letter,
        filename=f"acceptance-letter-{candidacy.number}.pdf",
        content_type="application/pdf",
    )
