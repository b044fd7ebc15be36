"""What the notification settings page posts: which optional reminders a person wants."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from lssc.core.reminders import ReminderKind, optional_kinds


@dataclass(frozen=True)
class KindOption:
    """One checkbox of the settings form, as the template draws it."""

    kind: ReminderKind
    checked: bool

    @property
    def value(self) -> str:
        return self.kind.code

    @property
    def html_id(self) -> str:
        return f"id_kinds_on_{self.kind.code}"


class NotificationSettingsForm(forms.Form):
    """A ticked box means "send me these"; an optional kind left unticked is turned off.
    Required kinds are not fields: they cannot be turned off."""

    kinds_on = forms.MultipleChoiceField(
        label="Optional reminders",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a kind of reminder to stop receiving it by email.",
        error_messages={"invalid_choice": "Choose from the reminders listed."},
    )

    def __init__(self, *args, kinds_off: set[str], **kwargs):
        self.kinds = optional_kinds()
        kwargs.setdefault(
            "initial", {"kinds_on": [k.code for k in self.kinds if k.code not in kinds_off]}
        )
        super().__init__(*args, **kwargs)
        self.fields["kinds_on"].choices = [(k.code, k.label) for k in self.kinds]

    @property
    def options(self) -> list[KindOption]:
        """The checkboxes with their ticks: what was posted, else what is saved."""
        field = self["kinds_on"]
        ticked = {str(v) for v in (field.value() or [])}
        return [KindOption(kind, kind.code in ticked) for kind in self.kinds]

    def kinds_off(self) -> set[str]:
        """The optional kinds left unticked (call after is_valid())."""
        return {k.code for k in self.kinds} - set(self.cleaned_data["kinds_on"])
