"""Every write to certificates and renewals: issuing, suspending, reinstating, revoking,
expiring, and renewal by continuing education.

`_certificate_transition` and `_renewal_transition` are the only writers of those statuses
(through lssc.core.transitions.move_status), each leaving a history row.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from candidates.models import (
    Candidacy,
    Certificate,
    CertificateStatusChange,
    ContinuingEducation,
    Renewal,
    RenewalStatusChange,
)
from candidates.renewal_rules import hours_progress, renewal_window
from candidates.selectors import candidacy_progress, progress_summary
from candidates.services import _candidacy_transition
from lssc.core.dates import add_years
from lssc.core.errors import DomainError
from lssc.core.mail import notify
from lssc.core.transitions import move_status
from lssc.core.uploads import check_upload
from lssc.program.selectors import rules_in_force

MB = 1024 * 1024
CE_EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx", "doc", "odt", "txt")
HOLDER_REASON = "You received this email because you hold or are earning the LSSC certificate."


def ready_for_certification(candidacy: Candidacy, rules=None) -> bool:
    """All required sets and enough chosen electives achieved, and not certified yet."""
    rules = rules or rules_in_force()
    summary = progress_summary(candidacy_progress(candidacy), rules)
    return (
        candidacy.status == Candidacy.Status.ACTIVE
        and summary.required_achieved >= rules.required_sets
        and summary.electives_achieved >= rules.electives_needed
    )


def _certificate_transition(certificate: Certificate, new_status: str, *, by, note: str = ""):
    """The only writer of Certificate.status."""
    return move_status(
        certificate,
        new_status,
        history=CertificateStatusChange,
        link="certificate",
        noun="A certificate",
        by=by,
        note=note,
    )


def _next_number(issued_on: date) -> str:
    """LSSC-2026-00042: the year and a running number (the largest so far plus one)."""
    prefix = f"LSSC-{issued_on.year}-"
    last = Certificate.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def _create_certificate(candidacy, *, issued_on, expires_on, by, supersedes=None):
    holder = candidacy.application.legal_name if candidacy.application_id else ""
    holder = holder or candidacy.user.get_full_name() or candidacy.user.email
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    candidacy=candidacy,
                    number=_next_number(issued_on),
                    holder_name=holder,
                    issued_on=issued_on,
                    expires_on=expires_on,
                    supersedes=supersedes,
                    issued_by=by,
                )
            break
        except IntegrityError:
            continue  # another certificate took the number a moment ago: take the next
    else:
        raise DomainError("Could not number the certificate; please try again.")
    CertificateStatusChange.objects.create(
        certificate=certificate,
        new_status=certificate.status,
        actor=by,
        note="Issued as a renewal." if supersedes else "Issued.",
    )
    return certificate


@transaction.atomic
def certificate_issue(candidacy: Candidacy, *, by) -> Certificate:
    """Issue the certificate to a candidate who has achieved the sets the rules ask for:
    numbered, valid for `certificate_years`, with its public verification code. The
    candidacy becomes certified and the candidate is emailed. Issuing twice is refused."""
    locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if locked.status == Candidacy.Status.CERTIFIED:
        raise DomainError("This candidate already holds the certificate.")
    if locked.status != Candidacy.Status.ACTIVE:
        raise DomainError(
            f"This candidacy is {locked.get_status_display().lower()}, so no certificate can "
            "be issued."
        )
    rules = rules_in_force()
    if not ready_for_certification(locked, rules):
        raise DomainError(
            "Not ready: every required set and "
            f"{rules.electives_needed} chosen electives must be achieved first."
        )
    today = timezone.localdate()
    certificate = _create_certificate(
        locked, issued_on=today, expires_on=add_years(today, rules.certificate_years), by=by
    )
    _candidacy_transition(locked, Candidacy.Status.CERTIFIED, by=by, note=f"{certificate.number}")
    notify(
        locked.user,
        kind="certificate_issued",
        subject="Congratulations: your LSSC certificate is issued",
        lines=[
            f"Your certificate {certificate.number} is valid until "
            f"{certificate.expires_on:%-d %B %Y}.",
            "Download it as a PDF from your certificate page. Anyone can check it with the "
            "verification address printed on it.",
        ],
        action_url=reverse("certificates:detail", args=[certificate.pk]),
        action_label="See your certificate",
        reason=HOLDER_REASON,
    )
    return certificate


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise DomainError("Give the reason; it is kept in the record.")
    return reason.strip()


def _move_with_reason(certificate, new_status: str, *, reason: str, by, subject: str):
    reason = _require_reason(reason)
    locked, moved = _certificate_transition(certificate, new_status, by=by, note=reason)
    if moved:
        locked.status_reason = reason
        locked.save(update_fields=["status_reason", "updated_at"])
        _tell_holder(locked, subject, [f"Reason: {reason}"])
    return locked


@transaction.atomic
def certificate_suspend(certificate: Certificate, *, reason: str, by) -> Certificate:
    """Suspend (reversible): the verification page says so at once."""
    return _move_with_reason(
        certificate,
        Certificate.Status.SUSPENDED,
        reason=reason,
        by=by,
        subject="Your LSSC certificate is suspended",
    )


@transaction.atomic
def certificate_reinstate(certificate: Certificate, *, note: str = "", by) -> Certificate:
    """Lift a suspension."""
    locked, moved = _certificate_transition(
        certificate, Certificate.Status.VALID, by=by, note=note or "Reinstated."
    )
    if moved:
        locked.status_reason = ""
        locked.save(update_fields=["status_reason", "updated_at"])
        _tell_holder(locked, "Your LSSC certificate is valid again", [note] if note else [])
    return locked


@transaction.atomic
def certificate_revoke(certificate: Certificate, *, reason: str, by) -> Certificate:
    """Revoke for good, with the reason the verification page shows."""
    return _move_with_reason(
        certificate,
        Certificate.Status.REVOKED,
        reason=reason,
        by=by,
        subject="Your LSSC certificate is revoked",
    )


@transaction.atomic
def certificate_expire(certificate: Certificate) -> tuple[Certificate, bool]:
    """Mark a certificate expired once its renewal grace period has passed (the expiry
    job; a repeat does nothing), unless a renewal sent in time waits for staff. Returns
    (certificate, whether it moved)."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != Certificate.Status.VALID:
        return locked, False
    if Renewal.objects.filter(certificate=locked, status=Renewal.Status.SUBMITTED).exists():
        return locked, False  # sent in time; it waits for staff, not for the calendar
    window = renewal_window(locked.expires_on, rules_in_force())
    if timezone.localdate() <= window.closes:
        return locked, False
    return _certificate_transition(
        locked, Certificate.Status.EXPIRED, by=None, note="The renewal grace period ended."
    )


