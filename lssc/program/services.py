"""Writes to the framework and rules: new versions are added, old ones are kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lssc.core.audit import audit_record
from lssc.core.errors import DomainError
from lssc.program.models import Competency, CompetencySet, FrameworkVersion, ProgramRules
from lssc.program.selectors import rules_in_force


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


# --- Program rules ------------------------------------------------------------------------

# The fields of ProgramRules that hold a rule; the rest describe the version itself.
_VERSION_FIELDS = {"id", "effective_from", "notes", "created_at"}
RULE_FIELDS: tuple[str, ...] = tuple(
    field.name for field in ProgramRules._meta.concrete_fields if field.name not in _VERSION_FIELDS
)

RULES_CREATED = "program rules version created"
RULES_CHANGED = "program rules version changed"


def rules_replaced_on(effective_from: date) -> ProgramRules:
    """The version a new one starting on `effective_from` would take over from: the latest
    version started by then (the earliest one if none has). A new version is compared with
    this one, so an upcoming version's changes are never undone by accident."""
    return rules_in_force(effective_from)


def rules_changes(base: ProgramRules, values: dict) -> dict[str, tuple]:
    """The rules in `values` that differ from `base`, as {field: (old, new)} in the model's
    field order. Fields missing from `values` are unchanged. No side effects."""
    values = _rules_normalised(values)
    return {
        name: (getattr(base, name), values[name])
        for name in RULE_FIELDS
        if name in values and values[name] != getattr(base, name)
    }


def rules_problems(values: dict) -> dict[str, str]:
    """Rules that contradict each other, as {field: message}; empty when they fit together.
    A pair with a value missing from `values` is not checked. No side effects."""
    problems = {}

    def given(*names):
        return all(values.get(name) is not None for name in names)

    if (
        given("renewal_technology_hours", "renewal_hours")
        and values["renewal_technology_hours"] > values["renewal_hours"]
    ):
        problems["renewal_technology_hours"] = (
            "The technology hours are part of the renewal hours, so they cannot be more than "
            f"the {values['renewal_hours']} hours needed to renew."
        )
    if (
        given("appeal_grounds_days", "appeal_notice_days")
        and values["appeal_grounds_days"] < values["appeal_notice_days"]
    ):
        problems["appeal_grounds_days"] = (
            "The full grounds cannot be due before the notice of appeal "
            f"({values['appeal_notice_days']} days)."
        )
    return problems


@transaction.atomic
def rules_create_version(values: dict, effective_from: date, note: str, *, by) -> ProgramRules:
    """Add a program rules version starting on `effective_from` (today or later) with the
    rules in `values` (fields left out keep the values of the version it takes over from),
    and record an audit event with the changed fields before and after and `note`.

    Nothing already in force is edited: decisions made under older versions stay
    explainable. Raises DomainError if the date is past or already used, the note is blank,
    nothing changes, or a value is out of range or contradicts another."""
    note = (note or "").strip()
    if not note:
        raise DomainError("Say why this version is made; the note is kept with it.")
    if effective_from < timezone.localdate():
        raise DomainError("A new version cannot start in the past; choose today or later.")
    # Locking every version row makes two staff members adding versions at once take turns,
    # so each compares with what the other saved.
    list(ProgramRules.objects.select_for_update().values_list("pk", flat=True))
    if ProgramRules.objects.filter(effective_from=effective_from).exists():
        raise DomainError(
            f"A rules version already starts on {effective_from:%-d %B %Y}; choose another day."
        )
    base = rules_replaced_on(effective_from)
    changes = rules_changes(base, values)
    if not changes:
        raise DomainError(
            "Nothing changes: every value is the same as in the rules from "
            f"{base.effective_from:%-d %B %Y}. Change at least one value."
        )
    new = ProgramRules(
        effective_from=effective_from,
        notes=note,
        **{name: getattr(base, name) for name in RULE_FIELDS}
        | {name: new_value for name, (_old, new_value) in changes.items()},
    )
    try:
        new.full_clean(exclude=["effective_from"])
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from None
    problems = rules_problems({name: getattr(new, name) for name in RULE_FIELDS})
    if problems:
        raise DomainError(" ".join(problems.values()))
    try:
        with transaction.atomic():
            new.save()
    except IntegrityError:  # another version on that day was saved between check and insert
        raise DomainError(
            f"A rules version already starts on {effective_from:%-d %B %Y}; choose another day."
        ) from None
    audit_record(
        actor=by,
        action=RULES_CREATED,
        obj=new,
        before={name: _json(old) for name, (old, _new) in changes.items()},
        after={name: _json(new_value) for name, (_old, new_value) in changes.items()},
        note=note,
    )
    return new


def _rules_normalised(values: dict) -> dict:
    """`values` as the database would give them back (amounts to the cent), so equal rules
    compare equal however they were typed."""
    normalised = {}
    for name, value in values.items():
        if name not in RULE_FIELDS:
            continue
        field = ProgramRules._meta.get_field(name)
        value = field.to_python(value)
        if isinstance(value, Decimal):
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        normalised[name] = value
    return normalised


def _json(value):
    """An audit value: numbers stay numbers where JSON has them exactly, amounts become text."""
    return str(value) if isinstance(value, Decimal) else value
