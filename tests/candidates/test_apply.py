"""The application pages at /apply/: sections, autosave, review and submit, status, invoice."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application, ApplicationStatusChange, WorkExperience
from candidates.services import (
    application_decline,
    application_request_info,
    application_submit,
    payment_record,
)
from lssc.program.models import ProgramRules
from tests.factories import ApplicationFactory, UserFactory, WorkExperienceFactory

pytestmark = pytest.mark.django_db

START = "/apply/"
SUBMIT = "/apply/submit/"
INVOICE = "/apply/invoice/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def section_url(section: str) -> str:
    return f"/apply/{section}/"


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def jobs_data(rows: list[dict], **extra) -> dict:
    data = {
        "jobs-TOTAL_FORMS": str(len(rows)),
        "jobs-INITIAL_FORMS": "0",
        "jobs-MIN_NUM_FORMS": "1",
        "jobs-MAX_NUM_FORMS": "30",
        **extra,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"jobs-{index}-{key}"] = value
    return data


def job_row(**overrides) -> dict:
    return {
        "library": "Riverside Branch",
        "library_type": "public",
        "role": "Page",
        "paid": "paid",
        "start": days_ago(800),
        "current": "on",
        "hours_per_week": "20",
        **overrides,
    }


PERSONAL = {
    "legal_name": "Alex Rivera",
    "preferred_name": "Alex",
    "email": "alex@example.org",
    "phone": "312 555 0100",
    "address_line1": "4 Oak Street",
    "address_line2": "",
    "city": "Peoria",
    "state": "Illinois",
    "postal_code": "61602",
    "country": "United States",
}
VALID_SECTIONS = {
    "personal": PERSONAL,
    "position": {
        "library_name": "Peoria Public Library",
        "library_type": "public",
        "job_title": "Library clerk",
    },
    "education": {"has_education": "yes", "education_year": "2001"},
    "membership": {"ala_member_number": "1234567"},
}


@pytest.fixture
def applicant(outsider):
    """A signed-in person with no role yet: the one who applies."""
    return outsider


@pytest.fixture
def draft(applicant):
    """The applicant's draft, complete and eligible but not signed."""
    application = ApplicationFactory(user=applicant, legal_name="Oscar Tester")
    WorkExperienceFactory(application=application)
    return application


def sign_and_submit(client, name="Oscar Tester"):
    return client.post(SUBMIT, {"attestation_name": name, "confirm": "on", "submit": "1"})


def html_of(response) -> str:
    return response.content.decode()


# --- URLs and who may open them -----------------------------------------------------------


def test_urls_are_named_under_apply():
    assert reverse("apply:start") == START
    assert reverse("apply:section", args=["work"]) == "/apply/work/"
    assert reverse("apply:submit") == SUBMIT
    assert reverse("apply:invoice") == INVOICE


