"""The application's sections: one form per section, the work-history formset and the
signed attestation. Parsing and validation only; the views hand the cleaned values to
`candidates.services`.

Each section form validates in one of two modes. A *draft* (autosave, "Save draft") accepts
empty answers, so half a section can be kept, but refuses answers that are wrong (a bad email
address, a date in the future). *Complete* ("Save and continue") also asks for the answers
the section needs before the application can be submitted, with the same words that
`application_missing` uses on the review page.
"""

from __future__ import annotations

import copy
import re

from django import forms
from django.utils import timezone

from candidates.models import Application, LibraryType
from candidates.services import REQUIRED_FIELDS
from lssc.core.uploads import check_upload
from lssc.program.forms import BaseJobFormSet, JobForm

PROOF_KINDS = ("pdf", "jpeg", "png")
EARLIEST_EDUCATION_YEAR = 1930

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: str):
    return {"yes": True, "no": False}.get(value)


class SectionForm(forms.ModelForm):
    """One section of an application; never saved by itself (`save()` refuses).

    `changes()` gives the fields for `application_update`. Validation runs on a copy of the
    application, so an invalid POST leaves the application the page shows untouched.
    """

    section: str = ""
    # Fields asked for in complete mode beyond REQUIRED_FIELDS: name -> message.
    extra_required: dict[str, str] = {}

    def __init__(self, *args, instance: Application, complete: bool = False, **kwargs):
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        self.complete = complete
        self.needed = {
            name: f"Add {label}." for name, label in REQUIRED_FIELDS.get(self.section, [])
        } | self.extra_required
        for name, message in self.needed.items():
            if name in self.fields:
                # Marked required on the page in both modes; enforced only in complete mode.
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message

    def full_clean(self):
        if self.complete:
            return super().full_clean()
        relaxed = [name for name in self.needed if name in self.fields]
        for name in relaxed:
            self.fields[name].required = False
        try:
            super().full_clean()
        finally:
            for name in relaxed:
                self.fields[name].required = True

    def changes(self) -> dict:
        """The cleaned values to store, by model field name."""
        return {name: self.cleaned_data[name] for name in self.fields}

    def save(self, commit=True):
        raise NotImplementedError("Sections are saved by candidates.services.application_update.")


class PersonalForm(SectionForm):
    section = Application.Section.PERSONAL

    class Meta:
        model = Application
        fields = [
            "legal_name",
            "preferred_name",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "country",
        ]
        labels = {
            "legal_name": "Legal name",
            "preferred_name": "Preferred name",
            "email": "Email address",
            "phone": "Phone number",
            "address_line1": "Street address",
            "address_line2": "Address line 2",
            "city": "City or town",
            "state": "State or province",
            "postal_code": "ZIP or postal code",
            "country": "Country",
        }
        help_texts = {
            "legal_name": "As it should appear on your certificate.",
            "preferred_name": "Optional: what you would like us to call you.",
            "email": "We send news about your application here.",
            "phone": "Include the area code, like 312 555 0100.",
            "address_line1": "Where we can send letters to you.",
            "address_line2": "Optional: apartment, suite, building.",
        }
        error_messages = {"email": {"invalid": "Enter an email address like name@example.org."}}

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not phone:
            return phone
        if not re.fullmatch(r"[0-9+().\-\s]+((ext\.?|x)\s*\d+)?", phone, flags=re.IGNORECASE):
            raise forms.ValidationError(
                "Use only digits, spaces and + ( ) - in the phone number, like 312 555 0100."
            )
        if len(re.sub(r"\D", "", phone)) < 7:
            raise forms.ValidationError("This phone number is too short: include the area code.")
        return phone


class PositionForm(SectionForm):
    section = Application.Section.POSITION

    class Meta:
        model = Application
        fields = ["library_name", "library_type", "job_title"]
        labels = {
            "library_name": "Library where you work now",
            "library_type": "Type of library",
            "job_title": "Job title",
        }
        help_texts = {
            "library_name": "The library and its branch, if it has several.",
            "job_title": "As your employer calls your position.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library_type"].choices = [("", "Choose a type"), *LibraryType.choices]


