"""Certificates, their public verification, and renewal by continuing education."""

import secrets

from django.conf import settings
from django.db import models

from lssc.core.models import StatusChange

from .candidacy import Candidacy, _private_name


def new_verification_code() -> str:
    """A hard-to-guess public code: 16 characters from an alphabet without look-alikes
    (about 80 bits)."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def ce_evidence_path(instance, filename):
    return _private_name("continuing-education", filename)


class Certificate(models.Model):
    """The LSSC certificate. `status` records what staff and the expiry job decided; the
    verification page adds what the dates say (a valid certificate past its expiry date is
    shown as expired).

    Personal data: `holder_name`.
    """

    class Status(models.TextChoices):
        VALID = "valid", "Valid"
        SUSPENDED = "suspended", "Suspended"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"
        REPLACED = "replaced", "Replaced by a renewal"

    TRANSITIONS = {
        Status.VALID: {Status.SUSPENDED, Status.REVOKED, Status.EXPIRED, Status.REPLACED},
        Status.SUSPENDED: {Status.VALID, Status.REVOKED},
        # A renewal sent in the grace period may be approved after it ends.
        Status.EXPIRED: {Status.REVOKED, Status.REPLACED},
        Status.REPLACED: set(),
        Status.REVOKED: set(),
    }

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(max_length=20, unique=True)
    verification_code = models.CharField(
        max_length=32, unique=True, default=new_verification_code, editable=False
    )
    holder_name = models.CharField(max_length=200, help_text="The name printed on it.")
    issued_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    status_reason = models.TextField(blank=True, help_text="Why it was suspended or revoked.")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return f"Certificate {self.number}"


class CertificateStatusChange(StatusChange):
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="status_changes"
    )


class Renewal(models.Model):
    """A certificate holder's renewal: continuing education logged against one certificate,
    submitted inside the renewal window and approved by staff."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.APPROVED: set(),
    }
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="renewal"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    staff_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Renewal of {self.certificate}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class RenewalStatusChange(StatusChange):
    renewal = models.ForeignKey(Renewal, on_delete=models.CASCADE, related_name="status_changes")


class ContinuingEducation(models.Model):
    """One continuing-education activity in a renewal log. Personal data: all of it."""

    class Kind(models.TextChoices):
        SEMESTER_CREDITS = "semester", "Credit course (semester credits)"
        QUARTER_CREDITS = "quarter", "Credit course (quarter credits)"
        WORKSHOP_HOURS = "workshop", "Workshop or webinar (hours)"
        SELF_DIRECTED_HOURS = "self_directed", "Self-directed learning (hours)"
        CONFERENCE_DAYS = "conference", "Conference (days)"

    renewal = models.ForeignKey(Renewal, on_delete=models.CASCADE, related_name="entries")
    activity = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    kind = models.CharField(max_length=15, choices=Kind.choices)
    amount = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        help_text="Credits, hours or days, as the kind says.",
    )
    technology = models.BooleanField(
        "technology-related", default=False, help_text="Counts toward the technology hours."
    )
    evidence = models.FileField(upload_to=ce_evidence_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["completed_on", "pk"]

    def __str__(self):
        return self.activity
