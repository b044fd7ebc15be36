"""What the candidate's dashboard pages post: elective choices, a set's route, withdrawal."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from candidates.models import SetProgress


@dataclass(frozen=True)
class ElectiveOption:
    """One checkbox of the elective chooser, as the template draws it."""

    progress: SetProgress
    checked: bool
    locked: bool

    @property
    def value(self) -> int:
        return self.progress.competency_set_id

    @property
    def html_id(self) -> str:
        return f"id_electives_{self.value}"


class ElectivesForm(forms.Form):
    """Which elective sets count towards the certificate, up to `limit` of them.

    An achieved elective that is chosen stays chosen: its checkbox is drawn disabled (so the
    browser does not send it) and `clean_electives` puts it back.
    """

    electives = forms.TypedMultipleChoiceField(
        label="Your elective sets",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the elective sets listed."},
    )

    def __init__(self, *args, progress: list[SetProgress], limit: int, **kwargs):
        self.rows = [p for p in progress if not p.competency_set.is_required]
        self.limit = limit
        self.locked = {
            p.competency_set_id
            for p in self.rows
            if p.chosen and p.status == SetProgress.Status.ACHIEVED
        }
        kwargs.setdefault(
            "initial", {"electives": [p.competency_set_id for p in self.rows if p.chosen]}
        )
        super().__init__(*args, **kwargs)
        field = self.fields["electives"]
        field.choices = [(p.competency_set_id, p.competency_set.name) for p in self.rows]
        field.help_text = (
            f"Tick up to {limit}. You can change them until a set is achieved; an achieved "
            "elective stays one of yours."
        )

    def clean_electives(self) -> list[int]:
        chosen = set(self.cleaned_data["electives"]) | self.locked
        if len(chosen) > self.limit:
            extra = len(chosen) - self.limit
            raise forms.ValidationError(
                f"Choose at most {self.limit} elective sets: you have {len(chosen)} ticked. "
                f"Untick {extra} to save your choice."
            )
        return sorted(chosen)

    def options(self) -> list[ElectiveOption]:
        """The checkboxes in framework order, ticked as posted (so nothing typed is lost on
        an error) or as saved."""
        if self.is_bound:
            posted = set(self.data.getlist(self.add_prefix("electives")))
            ticked = {p.competency_set_id for p in self.rows if str(p.competency_set_id) in posted}
        else:
            ticked = set(self.initial.get("electives", []))
        return [
            ElectiveOption(
                progress=p,
                checked=p.competency_set_id in ticked | self.locked,
                locked=p.competency_set_id in self.locked,
            )
            for p in self.rows
        ]


class RouteForm(forms.Form):
    """How the candidate plans to earn one set."""

    route = forms.ChoiceField(
        label="How do you plan to earn this set?",
        choices=[
            (SetProgress.Route.COURSE, "Complete an approved course"),
            (SetProgress.Route.PORTFOLIO, "Submit a portfolio"),
        ],
        widget=forms.RadioSelect,
        help_text="You can change your mind until the set is achieved.",
        error_messages={
            "required": "Choose an approved course or a portfolio.",
            "invalid_choice": "Choose an approved course or a portfolio.",
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="The program office reads this; it stays in your record.",
        error_messages={
            "required": "Tell us why you are withdrawing.",
            "max_length": "Keep the reason under 2,000 characters.",
        },
    )