def _tell_holder(certificate: Certificate, subject: str, lines: list[str]) -> None:
    notify(
        certificate.candidacy.user,
        kind="certificate_status",
        subject=subject,
        lines=lines
        or ["Your certificate's status changed. The certificate page shows the details."],
        action_url=reverse("certificates:detail", args=[certificate.pk]),
        action_label="See your certificate",
        reason=HOLDER_REASON,
    )


# --- Renewal ------------------------------------------------------------------------------


def _renewal_transition(renewal: Renewal, new_status: str, *, by, note: str = ""):
    """The only writer of Renewal.status."""
    return move_status(
        renewal,
        new_status,
        history=RenewalStatusChange,
        link="renewal",
        noun="A renewal",
        by=by,
        note=note,
    )


@transaction.atomic
def renewal_start(certificate: Certificate, *, by) -> Renewal:
    """The holder's renewal log for a valid certificate (made the first time). Activities
    can be logged at any time; submission waits for the renewal window."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    existing = Renewal.objects.filter(certificate=locked).first()
    if existing:
        return existing
    if locked.status != Certificate.Status.VALID:
        raise DomainError(
            f"This certificate is {locked.get_status_display().lower()}, so it cannot be renewed."
        )
    renewal = Renewal.objects.create(certificate=locked)
    RenewalStatusChange.objects.create(
        renewal=renewal, new_status=renewal.status, actor=by, note="Renewal log started."
    )
    return renewal


def _lock_editable(renewal: Renewal) -> Renewal:
    locked = (
        Renewal.objects.select_for_update(of=("self",))
        .select_related("certificate")
        .get(pk=renewal.pk)
    )
    if not locked.is_editable:
        raise DomainError(
            f"This renewal is {locked.get_status_display().lower()}, so it cannot be changed."
        )
    if locked.certificate.status != Certificate.Status.VALID:
        raise DomainError(
            f"This certificate is {locked.certificate.get_status_display().lower()}, so its "
            "renewal cannot change."
        )
    return locked


def hours_text(hours) -> str:
    """5.00 → "5", 7.50 → "7.5"."""
    return f"{hours.normalize():f}"


def ce_add(renewal: Renewal, *, fields: dict, evidence=None, by) -> ContinuingEducation:
    """Log one activity (`fields`: activity, provider, completed_on, kind, amount,
    technology), with an optional evidence file checked by content. Nothing is left behind
    when it fails."""
    if fields["amount"] is None or fields["amount"] <= 0:
        raise DomainError("Enter how many credits, hours or days, more than zero.")
    if fields["completed_on"] > timezone.localdate():
        raise DomainError("The completion date cannot be in the future.")
    if evidence is not None:
        check_upload(
            evidence, allowed=CE_EVIDENCE_KINDS, what="evidence", stem="evidence", max_bytes=10 * MB
        )
    with transaction.atomic():
        locked = _lock_editable(renewal)
        if fields["completed_on"] < locked.certificate.issued_on:
            raise DomainError(
                "Only activities completed since your certificate was issued "
                f"({locked.certificate.issued_on:%-d %B %Y}) count toward renewal."
            )
        entry = ContinuingEducation(renewal=locked, **fields)
        if evidence is not None:
            entry.evidence.save(evidence.name, evidence, save=False)
        try:
            with transaction.atomic():
                entry.save()
        except BaseException:
            if entry.evidence:
                entry.evidence.delete(save=False)
            raise
    return entry


@transaction.atomic
def ce_remove(entry: ContinuingEducation, *, by) -> None:
    _lock_editable(entry.renewal)
    file = entry.evidence
    entry.delete()
    if file:
        transaction.on_commit(lambda: file.delete(save=False))


def renewal_missing(renewal: Renewal, *, today=None, rules=None) -> list[str]:
    """What stops submission, in plain words."""
    rules = rules or rules_in_force()
    today = today or timezone.localdate()
    missing = []
    window = renewal_window(renewal.certificate.expires_on, rules)
    stage = window.stage(today)
    if stage == "not_yet":
        missing.append(f"Renewal opens on {window.opens:%-d %B %Y}.")
    elif stage == "closed":
        missing.append(f"Renewal closed on {window.closes:%-d %B %Y}.")
    progress = hours_progress(renewal.entries.all(), rules)
    if progress.missing:
        missing.append(f"Log {hours_text(progress.missing)} more contact hours.")
    if progress.technology_missing:
        missing.append(f"Log {hours_text(progress.technology_missing)} more hours on technology.")
    return missing


@transaction.atomic
def renewal_submit(renewal: Renewal, *, by) -> Renewal:
    """Submit inside the renewal window with the hours complete; staff are asked to
    approve. A repeat does nothing."""
    locked = Renewal.objects.select_for_update().select_related("certificate").get(pk=renewal.pk)
    if locked.status == Renewal.Status.SUBMITTED:
        return locked
    if not locked.is_editable:
        raise DomainError(f"This renewal is {locked.get_status_display().lower()}.")
    if locked.certificate.status != Certificate.Status.VALID:
        raise DomainError("Only a valid certificate can be renewed.")
    missing = renewal_missing(locked)
    if missing:
        raise DomainError(" ".join(missing))
    locked, _ = _renewal_transition(locked, Renewal.Status.SUBMITTED, by=by)
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at", "updated_at"])
    notify(
        by,
        kind="renewal_submitted",
        subject="Your certificate renewal was submitted",
        lines=["Program staff will review your continuing education and email you."],
        action_url=reverse("certificates:renewal", args=[locked.certificate_id]),
        action_label="See your renewal",
        reason=HOLDER_REASON,
    )
    return locked


@transaction.atomic
def renewal_request_changes(renewal: Renewal, *, note: str, by) -> Renewal:
    note = _require_reason(note)
    locked, moved = _renewal_transition(renewal, Renewal.Status.CHANGES_REQUESTED, by=by, note=note)
    if moved:
        locked.staff_note = note
        locked.save(update_fields=["staff_note", "updated_at"])
        notify(
            locked.certificate.candidacy.user,
            kind="renewal_changes_requested",
            subject="Your certificate renewal needs changes",
            lines=[note, "Update your continuing-education log and submit it again."],
            action_url=reverse("certificates:renewal", args=[locked.certificate_id]),
            action_label="Update your renewal",
            reason=HOLDER_REASON,
        )
    return locked


@transaction.atomic
def renewal_approve(renewal: Renewal, *, by) -> Certificate:
    """Approve: a new certificate replaces the old one, valid `certificate_years` from the
    old expiry date (renewing early loses nothing, and neither does a renewal sent in the
    grace period and approved later). Returns the new certificate; a repeat returns the one
    already issued."""
    locked, moved = _renewal_transition(renewal, Renewal.Status.APPROVED, by=by)
    old = Certificate.objects.select_for_update().get(pk=locked.certificate_id)
    if not moved:
        return old.superseded_by
    rules = rules_in_force()
    today = timezone.localdate()
    new = _create_certificate(
        old.candidacy,
        issued_on=today,
        expires_on=add_years(old.expires_on, rules.certificate_years),
        by=by,
        supersedes=old,
    )
    _certificate_transition(
        old, Certificate.Status.REPLACED, by=by, note=f"Renewed as {new.number}."
    )
    locked.decided_at = timezone.now()
    locked.save(update_fields=["decided_at", "updated_at"])
    notify(
        old.candidacy.user,
        kind="renewal_approved",
        subject="Your LSSC certificate is renewed",
        lines=[
            f"Your new certificate {new.number} is valid until {new.expires_on:%-d %B %Y}. "
            f"It replaces {old.number}.",
        ],
        action_url=reverse("certificates:detail", args=[new.pk]),
        action_label="See your new certificate",
        reason=HOLDER_REASON,
    )
    return new