@pytest.mark.parametrize("path", [START, section_url("personal"), INVOICE])
def test_anonymous_visitor_is_sent_to_login_and_back(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={path}"
    assert Application.objects.count() == 0


def test_anonymous_autosave_gets_a_json_answer_not_the_login_page(client):
    response = client.post(section_url("personal"), PERSONAL, **AJAX)

    assert response.status_code == 401
    assert response.json()["saved"] is False
    assert "signed out" in response.json()["message"]


def test_get_on_submit_is_not_allowed(client, draft):
    client.force_login(draft.user)

    assert client.get(SUBMIT).status_code == 405


def test_post_on_the_review_page_is_not_allowed(client, draft):
    client.force_login(draft.user)

    assert client.post(section_url("review"), {}).status_code == 405


def test_unknown_section_is_404(client, draft):
    client.force_login(draft.user)

    assert client.get("/apply/payment/").status_code == 404


def test_candidate_is_sent_to_the_dashboard_without_a_new_application(client, candidate):
    client.force_login(candidate)

    response = client.get(START, follow=True)

    assert response.redirect_chain[0] == (reverse("candidates:dashboard"), 302)
    assert "You are already a candidate" in html_of(response)
    assert Application.objects.count() == 0


def test_another_persons_application_is_never_shown(client, draft):
    someone_else = UserFactory(email="someone@example.org")
    client.force_login(someone_else)

    response = client.get(section_url("personal"), follow=True)

    html = html_of(response)
    assert response.status_code == 200
    assert "Oscar Tester" not in html
    assert draft.email not in html
    mine = Application.objects.get(user=someone_else)
    assert response.context["application"].pk == mine.pk != draft.pk


@pytest.mark.parametrize("persona", ["outsider_with_nothing", "other_candidate"])
def test_invoice_of_someone_else_is_not_found(client, draft, persona, request):
    application_submit(_signed(draft), by=draft.user)
    viewer = (
        UserFactory(email="nobody@example.org")
        if persona == "outsider_with_nothing"
        else request.getfixturevalue(persona)
    )
    client.force_login(viewer)

    response = client.get(INVOICE)

    assert response.status_code == 404
    assert "Oscar Tester" not in html_of(response)


def test_invoice_is_not_found_before_submission(client, draft):
    client.force_login(draft.user)

    assert client.get(INVOICE).status_code == 404


def _signed(application):
    application.attestation_name = application.legal_name
    application.attested_at = timezone.now()
    application.save()
    return application


# --- Starting and resuming ----------------------------------------------------------------


def test_first_visit_starts_a_draft_prefilled_from_the_account_and_opens_personal_details(
    client, applicant
):
    client.force_login(applicant)

    response = client.get(START)

    application = Application.objects.get(user=applicant)
    assert response.status_code == 302
    assert response.url == section_url("personal")
    assert application.status == Application.Status.DRAFT
    assert application.email == applicant.email
    assert list(application.status_changes.values_list("new_status", flat=True)) == ["draft"]
    page = client.get(section_url("personal"))
    assert f'value="{applicant.email}"' in html_of(page)


def test_coming_back_does_not_start_a_second_draft(client, applicant):
    client.force_login(applicant)

    client.get(START)
    client.get(START)

    assert Application.objects.filter(user=applicant).count() == 1


@pytest.mark.parametrize("section", list(VALID_SECTIONS))
def test_save_draft_stores_the_section_and_resumes_there(client, applicant, section):
    client.force_login(applicant)
    client.get(START)

    response = client.post(section_url(section), {**VALID_SECTIONS[section], "save_draft": "1"})

    assert response.status_code == 302
    assert response.url == section_url(section)
    application = Application.objects.get(user=applicant)
    assert application.last_section == section
    for name, value in VALID_SECTIONS[section].items():
        stored = getattr(application, name)
        expected = {"yes": True}.get(value, value)
        assert str(stored) == str(expected)
    assert client.get(START).url == section_url(section)
    assert "Draft saved at" in html_of(client.get(section_url(section)))


def test_save_and_continue_goes_to_the_next_section_and_resumes_there(client, applicant):
    client.force_login(applicant)
    client.get(START)

    response = client.post(section_url("personal"), {**PERSONAL, "save_continue": "1"})

    assert response.url == section_url("position")
    application = Application.objects.get(user=applicant)
    assert application.legal_name == "Alex Rivera"
    assert application.last_section == "position"
    assert client.get(START).url == section_url("position")


def test_save_and_continue_from_work_history_resumes_at_membership(client, draft):
    client.force_login(draft.user)

    response = client.post(section_url("work"), jobs_data([job_row()], save_continue="1"))

    assert response.url == section_url("membership")
    draft.refresh_from_db()
    assert draft.last_section == "membership"
    assert client.get(START).url == section_url("membership")


def test_save_draft_accepts_an_unfinished_section(client, applicant):
    client.force_login(applicant)
    client.get(START)

    client.post(
        section_url("personal"), {"legal_name": "Alex Rivera", "country": "", "save_draft": "1"}
    )

    application = Application.objects.get(user=applicant)
    assert application.legal_name == "Alex Rivera"
    assert application.phone == ""


def test_save_and_continue_asks_for_missing_answers_keeps_input_and_saves_nothing(
    client, applicant
):
    client.force_login(applicant)
    client.get(START)
    data = {**PERSONAL, "phone": "", "city": "", "legal_name": "Alex Rivera", "save_continue": "1"}

    response = client.post(section_url("personal"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"phone": ["Add a phone number."], "city": ["Add your city or town."]}
    html = html_of(response)
    assert 'value="Alex Rivera"' in html
    assert "Please check the highlighted answers" in html
    assert '<a href="#id_phone">Phone number: Add a phone number.</a>' in html
    assert Application.objects.get(user=applicant).legal_name != "Alex Rivera"


def test_invalid_answer_is_refused_next_to_the_field_and_nothing_is_saved(client, applicant):
    client.force_login(applicant)
    client.get(START)

    response = client.post(
        section_url("personal"), {**PERSONAL, "email": "alex at example", "save_draft": "1"}
    )

    assert response.context["form"].errors == {
        "email": ["Enter an email address like name@example.org."]
    }
    assert 'value="alex at example"' in html_of(response)
    assert Application.objects.get(user=applicant).legal_name != "Alex Rivera"


def test_sections_show_progress_with_what_is_complete(client, draft):
    client.force_login(draft.user)

    response = client.get(section_url("personal"))

    steps = {step["value"]: step["complete"] for step in response.context["steps"]}
    assert steps == {
        "personal": True,
        "position": True,
        "education": True,
        "work": True,
        "membership": True,
        "review": False,
    }
    html = html_of(response)
    assert 'aria-current="step"' in html
    assert html.count(">Complete</span>") == 5
    assert html.count(">To do</span>") == 1


# --- Autosave -----------------------------------------------------------------------------


def test_autosave_saves_valid_answers_and_answers_json(client, applicant):
    client.force_login(applicant)
    client.get(START)

    response = client.post(section_url("personal"), PERSONAL, **AJAX)

    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True
    assert body["errors"] == {}
    assert len(body["at"]) == 5 and body["at"][2] == ":"
    assert body["summary"]["sections"]["personal"] is True
    assert body["summary"]["missing"]["personal"] == []
    application = Application.objects.get(user=applicant)
    assert application.legal_name == "Alex Rivera"
    assert application.last_section == "personal"


def test_autosave_returns_errors_and_saves_nothing(client, applicant):
    client.force_login(applicant)
    client.get(START)

    response = client.post(section_url("personal"), {**PERSONAL, "phone": "call me maybe"}, **AJAX)

    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False
    assert body["errors"] == {
        "phone": ["Use only digits, spaces and + ( ) - in the phone number, like 312 555 0100."]
    }
    assert Application.objects.get(user=applicant).legal_name != "Alex Rivera"


def test_autosave_of_work_history_saves_rows_and_returns_the_running_total(client, draft):
    client.force_login(draft.user)
    rows = [job_row(start=days_ago(363), hours_per_week="10")]

    response = client.post(section_url("work"), jobs_data(rows), **AJAX)

    body = response.json()
    assert body["saved"] is True
    assert body["summary"]["counted_hours"] == "520"
    assert body["summary"]["required_hours"] == "1,820"
    assert body["summary"]["missing"]["work"][0].startswith("1,300 more hours of library work")
    assert list(draft.jobs.values_list("library", "hours_per_week")) == [
        ("Riverside Branch", Decimal("10.0"))
    ]


def test_autosave_of_a_bad_job_row_returns_errors_by_input_name_and_keeps_saved_rows(client, draft):
    client.force_login(draft.user)
    rows = [job_row(start=days_ago(30), end=days_ago(60), current="")]

    response = client.post(section_url("work"), jobs_data(rows), **AJAX)

    assert response.status_code == 400
    assert response.json()["errors"] == {"jobs-0-end": ["The end date is before the start date."]}
    assert list(draft.jobs.values_list("library", flat=True)) == ["Springfield Public Library"]


def test_autosave_on_a_submitted_application_is_refused(client, draft):
    application_submit(_signed(draft), by=draft.user)
    client.force_login(draft.user)

    response = client.post(section_url("personal"), PERSONAL, **AJAX)

    assert response.status_code == 409
    assert response.json()["saved"] is False
    assert "submitted" in response.json()["message"]
    draft.refresh_from_db()
    assert draft.legal_name == "Oscar Tester"


# --- Work history -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"start": days_ago(30), "end": days_ago(40), "current": ""},
            "end",
            "The end date is before the start date.",
        ),
        ({"hours_per_week": "81"}, "hours_per_week", "Enter 80 hours a week or fewer."),
        ({"start": days_ago(-3)}, "start", "The start date cannot be in the future."),
        (
            {"end": days_ago(-10), "current": ""},
            "end",
            "The end date cannot be in the future. If you still work there, leave it empty and tick “I still work here”.",
        ),
        ({"start": "2025-02-30"}, "start", "Enter a real date."),
        ({"start": ""}, "start", "Enter the date you started."),
        ({"role": ""}, "role", "Enter your role, such as “Circulation assistant”."),
        ({"library_type": ""}, "library_type", "Choose the type of library."),
    ],
)
def test_bad_job_row_gets_a_message_at_the_field_keeps_input_and_saves_nothing(
    client, draft, row, field, message
):
    client.force_login(draft.user)

    response = client.post(section_url("work"), jobs_data([job_row(**row)], save_draft="1"))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field] == [message]
    html = html_of(response)
    assert 'value="Riverside Branch"' in html
    assert message.replace("“", "&ldquo;") in html or message in html
    assert f'href="#id_jobs-0-{field}"' in html
    assert list(draft.jobs.values_list("library", flat=True)) == ["Springfield Public Library"]


