"""The application's section forms, work-history formset and attestation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from candidates.forms import (
    ApplicationJobFormSet,
    AttestationForm,
    EducationForm,
    MembershipForm,
    PersonalForm,
    PositionForm,
)
from candidates.models import Application
from lssc.core.uploads import MAX_UPLOAD_BYTES as MAX_PROOF_BYTES

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 32


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def blank_application() -> Application:
    return Application(legal_name="", country="United States")


# --- Section forms ------------------------------------------------------------------------


def test_a_draft_may_leave_required_answers_empty():
    form = PersonalForm({"legal_name": "Alex Rivera"}, instance=blank_application())

    assert form.is_valid(), form.errors
    assert form.changes()["legal_name"] == "Alex Rivera"
    assert form.changes()["phone"] == ""


def test_complete_mode_asks_for_each_required_answer_in_the_review_pages_words():
    form = PersonalForm({}, instance=blank_application(), complete=True)

    assert form.errors == {
        "legal_name": ["Add your legal name."],
        "email": ["Add your email address."],
        "phone": ["Add a phone number."],
        "address_line1": ["Add your mailing address."],
        "city": ["Add your city or town."],
        "state": ["Add your state or province."],
        "country": ["Add your country."],
    }


def test_required_answers_are_marked_on_the_page_in_both_modes():
    draft = PersonalForm({"legal_name": "A"}, instance=blank_application())
    draft.is_valid()

    assert draft.fields["phone"].required is True
    assert draft.fields["preferred_name"].required is False


def test_validating_never_changes_the_application_shown_on_the_page():
    application = blank_application()
    form = PersonalForm({"legal_name": "Alex Rivera", "email": "bad"}, instance=application)

    assert not form.is_valid()
    assert application.legal_name == ""


def test_sections_cannot_be_saved_by_the_form_itself():
    form = PositionForm({}, instance=blank_application())

    with pytest.raises(NotImplementedError):
        form.save()


@pytest.mark.parametrize("phone", ["312 555 0100", "+1 (312) 555-0100", "312.555.0100 ext. 12"])
def test_usual_phone_numbers_are_accepted(phone):
    form = PersonalForm({"phone": phone}, instance=blank_application())

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("call me", "Use only digits, spaces and + ( ) - in the phone number, like 312 555 0100."),
        ("555 01", "This phone number is too short: include the area code."),
    ],
)
def test_unusable_phone_numbers_get_a_message(phone, message):
    form = PersonalForm({"phone": phone}, instance=blank_application())

    assert form.errors == {"phone": [message]}


def test_library_type_offers_the_five_types():
    form = PositionForm(instance=blank_application())

    assert [value for value, _ in form.fields["library_type"].choices] == [
        "",
        "public",
        "academic",
        "school",
        "special",
        "other",
    ]


def test_position_complete_mode_messages():
    form = PositionForm({}, instance=blank_application(), complete=True)

    assert form.errors == {
        "library_name": ["Add the library where you work."],
        "library_type": ["Add the type of library."],
        "job_title": ["Add your job title."],
    }


def test_membership_number_is_tidied_and_checked():
    tidy = MembershipForm({"ala_member_number": "  12 345 67 "}, instance=blank_application())
    bad = MembershipForm({"ala_member_number": "#!?"}, instance=blank_application())

    assert tidy.is_valid()
    assert tidy.changes() == {"ala_member_number": "12 345 67"}
    assert bad.errors == {
        "ala_member_number": [
            "Enter the member number as it is printed on your ALA card: letters and digits."
        ]
    }


# --- Education ----------------------------------------------------------------------------


def education(data, files=None, *, complete=False, application=None):
    return EducationForm(
        data, files or {}, instance=application or blank_application(), complete=complete
    )


def test_education_answer_is_stored_as_true_or_false():
    yes = education({"has_education": "yes", "education_year": "2001"})
    no = education({"has_education": "no"})

    assert yes.is_valid() and no.is_valid()
    assert yes.changes() == {"has_education": True, "education_year": 2001}
    assert no.changes() == {"has_education": False, "education_year": None}


def test_saved_education_answer_is_shown_checked():
    form = EducationForm(instance=Application(has_education=False))

    assert form["has_education"].value() == "no"
    assert 'value="no" required id="id_has_education_1" checked' in str(form["has_education"])


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (str(timezone.localdate().year + 1), "The year cannot be in the future."),
        ("85", "Check the year: enter it as four digits, like 2004."),
        ("twenty", "Enter the year as four digits, like 2004."),
    ],
)
def test_education_year_must_be_a_real_past_year(year, message):
    form = education({"has_education": "yes", "education_year": year})

    assert form.errors == {"education_year": [message]}


def test_complete_education_needs_the_answer_and_the_year():
    unanswered = education({}, complete=True)
    no_year = education({"has_education": "yes"}, complete=True)

    assert unanswered.errors == {"has_education": ["Answer yes or no."]}
    assert no_year.errors == {"education_year": ["Enter the year you received it."]}


@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [
        ("diploma.pdf", PDF_BYTES, "proof.pdf"),
        ("scan.jpeg", JPEG_BYTES, "proof.jpg"),
        ("photo.png", PNG_BYTES, "proof.png"),
        # Named wrongly but really a PNG: accepted and stored as what it is.
        ("certificate.pdf", PNG_BYTES, "proof.png"),
    ],
)
def test_proof_is_accepted_by_its_content_and_named_by_its_real_type(name, content, stored_as):
    upload = SimpleUploadedFile(name, content)

    form = education({"has_education": "yes"}, {"education_proof": upload})

    assert form.is_valid(), form.errors
    assert form.changes()["education_proof"].name == stored_as


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("diploma.pdf", b"This is plain text pretending to be a PDF."),
        ("diploma.docx", b"PK\x03\x04 a word document"),
        ("page.html", b"<html><body>%PDF-</body></html>"),
    ],
)
def test_proof_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(name, content):
    form = education(
        {"has_education": "yes"}, {"education_proof": SimpleUploadedFile(name, content)}
    )

    assert form.errors == {
        "education_proof": [
            "This file is not a PDF, JPEG or PNG file, whatever its name says. Save the proof "
            "as PDF, JPEG or PNG and upload it again."
        ]
    }


def test_proof_over_10_mb_is_refused_with_its_size():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * MAX_PROOF_BYTES)

    form = education({"has_education": "yes"}, {"education_proof": upload})

    assert form.errors == {
        "education_proof": ["This file is 10.0 MB; upload one of 10 MB or less."]
    }


def test_proof_of_exactly_10_mb_is_accepted():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (MAX_PROOF_BYTES - 5))

    assert education({"has_education": "yes"}, {"education_proof": upload}).is_valid()


def test_no_new_file_leaves_the_stored_proof_alone_and_remove_clears_it():
    keep = education({"has_education": "yes"})
    remove = education({"has_education": "yes", "remove_proof": "on"})

    assert keep.is_valid() and remove.is_valid()
    assert "education_proof" not in keep.changes()
    assert remove.changes()["education_proof"] == ""


# --- Work history -------------------------------------------------------------------------


def formset(rows, *, complete=False):
    data = {
        "jobs-TOTAL_FORMS": str(len(rows)),
        "jobs-INITIAL_FORMS": "0",
        "jobs-MIN_NUM_FORMS": "1",
        "jobs-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"jobs-{index}-{key}"] = value
    return ApplicationJobFormSet(data, prefix="jobs", complete=complete)


def row(**overrides):
    return {
        "library": "Main Library",
        "library_type": "academic",
        "role": "Reference assistant",
        "paid": "paid",
        "start": days_ago(400),
        "end": days_ago(10),
        "hours_per_week": "37.5",
        **overrides,
    }


EMPTY_ROW = {"paid": "paid"}


def test_rows_become_work_experience_fields():
    jobs = formset([row(), row(paid="volunteer", end="", current="on", hours_per_week="4")])

    assert jobs.is_valid(), jobs.errors
    assert jobs.rows() == [
        {
            "library": "Main Library",
            "library_type": "academic",
            "role": "Reference assistant",
            "paid": True,
            "start": timezone.localdate() - timedelta(days=400),
            "end": timezone.localdate() - timedelta(days=10),
            "hours_per_week": Decimal("37.5"),
        },
        {
            "library": "Main Library",
            "library_type": "academic",
            "role": "Reference assistant",
            "paid": False,
            "start": timezone.localdate() - timedelta(days=400),
            "end": None,
            "hours_per_week": Decimal("4"),
        },
    ]


def test_empty_rows_are_ignored_even_the_first_in_a_draft():
    jobs = formset([EMPTY_ROW, EMPTY_ROW])

    assert jobs.is_valid(), jobs.errors
    assert jobs.rows() == []


def test_a_complete_work_history_needs_one_job():
    jobs = formset([EMPTY_ROW], complete=True)

    assert not jobs.is_valid()
    assert jobs.non_form_errors() == ["Add at least one library job, paid or volunteer."]


def test_rows_ticked_remove_are_dropped_even_when_invalid():
    jobs = formset([row(), row(hours_per_week="500", DELETE="on")])

    assert jobs.is_valid(), jobs.errors
    assert len(jobs.rows()) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"library": ""}, "library", "Enter the name of the library."),
        ({"hours_per_week": "81"}, "hours_per_week", "Enter 80 hours a week or fewer."),
        ({"hours_per_week": "0"}, "hours_per_week", "Enter at least half an hour a week."),
        ({"end": days_ago(500)}, "end", "The end date is before the start date."),
        ({"start": "2025-02-30"}, "start", "Enter a real date."),
        ({"start": days_ago(-1)}, "start", "The start date cannot be in the future."),
        ({"end": ""}, "end", "Enter the date you left, or tick “I still work here”."),
        ({"paid": "sometimes"}, "paid", None),
    ],
)
def test_job_rows_use_the_self_checks_messages(overrides, field, message):
    jobs = formset([row(**overrides)])

    assert not jobs.is_valid()
    errors = jobs.forms[0].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]


def test_remove_checkbox_is_labelled_for_people():
    jobs = ApplicationJobFormSet(prefix="jobs")

    assert jobs.forms[0].fields["DELETE"].label == "Remove this job"


# --- Attestation --------------------------------------------------------------------------


def test_signature_matches_the_legal_name_ignoring_case_and_spaces():
    application = Application(legal_name="Alex  Rivera")

    form = AttestationForm(
        {"attestation_name": " alex rivera ", "confirm": "on"}, application=application
    )

    assert form.is_valid(), form.errors
    changes = form.changes()
    assert changes["attestation_name"] == "alex rivera"
    assert abs(changes["attested_at"] - timezone.now()) < timedelta(seconds=5)


def test_signature_needs_a_name_and_the_box():
    form = AttestationForm({}, application=Application(legal_name="Alex Rivera"))

    assert form.errors == {
        "attestation_name": ["Type your full legal name to sign."],
        "confirm": ["Tick the box to confirm that your answers are true."],
    }
