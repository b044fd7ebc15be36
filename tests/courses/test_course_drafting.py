"""Drafting a course in sections (details, competency map, instructors), submitting it,
renewing it, and who may open which course page."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Course, CourseReview, CourseStatusChange
from tests.factories import ProviderMembershipFactory, course_draft
from tests.factories import complete_course as _complete_course

PDF = b"%PDF-1.4 a small pdf"


def complete_course(provider, by=None):
    """A course ready to submit, for the eight-competency set."""
    by = by or ProviderMembershipFactory(provider=provider).user
    return _complete_course(
        provider, by=by, set_code="cataloging-classification", title="Cataloguing basics"
    )


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def provider(provider_user):
    return provider_user.provider_memberships.get().provider


@pytest.fixture
def member(client, provider_user):
    client.force_login(provider_user)
    return client


@pytest.fixture
def draft(provider, provider_user):
    return course_draft(provider, by=provider_user)


def test_course_new_creates_a_draft_with_a_map_row_per_competency(member, provider):
    from lssc.program.models import CompetencySet

    competency_set = CompetencySet.objects.filter(code="supervision-management").latest("pk")

    response = member.post(
        "/provider/courses/new/",
        {"provider": provider.pk, "competency_set": competency_set.pk, "title": "Leading teams"},
    )

    course = Course.objects.get(title="Leading teams")
    assert response["Location"] == f"/provider/courses/{course.pk}/details/"
    assert course.status == Course.Status.DRAFT
    assert course.coverage.count() == 16


def test_details_save_keeps_the_draft(member, draft):
    response = member.post(
        f"/provider/courses/{draft.pk}/details/",
        {
            "title": "Cataloguing basics",
            "description": "An introduction.",
            "delivery": "hybrid",
            "timing": "synchronous",
            "schedule": "Mondays in March",
            "cost": "120.00",
            "enrolment_url": "https://example.org/enrol",
            "save_draft": "1",
        },
    )

    assert response["Location"] == f"/provider/courses/{draft.pk}/details/"
    draft.refresh_from_db()
    assert (draft.description, draft.delivery, draft.schedule) == (
        "An introduction.",
        "hybrid",
        "Mondays in March",
    )


def test_details_autosave_answers_json_with_what_is_missing(member, draft):
    response = member.post(
        f"/provider/courses/{draft.pk}/details/",
        {"title": "Cataloguing basics", "description": "Saved in the background."},
        headers={"accept": "application/json", "x-requested-with": "XMLHttpRequest"},
    )

    body = response.json()
    assert body["saved"] is True
    assert body["summary"]["sections"] == {"details": False, "map": False, "instructors": False}
    assert "Upload the syllabus." in body["summary"]["missing"]["details"]
    draft.refresh_from_db()
    assert draft.description == "Saved in the background."


def test_syllabus_is_checked_by_content(member, draft):
    fake = SimpleUploadedFile("syllabus.pdf", b"MZ not a pdf", content_type="application/pdf")

    response = member.post(
        f"/provider/courses/{draft.pk}/details/",
        {"title": "Cataloguing basics", "description": "Kept", "syllabus": fake},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a PDF, Word or OpenDocument text file" in html
    assert "Kept" in html
    draft.refresh_from_db()
    assert not draft.syllabus
    assert draft.description == ""


def test_word_syllabus_is_stored_under_its_real_type(member, draft):
    upload = SimpleUploadedFile("notes.pdf", _docx())

    member.post(
        f"/provider/courses/{draft.pk}/details/",
        {"title": "Cataloguing basics", "syllabus": upload},
    )

    draft.refresh_from_db()
    assert draft.syllabus.name.endswith(".docx")


def test_map_saves_each_competency(member, draft):
    rows = list(draft.coverage.select_related("competency"))
    data = {"save_draft": "1"}
    for row in rows:
        data[f"c{row.competency.number}-content"] = ""
    data["c1-content"] = "Week 1 lecture"
    data["c3-readings"] = "Chapter 4"

    response = member.post(f"/provider/courses/{draft.pk}/map/", data)

    assert response.status_code == 302
    mapped = {
        row.competency.number: (row.content, row.readings)
        for row in draft.coverage.select_related("competency")
        if row.is_mapped
    }
    assert mapped == {1: ("Week 1 lecture", ""), 3: ("", "Chapter 4")}


def _map_queries(client, course):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/provider/courses/{course.pk}/map/").status_code == 200
    return len(queries)


def test_map_page_query_count_does_not_grow_with_the_number_of_competencies(
    member, provider, provider_user
):
    eight = course_draft(provider, set_code="cataloging-classification", by=provider_user)
    sixteen = course_draft(provider, set_code="supervision-management", by=provider_user)
    _map_queries(member, eight)  # warm caches (roles, session)

    assert _map_queries(member, sixteen) == _map_queries(member, eight)


def test_instructor_added_with_resume_and_removed(member, draft):
    resume = SimpleUploadedFile("cv.pdf", PDF)

    member.post(
        f"/provider/courses/{draft.pk}/instructors/",
        {"name": "Robin Teacher", "qualifications": "MLIS", "resume": resume},
    )
    instructor = draft.instructors.get()
    download = member.get(f"/provider/courses/{draft.pk}/instructors/{instructor.pk}/resume/")
    member.post(f"/provider/courses/{draft.pk}/instructors/", {"remove": instructor.pk})

    assert instructor.resume.name.endswith(".pdf")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert not draft.instructors.exists()


def test_resume_must_be_pdf_or_word(member, draft):
    odd = SimpleUploadedFile("cv.pdf", b"\x89PNG\r\n\x1a\nimage")

    response = member.post(
        f"/provider/courses/{draft.pk}/instructors/", {"name": "Robin", "resume": odd}
    )

    assert response.status_code == 400
    assert "is not a PDF or Word file" in response.content.decode()
    assert not draft.instructors.exists()


def test_submit_refused_until_every_competency_is_mapped(member, provider):
    course = complete_course(provider)
    course.coverage.filter(competency__number__in=[2, 5]).update(content="")

    response = member.post(f"/provider/courses/{course.pk}/submit/", follow=True)

    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    html = response.content.decode()
    assert "Map how the course covers competencies 2, 5." in html
    assert f'href="/provider/courses/{course.pk}/map/">Go to Competency map' in html


def test_submit_refused_until_the_provider_is_verified(client, db):
    member = ProviderMembershipFactory(provider__verified_at=None)
    course = complete_course(member.provider)
    client.force_login(member.user)

    response = client.post(f"/provider/courses/{course.pk}/submit/", follow=True)

    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT
    assert "must be verified by program staff first" in response.content.decode()


def test_submit_sends_a_complete_course(member, provider, provider_user):
    course = complete_course(provider)

    response = member.post(f"/provider/courses/{course.pk}/submit/")

    assert response["Location"] == f"/provider/courses/{course.pk}/"
    course.refresh_from_db()
    assert course.status == Course.Status.SUBMITTED
    change = course.status_changes.last()
    assert (change.old_status, change.new_status, change.actor) == (
        "draft",
        "submitted",
        provider_user,
    )


def test_submit_and_renew_are_post_only(member, draft):
    assert member.get(f"/provider/courses/{draft.pk}/submit/").status_code == 405
    assert member.get(f"/provider/courses/{draft.pk}/renew/").status_code == 405


def _approved(provider):
    course = complete_course(provider)
    today = timezone.localdate()
    Course.objects.filter(pk=course.pk).update(
        status=Course.Status.APPROVED,
        approved_on=today - timedelta(days=700),
        approval_expires_on=today + timedelta(days=30),
    )
    course.refresh_from_db()
    return course


def test_renew_sets_renewal_requested_at(member, provider):
    course = _approved(provider)

    member.post(f"/provider/courses/{course.pk}/renew/")

    course.refresh_from_db()
    assert course.renewal_requested_at is not None
    assert course.status_changes.last().note == "Renewal requested."


def test_detail_shows_history_and_staff_reasons(member, provider, staff):
    course = complete_course(provider)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.CHANGES_REQUESTED)
    CourseStatusChange.objects.create(
        course=course, old_status="submitted", new_status="changes_requested", actor=staff
    )
    CourseReview.objects.create(
        course=course,
        reviewer=staff,
        decision=CourseReview.Decision.REQUEST_CHANGES,
        reasons="Add readings for competency 4.",
    )

    html = member.get(f"/provider/courses/{course.pk}/").content.decode()

    assert html.count("<h1") == 1
    assert "First approval: Request changes" in html
    assert "Add readings for competency 4." in html
    assert "Submitted →" in html
    assert "Draft started." in html


def test_member_of_another_provider_gets_404(client, draft):
    other = ProviderMembershipFactory().user
    client.force_login(other)

    for path in ("", "details/", "map/", "instructors/", "syllabus/"):
        assert client.get(f"/provider/courses/{draft.pk}/{path}").status_code == 404
    assert client.post(f"/provider/courses/{draft.pk}/submit/").status_code == 404


def test_outsider_gets_404_for_the_detail_and_403_for_editing(client, outsider, draft):
    client.force_login(outsider)

    assert client.get(f"/provider/courses/{draft.pk}/").status_code == 404
    assert client.get(f"/provider/courses/{draft.pk}/details/").status_code == 403


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(f"/provider/courses/{draft.pk}/details/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_see_a_submitted_course_and_its_syllabus_but_not_drafts(client, staff, provider):
    course = complete_course(provider)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.SUBMITTED)
    draft = course_draft(provider)
    client.force_login(staff)

    assert client.get(f"/provider/courses/{course.pk}/").status_code == 200
    assert client.get(f"/provider/courses/{course.pk}/syllabus/").status_code == 200
    assert client.get(f"/provider/courses/{draft.pk}/").status_code == 404


def test_submitted_course_cannot_be_edited(member, provider):
    course = complete_course(provider)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.SUBMITTED)

    response = member.post(f"/provider/courses/{course.pk}/details/", {"title": "Changed"})

    assert response["Location"] == f"/provider/courses/{course.pk}/"
    course.refresh_from_db()
    assert course.title == "Cataloguing basics"


def test_every_section_page_opens_with_one_heading(member, draft):
    for path in ("new/", f"{draft.pk}/details/", f"{draft.pk}/map/", f"{draft.pk}/instructors/"):
        response = member.get(f"/provider/courses/{path}")
        assert response.status_code == 200, path
        assert response.content.decode().count("<h1") == 1, path