def test_impossible_date_is_kept_as_typed(client, draft):
    client.force_login(draft.user)

    response = client.post(
        section_url("work"), jobs_data([job_row(start="2025-02-30")], save_draft="1")
    )

    assert 'value="2025-02-30"' in html_of(response)


def test_work_history_page_shows_saved_jobs_and_the_running_total(client, draft):
    WorkExperienceFactory(
        application=draft,
        library="Hilltop School Library",
        library_type="school",
        paid=False,
        start=timezone.localdate() - timedelta(days=100),
        end=timezone.localdate() - timedelta(days=30),
        hours_per_week=5,
    )
    client.force_login(draft.user)

    response = client.get(section_url("work"))

    html = html_of(response)
    assert html.count('class="job-row') == 2
    assert 'value="Hilltop School Library"' in html
    assert 'name="jobs-INITIAL_FORMS" value="0"' in html
    verdict = response.context["verdict"]
    assert '<strong data-summary="counted_hours" data-testid="counted-hours">' in html
    assert f"{verdict.counted_hours:,.0f}</strong> of" in html
    assert "You have enough hours of library work." in html


def test_work_history_says_how_many_hours_are_missing(client, applicant):
    application = ApplicationFactory(user=applicant)
    WorkExperienceFactory(
        application=application, start=timezone.localdate() - timedelta(days=69), hours_per_week=10
    )
    client.force_login(applicant)

    html = html_of(client.get(section_url("work")))

    assert "1,720 more hours of library work" in html


