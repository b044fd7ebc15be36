"""A candidate's course completion claims at /completions/ and /completions/new/."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.models import SetProgress
from courses.models import CompletionStatusChange, Course, CourseCompletion
from courses.services import completion_window
from lssc.core.uploads import MAX_UPLOAD_BYTES as MAX_PROOF_BYTES
from lssc.program.selectors import competency_sets_in_force
from tests.courses.test_catalogue import make_course
from tests.factories import SMALL_PDF, ProviderFactory

URL = "/completions/new/"
LIST_URL = "/completions/"


@pytest.fixture
def claimant(candidate):
    """The candidate persona with the progress rows admission makes."""
    SetProgress.objects.bulk_create(
        SetProgress(candidacy=candidate.candidacy, competency_set=s, chosen=s.is_required)
        for s in competency_sets_in_force()
    )
    return candidate


@pytest.fixture
def course(db):
    return make_course(
        ProviderFactory(name="Lakeside College"),
        title="Foundations online",
        set_code="foundations",
        approved_days_ago=30,
    )


def proof(content=SMALL_PDF, name="certificate.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def claim(client, course, *, completed_on, upload=None):
    return client.post(
        URL,
        {"course": course.pk, "completed_on": completed_on.isoformat(), "proof": upload or proof()},
    )


def test_claim_form_preselects_the_course_and_groups_courses_by_set(client, claimant, course):
    make_course(title="Youth programs", set_code="youth-services")
    make_course(title="Draft course", status=Course.Status.DRAFT)
    client.force_login(claimant)

    response = client.get(URL, {"course": course.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert (
        f'<option value="{course.pk}" selected>Foundations online (Lakeside College)</option>'
        in html
    )
    assert '<optgroup label="Foundations of Library Services">' in html
    assert '<optgroup label="Youth Services">' in html
    assert "Draft course" not in html


def test_a_valid_claim_is_recorded_and_the_set_becomes_submitted(client, claimant, course):
    client.force_login(claimant)
    completed_on = timezone.localdate() - timedelta(days=3)

    response = claim(client, course, completed_on=completed_on)

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    completion = CourseCompletion.objects.get()
    assert (completion.candidacy, completion.course, completion.completed_on) == (
        claimant.candidacy,
        course,
        completed_on,
    )
    assert completion.status == CourseCompletion.Status.SUBMITTED
    assert completion.proof.name.endswith(".pdf")
    assert CompletionStatusChange.objects.filter(completion=completion).count() == 1
    progress = claimant.candidacy.sets.get(competency_set__code="foundations")
    assert (progress.status, progress.route) == (SetProgress.Status.SUBMITTED, "course")
    followed = client.get(LIST_URL).content.decode()
    assert "Your completion of “Foundations online” is sent." in followed
    assert "Foundations online" in followed


def test_a_date_before_the_window_is_refused_with_the_window_message(client, claimant, course):
    client.force_login(claimant)
    start, end = completion_window(course)
    too_early = start - timedelta(days=1)

    response = claim(client, course, completed_on=too_early)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "completed_on": [
            f"This course counts when completed between {start.day} {start:%B %Y} and "
            f"{end.day} {end:%B %Y}; {too_early.day} {too_early:%B %Y} is outside that window."
        ]
    }
    html = response.content.decode()
    assert 'href="#id_completed_on"' in html
    assert f'value="{too_early.isoformat()}"' in html
    assert f'<option value="{course.pk}" selected>' in html
    assert CourseCompletion.objects.count() == 0


def test_a_future_date_is_refused(client, claimant, course):
    client.force_login(claimant)

    response = claim(client, course, completed_on=timezone.localdate() + timedelta(days=1))

    assert response.context["form"].errors == {
        "completed_on": ["The completion date cannot be in the future."]
    }
    assert CourseCompletion.objects.count() == 0


def test_a_proof_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(client, claimant, course):
    client.force_login(claimant)

    response = claim(
        client,
        course,
        completed_on=timezone.localdate(),
        upload=proof(b"MZ\x90\x00 not really a pdf", name="certificate.pdf"),
    )

    errors = response.context["form"].errors
    assert list(errors) == ["proof"]
    assert errors["proof"][0].startswith("This file is not a PDF, JPEG or PNG")
    assert CourseCompletion.objects.count() == 0


def test_a_proof_over_10_mb_is_refused(client, claimant, course):
    client.force_login(claimant)

    response = claim(
        client,
        course,
        completed_on=timezone.localdate(),
        upload=proof(b"%PDF-" + b"0" * MAX_PROOF_BYTES),
    )

    errors = response.context["form"].errors
    assert list(errors) == ["proof"]
    assert "upload one of 10 MB or less" in errors["proof"][0]


def test_a_second_open_claim_for_the_same_course_is_refused_at_the_course(client, claimant, course):
    client.force_login(claimant)
    claim(client, course, completed_on=timezone.localdate())

    response = claim(client, course, completed_on=timezone.localdate())

    assert response.context["form"].errors == {
        "course": ["You already have a claim for this course."]
    }
    assert CourseCompletion.objects.count() == 1


def test_candidate_sees_only_their_own_claims_with_rejection_reasons(
    client, claimant, other_candidate, course
):
    mine = CourseCompletion.objects.create(
        candidacy=claimant.candidacy,
        course=course,
        completed_on=timezone.localdate(),
        status=CourseCompletion.Status.REJECTED,
    )
    CompletionStatusChange.objects.create(
        completion=mine,
        old_status="submitted",
        new_status="rejected",
        note="The certificate is for another course.",
    )
    other_course = make_course(title="Someone else's course")
    CourseCompletion.objects.create(
        candidacy=other_candidate.candidacy, course=other_course, completed_on=timezone.localdate()
    )
    client.force_login(claimant)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response.context["completions"] == [mine]
    html = response.content.decode()
    assert "Rejected" in html
    assert "Reason: The certificate is for another course." in html
    assert "Someone else" not in html


def test_claim_list_query_count_does_not_grow_with_claims(client, claimant):
    client.force_login(claimant)
    provider = ProviderFactory()

    def add_claims(count):
        for _ in range(count):
            CourseCompletion.objects.create(
                candidacy=claimant.candidacy,
                course=make_course(provider),
                completed_on=timezone.localdate(),
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL).status_code == 200
        return len(captured)

    add_claims(1)
    with_one = queries()
    add_claims(15)

    assert queries() == with_one


def test_empty_claim_list_says_what_to_do(client, claimant):
    client.force_login(claimant)

    html = client.get(LIST_URL).content.decode()

    assert "You have not claimed any course yet." in html
    assert 'href="/completions/new/"' in html


@pytest.mark.parametrize("url", [LIST_URL, URL])
def test_anonymous_visitor_is_sent_to_log_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["outsider", "provider_user", "evaluator"])
@pytest.mark.parametrize("url", [LIST_URL, URL])
def test_people_without_a_candidacy_are_refused(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url).status_code == 403


def test_claim_list_refuses_post(client, claimant):
    client.force_login(claimant)

    assert client.post(LIST_URL).status_code == 405
