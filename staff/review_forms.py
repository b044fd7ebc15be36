"""Forms of the staff pages for portfolio evaluation: assigning and withdrawing evaluators,
editing a decision letter, and the evaluator report's dates. Each posting form carries the
one-time `submission` token of `staff.forms.ActionForm`."""

from __future__ import annotations

from django import forms

from lssc.program.forms import DateInput
from reviews.models import Evaluator
from staff.forms import ActionForm


class AssignForm(ActionForm):
    """The Assign button beside an evaluator on the assignment page."""

    evaluator = forms.ModelChoiceField(
        queryset=Evaluator.objects.filter(status=Evaluator.Status.APPROVED),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose an evaluator from the list.",
            "invalid_choice": "That evaluator is no longer active; choose another from the list.",
        },
    )


class WithdrawForm(ActionForm):
    reason = forms.CharField(
        label="Reason for withdrawing the assignment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The evaluator reads this in an email. It is kept in the assignment's history.",
        error_messages={"required": "Give the reason; the evaluator will read it."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason; the evaluator will read it.")
        return reason


class LetterForm(ActionForm):
    letter = forms.CharField(
        label="Decision letter",
        widget=forms.Textarea(attrs={"rows": 20}),
        strip=False,
        help_text="What the candidate reads once the decision is released. You can change it "
        "until then; every edit is kept in the history.",
        error_messages={"required": "The letter cannot be empty."},
    )

    def clean_letter(self):
        letter = self.cleaned_data["letter"]
        if not letter.strip():
            raise forms.ValidationError("The letter cannot be empty.")
        return letter


class ReportPeriodForm(forms.Form):
    """The report's optional period, read from `?from=YYYY-MM-DD&to=YYYY-MM-DD`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" cannot be a Python attribute name, so the fields are added here.
        self.fields["from"] = forms.DateField(
            label="Portfolios submitted from",
            required=False,
            widget=DateInput(),
            help_text="The first day, as YYYY-MM-DD. Leave empty for the beginning.",
            error_messages={"invalid": "Enter a real date, like 2027-01-31."},
        )
        self.fields["to"] = forms.DateField(
            label="to",
            required=False,
            widget=DateInput(),
            help_text="The last day, as YYYY-MM-DD. Leave empty for today.",
            error_messages={"invalid": "Enter a real date, like 2027-03-31."},
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The last day must not be before the first day.")
        return data

    def period(self) -> tuple:
        """(first day, last day) of a valid form, either possibly None."""
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")