def test_add_another_job_keeps_typed_rows_adds_one_and_saves_nothing(client, draft):
    client.force_login(draft.user)

    response = client.post(
        section_url("work"),
        jobs_data([job_row(library="North", hours_per_week="200")], add_job="1"),
    )

    html = html_of(response)
    assert html.count('class="job-row') == 2
    assert 'value="North"' in html
    assert 'value="200"' in html
    assert "Please check the highlighted answers" not in html
    assert list(draft.jobs.values_list("library", flat=True)) == ["Springfield Public Library"]


def test_remove_checkbox_drops_the_row_and_empty_rows_are_ignored(client, draft):
    client.force_login(draft.user)
    rows = [
        job_row(library="Keep"),
        job_row(library="Drop", DELETE="on"),
        {
            "library": "",
            "library_type": "",
            "role": "",
            "paid": "paid",
            "start": "",
            "hours_per_week": "",
        },
    ]

    response = client.post(section_url("work"), jobs_data(rows, save_draft="1"))

    assert response.status_code == 302
    assert list(draft.jobs.values_list("library", flat=True)) == ["Keep"]


def test_save_and_continue_needs_at_least_one_job(client, draft):
    client.force_login(draft.user)
    empty = {"library": "", "library_type": "", "role": "", "paid": "paid", "start": ""}

    response = client.post(section_url("work"), jobs_data([empty], save_continue="1"))

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == [
        "Add at least one library job, paid or volunteer."
    ]
    assert draft.jobs.count() == 1


