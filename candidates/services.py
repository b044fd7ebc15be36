"""Every write to applications, payments, candidacies and set progress.

Status fields are written only by the `*_transition` functions here: each locks the row,
refuses moves its model's transition table does not allow, treats a move to the current
status as a no-op, records a status-change row and queues email after commit.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from candidates.eligibility import application_verdict
from candidates.models import (
    Application,
    ApplicationStatusChange,
    Candidacy,
    CandidacyStatusChange,
    DeadlineExtension,
    Payment,
    SetProgress,
    SetProgressStatusChange,
    WorkExperience,
)
from lssc.accounts.roles import forget_roles
from lssc.core.audit import audit_record
from lssc.core.dates import add_years
from lssc.core.errors import DomainError, TransitionNotAllowed
from lssc.core.mail import notify
from lssc.core.transitions import move_status
from lssc.program.models import CompetencySet
from lssc.program.selectors import competency_sets_in_force, rules_in_force

logger = logging.getLogger(__name__)

MONEY = Decimal("0.01")


# --- Applications -------------------------------------------------------------------------


def application_start(user) -> Application:
    """The user's open application, or a new draft prefilled from their account.
    Raises DomainError when they are already a candidate."""
    if Candidacy.objects.filter(user=user).exists():
        raise DomainError("You are already a candidate, so there is nothing to apply for.")
    with transaction.atomic():
        existing = (
            Application.objects.select_for_update()
            .filter(user=user, status__in=Application.OPEN_STATUSES)
            .first()
        )
        if existing:
            return existing
        full_name = f"{user.first_name} {user.last_name}".strip()
        application = Application.objects.create(
            user=user, email=user.email, legal_name=full_name, preferred_name=user.preferred_name
        )
        ApplicationStatusChange.objects.create(
            application=application,
            new_status=Application.Status.DRAFT,
            actor=user,
            note="Application started.",
        )
        return application


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise DomainError(
            "This application can no longer be changed: it is "
            f"{application.get_status_display().lower()}."
        )


@transaction.atomic
def application_update(application: Application, *, section: str, fields: dict, by) -> Application:
    """Save one section's fields (as parsed by its form) and remember the section, so the
    applicant resumes there. Raises DomainError when the application is not editable."""
    locked = _lock(application)
    _require_editable(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.last_section = section
    locked.save()
    return locked


@transaction.atomic
def application_replace_jobs(application: Application, *, jobs: list[dict], by) -> Application:
    """Replace the work-history rows with `jobs` (dicts of WorkExperience fields)."""
    locked = _lock(application)
    _require_editable(locked)
    locked.jobs.all().delete()
    WorkExperience.objects.bulk_create(WorkExperience(application=locked, **job) for job in jobs)
    locked.last_section = Application.Section.WORK
    locked.save(update_fields=["last_section", "updated_at"])
    return locked


REQUIRED_FIELDS = {
    Application.Section.PERSONAL: [
        ("legal_name", "your legal name"),
        ("email", "your email address"),
        ("phone", "a phone number"),
        ("address_line1", "your mailing address"),
        ("city", "your city or town"),
        ("state", "your state or province"),
        ("country", "your country"),
    ],
    Application.Section.POSITION: [
        ("library_name", "the library where you work"),
        ("library_type", "the type of library"),
        ("job_title", "your job title"),
    ],
}


def application_missing(application: Application, verdict=None) -> list[tuple[str, str]]:
    """Everything that stops submission, as (section, message) pairs, in section order."""
    missing = []
    for section, fields in REQUIRED_FIELDS.items():
        for name, label in fields:
            if not str(getattr(application, name) or "").strip():
                missing.append((section, f"Add {label}."))
    if application.has_education is None:
        missing.append((Application.Section.EDUCATION, "Answer the education question."))
    elif application.has_education and not application.education_year:
        missing.append(
            (Application.Section.EDUCATION, "Give the year you finished your education.")
        )
    verdict = verdict or application_verdict(application)
    if application.has_education is False:
        missing.append((Application.Section.EDUCATION, verdict.missing[0]))
    if verdict.counted_hours < verdict.required_hours:
        missing.append((Application.Section.WORK, verdict.missing[-1]))
    if not application.attested_at:
        missing.append(
            (Application.Section.REVIEW, "Sign the statement that your answers are true.")
        )
    return missing


def fee_for(application: Application, rules=None) -> Decimal:
    rules = rules or rules_in_force()
    return rules.fee_member if application.is_member else rules.fee_standard


def _application_transition(
    application: Application, new_status: str, *, by, note: str = ""
) -> tuple[Application, bool]:
    """The only writer of its status (see lssc.core.transitions.move_status)."""
    return move_status(
        application,
        new_status,
        history=ApplicationStatusChange,
        link="application",
        noun="An application",
        by=by,
        note=note,
    )


@transaction.atomic
def application_submit(application: Application, *, by) -> Application:
    """Submit a complete, eligible application: fixes the rules, fee and counted hours and
    emails the applicant. Submitting twice (a double click) changes nothing the second time.
    Raises DomainError listing what is missing."""
    locked = _lock(application)
    if locked.status == Application.Status.SUBMITTED:
        return locked
    _require_editable(locked)
    missing = application_missing(locked)
    if missing:
        raise DomainError(" ".join(message for _, message in missing))
    resubmission = locked.status == Application.Status.INFO_REQUESTED
    rules = locked.rules if resubmission else rules_in_force()
    if not resubmission:
        locked.submitted_at = timezone.now()
        locked.rules = rules
        locked.fee_due = fee_for(locked, rules)
    locked.counted_hours = application_verdict(locked, rules=rules).counted_hours
    locked.save()
    locked, _ = _application_transition(
        locked,
        Application.Status.SUBMITTED,
        by=by,
        note="Resubmitted with more information." if resubmission else "",
    )
    notify(
        locked.user,
        kind="application_submitted",
        to_email=locked.email,
        subject="We received your LSSC application",
        lines=[
            "Thank you for applying. Program staff will check your application and let you "
            "know the outcome by email.",
            f"The fee is {rules.currency} {locked.fee_due}. Your invoice says how to pay it.",
        ],
        action_url=reverse("apply:invoice"),
        action_label="See your invoice",
        reason="You received this email because you applied to the LSSC program.",
    )
    return locked


@transaction.atomic
def application_request_info(application: Application, *, by, message: str) -> Application:
    """Send the application back to the applicant with a message; they edit and resubmit."""
    if not message.strip():
        raise DomainError("Say what information you need.")
    locked, moved = _application_transition(
        application, Application.Status.INFO_REQUESTED, by=by, note=message
    )
    if not moved:
        return locked
    notify(
        locked.user,
        kind="application_info_requested",
        to_email=locked.email,
        subject="Your LSSC application needs more information",
        lines=["Program staff need more information before they can decide:", message],
        action_url=reverse("apply:start"),
        action_label="Update your application",
        reason="You received this email because you applied to the LSSC program.",
    )
    return locked


@transaction.atomic
def application_decline(application: Application, *, by, reason: str) -> Application:
    """Decline the application with a reason the applicant is told."""
    if not reason.strip():
        raise DomainError("Give the reason for declining; the applicant will read it.")
    locked, moved = _application_transition(
        application, Application.Status.DECLINED, by=by, note=reason
    )
    if not moved:
        return locked
    notify(
        locked.user,
        kind="application_declined",
        to_email=locked.email,
        subject="Your LSSC application was not accepted",
        lines=[
            "We are sorry: program staff could not accept your application.",
            f"The reason: {reason}",
            "You may apply again when the reason no longer applies. Any fee you paid will be "
            "refunded by the program office.",
        ],
        reason="You received this email because you applied to the LSSC program.",
    )
    return locked


def amount_paid(application: Application) -> Decimal:
    return application.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


PAYABLE_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.INFO_REQUESTED,
    Application.Status.ADMITTED,
)


@transaction.atomic
def payment_record(
    application: Application,
    *,
    amount: Decimal,
    method: str,
    received_on: date,
    reference: str = "",
    by,
) -> Payment:
    """Record money received, with an audit row (amount, method, paid before and after).
    Refuses amounts that would pay more than the fee due and payments on applications that
    are not submitted, so a double click cannot overpay."""
    locked = _lock(application)
    if locked.status not in PAYABLE_STATUSES:
        raise DomainError(
            f"Payments cannot be recorded on an application that is "
            f"{locked.get_status_display().lower()}."
        )
    amount = Decimal(amount).quantize(MONEY)
    if amount <= 0:
        raise DomainError("Enter an amount above zero.")
    balance = locked.fee_due - amount_paid(locked)
    if amount > balance:
        raise DomainError(
            f"That is more than the {balance} still due; record at most {balance}."
            if balance > 0
            else "The fee is already paid in full."
        )
    payment = Payment.objects.create(
        application=locked,
        amount=amount,
        method=method,
        reference=reference,
        received_on=received_on,
        recorded_by=by,
    )
    paid_before = locked.fee_due - balance
    audit_record(
        actor=by,
        action="payment_recorded",
        obj=locked,
        before={"paid": paid_before},
        after={"paid": paid_before + amount, "amount": amount, "method": method},
        note=f"Received on {received_on:%-d %B %Y}"
        + (f", reference {reference}." if reference else "."),
    )
    remaining = balance - amount
    notify(
        locked.user,
        kind="payment_recorded",
        to_email=locked.email,
        subject="We received your payment",
        lines=[
            f"We recorded a payment of {locked.rules.currency} {amount} "
            f"({payment.get_method_display().lower()}) on {received_on:%-d %B %Y}.",
            f"{locked.rules.currency} {remaining} is still due."
            if remaining
            else "Your fee is now paid in full.",
        ],
        action_url=reverse("apply:invoice"),
        action_label="See your invoice",
        reason="You received this email because you applied to the LSSC program.",
    )
    return payment


@transaction.atomic
def application_admit(application: Application, *, by, override_reason: str = "") -> Candidacy:
    """Admit the applicant: creates the candidacy (number, deadline from the rules), one
    progress row per competency set and the acceptance letter, and emails the new candidate.

    Refused unless the application is eligible and paid in full, or staff give an override
    reason (recorded in the history)."""
    locked = _lock(application)
    if Candidacy.objects.filter(user=locked.user).exists():
        raise DomainError("This person is already a candidate.")
    if Application.Status.ADMITTED not in Application.TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            f"An application that is {locked.get_status_display().lower()} cannot be admitted."
        )
    problems = []
    verdict = application_verdict(locked)
    if not verdict.eligible:
        problems.extend(verdict.missing)
    due = locked.fee_due - amount_paid(locked)
    if due > 0:
        problems.append(f"{locked.rules.currency} {due} of the fee is still unpaid.")
    override_reason = override_reason.strip()
    if problems and not override_reason:
        raise DomainError(
            "Cannot admit yet: " + " ".join(problems) + " To admit anyway, give a reason."
        )
    note = "Admitted."
    if problems:
        note = f"Admitted despite: {' '.join(problems)} Reason: {override_reason}"

    now = timezone.now()
    candidacy = Candidacy.objects.create(
        user=locked.user,
        application=locked,
        number=f"PENDING-{locked.pk}",
        admitted_at=now,
        deadline=add_years(timezone.localdate(now), locked.rules.candidacy_years),
    )
    candidacy.number = f"LSSC-{now:%Y}-{candidacy.pk:05d}"
    candidacy.save(update_fields=["number"])
    CandidacyStatusChange.objects.create(
        candidacy=candidacy, new_status=Candidacy.Status.ACTIVE, actor=by, note=note
    )
    SetProgress.objects.bulk_create(
        SetProgress(candidacy=candidacy, competency_set=s, chosen=s.is_required)
        for s in competency_sets_in_force()
    )
    _application_transition(locked, Application.Status.ADMITTED, by=by, note=note)
    _store_acceptance_letter(candidacy)
    forget_roles(locked.user)
    notify(
        locked.user,
        kind="application_admitted",
        to_email=locked.email,
        subject="Welcome to LSSC: you are now a candidate",
        lines=[
            f"Congratulations! You were admitted on {timezone.localdate(now):%-d %B %Y}. Your "
            f"candidate number is {candidacy.number}.",
            f"You have until {candidacy.deadline:%-d %B %Y} to achieve your competency sets. "
            "Your acceptance letter is in your record on the site.",
            "Next step: open your dashboard and choose your elective sets.",
        ],
        action_url=reverse("candidates:dashboard"),
        action_label="Open your dashboard",
        reason="You received this email because you applied to the LSSC program.",
    )
    return candidacy


def _store_acceptance_letter(candidacy: Candidacy) -> None:
    """Render the acceptance letter to PDF and keep it in the candidate's record."""
    from candidates.letters import acceptance_letter_pdf

    pdf = acceptance_letter_pdf(candidacy)
    candidacy.acceptance_letter.save(
        f"acceptance-{candidacy.number}.pdf", ContentFile(pdf), save=False
    )
    candidacy.save(update_fields=["acceptance_letter"])


