"""The continuing-education entry of a renewal log: parsing and validation only.

The rules behind the numbers (how credits and days convert to contact hours) come from the
`ProgramRules` in force and are only described here, in the help text; the arithmetic is
`candidates.renewal_rules`. The service (`certificate_services.ce_add`) checks the amount,
the date and the file again; checking them here as well puts each message at its field.
Text fields come before the file, so the browser sends them first and they survive an
upload cut off for being too large.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from candidates.certificate_services import CE_EVIDENCE_KINDS
from candidates.models import ContinuingEducation
from lssc.core.uploads import check_upload
from lssc.program.forms import DateInput

EVIDENCE_MAX_MB = 10
EVIDENCE_ACCEPT = (
    ".pdf,.png,.jpg,.jpeg,.doc,.docx,.odt,.txt,application/pdf,image/png,image/jpeg,text/plain"
)
Kind = ContinuingEducation.Kind


def kind_help(rules) -> dict[str, str]:
    """What one unit of each kind counts for under `rules`, shown under each choice."""
    return {
        Kind.SEMESTER_CREDITS: f"Enter the credits; 1 semester credit = "
        f"{rules.semester_credit_hours} contact hours.",
        Kind.QUARTER_CREDITS: f"Enter the credits; 1 quarter credit = "
        f"{rules.quarter_credit_hours} contact hours.",
        Kind.WORKSHOP_HOURS: "Enter the hours you attended; each counts as 1 contact hour.",
        Kind.SELF_DIRECTED_HOURS: "Enter the hours you spent; each counts as 1 contact hour.",
        Kind.CONFERENCE_DAYS: f"Enter the days you attended; 1 conference day = "
        f"{rules.conference_day_hours} contact hours.",
    }


class ContinuingEducationForm(forms.Form):
    activity = forms.CharField(
        label="Activity",
        max_length=200,
        help_text="The course, workshop, webinar or conference, as its certificate names it.",
        error_messages={"required": "Enter the name of the activity."},
    )
    provider = forms.CharField(
        label="Provider",
        max_length=200,
        required=False,
        help_text="Optional: who offered it (a college, an association, a library system).",
    )
    completed_on = forms.DateField(
        label="Completion date",
        widget=DateInput(),
        help_text="The day you finished it (the last day, for a conference).",
        error_messages={
            "required": "Enter the day you completed the activity.",
            "invalid": "Enter the date like 2026-03-12.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of activity",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of activity.",
            "invalid_choice": "Choose one of the kinds listed.",
        },
    )
    amount = forms.DecimalField(
        label="Amount",
        max_digits=6,
        decimal_places=2,
        help_text="Credits, hours or days, as the kind says. Halves and quarters are fine (1.5).",
        error_messages={
            "required": "Enter how many credits, hours or days.",
            "invalid": "Enter a number, like 3 or 1.5.",
            "max_digits": "Enter a number below 10,000.",
            "max_whole_digits": "Enter a number below 10,000.",
            "max_decimal_places": "Enter at most two decimal places.",
        },
    )
    technology = forms.BooleanField(
        label="This activity was about technology",
        required=False,
        help_text="Library technology, digital skills, systems or tools: these hours also "
        "count toward the technology hours.",
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        help_text=f"A certificate, transcript or attendance letter: PDF, image (PNG or JPEG), "
        f"Word, OpenDocument text or plain text, up to {EVIDENCE_MAX_MB} MB. The type is "
        "checked from the content, not the name.",
        error_messages={"empty": "This file is empty. Choose the file again and re-upload it."},
    )

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind_help = kind_help(rules)

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The completion date cannot be in the future.")
        return day

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= Decimal(0):
            raise forms.ValidationError("Enter how many credits, hours or days, more than zero.")
        return amount

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        return check_upload(
            upload,
            allowed=CE_EVIDENCE_KINDS,
            what="evidence",
            stem="evidence",
            max_bytes=EVIDENCE_MAX_MB * 1024 * 1024,
        )

    def entry_fields(self) -> dict:
        """The fields `ce_add` takes, from the cleaned data."""
        data = self.cleaned_data
        return {
            "activity": data["activity"].strip(),
            "provider": data["provider"].strip(),
            "completed_on": data["completed_on"],
            "kind": data["kind"],
            "amount": data["amount"],
            "technology": data["technology"],
        }

    def kinds(self) -> list[tuple[str, str, str]]:
        """(value, label, help) for each kind, for the template's radios."""
        return [(value, label, self.kind_help[value]) for value, label in Kind.choices]
