"""What the evaluator pages post: a rating of one competency, the overall comment and the
optional reason for declining an offer."""

from __future__ import annotations

from django import forms

from reviews.models import Rating

COMMENT_REQUIRED = "Add a comment: it is required unless you choose Met."


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label="Your rating",
        choices=Rating.Value.choices,
        widget=forms.RadioSelect,
        help_text="Judge the narrative and the evidence cited for this competency only.",
        error_messages={"required": "Choose Met, Partially met or Not met."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Required unless you choose Met: say what is missing or not yet shown. "
            "The candidate may read it in their decision letter, so write to them and leave "
            "out anything that would identify you."
        ),
    )

    def clean_comment(self):
        return self.cleaned_data["comment"].strip()

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        if value and value != Rating.Value.MET and not cleaned.get("comment"):
            self.add_error("comment", COMMENT_REQUIRED)
        return cleaned


class OverallForm(forms.Form):
    comment = forms.CharField(
        label="Overall comment",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "Optional: anything about the portfolio as a whole. Program staff may quote it "
            "in the decision letter."
        ),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "For example a conflict of interest or no time before the due date. Only program "
            "staff read it."
        ),
    )
