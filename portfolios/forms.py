"""What the portfolio pages post: one competency's narrative with the evidence it cites, and
the personal learning statement. Parsing and validation only; `portfolios.services` saves."""

from __future__ import annotations

from django import forms

from portfolios.models import Evidence, Portfolio


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Evidence) -> str:
        return f"{obj.title} ({obj.get_kind_display()})"


class ResponseForm(forms.Form):
    """A narrative may be saved half-written (drafts are the point); completeness is checked
    at submission. Evidence can only come from this portfolio's own library."""

    narrative = forms.CharField(
        label="How your work shows this competency",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Describe what you did, where and for whom, and what came of it. "
        "Refer to the evidence you attach.",
    )
    evidence = EvidenceChoiceField(
        label="Evidence that supports it",
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the files from your evidence library that back this narrative.",
        error_messages={
            "invalid_choice": "Choose evidence from your own evidence library.",
            "invalid_pk_value": "Choose evidence from your own evidence library.",
        },
    )

    def __init__(self, *args, portfolio: Portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = portfolio.evidence.order_by("title", "pk")


class StatementForm(forms.Form):
    learning_statement = forms.CharField(
        label="Your personal learning statement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="What you learned while working towards this set, and how it changed what "
        "you do at work.",
    )
