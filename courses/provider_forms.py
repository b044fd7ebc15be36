"""Forms of the provider area: registering an organisation, inviting a colleague, and the
sections of a course application (details, competency map, instructors). Parsing and
validation only; the views hand cleaned values to `courses.services`.

Uploads are checked by what the file contains, never by its name or the browser's word:
a syllabus may be PDF, Word or OpenDocument text, a résumé PDF or Word, each 10 MB at most.
"""

from __future__ import annotations

from django import forms

from courses.models import CompetencyCoverage, Course, Instructor, Provider
from lssc.core.uploads import check_upload
from lssc.program.selectors import competency_sets_in_force

# --- Organisations ------------------------------------------------------------------------


class ProviderRegisterForm(forms.ModelForm):
    website = forms.URLField(
        required=False, assume_scheme="https", help_text="Optional. Starts with https://."
    )

    class Meta:
        model = Provider
        fields = ["name", "type", "state", "country", "website", "contact_name", "contact_email"]
        labels = {
            "name": "Name of the organisation",
            "type": "Type of organisation",
            "contact_name": "Contact person",
            "contact_email": "Contact email",
        }
        help_texts = {
            "name": "As it should appear in the course catalogue.",
            "contact_name": "Who program staff should write to about your courses.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contact_name", "contact_email"):
            self.fields[name].required = True


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Colleague's email address",
        help_text="They receive a link to accept, valid for 14 days.",
    )


# --- Courses ------------------------------------------------------------------------------


class CourseNewForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), label="Organisation", empty_label=None
    )
    competency_set = forms.ModelChoiceField(
        queryset=None,
        label="Competency set",
        help_text="A course is approved for one set and must cover every competency in it.",
    )
    title = forms.CharField(max_length=200, label="Course title")

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["competency_set"].queryset = competency_sets_in_force()
        self.fields["competency_set"].label_from_instance = lambda s: (
            f"{s.name} ({s.competency_count} competencies)"
        )


class CourseDetailsForm(forms.ModelForm):
    """Everything about a course but its map and instructors. Every field may be left empty
    in a draft; `course_missing` says what submission needs."""

    remove_syllabus = forms.BooleanField(required=False, label="Remove the uploaded syllabus")
    enrolment_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Enrolment link",
        help_text="The page where people sign up.",
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "description",
            "objectives",
            "syllabus",
            "delivery",
            "timing",
            "location",
            "state",
            "schedule",
            "self_paced",
            "duration",
            "cost",
            "enrolment_url",
            "instructional_methods",
            "assessment_methods",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "instructional_methods": forms.Textarea(attrs={"rows": 3}),
            "assessment_methods": forms.Textarea(attrs={"rows": 3}),
            "delivery": forms.RadioSelect,
            "timing": forms.RadioSelect,
            "syllabus": forms.FileInput,
        }
        labels = {"self_paced": "Self-paced (no fixed dates)", "cost": "Cost (US dollars)"}
        help_texts = {
            "objectives": "What participants will be able to do afterwards, one per line.",
            "syllabus": "PDF, Word or OpenDocument text, 10 MB at most.",
            "location": "Where sessions take place. Leave empty for online courses.",
            "cost": "Leave empty if you have not set it; enter 0 for a free course.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("delivery", "timing"):
            field = self.fields[name]
            field.required = False
            field.choices = [c for c in field.choices if c[0]]

    def clean_syllabus(self):
        upload = self.cleaned_data.get("syllabus")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # nothing new was uploaded
        return check_upload(
            upload, allowed=("pdf", "doc", "docx", "odt"), what="syllabus", stem="syllabus"
        )

    def clean_cost(self):
        cost = self.cleaned_data.get("cost")
        if cost is not None and cost < 0:
            raise forms.ValidationError("The cost cannot be negative.")
        return cost

    def changes(self) -> dict:
        fields = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "syllabus" and name in self.cleaned_data
        }
        if fields.get("title", "").strip() == "":
            fields.pop("title", None)  # a course always keeps a title
        upload = self.cleaned_data.get("syllabus")
        if upload and hasattr(upload, "content_type"):
            fields["syllabus"] = upload
        elif self.cleaned_data.get("remove_syllabus"):
            fields["syllabus"] = ""
        return fields


class CoverageForm(forms.ModelForm):
    """How the course covers one competency; any one of the four answers maps it."""

    class Meta:
        model = CompetencyCoverage
        fields = ["content", "readings", "assignments", "assessment"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}
        labels = {
            "content": "Content (sessions, modules)",
            "readings": "Readings",
            "assignments": "Assignments",
            "assessment": "Assessment",
        }


def coverage_forms(rows: list[CompetencyCoverage], data=None) -> list[CoverageForm]:
    """One form per map row, prefixed by the competency's number (`c3-content`)."""
    return [CoverageForm(data, instance=row, prefix=f"c{row.competency.number}") for row in rows]


class InstructorForm(forms.ModelForm):
    class Meta:
        model = Instructor
        fields = ["name", "qualifications", "resume"]
        widgets = {
            "qualifications": forms.Textarea(attrs={"rows": 3}),
            "resume": forms.FileInput,
        }
        help_texts = {
            "qualifications": "Degrees, experience and other courses they have taught.",
            "resume": "PDF or Word, 10 MB at most.",
        }

    def clean_resume(self):
        upload = self.cleaned_data.get("resume")
        if not upload or not hasattr(upload, "content_type"):
            return upload
        return check_upload(upload, allowed=("pdf", "doc", "docx"), what="résumé", stem="resume")
