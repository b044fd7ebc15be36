"""Forms of the evaluator pages: the application to evaluate, the evaluator's own profile and
a declared conflict of interest. Parsing and checking only; the services in
`reviews.services` make the changes."""

from __future__ import annotations

from django import forms

from lssc.core.uploads import check_upload
from lssc.program.selectors import competency_sets_in_force
from reviews.models import ConflictOfInterest
from reviews.services import PROFILE_FIELDS, RESUME_KINDS

RESUME_MAX_MB = 10
RESUME_ACCEPT = ".pdf,.doc,.docx,.odt,.txt"
MAX_CAPACITY = 12


class _EvaluatorDetailsForm(forms.Form):
    """What both the application and the profile ask: PROFILE_FIELDS and the résumé."""

    employer = forms.CharField(
        label="Employer library",
        max_length=200,
        help_text="The library, college or school you work for. If you are retired or "
        "independent, say so. We use it so you are never given a portfolio from your own "
        "library.",
        error_messages={"required": "Enter the library you work for, or say you are retired."},
    )
    state = forms.CharField(
        label="State or province",
        max_length=100,
        help_text="Where you work, for example Illinois or Ontario.",
        error_messages={"required": "Enter the state or province where you work."},
    )
    qualifications = forms.CharField(
        label="Qualifications",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Degrees, certificates and other credentials, with the year of each.",
        error_messages={"required": "List your qualifications."},
    )
    experience = forms.CharField(
        label="Experience",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Your library work, and any teaching, supervising or assessing of others. "
        "Say which areas of library work you know best.",
        error_messages={"required": "Describe your experience."},
    )
    capacity_per_quarter = forms.IntegerField(
        label="Portfolios per quarter",
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text="How many portfolios you could rate in three months. Most evaluators "
        "choose 1 to 3; each takes a few hours.",
        error_messages={
            "required": "Enter how many portfolios you could rate in three months.",
            "invalid": "Enter a whole number, like 2.",
            "min_value": "Enter at least 1.",
            "max_value": f"Enter {MAX_CAPACITY} or fewer.",
        },
    )
    resume = forms.FileField(
        label="Résumé",
        # A plain file input: the stored résumé is private and has no address to link to.
        widget=forms.FileInput(attrs={"accept": RESUME_ACCEPT}),
        help_text=f"PDF, Word, OpenDocument or plain text, up to {RESUME_MAX_MB} MB. Only "
        "program staff can open it.",
        error_messages={"required": "Attach your résumé."},
    )

    def __init__(self, *args, has_resume: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_resume = has_resume
        if has_resume:
            self.fields["resume"].required = False
            self.fields["resume"].label = "Replace your résumé"
            self.fields["resume"].help_text = (
                "Optional: we keep the résumé you sent unless you choose a new file. "
                + self.fields["resume"].help_text
            )

    def clean_employer(self):
        return " ".join(self.cleaned_data["employer"].split())

    def clean_state(self):
        return " ".join(self.cleaned_data["state"].split())

    def clean_resume(self):
        upload = self.cleaned_data.get("resume")
        if not upload:
            return None
        # The service checks again; checking here puts the message at the field.
        return check_upload(
            upload,
            allowed=RESUME_KINDS,
            what="résumé",
            stem="resume",
            max_bytes=RESUME_MAX_MB * 1024 * 1024,
        )

    def profile_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}

    @classmethod
    def initial_from(cls, evaluator) -> dict:
        if evaluator is None:
            return {}
        return {name: getattr(evaluator, name) for name in PROFILE_FIELDS}


class EvaluatorApplicationForm(_EvaluatorDetailsForm):
    """Applying to evaluate (or updating a waiting application, or applying again)."""

    sets = forms.ModelMultipleChoiceField(
        label="Competency sets you could evaluate",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every set where your work or teaching gives you the expertise to "
        "judge a portfolio. Program staff confirm the sets when they approve you.",
        error_messages={"required": "Choose at least one competency set you could evaluate."},
    )

    field_order = [
        "employer",
        "state",
        "qualifications",
        "experience",
        "sets",
        "capacity_per_quarter",
        "resume",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sets"].queryset = competency_sets_in_force()
        self.fields["sets"].label_from_instance = lambda s: (
            s.name + (" (required set)" if s.is_required else "")
        )


class EvaluatorProfileForm(_EvaluatorDetailsForm):
    """An approved (or paused) evaluator's own details. The sets are confirmed by staff
    and are not on this form. The résumé is never required here: an approved evaluator
    without one on file (added by staff) can still save their details."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resume"].required = False


class ConflictForm(forms.Form):
    """A person or library the evaluator must not judge."""

    kind = forms.ChoiceField(
        label="Conflict with",
        choices=ConflictOfInterest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a person or a library."},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="The person's full name, or the library's full name.",
        error_messages={"required": "Enter the person's or library's name."},
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=300,
        required=False,
        help_text="How you know them, for example “my former supervisor”. Only program "
        "staff see it.",
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the person's or library's name.")
        return name