# --- Candidacies --------------------------------------------------------------------------


def _candidacy_transition(candidacy: Candidacy, new_status: str, *, by, note: str = ""):
    """The only writer of its status (see lssc.core.transitions.move_status)."""
    return move_status(
        candidacy,
        new_status,
        history=CandidacyStatusChange,
        link="candidacy",
        noun="A candidacy",
        by=by,
        note=note,
    )


@transaction.atomic
def candidacy_withdraw(candidacy: Candidacy, *, by, reason: str) -> Candidacy:
    """The candidate leaves the program. Irreversible; the reason is kept."""
    if not reason.strip():
        raise DomainError("Tell us why you are withdrawing.")
    locked, moved = _candidacy_transition(candidacy, Candidacy.Status.WITHDRAWN, by=by, note=reason)
    if moved:
        notify(
            locked.user,
            kind="candidacy_withdrawn",
            subject="You have withdrawn from LSSC",
            lines=[
                f"Your candidacy {locked.number} was withdrawn on "
                f"{timezone.localdate():%-d %B %Y}, as you asked.",
                "Your records stay on the site. If this was a mistake, contact the program office.",
            ],
            reason="You received this email because you are an LSSC candidate.",
        )
    return locked


@transaction.atomic
def candidacy_extend_deadline(
    candidacy: Candidacy, *, new_deadline: date, reason: str, by
) -> DeadlineExtension:
    """Move the deadline later, with a reason (kept on the extension and in an audit row);
    reinstates a lapsed candidacy."""
    locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if locked.status not in (Candidacy.Status.ACTIVE, Candidacy.Status.LAPSED):
        raise DomainError(
            f"The deadline of a {locked.get_status_display().lower()} candidacy cannot change."
        )
    if new_deadline <= locked.deadline:
        raise DomainError(
            f"The new deadline must be after the current one ({locked.deadline:%-d %B %Y})."
        )
    if not reason.strip():
        raise DomainError("Give the reason for the extension.")
    extension = DeadlineExtension.objects.create(
        candidacy=locked,
        old_deadline=locked.deadline,
        new_deadline=new_deadline,
        reason=reason,
        actor=by,
    )
    locked.deadline = new_deadline
    locked.save(update_fields=["deadline"])
    audit_record(
        actor=by,
        action="deadline_extended",
        obj=locked,
        before={"deadline": extension.old_deadline},
        after={"deadline": new_deadline},
        note=reason,
    )
    if locked.status == Candidacy.Status.LAPSED:
        _candidacy_transition(locked, Candidacy.Status.ACTIVE, by=by, note="Deadline extended.")
    notify(
        locked.user,
        kind="deadline_extended",
        subject="Your LSSC deadline was extended",
        lines=[
            f"Program staff extended your deadline from {extension.old_deadline:%-d %B %Y} "
            f"to {new_deadline:%-d %B %Y}.",
            f"The reason: {reason}",
        ],
        action_url=reverse("candidates:dashboard"),
        action_label="Open your dashboard",
        reason="You received this email because you are an LSSC candidate.",
    )
    return extension


