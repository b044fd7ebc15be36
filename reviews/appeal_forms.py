"""Forms of the candidate's appeal pages: the notice of appeal and its full grounds. Text
that is only spaces counts as empty (CharField strips it), so it gets the required message."""

from __future__ import annotations

from django import forms


class NoticeForm(forms.Form):
    notice = forms.CharField(
        label="What you are appealing",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="A few sentences: which part of the decision you believe is wrong. You send "
        "your full reasons, competency by competency, in the next step.",
        error_messages={
            "required": "Say briefly what you are appealing.",
            "max_length": "Keep the notice under %(limit_value)d characters; the full reasons "
            "come in the next step.",
        },
    )


class GroundsForm(forms.Form):
    grounds = forms.CharField(
        label="Your grounds for the appeal",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=50000,
        help_text="What you believe was judged wrongly and why, competency by competency if "
        "you can, pointing to the narrative or evidence the evaluators missed. You can send "
        "the grounds once.",
        error_messages={
            "required": "Write your grounds for the appeal.",
            "max_length": "Keep the grounds under %(limit_value)d characters.",
        },
    )
