"""Applications, candidacies and progress through the competency sets.

Every model with a status has one transition table here and one service function in
`services.py` that is the only writer of its status; each move leaves a `…StatusChange` row
(the audit trail and the timeline shown on the site).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from lssc.core.models import StatusChange
from lssc.program.models import CompetencySet, ProgramRules


def _private_name(folder: str, filename: str) -> str:
    """A random name in `folder`, keeping only the extension: the names people give files
    say nothing to anyone else, and a random name cannot be guessed."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{suffix[:8]}"


def education_proof_path(instance, filename):
    return _private_name("education-proofs", filename)


def acceptance_letter_path(instance, filename):
    return _private_name("letters", filename)


class LibraryType(models.TextChoices):
    PUBLIC = "public", "Public"
    ACADEMIC = "academic", "Academic"
    SCHOOL = "school", "School"
    SPECIAL = "special", "Special"
    OTHER = "other", "Other"


# --- Applications -------------------------------------------------------------------------


class Application(models.Model):
    """A request to become a candidate, filled in over several sittings.

    Personal data: names, email, phone, mailing address, employer and job, education,
    ALA member number, the typed signature and the education proof file.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        INFO_REQUESTED = "info_requested", "More information requested"
        DECLINED = "declined", "Declined"
        ADMITTED = "admitted", "Admitted"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.INFO_REQUESTED, Status.DECLINED, Status.ADMITTED},
        Status.INFO_REQUESTED: {Status.SUBMITTED, Status.DECLINED, Status.ADMITTED},
        Status.DECLINED: set(),
        Status.ADMITTED: set(),
    }
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.INFO_REQUESTED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.INFO_REQUESTED)

    class Section(models.TextChoices):
        PERSONAL = "personal", "Personal details"
        POSITION = "position", "Library and position"
        EDUCATION = "education", "Education"
        WORK = "work", "Library work history"
        MEMBERSHIP = "membership", "ALA membership"
        REVIEW = "review", "Review and submit"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    last_section = models.CharField(
        max_length=20,
        choices=Section.choices,
        default=Section.PERSONAL,
        help_text="Where the applicant was last working, to resume there.",
    )

    # Personal details
    legal_name = models.CharField("legal name", max_length=200, blank=True)
    preferred_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField("state or province", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True, default="United States")

    # Current library and position
    library_name = models.CharField("current library", max_length=200, blank=True)
    library_type = models.CharField(max_length=20, choices=LibraryType.choices, blank=True)
    job_title = models.CharField(max_length=150, blank=True)

    # Education (self-attested; the proof is optional)
    has_education = models.BooleanField(null=True, blank=True)
    education_year = models.PositiveSmallIntegerField(null=True, blank=True)
    education_proof = models.FileField(upload_to=education_proof_path, blank=True)

    # Membership decides the fee
    ala_member_number = models.CharField("ALA member number", max_length=40, blank=True)

    # Attestation
    attestation_name = models.CharField(max_length=200, blank=True)
    attested_at = models.DateTimeField(null=True, blank=True)

    # Fixed at submission: the rules and fee that apply to this application.
    submitted_at = models.DateTimeField(null=True, blank=True)
    rules = models.ForeignKey(ProgramRules, null=True, blank=True, on_delete=models.PROTECT)
    fee_due = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    counted_hours = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["draft", "submitted", "info_requested"]),
                name="candidates_one_open_application_per_user",
            )
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="application_queue_idx")]

    def __str__(self):
        return f"Application {self.pk} ({self.legal_name or self.user})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_member(self) -> bool:
        return bool(self.ala_member_number.strip())


class WorkExperience(models.Model):
    """One library job, paid or volunteer. Personal data: employer and role."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="jobs")
    library = models.CharField(max_length=200)
    library_type = models.CharField(max_length=20, choices=LibraryType.choices)
    role = models.CharField(max_length=150)
    paid = models.BooleanField(default=True, help_text="False for volunteer work.")
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Empty: still working there.")
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="candidates_job_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0) & Q(hours_per_week__lte=80),
                name="candidates_job_hours_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.role} at {self.library}"


class ApplicationStatusChange(StatusChange):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )


class Payment(models.Model):
    """Money received for an application's fee; partial payments add up."""

    class Method(models.TextChoices):
        CARD = "card", "Card"
        CHEQUE = "cheque", "Cheque"
        PURCHASE_ORDER = "purchase_order", "Purchase order"
        ASSISTANCE_AWARD = "assistance_award", "Assistance award"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    method = models.CharField(max_length=20, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True)
    received_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="candidates_payment_positive")
        ]

    def __str__(self):
        return f"{self.amount} by {self.get_method_display()}"


# --- Candidacies --------------------------------------------------------------------------


class Candidacy(models.Model):
    """A person admitted to the program, with four years (by default) to finish six sets.

    Personal data: the link to `user`.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CERTIFIED = "certified", "Certified"
        LAPSED = "lapsed", "Lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.ACTIVE: {Status.CERTIFIED, Status.LAPSED, Status.WITHDRAWN},
        Status.CERTIFIED: set(),
        Status.LAPSED: {Status.ACTIVE},  # staff may reinstate, e.g. after a late extension
        Status.WITHDRAWN: set(),
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidacy"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="candidacy"
    )
    number = models.CharField(max_length=20, unique=True)
    admitted_at = models.DateTimeField()
    deadline = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    acceptance_letter = models.FileField(upload_to=acceptance_letter_path, blank=True)

    class Meta:
        ordering = ["-admitted_at"]
        verbose_name_plural = "candidacies"
        # The reminder and lapse sweeps read active candidacies by deadline range.
        indexes = [
            models.Index(fields=["status", "deadline"], name="candidacy_status_deadline_idx")
        ]

    def __str__(self):
        return f"{self.number} ({self.user})"


class CandidacyStatusChange(StatusChange):
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="status_changes"
    )


class DeadlineExtension(models.Model):
    """Staff moved a candidacy's deadline; the reason is required."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField()
    new_deadline = models.DateField()
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.old_deadline} → {self.new_deadline}"


class SetProgress(models.Model):
    """Where a candidate stands on one competency set: the route chosen and its status.

    The course and portfolio apps move it through `candidates.services`.
    """

    class Route(models.TextChoices):
        UNDECIDED = "", "Not chosen yet"
        COURSE = "course", "Approved course"
        PORTFOLIO = "portfolio", "Portfolio"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        INFO_REQUESTED = "info_requested", "More information requested"
        ACHIEVED = "achieved", "Achieved"
        NOT_DEMONSTRATED = "not_demonstrated", "Not demonstrated"

    TRANSITIONS = {
        Status.NOT_STARTED: {Status.IN_PROGRESS, Status.SUBMITTED, Status.ACHIEVED},
        Status.IN_PROGRESS: {Status.NOT_STARTED, Status.SUBMITTED, Status.ACHIEVED},
        Status.SUBMITTED: {Status.IN_PROGRESS, Status.UNDER_REVIEW, Status.ACHIEVED},
        Status.UNDER_REVIEW: {
            Status.INFO_REQUESTED,
            Status.ACHIEVED,
            Status.NOT_DEMONSTRATED,
            Status.IN_PROGRESS,
        },
        Status.INFO_REQUESTED: {Status.SUBMITTED, Status.NOT_DEMONSTRATED},
        # A set not demonstrated by portfolio may still be earned by an approved course.
        Status.NOT_DEMONSTRATED: {Status.IN_PROGRESS, Status.SUBMITTED, Status.ACHIEVED},
        Status.ACHIEVED: set(),
    }

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="sets")
    competency_set = models.ForeignKey(CompetencySet, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=10, choices=Route.choices, blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    chosen = models.BooleanField(
        default=False, help_text="Required sets always count; electives count when chosen."
    )
    achieved_at = models.DateTimeField(null=True, blank=True)
    achieved_through = models.CharField(
        max_length=200, blank=True, help_text="What achieved it, e.g. the course or portfolio."
    )

    class Meta:
        ordering = ["competency_set__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "competency_set"], name="candidates_one_progress_per_set"
            )
        ]

    def __str__(self):
        return f"{self.candidacy.number}: {self.competency_set}"


class SetProgressStatusChange(StatusChange):
    progress = models.ForeignKey(
        SetProgress, on_delete=models.CASCADE, related_name="status_changes"
    )