# --- Progress on the competency sets -----------------------------------------------------


def _require_active(candidacy: Candidacy) -> None:
    if candidacy.status != Candidacy.Status.ACTIVE:
        raise DomainError(
            f"Your candidacy is {candidacy.get_status_display().lower()}, so it cannot change."
        )


@transaction.atomic
def set_progress_transition(
    progress: SetProgress,
    new_status: str,
    *,
    by,
    note: str = "",
    route: str | None = None,
    achieved_through: str = "",
) -> SetProgress:
    """Move a set's status: the one function the course and portfolio apps call.

    `route` records which route caused the move; reaching Achieved stamps the time and what
    achieved it. Raises TransitionNotAllowed for moves outside the table."""
    locked = SetProgress.objects.select_for_update().get(pk=progress.pk)
    if locked.status == new_status:
        return locked
    if new_status not in SetProgress.TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            f"{locked.competency_set.name}: cannot move from "
            f"{locked.get_status_display().lower()} to "
            f"{SetProgress.Status(new_status).label.lower()}."
        )
    SetProgressStatusChange.objects.create(
        progress=locked, old_status=locked.status, new_status=new_status, actor=by, note=note
    )
    locked.status = new_status
    if route is not None:
        locked.route = route
    if new_status == SetProgress.Status.ACHIEVED:
        locked.achieved_at = timezone.now()
        locked.achieved_through = achieved_through
    locked.save()
    return locked


