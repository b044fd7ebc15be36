"""The form of the staff page that adds a program rules version: every rule (labels and help
from the model), the day it takes effect and why it is made, with the one-time token of
`staff.forms.ActionForm` so that a double click adds one version."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.text import capfirst

from lssc.program.forms import DateInput
from lssc.program.models import ProgramRules
from lssc.program.services import RULE_FIELDS, rules_problems
from staff.forms import ActionForm

# The rules in the groups the model declares them in; the page and the form follow it.
RULES_SECTIONS: list[tuple[str, list[str]]] = [
    ("Eligibility", ["eligibility_hours", "eligibility_window_years"]),
    ("Fees", ["currency", "fee_standard", "fee_member"]),
    ("Candidacy", ["candidacy_years", "required_sets", "electives_needed"]),
    (
        "Certificate and renewal",
        [
            "certificate_years",
            "renewal_window_months",
            "renewal_grace_months",
            "renewal_hours",
            "renewal_technology_hours",
            "semester_credit_hours",
            "quarter_credit_hours",
            "conference_day_hours",
        ],
    ),
    (
        "Portfolios",
        [
            "evaluators_per_portfolio",
            "pass_met_min_percent",
            "pass_partial_max_percent",
            "pass_not_met_max",
            "resubmissions_allowed",
        ],
    ),
    ("Courses", ["course_approval_years", "course_retro_years"]),
    ("Appeals", ["appeal_notice_days", "appeal_grounds_days"]),
]

# The model gives these fields no help text; every field on a form has some (DESIGN §9).
HELP_THE_MODEL_LACKS = {
    "currency": "Three-letter code of the currency fees are paid in, such as USD.",
    "fee_standard": "The application fee, covering the whole candidacy.",
    "fee_member": "The application fee for ALA members.",
}


def rule_label(name: str) -> str:
    return capfirst(ProgramRules._meta.get_field(name).verbose_name)


def rule_help(name: str) -> str:
    return ProgramRules._meta.get_field(name).help_text or HELP_THE_MODEL_LACKS.get(name, "")


def _rule_field(name: str) -> forms.Field:
    """The model field's form field, with the model's limits as the form's own (so they show
    at the field and in the browser's number input)."""
    model_field = ProgramRules._meta.get_field(name)
    limits = {}
    lows = [v.limit_value for v in model_field.validators if type(v) is MinValueValidator]
    highs = [v.limit_value for v in model_field.validators if type(v) is MaxValueValidator]
    if lows:
        limits["min_value"] = max(lows)
    if highs:
        limits["max_value"] = min(highs)
    field = model_field.formfield(**limits) if limits else model_field.formfield()
    field.label = rule_label(name)
    field.help_text = rule_help(name)
    return field


class RulesVersionForm(ActionForm):
    """A new rules version: when it starts, why, and every rule."""

    effective_from = forms.DateField(
        label="Takes effect on",
        widget=DateInput(),
        help_text="Today or a later day with no other version. Until then the rules in force "
        "stay as they are; on that day this version replaces them.",
        error_messages={
            "required": "Choose the day the new rules take effect.",
            "invalid": "Enter a date like 2027-03-12.",
        },
    )
    note = forms.CharField(
        label="Why this version is made",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the version and in the audit record, for whoever later wonders "
        "why the rules changed (a board decision, a fee review…).",
        error_messages={"required": "Say why this version is made."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _title, names in RULES_SECTIONS:
            for name in names:
                self.fields[name] = _rule_field(name)

    def sections(self):
        """[(title, [bound field, …]), …] in the model's groups, for the template."""
        return [(title, [self[name] for name in names]) for title, names in RULES_SECTIONS]

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if day < timezone.localdate():
            raise forms.ValidationError(
                "A new version cannot start in the past; choose today or a later day."
            )
        if ProgramRules.objects.filter(effective_from=day).exists():
            raise forms.ValidationError(
                f"A rules version already starts on {day:%-d %B %Y}; choose another day."
            )
        return day

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(self.fields["note"].error_messages["required"])
        return note

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError("Enter a three-letter currency code, such as USD.")
        return currency

    def clean(self):
        data = super().clean()
        for name, problem in rules_problems(data).items():
            if name in data:  # a field already refused keeps its own message
                self.add_error(name, problem)
        return data

    def rules_values(self) -> dict:
        """The cleaned rules, by field name."""
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}
