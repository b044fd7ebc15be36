"""Course providers, their courses and approvals, completions claimed by candidates, and
visitors' alerts for newly approved courses.

Every status has one transition table here and one writer in `services.py`; each move leaves
a `…StatusChange` row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from candidates.models import Candidacy
from lssc.core.models import StatusChange
from lssc.program.models import Competency, CompetencySet


def _private_name(folder: str, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{suffix[:8]}"


def syllabus_path(instance, filename):
    return _private_name("syllabi", filename)


def resume_path(instance, filename):
    return _private_name("resumes", filename)


def completion_proof_path(instance, filename):
    return _private_name("completion-proofs", filename)


class Provider(models.Model):
    """An organisation (or consultant) that offers courses for approval.

    Personal data: `contact_name`, `contact_email`.
    """

    class Type(models.TextChoices):
        STATE_ASSOCIATION = "state_association", "State library association"
        STATE_LIBRARY = "state_library", "State library"
        REGIONAL_COOPERATIVE = "regional_cooperative", "Regional library cooperative"
        COMMUNITY_COLLEGE = "community_college", "Community college"
        UNIVERSITY = "university", "College or university"
        ALA_UNIT = "ala_unit", "ALA division or round table"
        CONSULTANT = "consultant", "Individual consultant"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=Type.choices)
    state = models.CharField(max_length=100, blank=True, help_text="State or province.")
    country = models.CharField(max_length=100, default="United States")
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderMembership(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="courses_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} at {self.provider}"


class ProviderInvitation(models.Model):
    """A member's invitation to a colleague, accepted on a confirm page (never on a click).

    Personal data: `email`.
    """

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation to {self.email} for {self.provider}"


class Course(models.Model):
    """A course a provider offers for one competency set, and its approval."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.CHANGES_REQUESTED, Status.APPROVED, Status.REJECTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED, Status.WITHDRAWN},
        # An approved course is renewed in place (its approval dates move on).
        Status.APPROVED: {Status.EXPIRED, Status.WITHDRAWN},
        Status.EXPIRED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)

    class Delivery(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    class Timing(models.TextChoices):
        SYNCHRONOUS = "synchronous", "Synchronous (scheduled sessions)"
        ASYNCHRONOUS = "asynchronous", "Asynchronous (at your own pace)"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    competency_set = models.ForeignKey(
        CompetencySet, on_delete=models.PROTECT, related_name="courses"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    objectives = models.TextField("learning objectives", blank=True)
    syllabus = models.FileField(upload_to=syllabus_path, blank=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, blank=True)
    timing = models.CharField(max_length=20, choices=Timing.choices, blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Empty for online courses.")
    state = models.CharField("state or province", max_length=100, blank=True)
    schedule = models.CharField(max_length=200, blank=True, help_text="Dates, or “Self-paced”.")
    self_paced = models.BooleanField(default=False)
    duration = models.CharField(max_length=100, blank=True, help_text="e.g. 8 weeks, 30 hours.")
    cost = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    enrolment_url = models.URLField("enrolment link", blank=True)
    instructional_methods = models.TextField(blank=True)
    assessment_methods = models.TextField(blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approval_expires_on = models.DateField(null=True, blank=True)
    renewal_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="Set while a renewal waits for staff review."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "approved_on"], name="course_catalogue_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class Instructor(models.Model):
    """Who teaches a course. Personal data: `name`, `qualifications`, the résumé file."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="instructors")
    name = models.CharField(max_length=200)
    qualifications = models.TextField(blank=True)
    resume = models.FileField("résumé", upload_to=resume_path, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class CompetencyCoverage(models.Model):
    """How a course covers one competency of its set (the competency map)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="coverage")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    content = models.TextField(blank=True)
    readings = models.TextField(blank=True)
    assignments = models.TextField(blank=True)
    assessment = models.TextField(blank=True)

    class Meta:
        ordering = ["competency__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "competency"], name="courses_one_coverage_per_competency"
            )
        ]

    def __str__(self):
        return f"{self.course} × {self.competency}"

    @property
    def is_mapped(self) -> bool:
        return any(
            value.strip()
            for value in (self.content, self.readings, self.assignments, self.assessment)
        )


class CourseStatusChange(StatusChange):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="status_changes")


class CourseReview(models.Model):
    """Program staff's rubric review of a course, for first approval or renewal."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "First approval"
        RENEWAL = "renewal", "Renewal"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"
        REJECT = "reject", "Reject"

    CRITERIA = [
        ("objectives", "Clear learning objectives"),
        ("coverage", "Covers every competency of the set"),
        ("methods", "Instructional methods"),
        ("assessment", "Assessment of learning"),
        ("instructors", "Instructor qualifications"),
    ]

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(
        default=dict, help_text="criterion -> {'score': 1-4, 'comment': text}"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reasons = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} review of {self.course}"


class CourseCompletion(models.Model):
    """A candidate's claim to have completed an approved course. Personal data: the proof."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    TRANSITIONS = {
        Status.SUBMITTED: {Status.VERIFIED, Status.REJECTED},
        Status.VERIFIED: set(),
        Status.REJECTED: set(),
    }

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    proof = models.FileField(upload_to=completion_proof_path, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    confirmed_by_provider_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidacy", "course"],
                condition=Q(status__in=["submitted", "verified"]),
                name="courses_one_open_claim_per_course",
            )
        ]

    def __str__(self):
        return f"{self.candidacy.number}: {self.course}"


class CompletionStatusChange(StatusChange):
    completion = models.ForeignKey(
        CourseCompletion, on_delete=models.CASCADE, related_name="status_changes"
    )


class CourseAlert(models.Model):
    """A visitor's subscription to new approved courses for a set and/or a state.

    Personal data: `email`.
    """

    email = models.EmailField()
    competency_set = models.ForeignKey(
        CompetencySet, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=100, blank=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Alert for {self.email}"


class AlertDelivery(models.Model):
    """One alert email about one course: the unique row makes sure it is sent once."""

    alert = models.ForeignKey(CourseAlert, on_delete=models.CASCADE, related_name="deliveries")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "course"], name="courses_alert_once_per_course"
            )
        ]

    def __str__(self):
        return f"{self.course} to {self.alert.email}"
