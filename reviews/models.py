from django.conf import settings
from django.db import models

from lssc.program.models import CompetencySet


class Evaluator(models.Model):
    """An expert volunteer who rates portfolios; an evaluator once approved by program staff.

    Personal data: the link to `user`, `employer`, `state`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluator_profile"
    )
    employer = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=100, blank=True)
    qualified_sets = models.ManyToManyField(CompetencySet, blank=True, related_name="evaluators")
    capacity_per_year = models.PositiveSmallIntegerField(
        default=4, help_text="How many portfolios a year the evaluator is willing to rate."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Evaluator {self.user}"
