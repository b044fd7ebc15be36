from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from lssc.program.eligibility import MAX_HOURS_PER_WEEK, Job

EARLIEST_START = date(1950, 1, 1)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EducationForm(forms.Form):
    has_education = forms.TypedChoiceField(
        label="Do you have a high school diploma or its equivalent (such as a GED)?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Please answer yes or no."},
    )


class JobForm(forms.Form):
    """One library job, paid or volunteer."""

    library = forms.CharField(
        label="Library",
        max_length=200,
        required=False,
        help_text="Optional, for your own reference.",
    )
    start = forms.DateField(
        label="Start date",
        widget=DateInput(),
        error_messages={"required": "Enter the date you started.", "invalid": "Enter a real date."},
    )
    end = forms.DateField(
        label="End date",
        required=False,
        widget=DateInput(),
        help_text="Leave empty if you still work there.",
        error_messages={"invalid": "Enter a real date."},
    )
    current = forms.BooleanField(label="I still work here", required=False)
    hours_per_week = forms.DecimalField(
        label="Hours per week",
        min_value=Decimal("0.5"),
        max_value=MAX_HOURS_PER_WEEK,
        max_digits=4,
        decimal_places=1,
        error_messages={
            "required": "Enter the hours you work in a usual week.",
            "min_value": "Enter at least half an hour a week.",
            "max_value": f"Enter {MAX_HOURS_PER_WEEK} hours a week or fewer.",
            "invalid": "Enter a number of hours, like 20 or 37.5.",
        },
    )

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start > timezone.localdate():
            raise forms.ValidationError("The start date cannot be in the future.")
        if start < EARLIEST_START:
            raise forms.ValidationError("Check the year: this date is too long ago.")
        return start

    def clean_end(self):
        end = self.cleaned_data.get("end")
        if end and end > timezone.localdate():
            raise forms.ValidationError(
                "The end date cannot be in the future. If you still work there, "
                "leave it empty and tick “I still work here”."
            )
        return end

    def clean(self):
        data = super().clean()
        start, end, current = data.get("start"), data.get("end"), data.get("current")
        if end and current:
            self.add_error("end", "Leave the end date empty when you still work here.")
        elif not end and not current and "end" not in self.errors:
            self.add_error("end", "Enter the date you left, or tick “I still work here”.")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        return data

    def to_job(self) -> Job:
        data = self.cleaned_data
        return Job(
            start=data["start"],
            end=None if data.get("current") else data["end"],
            hours_per_week=data["hours_per_week"],
            library=data.get("library", ""),
        )


class BaseJobFormSet(forms.BaseFormSet):
    def initial_form_count(self):
        # Initial rows are only a prefill (what was typed before "Add another job"): every
        # row after the first may be left empty.
        return super().initial_form_count() if self.is_bound else 0

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError("Add at least one library job, paid or volunteer.")

    def jobs(self) -> list[Job]:
        return [form.to_job() for form in self.forms if form.has_changed()]


JobFormSet = forms.formset_factory(
    JobForm, formset=BaseJobFormSet, extra=0, min_num=1, max_num=30, absolute_max=30
)
