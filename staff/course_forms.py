"""Forms of the staff pages for providers, courses and completion claims: the queue filters,
the course rubric and the confirm pages. Each posting form carries the one-time
`submission` token of `staff.forms.ActionForm`."""

from __future__ import annotations

from django import forms

from courses.models import Course, CourseCompletion, CourseReview
from courses.staff_selectors import RENEWAL, WAITING
from staff.forms import ActionForm

SCORE_CHOICES = [
    ("1", "1 – not met"),
    ("2", "2 – partly met"),
    ("3", "3 – mostly met"),
    ("4", "4 – fully met"),
]
FULLY_MET = 4
NOT_MET = 1

COURSE_QUEUE_CHOICES = [
    (WAITING, "Waiting for review"),
    (Course.Status.SUBMITTED.value, "New submissions"),
    (RENEWAL, "Renewals"),
] + [
    (value, label)
    for value, label in Course.Status.choices
    if value not in (Course.Status.DRAFT, Course.Status.SUBMITTED)
]

COMPLETION_QUEUE_CHOICES = [(value, label) for value, label in CourseCompletion.Status.choices]


class CourseQueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show", choices=COURSE_QUEUE_CHOICES, required=False, initial=WAITING
    )


class CompletionQueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show",
        choices=COMPLETION_QUEUE_CHOICES,
        required=False,
        initial=CourseCompletion.Status.SUBMITTED,
    )


class CourseReviewForm(ActionForm):
    """The rubric: a score of 1–4 and a comment for each criterion, then the decision.

    Comments are required for any score below 4 (the provider needs to know what is missing);
    reasons are required for anything but approval; a renewal cannot ask for changes; and a
    course with a criterion scored 1 (not met) cannot be approved.
    """

    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=CourseReview.Decision.choices,
        error_messages={"required": "Choose a decision."},
    )
    reasons = forms.CharField(
        label="Reasons for the provider",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required when asking for changes or rejecting. The provider's members read "
        "this in an email; it is kept in the history.",
    )

    def __init__(self, *args, renewal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.renewal = renewal
        if renewal:
            self.fields["decision"].choices = [
                (CourseReview.Decision.APPROVE.value, "Renew the approval"),
                (
                    CourseReview.Decision.REJECT.value,
                    "Do not renew (the course leaves the catalogue)",
                ),
            ]
        self.criteria = []
        for key, label in CourseReview.CRITERIA:
            self.fields[f"{key}_score"] = forms.TypedChoiceField(
                label=f"{label}: score",
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Score “{label.lower()}” from 1 to 4."},
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=f"{label}: comment",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Required unless fully met.",
            )
            self.criteria.append((key, label))

    def criterion_fields(self):
        """(label, score field, comment field) for each criterion, for the template."""
        return [
            (label, self[f"{key}_score"], self[f"{key}_comment"]) for key, label in self.criteria
        ]

    def clean(self):
        data = super().clean()
        low_scores = []
        for key, label in CourseReview.CRITERIA:
            score = data.get(f"{key}_score")
            comment = (data.get(f"{key}_comment") or "").strip()
            if score is not None and score < FULLY_MET and not comment:
                self.add_error(
                    f"{key}_comment", f"Say what is missing for “{label.lower()}” (scored {score})."
                )
            if score == NOT_MET:
                low_scores.append(label.lower())
        decision = data.get("decision")
        if (
            decision
            and decision != CourseReview.Decision.APPROVE
            and not data.get("reasons", "").strip()
        ):
            self.add_error("reasons", "Give the reasons; the provider will read them.")
        if decision == CourseReview.Decision.APPROVE and low_scores:
            self.add_error(
                "decision",
                "A course cannot be approved while a criterion is not met ("
                + ", ".join(low_scores)
                + "). Request changes or reject it, or change the score.",
            )
        return data

    def scores(self) -> dict:
        """The rubric in the shape CourseReview.scores keeps."""
        return {
            key: {
                "score": self.cleaned_data[f"{key}_score"],
                "comment": self.cleaned_data[f"{key}_comment"].strip(),
            }
            for key, _label in CourseReview.CRITERIA
        }


class CompletionRejectForm(ActionForm):
    reason = forms.CharField(
        label="Reason for not accepting the claim",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The candidate reads this in an email and may then claim again with a "
        "corrected date or proof. It is kept in the history.",
        error_messages={"required": "Give the reason; the candidate will read it."},
    )