def test_volunteer_and_current_jobs_are_stored_as_such(client, draft):
    client.force_login(draft.user)
    rows = [job_row(paid="volunteer", start=days_ago(100), current="on")]

    client.post(section_url("work"), jobs_data(rows, save_draft="1"))

    job = WorkExperience.objects.get(application=draft)
    assert (job.paid, job.end, job.start) == (
        False,
        None,
        timezone.localdate() - timedelta(days=100),
    )


def test_work_history_query_count_does_not_grow_with_the_number_of_jobs(client, applicant):
    application = ApplicationFactory(user=applicant)
    WorkExperienceFactory(application=application)
    client.force_login(applicant)
    client.get(section_url("work"))  # warm caches (content types, sessions)

    with CaptureQueriesContext(connection) as one:
        assert client.get(section_url("work")).status_code == 200
    WorkExperienceFactory.create_batch(14, application=application)
    with CaptureQueriesContext(connection) as many:
        response = client.get(section_url("work"))

    assert html_of(response).count('class="job-row') == 15
    assert len(many) == len(one)


# --- Education proof ----------------------------------------------------------------------


def test_real_pdf_proof_is_accepted_and_stored_privately(client, draft):
    client.force_login(draft.user)
    upload = SimpleUploadedFile("diploma.pdf", PDF_BYTES, content_type="application/pdf")

    response = client.post(
        section_url("education"),
        {
            "has_education": "yes",
            "education_year": "2001",
            "education_proof": upload,
            "save_draft": "1",
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.education_proof.name.startswith("education-proofs/")
    assert draft.education_proof.name.endswith(".pdf")
    assert draft.education_proof.read() == PDF_BYTES
    assert "A proof is on file (PDF)." in html_of(client.get(section_url("education")))


def test_text_file_named_pdf_is_refused_with_a_message(client, draft):
    client.force_login(draft.user)
    upload = SimpleUploadedFile("diploma.pdf", b"just some text", content_type="application/pdf")

    response = client.post(
        section_url("education"),
        {
            "has_education": "yes",
            "education_year": "1999",
            "education_proof": upload,
            "save_draft": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["education_proof"] == [
        "This file is not a PDF, JPEG or PNG file, whatever its name says. Save the proof as "
        "PDF, JPEG or PNG and upload it again."
    ]
    assert 'value="1999"' in html_of(response)
    draft.refresh_from_db()
    assert not draft.education_proof
    assert draft.education_year == 2005


def test_uploaded_proof_can_be_removed(client, draft):
    client.force_login(draft.user)
    upload = SimpleUploadedFile("diploma.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(
        section_url("education"),
        {"has_education": "yes", "education_year": "2001", "education_proof": upload},
    )

    client.post(
        section_url("education"),
        {"has_education": "yes", "education_year": "2001", "remove_proof": "on"},
    )

    draft.refresh_from_db()
    assert not draft.education_proof


# --- Membership and fee -------------------------------------------------------------------


def test_membership_page_quotes_the_standard_fee_without_a_member_number(client, draft):
    client.force_login(draft.user)

    response = client.get(section_url("membership"))

    html = html_of(response)
    assert '<strong data-summary="fee">USD 350.00</strong>' in html
    assert '<span data-summary="fee_kind">standard fee</span>' in html


def test_member_number_quotes_the_member_fee_and_it_is_fixed_at_submission(client, draft):
    client.force_login(draft.user)

    autosave = client.post(section_url("membership"), {"ala_member_number": "1234567"}, **AJAX)
    page = client.get(section_url("membership"))
    sign_and_submit(client)
    # Staff raise the fees in a new rules version: the submitted application keeps its fee.
    ProgramRules.objects.create(
        effective_from=timezone.localdate(),
        fee_member=Decimal("999.00"),
        fee_standard=Decimal("1000.00"),
    )

    assert autosave.json()["summary"]["fee"] == "USD 325.00"
    assert autosave.json()["summary"]["fee_kind"] == "ALA member fee"
    assert '<strong data-summary="fee">USD 325.00</strong>' in html_of(page)
    draft.refresh_from_db()
    assert draft.fee_due == Decimal("325.00")
    invoice = html_of(client.get(INVOICE))
    assert '<td class="text-end" data-testid="fee">325.00</td>' in invoice
    assert "ALA member number 1234567" in invoice


# --- Review and submit --------------------------------------------------------------------


def test_review_page_summarises_every_section_with_change_links(client, draft):
    client.force_login(draft.user)

    response = client.get(section_url("review"))

    html = html_of(response)
    for section in ["personal", "position", "education", "work", "membership"]:
        assert f'href="{section_url(section)}">Change' in html
    assert "Oscar Tester" in html
    assert "Springfield Public Library" in html
    assert "You meet the requirements" in html
    assert "USD 350.00" in html
    assert 'action="/apply/submit/"' in html
    assert 'name="submit"' in html
    assert "data-submit-once" in html
    assert response.context["blockers"] == []


def test_incomplete_application_is_refused_with_the_exact_reasons(client, applicant):
    application = ApplicationFactory(
        user=applicant, legal_name="Oscar Tester", phone="", has_education=None
    )
    client.force_login(applicant)

    response = sign_and_submit(client)

    assert response.status_code == 200
    html = html_of(response)
    assert "Your application was not submitted" in html
    reasons = [message for step in response.context["blockers"] for message in step["missing"]]
    assert reasons[:2] == ["Add a phone number.", "Answer the education question."]
    assert reasons[2].startswith("1,820 more hours of library work")
    assert len(reasons) == 3
    assert f'<a href="{section_url("personal")}">Personal details</a>: Add a phone number.' in html
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.attested_at is None
    assert not application.status_changes.filter(new_status="submitted").exists()


def test_ineligible_application_is_refused_and_says_why(client, applicant):
    application = ApplicationFactory(user=applicant, legal_name="Oscar Tester", has_education=False)
    WorkExperienceFactory(
        application=application, start=timezone.localdate() - timedelta(days=69), hours_per_week=10
    )
    client.force_login(applicant)

    response = sign_and_submit(client)

    reasons = [m for step in response.context["blockers"] for m in step["missing"]]
    assert reasons[0] == "A high school diploma or its equivalent (such as a GED) is required."
    assert reasons[1].startswith("1,720 more hours of library work")
    assert "1,720 more hours of library work" in html_of(response)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_signature_must_be_the_legal_name_and_the_box_ticked(client, draft):
    client.force_login(draft.user)

    response = client.post(SUBMIT, {"attestation_name": "Someone Else", "submit": "1"})

    assert response.context["form"].errors == {
        "attestation_name": [
            "Type your legal name exactly as in your personal details: Oscar Tester."
        ],
        "confirm": ["Tick the box to confirm that your answers are true."],
    }
    assert 'value="Someone Else"' in html_of(response)
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_submit_fixes_the_fee_records_the_signature_and_shows_the_invoice(client, draft):
    client.force_login(draft.user)

    response = sign_and_submit(client, name="  oscar   tester ")

    assert response.status_code == 302
    assert response.url == INVOICE
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.attestation_name == "oscar tester"
    assert draft.attested_at is not None
    assert draft.fee_due == Decimal("350.00")
    page = client.get(INVOICE)
    assert "Your application is submitted." in html_of(page)


def test_double_submit_makes_one_status_change_and_one_email(
    client, draft, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(draft.user)

    with django_capture_on_commit_callbacks(execute=True):
        first = sign_and_submit(client)
    with django_capture_on_commit_callbacks(execute=True):
        second = sign_and_submit(client)

    assert (first.url, second.url) == (INVOICE, INVOICE)
    assert (
        ApplicationStatusChange.objects.filter(application=draft, new_status="submitted").count()
        == 1
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "We received your LSSC application"
    assert mailoutbox[0].to == [draft.email]


# --- After submission ---------------------------------------------------------------------


def test_submitted_application_shows_a_read_only_status_page(client, draft):
    submitted = application_submit(_signed(draft), by=draft.user)
    client.force_login(draft.user)

    response = client.get(START)

    html = html_of(response)
    assert response.status_code == 200
    assert response.templates[0].name == "candidates/apply_status.html"
    assert html.count("<h1") == 1
    assert ">Submitted</span>" in html
    assert f"{submitted.submitted_at:%-d %B %Y}" in html
    assert "What happens next" in html
    assert f'href="{INVOICE}"' in html
    assert "<form" not in html.split("<main", 1)[1]


def test_sections_of_a_submitted_application_cannot_be_changed(client, draft):
    application_submit(_signed(draft), by=draft.user)
    client.force_login(draft.user)

    page = client.get(section_url("personal"))
    post = client.post(section_url("personal"), {**PERSONAL, "save_draft": "1"})

    assert page.url == START
    assert post.url == START
    draft.refresh_from_db()
    assert draft.legal_name == "Oscar Tester"


def test_more_information_request_is_shown_and_the_applicant_edits_and_resubmits(
    client, draft, staff
):
    submitted = application_submit(_signed(draft), by=draft.user)
    application_request_info(submitted, by=staff, message="Please add your volunteer work.")
    client.force_login(draft.user)

    status_page = html_of(client.get(START))
    section_page = html_of(client.get(section_url("work")))
    client.post(
        section_url("work"),
        jobs_data(
            [job_row(), job_row(library="Food bank library", paid="volunteer")], save_draft="1"
        ),
    )
    resubmit = sign_and_submit(client)

    assert "Program staff need more information" in status_page
    assert "Please add your volunteer work." in status_page
    assert "Please add your volunteer work." in section_page
    assert resubmit.url == INVOICE
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.fee_due == Decimal("350.00")
    assert draft.jobs.count() == 2


def test_declined_application_shows_the_reason_and_a_new_one_can_be_started(client, draft, staff):
    submitted = application_submit(_signed(draft), by=draft.user)
    application_decline(submitted, by=staff, reason="The hours could not be confirmed.")
    client.force_login(draft.user)

    page = client.get(START)
    started = client.post(START)

    assert ">Declined</span>" in html_of(page)
    assert "The hours could not be confirmed." in html_of(page)
    assert "Start a new application" in html_of(page)
    assert started.url == section_url("personal")
    assert Application.objects.filter(user=draft.user).count() == 2
    assert Application.objects.filter(user=draft.user, status="draft").count() == 1


# --- Invoice ------------------------------------------------------------------------------


def test_invoice_shows_the_fee_payments_received_and_the_balance(client, draft, staff):
    submitted = application_submit(_signed(draft), by=draft.user)
    payment_record(
        submitted,
        amount=Decimal("100.00"),
        method="cheque",
        received_on=timezone.localdate(),
        reference="CHQ 881",
        by=staff,
    )
    client.force_login(draft.user)

    response = client.get(INVOICE)

    html = html_of(response)
    assert response.status_code == 200
    assert f"Invoice {draft.pk}</h1>" in html
    assert "Oscar Tester" in html
    assert "12 Library Lane" in html
    assert '<td class="text-end" data-testid="fee">350.00</td>' in html
    assert "cheque, reference CHQ 881" in html
    assert '<td class="text-end" data-testid="paid">100.00</td>' in html
    assert '<td class="text-end fw-bold text-nowrap" data-testid="balance">USD 250.00</td>' in html
    assert "How to pay" in html
    assert '<style media="print">' in html
    assert "data-print hidden" in html
    assert response.context["contact_email"] in html


def test_invoice_paid_in_full_says_so(client, draft, staff):
    submitted = application_submit(_signed(draft), by=draft.user)
    payment_record(
        submitted, amount=Decimal("350"), method="card", received_on=timezone.localdate(), by=staff
    )
    client.force_login(draft.user)

    html = html_of(client.get(INVOICE))

    assert '<td class="text-end fw-bold text-nowrap" data-testid="balance">USD 0.00</td>' in html
    assert "Paid in full" in html
    assert "How to pay" not in html


def test_json_body_is_valid_for_the_script(client, draft):
    client.force_login(draft.user)

    response = client.post(section_url("position"), VALID_SECTIONS["position"], **AJAX)

    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content)) == {"saved", "at", "errors", "summary"}
