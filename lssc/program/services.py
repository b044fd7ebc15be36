"""Writes to the framework and rules: new versions are added, old ones are kept."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from lssc.core.errors import DomainError
from lssc.program.models import Competency, CompetencySet, FrameworkVersion


@transaction.atomic
def framework_copy(
    source: FrameworkVersion, *, name: str, effective_from: date
) -> FrameworkVersion:
    """A new framework version with a copy of every set and competency of `source`, to be
    edited before it takes effect. Raises DomainError if the name or date is already used."""
    if FrameworkVersion.objects.filter(name=name).exists():
        raise DomainError(f"A framework version named “{name}” already exists.")
    if FrameworkVersion.objects.filter(effective_from=effective_from).exists():
        raise DomainError(f"A framework version already starts on {effective_from:%-d %B %Y}.")
    copy = FrameworkVersion.objects.create(
        name=name, effective_from=effective_from, notes=f"Copied from {source.name}."
    )
    sets = list(source.sets.prefetch_related("competencies"))
    new_sets = CompetencySet.objects.bulk_create(
        CompetencySet(
            framework=copy,
            code=s.code,
            name=s.name,
            kind=s.kind,
            order=s.order,
            summary=s.summary,
        )
        for s in sets
    )
    Competency.objects.bulk_create(
        Competency(competency_set=new_set, number=c.number, statement=c.statement)
        for old_set, new_set in zip(sets, new_sets, strict=True)
        for c in old_set.competencies.all()
    )
    return copy
