"""The evidence upload form: parsing only.

Whether the file is acceptable (its real type, its size, a duplicate, the space left) is the
service's rule (`portfolios.services.evidence_add`); the view shows its refusal at the file
field. The text fields come before the file in the form, so the browser sends them first and
they survive an upload that is cut off for being too large.
"""

from __future__ import annotations

from django import forms
from django.conf import settings

from portfolios.models import Evidence

# The longest file name we keep as the person gave it (Evidence.original_name).
MAX_NAME_CHARS = 120
ACCEPT = (
    ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.png,.jpg,.jpeg,.txt,"
    "application/pdf,image/png,image/jpeg,text/plain"
)
# Shown under each choice of `kind` (the template renders the radios itself).
KIND_HELP = {
    Evidence.Kind.PRIMARY: "Something you made or did yourself: a policy you wrote, a "
    "display you designed, a catalogue record, a lesson plan.",
    Evidence.Kind.SECONDARY: "Something others wrote about your work: a certificate, a "
    "supervisor's letter, a performance review.",
}


class EvidenceUploadForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="What the evidence is, e.g. “Summer reading programme plan, 2025”. "
        "Leave it empty to use the file name.",
    )
    kind = forms.ChoiceField(
        label="Kind of evidence",
        choices=Evidence.Kind.choices,
        initial=Evidence.Kind.PRIMARY,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is primary or secondary evidence."},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what it shows and your part in it.",
    )
    file = forms.FileField(
        label="File",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": "Choose the file to upload.",
            "empty": "This file is empty. Choose the file again and re-upload it.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or plain text, up to "
            f"{settings.PORTFOLIO_MAX_FILE_MB} MB. The type is checked from the content, "
            "not the name."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if len(upload.name) > MAX_NAME_CHARS:
            raise forms.ValidationError(
                f"This file's name is {len(upload.name)} characters long. Rename the file to "
                f"{MAX_NAME_CHARS} characters or fewer and upload it again."
            )
        return upload
