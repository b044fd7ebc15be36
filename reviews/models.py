"""Portfolio evaluation: the evaluator pool, conflicts of interest, assignments of a submitted
round to evaluators, their per-competency ratings, and the decision staff release.

Dependency direction: reviews reads portfolios and candidates and changes them only through
their services.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from lssc.core.models import StatusChange
from lssc.program.models import Competency, CompetencySet
from portfolios.models import Portfolio, PortfolioSubmission


def resume_path(instance, filename):
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evaluators/{uuid.uuid4().hex}.{suffix[:8]}"


class Evaluator(models.Model):
    """An expert volunteer who rates portfolios. A profile starts as an application; program
    staff approve or decline it.

    Personal data: the link to `user`, `employer`, `state`, `qualifications`, `experience`,
    the résumé file.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        INACTIVE = "inactive", "Paused"

    TRANSITIONS = {
        Status.APPLIED: {Status.APPROVED, Status.DECLINED},
        Status.APPROVED: {Status.INACTIVE},
        Status.INACTIVE: {Status.APPROVED},
        # Someone declined may apply again with a stronger application.
        Status.DECLINED: {Status.APPLIED},
    }

    # A paused evaluator gets no new offers but keeps the role, so they can finish the
    # reviews they accepted and resume later.
    ROLE_STATUSES = (Status.APPROVED, Status.INACTIVE)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluator_profile"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    employer = models.CharField(
        "employer library", max_length=200, blank=True, help_text="The library you work for."
    )
    state = models.CharField("state or province", max_length=100, blank=True)
    qualifications = models.TextField(
        blank=True, help_text="Degrees, certifications and other credentials."
    )
    experience = models.TextField(
        blank=True, help_text="Your library work, and any teaching, supervising or assessing."
    )
    resume = models.FileField("résumé", upload_to=resume_path, blank=True)
    qualified_sets = models.ManyToManyField(CompetencySet, blank=True, related_name="evaluators")
    capacity_per_quarter = models.PositiveSmallIntegerField(
        default=2, help_text="How many portfolios you are willing to rate in three months."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Evaluator {self.user}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.APPROVED


class EvaluatorStatusChange(StatusChange):
    evaluator = models.ForeignKey(
        Evaluator, on_delete=models.CASCADE, related_name="status_changes"
    )


class ConflictOfInterest(models.Model):
    """Someone or some library an evaluator must not judge. Personal data: `name`."""

    class Kind(models.TextChoices):
        PERSON = "person", "A person"
        LIBRARY = "library", "A library"

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="The person's full name or the library's.")
    note = models.CharField(max_length=300, blank=True, help_text="Optional: how you know them.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class Assignment(models.Model):
    """One evaluator asked to rate one submitted round of a portfolio. An adjudicator rates
    only the competencies the first two evaluators disputed (`scope`)."""

    class Role(models.TextChoices):
        FIRST = "first", "First evaluator"
        SECOND = "second", "Second evaluator"
        ADJUDICATOR = "adjudicator", "Third evaluator (adjudicator)"

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.OFFERED: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.DECLINED: set(),
        Status.SUBMITTED: set(),
        Status.WITHDRAWN: set(),
    }
    LIVE_STATUSES = (Status.OFFERED, Status.ACCEPTED, Status.SUBMITTED)

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="assignments")
    submission = models.ForeignKey(
        PortfolioSubmission, on_delete=models.PROTECT, related_name="assignments"
    )
    evaluator = models.ForeignKey(Evaluator, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=12, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    scope = models.ManyToManyField(
        Competency,
        blank=True,
        related_name="+",
        help_text="For an adjudicator, the disputed competencies; empty means all of them.",
    )
    due_on = models.DateField()
    offered_at = models.DateTimeField(auto_now_add=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    overall_comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "evaluator"],
                condition=Q(status__in=["offered", "accepted", "submitted"]),
                name="reviews_one_live_assignment_per_evaluator",
            ),
            models.UniqueConstraint(
                fields=["submission", "role"],
                condition=Q(status__in=["offered", "accepted", "submitted"]),
                name="reviews_one_live_assignment_per_role",
            ),
        ]

    def __str__(self):
        return f"{self.submission} — {self.get_role_display()}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


class AssignmentStatusChange(StatusChange):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="status_changes"
    )


class Rating(models.Model):
    """One evaluator's judgement of one competency."""

    class Value(models.TextChoices):
        MET = "met", "Met"
        PARTIAL = "partial", "Partially met"
        NOT_MET = "not_met", "Not met"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=10, choices=Value.choices)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["competency__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "competency"], name="reviews_one_rating_per_competency"
            )
        ]

    def __str__(self):
        return f"{self.competency.number}: {self.get_value_display()}"


class Decision(models.Model):
    """The outcome of one submitted round: drafted from the reconciled ratings, edited and
    released by program staff. Nothing of it reaches the candidate before release."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        INFO_REQUESTED = "info_requested", "More information requested"
        NOT_DEMONSTRATED = "not_demonstrated", "Not demonstrated"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RELEASED = "released", "Released"

    TRANSITIONS = {Status.DRAFT: {Status.RELEASED}, Status.RELEASED: set()}

    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="decisions")
    submission = models.OneToOneField(
        PortfolioSubmission, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    results = models.JSONField(
        help_text="[{competency_id, number, statement, result, comments: [text]}]"
    )
    letter = models.TextField(help_text="What the candidate reads; staff may edit it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.submission}: {self.get_outcome_display()}"

    @property
    def shortfall(self) -> list[dict]:
        """The competencies not reconciled as Met, with their comments."""
        return [r for r in self.results if r["result"] != Rating.Value.MET]


class DecisionStatusChange(StatusChange):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="status_changes")


class Appeal(models.Model):
    """A candidate's appeal against a released decision: a notice within
    `appeal_notice_days` of the release, full grounds within `appeal_grounds_days`; staff
    review it and either uphold the decision or remand the portfolio for a new evaluation by
    new evaluators. Personal data: `notice` and `grounds`."""

    class Status(models.TextChoices):
        NOTICE_FILED = "notice_filed", "Notice of appeal filed"
        GROUNDS_FILED = "grounds_filed", "Grounds filed"
        UNDER_REVIEW = "under_review", "Under review"
        UPHELD = "upheld", "Decision upheld"
        REMANDED = "remanded", "Remanded for a new evaluation"

    TRANSITIONS = {
        Status.NOTICE_FILED: {Status.GROUNDS_FILED, Status.UPHELD},
        Status.GROUNDS_FILED: {Status.UNDER_REVIEW, Status.UPHELD, Status.REMANDED},
        Status.UNDER_REVIEW: {Status.UPHELD, Status.REMANDED},
        Status.UPHELD: set(),
        Status.REMANDED: set(),
    }
    OPEN_STATUSES = (Status.NOTICE_FILED, Status.GROUNDS_FILED, Status.UNDER_REVIEW)

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NOTICE_FILED)
    notice = models.TextField(help_text="What is appealed, in a few sentences.")
    notice_filed_at = models.DateTimeField(auto_now_add=True)
    grounds_due_on = models.DateField()
    grounds = models.TextField(blank=True)
    grounds_filed_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, help_text="The reasons given to the candidate.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["notice_filed_at", "pk"]

    def __str__(self):
        return f"Appeal of {self.decision}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AppealStatusChange(StatusChange):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="status_changes")
