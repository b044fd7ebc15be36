"""Forms of the staff renewal desk: the confirm pages' inputs, parsing only."""

from __future__ import annotations

from django import forms

from staff.forms import ActionForm


class RenewalChangesForm(ActionForm):
    note = forms.CharField(
        label="What the holder should change",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The holder reads this in an email and on their renewal page, then updates "
        "the log and submits it again. It is kept in the history.",
        error_messages={"required": "Say what the holder should change; they will read it."},
    )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Say what the holder should change; they will read it.")
        return note
