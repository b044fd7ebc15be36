"""A candidate's claim that they completed an approved course: parsing and validation only.

Whether the date falls in the course's window is the service's rule
(`courses.services.completion_claim`); the view shows its refusal at the date field.
"""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.utils import timezone

from candidates.forms import PROOF_KINDS
from courses.catalogue_selectors import claimable_courses
from lssc.core.uploads import check_upload


def _course_label(course) -> str:
    label = f"{course.title} ({course.provider.name})"
    if course.status != course.Status.APPROVED:
        label += (
            f", approval ended {course.approval_expires_on.day} {course.approval_expires_on:%B %Y}"
        )
    return label


class CompletionClaimForm(forms.Form):
    course = forms.ModelChoiceField(
        label="Course",
        queryset=None,
        empty_label="Choose the course you completed",
        help_text="Approved courses, grouped by competency set.",
        error_messages={
            "required": "Choose the course you completed.",
            "invalid_choice": "Choose a course from the list.",
        },
    )
    completed_on = forms.DateField(
        label="Completion date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day you finished the course, as on your certificate.",
        error_messages={
            "required": "Enter the day you completed the course.",
            "invalid": "Enter the date like 2026-03-12.",
        },
    )
    proof = forms.FileField(
        label="Proof of completion",
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text="Your certificate or the provider's letter: PDF, JPEG or PNG, up to 10 MB.",
        error_messages={"required": "Upload your certificate or another proof of completion."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        courses = claimable_courses()
        field = self.fields["course"]
        field.queryset = courses
        # One query for the grouped options; validation looks the chosen course up again.
        field.choices = [
            ("", field.empty_label),
            *(
                (competency_set.name, [(c.pk, _course_label(c)) for c in group])
                for competency_set, group in groupby(courses, key=lambda c: c.competency_set)
            ),
        ]

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The completion date cannot be in the future.")
        return day

    def clean_proof(self):
        upload = self.cleaned_data.get("proof")
        if not upload:
            return upload
        return check_upload(upload, allowed=PROOF_KINDS, what="proof", stem="proof")
