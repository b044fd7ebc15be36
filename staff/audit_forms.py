"""The filters above the audit page, read from the query string."""

from __future__ import annotations

from django import forms

from lssc.program.forms import DateInput
from staff.audit import object_types


class AuditFilterForm(forms.Form):
    """Search, object type, actor and a range of days. The dates are the query string's
    `from` and `to`, which are not Python names, so those two fields are added by name."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the note, the object’s name or the actor’s email address.",
    )
    type = forms.ChoiceField(label="Object type", required=False)
    actor = forms.EmailField(
        label="Actor’s email address",
        required=False,
        help_text="The whole address of the person who acted.",
        error_messages={"invalid": "Enter a whole email address, like sam@example.org."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Any type"), *object_types()]
        for name, label in (("from", "From (day)"), ("to", "To (day)")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=DateInput(),
                help_text="Included. Days are in the program’s time zone.",
                error_messages={"invalid": "Enter a real date, like 2027-03-12."},
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", "The last day cannot be before the first day.")
        return data

    def filters(self) -> dict:
        """The valid filters as keyword arguments of `audit_trail` (an invalid one is
        reported at its field and left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            key: value
            for key, value in {
                "q": data.get("q", ""),
                "object_type": data.get("type", ""),
                "actor": data.get("actor", ""),
                "date_from": data.get("from"),
                "date_to": data.get("to"),
            }.items()
            if value
        }