def _log_progress_note(progress: SetProgress, *, by, note: str) -> None:
    """A history row for a change that is not a status move (route, elective choice)."""
    SetProgressStatusChange.objects.create(
        progress=progress,
        old_status=progress.status,
        new_status=progress.status,
        actor=by,
        note=note,
    )


@transaction.atomic
def set_progress_choose_route(progress: SetProgress, *, route: str, by) -> SetProgress:
    """Plan a route for a set; allowed until the set is achieved."""
    locked = SetProgress.objects.select_for_update().select_related("candidacy").get(pk=progress.pk)
    _require_active(locked.candidacy)
    if locked.status == SetProgress.Status.ACHIEVED:
        raise DomainError("This set is achieved; its route can no longer change.")
    if route not in SetProgress.Route.values:
        raise DomainError("Choose an approved course or a portfolio.")
    if locked.route != route:
        locked.route = route
        locked.save(update_fields=["route"])
        _log_progress_note(
            locked, by=by, note=f"Route planned: {SetProgress.Route(route).label.lower()}."
        )
    return locked


@transaction.atomic
def set_progress_choose_electives(candidacy: Candidacy, *, set_ids: list[int], by) -> None:
    """Choose which elective sets count, up to the number the rules ask for. An achieved
    elective stays chosen. Raises DomainError with a message for the candidate."""
    locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    _require_active(locked)
    rules = rules_in_force()
    electives = list(
        locked.sets.select_for_update()
        .filter(competency_set__kind=CompetencySet.Kind.ELECTIVE)
        .select_related("competency_set")
    )
    wanted = set(set_ids)
    unknown = wanted - {p.competency_set_id for p in electives}
    if unknown:
        raise DomainError("Choose from the elective sets listed.")
    if len(wanted) > rules.electives_needed:
        raise DomainError(f"Choose at most {rules.electives_needed} elective sets.")
    for progress in electives:
        keep = progress.competency_set_id in wanted
        if progress.chosen and not keep and progress.status == SetProgress.Status.ACHIEVED:
            raise DomainError(
                f"{progress.competency_set.name} is achieved, so it stays one of your electives."
            )
        if progress.chosen != keep:
            progress.chosen = keep
            progress.save(update_fields=["chosen"])
            _log_progress_note(
                progress,
                by=by,
                note="Chosen as an elective." if keep else "No longer one of the chosen electives.",
            )
