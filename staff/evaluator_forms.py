"""Forms of the staff pages for evaluator applications: the list's filter and the approve
and decline confirm pages (each with the one-time token of `staff.forms.ActionForm`)."""

from __future__ import annotations

from django import forms

from lssc.program.selectors import competency_sets_in_force
from reviews.models import Evaluator
from staff.forms import ActionForm

EVALUATOR_STATUS_CHOICES = [("", "All"), *Evaluator.Status.choices]


class EvaluatorFilterForm(forms.Form):
    status = forms.ChoiceField(label="Show", choices=EVALUATOR_STATUS_CHOICES, required=False)


class EvaluatorApproveForm(ActionForm):
    sets = forms.ModelMultipleChoiceField(
        label="Competency sets this evaluator may rate",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="The sets the applicant offered are ticked. Untick any where their "
        "background is not strong enough; tick others that fit.",
        error_messages={"required": "Choose at least one set this evaluator may rate."},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the evaluator's history, for example why a set was left out.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sets"].queryset = competency_sets_in_force()


class EvaluatorDeclineForm(ActionForm):
    reason = forms.CharField(
        label="Reason for declining",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The applicant reads this in an email and on their application page. It "
        "is kept in the history. Say what would make a new application stronger.",
        error_messages={"required": "Give the reason for declining; the applicant will read it."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(
                "Give the reason for declining; the applicant will read it."
            )
        return reason
