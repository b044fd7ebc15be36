"""The competency framework and the program rules, both versioned.

A new framework or rules version is added beside the old ones; nothing is edited in place
once it has taken effect, so every past decision can be explained by the version in force.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


class FrameworkVersion(models.Model):
    """One published wording of the ten competency sets (e.g. the October 2012 revision)."""

    name = models.CharField(max_length=100, unique=True)
    effective_from = models.DateField(
        unique=True, help_text="The version in force is the latest one that has started."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self):
        return self.name


class CompetencySet(models.Model):
    class Kind(models.TextChoices):
        REQUIRED = "required", "Required"
        ELECTIVE = "elective", "Elective"

    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="sets")
    code = models.SlugField(max_length=40, help_text="Stable short name used in addresses.")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField()
    summary = models.TextField(help_text="One paragraph: what the set is about and who it suits.")

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="program_set_code_unique"),
            models.UniqueConstraint(fields=["framework", "order"], name="program_set_order_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program:set_detail", args=[self.code])

    @property
    def is_required(self) -> bool:
        return self.kind == self.Kind.REQUIRED


class Competency(models.Model):
    competency_set = models.ForeignKey(
        CompetencySet, on_delete=models.PROTECT, related_name="competencies"
    )
    number = models.PositiveSmallIntegerField()
    statement = models.TextField(help_text="What a certified person knows or can do.")

    class Meta:
        ordering = ["competency_set", "number"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(
                fields=["competency_set", "number"], name="program_competency_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.competency_set.code} {self.number}"


def _money(default: str):
    return models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal(default), validators=[MinValueValidator(0)]
    )


def _count(default: int, help_text: str, *, minimum: int = 0, maximum: int | None = None):
    validators = [MinValueValidator(minimum)]
    if maximum is not None:
        validators.append(MaxValueValidator(maximum))
    return models.PositiveIntegerField(default=default, help_text=help_text, validators=validators)


class ProgramRules(models.Model):
    """Every number the program runs on. Staff add a new version; the old ones are kept."""

    effective_from = models.DateField(unique=True)
    notes = models.TextField(blank=True, help_text="Why this version was made.")
    created_at = models.DateTimeField(auto_now_add=True)

    # Eligibility
    eligibility_hours = _count(1820, "Library work hours needed (about one year full time).")
    eligibility_window_years = _count(
        5, "Hours count within this many years before applying.", minimum=1
    )

    # Fees
    currency = models.CharField(max_length=3, default="USD")
    fee_standard = _money("350.00")
    fee_member = _money("325.00")

    # Candidacy
    candidacy_years = _count(4, "Years from admission to finish the sets.", minimum=1)
    required_sets = _count(3, "Required sets, all of which must be achieved.")
    electives_needed = _count(3, "Elective sets to achieve, chosen by the candidate.")

    # Certificate and renewal
    certificate_years = _count(5, "Years a certificate is valid from completion.", minimum=1)
    renewal_window_months = _count(12, "Renewal opens this many months before expiry.")
    renewal_grace_months = _count(2, "Months after expiry during which renewal is still accepted.")
    renewal_hours = _count(32, "Contact hours of continuing education needed to renew.")
    renewal_technology_hours = _count(4, "Of those hours, how many must be on technology.")
    semester_credit_hours = _count(15, "Contact hours for one semester credit.")
    quarter_credit_hours = _count(10, "Contact hours for one quarter credit.")
    conference_day_hours = _count(6, "Contact hours for one conference day.")

    # Portfolios
    evaluators_per_portfolio = _count(2, "Evaluators who rate each portfolio.", minimum=1)
    pass_met_min_percent = _count(70, "At least this share of competencies rated Met.", maximum=100)
    pass_partial_max_percent = _count(30, "At most this share rated Partially met.", maximum=100)
    pass_not_met_max = _count(0, "At most this many competencies rated Not met.")
    resubmissions_allowed = _count(1, "More-information rounds allowed per portfolio.")

    # Courses
    course_approval_years = _count(4, "Years a course approval lasts.", minimum=1)
    course_retro_years = _count(2, "Completions count from this many years before approval.")

    # Appeals
    appeal_notice_days = _count(10, "Days after a decision to give notice of appeal.", minimum=1)
    appeal_grounds_days = _count(30, "Days after a decision to send the full grounds.", minimum=1)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "program rules"
        verbose_name_plural = "program rules"

    def __str__(self):
        return f"Program rules from {self.effective_from:%d %B %Y}"

    @property
    def total_sets(self) -> int:
        return self.required_sets + self.electives_needed