class EducationForm(SectionForm):
    section = Application.Section.EDUCATION
    extra_required = {"has_education": "Answer yes or no."}

    has_education = forms.TypedChoiceField(
        label="Do you have a high school diploma or its equivalent (such as a GED)?",
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    education_year = forms.IntegerField(
        label="Year you received it",
        required=False,
        help_text="Four digits, like 2004. Needed when you answer yes.",
        error_messages={"invalid": "Enter the year as four digits, like 2004."},
    )
    education_proof = forms.FileField(
        label="Proof (optional)",
        required=False,
        # A plain file input: the stored proof is private and has no URL to link to.
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text="A copy of your diploma or certificate: PDF, JPEG or PNG, up to 10 MB.",
    )
    remove_proof = forms.BooleanField(label="Remove the proof I uploaded", required=False)

    class Meta:
        model = Application
        fields = ["has_education", "education_year", "education_proof"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["has_education"] = {True: "yes", False: "no"}.get(
                self.instance.has_education, ""
            )

    def clean_education_year(self):
        year = self.cleaned_data["education_year"]
        if year is None:
            return year
        if year > timezone.localdate().year:
            raise forms.ValidationError("The year cannot be in the future.")
        if year < EARLIEST_EDUCATION_YEAR:
            raise forms.ValidationError("Check the year: enter it as four digits, like 2004.")
        return year

    def clean_education_proof(self):
        upload = self.cleaned_data.get("education_proof")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # nothing new was uploaded
        return check_upload(upload, allowed=PROOF_KINDS, what="proof", stem="proof")

    def clean(self):
        data = super().clean()
        if (
            self.complete
            and data.get("has_education")
            and data.get("education_year") is None
            and "education_year" not in self.errors
        ):
            self.add_error("education_year", "Enter the year you received it.")
        return data

    def changes(self) -> dict:
        fields = {
            "has_education": self.cleaned_data["has_education"],
            "education_year": self.cleaned_data["education_year"],
        }
        proof = self.cleaned_data.get("education_proof")
        if proof and hasattr(proof, "content_type"):
            fields["education_proof"] = proof
        elif self.cleaned_data.get("remove_proof"):
            fields["education_proof"] = ""
        return fields


class MembershipForm(SectionForm):
    section = Application.Section.MEMBERSHIP

    class Meta:
        model = Application
        fields = ["ala_member_number"]
        labels = {"ala_member_number": "ALA member number"}
        help_texts = {
            "ala_member_number": "Members of the American Library Association pay a lower "
            "fee. Leave this empty if you are not a member."
        }

    def clean_ala_member_number(self):
        number = " ".join(self.cleaned_data["ala_member_number"].split())
        if number and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 \-]{2,39}", number):
            raise forms.ValidationError(
                "Enter the member number as it is printed on your ALA card: letters and digits."
            )
        return number


SECTION_FORMS = {
    Application.Section.PERSONAL: PersonalForm,
    Application.Section.POSITION: PositionForm,
    Application.Section.EDUCATION: EducationForm,
    Application.Section.MEMBERSHIP: MembershipForm,
}


# --- Work history -------------------------------------------------------------------------


class ApplicationJobForm(JobForm):
    """One library job on the application: the public self-check's dates and hours (and
    their messages), plus what the application also records."""

    library = forms.CharField(
        label="Library",
        max_length=200,
        error_messages={"required": "Enter the name of the library."},
    )
    library_type = forms.ChoiceField(
        label="Type of library",
        choices=[("", "Choose a type"), *LibraryType.choices],
        error_messages={"required": "Choose the type of library."},
    )
    role = forms.CharField(
        label="Your role",
        max_length=150,
        help_text="Your job title, or what you did as a volunteer.",
        error_messages={"required": "Enter your role, such as “Circulation assistant”."},
    )
    paid = forms.TypedChoiceField(
        label="Paid or volunteer",
        choices=[("paid", "Paid"), ("volunteer", "Volunteer")],
        coerce=lambda value: value == "paid",
        initial="paid",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose paid or volunteer."},
    )

    field_order = [
        "library",
        "library_type",
        "role",
        "paid",
        "start",
        "end",
        "current",
        "hours_per_week",
    ]

    def to_row(self) -> dict:
        """The job as WorkExperience fields, for `application_replace_jobs`."""
        data = self.cleaned_data
        return {
            "library": data["library"],
            "library_type": data["library_type"],
            "role": data["role"],
            "paid": data["paid"],
            "start": data["start"],
            "end": None if data.get("current") else data["end"],
            "hours_per_week": data["hours_per_week"],
        }


class BaseApplicationJobFormSet(BaseJobFormSet):
    """The work-history rows. Empty rows are ignored, rows ticked "Remove" are dropped; a
    draft may have no job yet, a complete section needs one."""

    def __init__(self, *args, complete: bool = False, **kwargs):
        self.complete = complete
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        # Every row may be left empty, the first too: a draft may have no job yet, and a
        # complete section says "add a job" once instead of three errors on an empty row.
        return super()._construct_form(i, empty_permitted=True, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this job"

    def clean(self):
        forms.BaseFormSet.clean(self)
        if any(self.errors):
            return
        if self.complete and not self.rows():
            raise forms.ValidationError("Add at least one library job, paid or volunteer.")

    def kept_forms(self) -> list[ApplicationJobForm]:
        return [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]

    def rows(self) -> list[dict]:
        return [form.to_row() for form in self.kept_forms()]


ApplicationJobFormSet = forms.formset_factory(
    ApplicationJobForm,
    formset=BaseApplicationJobFormSet,
    extra=0,
    min_num=1,
    max_num=30,
    absolute_max=30,
    can_delete=True,
)


def job_rows_as_initial(application: Application) -> list[dict]:
    """The saved jobs as the formset's initial rows."""
    return [
        {
            "library": job.library,
            "library_type": job.library_type,
            "role": job.role,
            "paid": "paid" if job.paid else "volunteer",
            "start": job.start,
            "end": job.end,
            "current": job.end is None,
            # 20, not 20.0: shown as the person would type it.
            "hours_per_week": int(job.hours_per_week)
            if job.hours_per_week == int(job.hours_per_week)
            else job.hours_per_week,
        }
        for job in application.jobs.all()
    ]


# --- Attestation --------------------------------------------------------------------------


class AttestationForm(forms.Form):
    """The signature: the applicant types their legal name and confirms."""

    attestation_name = forms.CharField(
        label="Your full legal name, as your signature",
        max_length=200,
        error_messages={"required": "Type your full legal name to sign."},
    )
    confirm = forms.BooleanField(
        label="I confirm that the information in this application is true and complete.",
        error_messages={"required": "Tick the box to confirm that your answers are true."},
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def clean_attestation_name(self):
        typed = " ".join(self.cleaned_data["attestation_name"].split())
        legal = " ".join(self.application.legal_name.split())
        if legal and typed.casefold() != legal.casefold():
            raise forms.ValidationError(
                f"Type your legal name exactly as in your personal details: {legal}."
            )
        return typed

    def changes(self) -> dict:
        return {
            "attestation_name": self.cleaned_data["attestation_name"],
            "attested_at": timezone.now(),
        }
