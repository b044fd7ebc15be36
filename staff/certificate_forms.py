"""Forms of the staff certificate pages: the list's filter and search, and the issue,
suspend, reinstate and revoke confirm pages (each with the one-time token of
`staff.forms.ActionForm`)."""

from __future__ import annotations

from django import forms

from candidates.models import Certificate
from staff.forms import ActionForm

CERTIFICATE_STATUS_CHOICES = [("", "All"), *Certificate.Status.choices]


class CertificateFilterForm(forms.Form):
    """The filter and search above the list of certificates, read from the query string."""

    status = forms.ChoiceField(label="Status", choices=CERTIFICATE_STATUS_CHOICES, required=False)
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="A certificate number or part of the holder's name.",
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


class CertificateIssueForm(ActionForm):
    """Issuing needs nothing typed: the confirm page says what will happen."""


def _reason_field(*, label: str, help_text: str, missing: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
        error_messages={"required": missing},
    )


class _ReasonForm(ActionForm):
    """A confirm form whose `reason` must say something (spaces alone are refused)."""

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class CertificateSuspendForm(_ReasonForm):
    reason = _reason_field(
        label="Reason for suspending",
        help_text="The holder reads this in an email and on their certificate page; it is "
        "kept in the history. The public verification page says only that the certificate "
        "is suspended.",
        missing="Give the reason for suspending; the holder will read it.",
    )


class CertificateRevokeForm(_ReasonForm):
    reason = _reason_field(
        label="Reason for revoking",
        help_text="The holder reads this in an email, and the public verification page shows "
        "it from now on. It is kept in the history.",
        missing="Give the reason for revoking; the holder and the public will read it.",
    )


class CertificateReinstateForm(ActionForm):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the holder with the news and kept in the history, for example "
        "what resolved the matter.",
    )

    def clean_note(self):
        return self.cleaned_data["note"].strip()
