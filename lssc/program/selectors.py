"""Reads of the framework and rules in force. Both are public, so nothing here filters by user."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from lssc.program.models import Competency, CompetencySet, FrameworkVersion, ProgramRules


def rules_in_force(on: date | None = None) -> ProgramRules:
    """The rules version in force on `on` (today by default)."""
    on = on or timezone.localdate()
    rules = ProgramRules.objects.filter(effective_from__lte=on).first()
    if rules is None:
        # Before the first version starts (or in an empty database) the earliest one applies.
        rules = ProgramRules.objects.order_by("effective_from").first()
    if rules is None:
        raise ProgramRules.DoesNotExist("No program rules are defined; run the migrations.")
    return rules


def framework_in_force(on: date | None = None) -> FrameworkVersion:
    on = on or timezone.localdate()
    framework = FrameworkVersion.objects.filter(effective_from__lte=on).first()
    if framework is None:
        framework = FrameworkVersion.objects.order_by("effective_from").first()
    if framework is None:
        raise FrameworkVersion.DoesNotExist("No competency framework is defined.")
    return framework


def competency_sets_in_force(on: date | None = None) -> QuerySet[CompetencySet]:
    """The sets of the framework in force, in order, each with `competency_count`."""
    return (
        CompetencySet.objects.filter(framework=framework_in_force(on))
        .annotate(competency_count=Count("competencies"))
        .order_by("order")
    )


def competency_set_with_competencies(code: str, on: date | None = None) -> CompetencySet:
    """One set of the framework in force with its competencies loaded; raises DoesNotExist."""
    return (
        CompetencySet.objects.filter(framework=framework_in_force(on), code=code)
        .prefetch_related(Prefetch("competencies", queryset=Competency.objects.order_by("number")))
        .get()
    )
