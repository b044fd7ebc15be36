"""Forms of the staff workspace: the application queue's filters and the confirm pages.

Each confirm form carries a one-time `submission` token, so a second press of the button
(a double click, or the browser resending the form) is recognised and does nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from candidates.models import Application, Payment
from lssc.program.forms import DateInput

AGE_CHOICES = [
    ("7", "more than 7 days ago"),
    ("14", "more than 14 days ago"),
    ("30", "more than 30 days ago"),
]


class ApplicationQueueFilterForm(forms.Form):
    """The filters above the applications queue, read from the query string."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status")]
        + [(value, label) for value, label in Application.Status.choices if value != "draft"],
    )
    state = forms.ChoiceField(label="State or province", required=False)
    older_than_days = forms.ChoiceField(
        label="Submitted",
        required=False,
        choices=[("", "at any time"), *AGE_CHOICES],
    )

    def __init__(self, *args, states: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any state")] + [(s, s) for s in states]


class ActionForm(forms.Form):
    """A confirm page's form: one hidden token that makes the action happen at most once."""

    submission = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def clean_submission(self):
        token = self.cleaned_data["submission"]
        try:
            return uuid.UUID(hex=token).hex
        except ValueError:
            raise forms.ValidationError("This form is damaged; open the page again.") from None


class PaymentForm(ActionForm):
    amount = forms.DecimalField(
        label="Amount received",
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        help_text="In the currency of the fee. Partial payments add up.",
        error_messages={
            "required": "Enter the amount received.",
            "invalid": "Enter an amount like 150 or 162.50.",
            "min_value": "Enter an amount above zero.",
            "max_decimal_places": "Enter at most two decimal places (cents).",
            "max_digits": "Enter an amount below 1,000,000.",
        },
    )
    method = forms.ChoiceField(
        label="Method",
        choices=Payment.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the money was paid."},
    )
    reference = forms.CharField(
        label="Reference",
        max_length=100,
        required=False,
        help_text="Cheque or purchase-order number, card receipt or award letter. Optional.",
    )
    received_on = forms.DateField(
        label="Date received",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date the money arrived.",
            "invalid": "Enter a real date.",
        },
    )

    def __init__(self, *args, balance: Decimal, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.balance = balance

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        # The service refuses this too (under a lock); checking here puts the message at the field.
        if amount > self.balance:
            raise forms.ValidationError(
                f"That is more than the {self.balance} still due; record at most {self.balance}."
                if self.balance > 0
                else "The fee is already paid in full."
            )
        return amount

    def clean_received_on(self) -> date:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future.")
        return received_on


class RequestInfoForm(ActionForm):
    message = forms.CharField(
        label="What the applicant needs to add or change",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The applicant reads this in an email and can then edit and resubmit.",
        error_messages={"required": "Say what information you need."},
    )


class DeclineForm(ActionForm):
    reason = forms.CharField(
        label="Reason for declining",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The applicant reads this in an email. It is kept in the history.",
        error_messages={"required": "Give the reason for declining; the applicant will read it."},
    )


class AdmitForm(ActionForm):
    override_reason = forms.CharField(
        label="Reason for admitting anyway",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Required because the checks above are not all met. It is kept in the history.",
    )

    def __init__(self, *args, needs_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_override = needs_override
        if needs_override:
            self.fields["override_reason"].required = True
            self.fields["override_reason"].error_messages["required"] = (
                "Give the reason for admitting although the checks are not met."
            )
        else:
            del self.fields["override_reason"]


class ExtendDeadlineForm(ActionForm):
    new_deadline = forms.DateField(
        label="New deadline",
        widget=DateInput(),
        help_text="Must be after the current deadline.",
        error_messages={"required": "Enter the new deadline.", "invalid": "Enter a real date."},
    )
    reason = forms.CharField(
        label="Reason for the extension",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The candidate reads this in an email. It is kept in the history.",
        error_messages={"required": "Give the reason for the extension."},
    )

    def __init__(self, *args, current_deadline: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_deadline = current_deadline

    def clean_new_deadline(self):
        new_deadline = self.cleaned_data["new_deadline"]
        if new_deadline <= self.current_deadline:
            raise forms.ValidationError(
                f"The new deadline must be after the current one "
                f"({self.current_deadline:%-d %B %Y})."
            )
        return new_deadline
