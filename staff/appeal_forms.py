"""Forms of the staff appeal desk: starting the review and deciding the appeal. Each carries
the one-time `submission` token of `staff.forms.ActionForm`."""

from __future__ import annotations

from django import forms

from staff.forms import ActionForm

REASONS_MESSAGE = "Give the reasons; the candidate reads them."


class AppealOutcomeForm(ActionForm):
    """The reasons for upholding the decision or remanding the portfolio."""

    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The candidate reads these in an email and on their appeal page. They are "
        "kept in the appeal's history.",
        error_messages={"required": REASONS_MESSAGE},
    )

    def clean_reasons(self):
        reasons = self.cleaned_data["reasons"].strip()
        if not reasons:
            raise forms.ValidationError(REASONS_MESSAGE)
        return reasons
