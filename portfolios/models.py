"""Portfolios: for one competency set, a narrative per competency backed by evidence files,
and a personal learning statement. A submitted round is frozen in a snapshot, so what the
evaluators rate cannot change afterwards.
"""

import uuid

from django.conf import settings
from django.db import models

from candidates.models import Candidacy
from lssc.core.models import StatusChange
from lssc.program.models import Competency, CompetencySet


def evidence_path(instance, filename):
    """A random name under the portfolio's folder: the stored name reveals nothing and
    cannot be steered by what the uploader called the file."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.portfolio_id}/{uuid.uuid4().hex}.{suffix[:8]}"


class Portfolio(models.Model):
    """One candidate's portfolio for one set. Personal data: everything the candidate wrote
    and uploaded."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        INFO_REQUESTED = "info_requested", "More information requested"
        ACHIEVED = "achieved", "Achieved"
        NOT_DEMONSTRATED = "not_demonstrated", "Not demonstrated"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.UNDER_REVIEW},
        Status.UNDER_REVIEW: {Status.INFO_REQUESTED, Status.ACHIEVED, Status.NOT_DEMONSTRATED},
        Status.INFO_REQUESTED: {Status.SUBMITTED, Status.NOT_DEMONSTRATED},
        Status.ACHIEVED: set(),
        # An appeal remanded for a new evaluation sends the same round to new evaluators.
        Status.NOT_DEMONSTRATED: {Status.SUBMITTED},
    }
    EDITABLE_STATUSES = (Status.DRAFT, Status.INFO_REQUESTED)

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="portfolios")
    competency_set = models.ForeignKey(CompetencySet, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    learning_statement = models.TextField("personal learning statement", blank=True)
    resubmissions_used = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "competency_set"], name="portfolios_one_per_set"
            )
        ]

    def __str__(self):
        return f"{self.candidacy.number}: {self.competency_set}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class Evidence(models.Model):
    """A file in the portfolio's evidence library; it may support several competencies."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary: my own work"
        SECONDARY = "secondary", "Secondary: about my work (certificates, letters)"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=120, help_text="The cleaned-up upload name.")
    file_type = models.CharField(max_length=10, help_text="What the content is, e.g. pdf.")
    size = models.PositiveBigIntegerField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the content.")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    description = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    in_submission = models.BooleanField(
        default=False, help_text="Part of a submitted round: kept unchanged for the evaluators."
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "checksum"], name="portfolios_no_duplicate_evidence"
            )
        ]

    def __str__(self):
        return self.title


class CompetencyResponse(models.Model):
    """The candidate's narrative for one competency and the evidence that backs it."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="responses")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    narrative = models.TextField(blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="responses")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["competency__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "competency"], name="portfolios_one_response_per_competency"
            )
        ]

    def __str__(self):
        return f"{self.portfolio} — {self.competency.number}"


class PortfolioSubmission(models.Model):
    """What was submitted in one round, frozen: the narratives, the learning statement and
    the evidence each competency cited. Evaluators rate this, never the live draft."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="submissions")
    round = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    learning_statement = models.TextField()
    content = models.JSONField(
        help_text="[{competency_id, number, statement, narrative, evidence: [ids]}]"
    )
    evidence = models.ManyToManyField(Evidence, related_name="submissions")
    remanded_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remand",
        help_text="For a remanded appeal: the round whose content is evaluated again.",
    )

    class Meta:
        ordering = ["portfolio", "round"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "round"], name="portfolios_round_unique")
        ]

    def __str__(self):
        return f"{self.portfolio}, round {self.round}"


class PortfolioStatusChange(StatusChange):
    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="status_changes"
    )
