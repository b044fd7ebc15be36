"""Staff pages for course review: the queue, the course page with its downloads, and the
rubric that approves, asks for changes, rejects or renews."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Course, CourseReview, CourseStatusChange
from lssc.core.dates import add_years
from lssc.program.selectors import rules_in_force
from tests.factories import ProviderMembershipFactory
from tests.staff.conftest import build_approved_course, build_course, build_submitted_course

QUEUE = "/staff/courses/"


def submitted_course(title="Foundations", *, member=None, days_ago=0):
    return build_submitted_course(title=title, member=member, days_ago=days_ago)


def approved_course(title="Foundations"):
    return build_approved_course(title=title)


def review_data(response, *, decision="approve", reasons="", score="4", comment=""):
    data = {
        "submission": response.context["form"]["submission"].value(),
        "decision": decision,
        "reasons": reasons,
    }
    for key, _label in CourseReview.CRITERIA:
        data[f"{key}_score"] = score
        data[f"{key}_comment"] = comment
    return data


def review_url(course):
    return reverse("staff:course_review", args=[course.pk])


def history(course):
    return list(
        CourseStatusChange.objects.filter(course=course)
        .order_by("pk")
        .values_list("old_status", "new_status", "actor__email", "note")
    )


# --- URLs and access ----------------------------------------------------------------------


def test_course_urls_have_their_names():
    assert reverse("staff:courses") == QUEUE
    assert reverse("staff:course_detail", args=[3]) == "/staff/courses/3/"
    assert reverse("staff:course_review", args=[3]) == "/staff/courses/3/review/"
    assert reverse("staff:course_syllabus", args=[3]) == "/staff/courses/3/syllabus/"
    assert reverse("staff:course_resume", args=[3, 4]) == "/staff/courses/3/instructors/4/resume/"


@pytest.fixture
def course_urls(db):
    course = submitted_course()
    instructor = course.instructors.get()
    instructor.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"))
    return [
        QUEUE,
        reverse("staff:course_detail", args=[course.pk]),
        review_url(course),
        reverse("staff:course_syllabus", args=[course.pk]),
        reverse("staff:course_resume", args=[course.pk, instructor.pk]),
    ]


def test_anonymous_visitor_is_sent_to_log_in_for_every_course_page(client, course_urls):
    for url in course_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404_on_every_course_page(client, course_urls, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in course_urls:
        assert client.get(url).status_code == 404, url
    assert client.post(course_urls[2], {}).status_code == 404


def test_unknown_course_is_404(staff_client):
    assert staff_client.get("/staff/courses/999999/").status_code == 404
    assert staff_client.get("/staff/courses/999999/review/").status_code == 404


def test_never_submitted_draft_is_hidden_from_staff(staff_client, provider_user):
    draft = build_course(member=provider_user)

    assert staff_client.get(reverse("staff:course_detail", args=[draft.pk])).status_code == 404


def test_downloads_are_404_without_a_file_and_405_on_post(staff_client):
    course = submitted_course()
    instructor = course.instructors.get()

    assert (
        staff_client.get(
            reverse("staff:course_resume", args=[course.pk, instructor.pk])
        ).status_code
        == 404
    )
    assert staff_client.post(reverse("staff:course_syllabus", args=[course.pk])).status_code == 405


# --- The queue ----------------------------------------------------------------------------


def test_queue_lists_submissions_and_renewals_oldest_first_with_counts(staff_client, staff):
    newer = submitted_course("Newer", days_ago=1)
    older = submitted_course("Older", days_ago=9)
    renewing = approved_course("Renewing")
    services.course_request_renewal(renewing, by=staff)
    Course.objects.filter(pk=renewing.pk).update(
        renewal_requested_at=timezone.now() - timedelta(days=5)
    )
    approved_course("Settled")

    response = staff_client.get(QUEUE)

    assert response.status_code == 200
    assert [c.title for c in response.context["rows"]] == ["Older", "Renewing", "Newer"]
    tabs = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["waiting"] == 3
    assert tabs["submitted"] == 2
    assert tabs["renewal"] == 1
    assert tabs["approved"] == 2
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert reverse("staff:course_detail", args=[older.pk]) in html
    assert "Renewal requested" in html
    assert newer.provider.name in html


def test_queue_filters_by_status(staff_client):
    submitted_course("Waiting")
    approved_course("Settled")

    response = staff_client.get(QUEUE, {"status": "approved"})

    assert [c.title for c in response.context["rows"]] == ["Settled"]


def test_empty_queue_says_what_it_is_for(staff_client):
    html = staff_client.get(QUEUE).content.decode()

    assert "No courses are waiting for review" in html


def test_queue_query_count_does_not_grow_with_rows(staff_client):
    submitted_course("First")
    with CaptureQueriesContext(connection) as with_one:
        staff_client.get(QUEUE)
    member = ProviderMembershipFactory().user
    for n in range(19):
        submitted_course(f"Course {n}", member=member)

    with CaptureQueriesContext(connection) as with_many:
        response = staff_client.get(QUEUE)

    assert len(response.context["rows"]) == 20
    assert len(with_many) == len(with_one)


# --- The course page ----------------------------------------------------------------------


def test_course_page_shows_everything_entered_with_the_map_and_downloads(staff_client):
    course = submitted_course()
    instructor = course.instructors.get()
    instructor.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"))
    competencies = [row.competency for row in course.coverage.select_related("competency")]

    response = staff_client.get(reverse("staff:course_detail", args=[course.pk]))

    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "An introduction for library support staff." in html
    assert "Explain the library&#x27;s role in its community." in html
    assert "Readings and discussion forums." in html
    assert "Weekly assignments and a final project." in html
    assert len(response.context["coverage"]) == len(competencies) > 0
    for competency in competencies:
        assert competency.statement in html or competency.statement.replace("'", "&#x27;") in html
    assert "Jordan Teacher" in html
    assert reverse("staff:course_syllabus", args=[course.pk]) in html
    assert reverse("staff:course_resume", args=[course.pk, instructor.pk]) in html
    assert review_url(course) in html
    assert "This course has not been reviewed before." in html


def test_syllabus_and_resume_download_as_attachments(staff_client):
    course = submitted_course()
    instructor = course.instructors.get()
    instructor.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"))

    syllabus = staff_client.get(reverse("staff:course_syllabus", args=[course.pk]))
    resume = staff_client.get(reverse("staff:course_resume", args=[course.pk, instructor.pk]))

    assert syllabus.status_code == 200
    assert syllabus["Content-Disposition"] == f'attachment; filename="syllabus-{course.pk}.pdf"'
    assert b"".join(syllabus.streaming_content).startswith(b"%PDF-1.4")
    assert resume["Content-Disposition"] == f'attachment; filename="resume-{instructor.pk}.pdf"'
    assert b"".join(resume.streaming_content) == b"%PDF-1.4 cv"


def test_resume_of_another_course_is_404(staff_client):
    course = submitted_course("One")
    other = submitted_course("Two")
    instructor = other.instructors.get()
    instructor.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"))

    url = reverse("staff:course_resume", args=[course.pk, instructor.pk])

    assert staff_client.get(url).status_code == 404


# --- The rubric ---------------------------------------------------------------------------


def test_review_form_shows_five_criteria_scored_one_to_four(staff_client):
    course = submitted_course()

    response = staff_client.get(review_url(course))

    html = response.content.decode()
    assert response.status_code == 200
    for _key, label in CourseReview.CRITERIA:
        assert label in html
    assert "1 – not met" in html and "4 – fully met" in html
    assert "Request changes" in html


def test_approving_sets_the_approval_period_history_and_emails_members(
    staff_client, staff, django_capture_on_commit_callbacks, mailoutbox
):
    course = submitted_course()
    member = course.provider.memberships.get().user
    page = staff_client.get(review_url(course))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(review_url(course), review_data(page))

    assert response.status_code == 302
    assert response.url == reverse("staff:course_detail", args=[course.pk])
    course.refresh_from_db()
    today = timezone.localdate()
    assert course.status == Course.Status.APPROVED
    assert course.approved_on == today
    assert course.approval_expires_on == add_years(today, rules_in_force().course_approval_years)
    assert course.approval_expires_on == add_years(today, 4)
    assert history(course)[-1] == ("submitted", "approved", staff.email, "")
    review = course.reviews.get()
    assert review.kind == CourseReview.Kind.INITIAL
    assert review.reviewer == staff
    assert review.scores == {
        key: {"score": 4, "comment": ""} for key, _label in CourseReview.CRITERIA
    }
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert mailoutbox[0].subject == f"Approved: {course.title}"


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_request_changes_and_reject_need_reasons_and_keep_input(staff_client, decision):
    course = submitted_course()
    page = staff_client.get(review_url(course))

    response = staff_client.post(
        review_url(course), review_data(page, decision=decision, score="2", comment="Thin.")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reasons"] == [
        "Give the reasons; the provider will read them."
    ]
    assert 'value="Thin."' in response.content.decode() or "Thin.</textarea>" in (
        response.content.decode()
    )
    course.refresh_from_db()
    assert course.status == Course.Status.SUBMITTED
    assert not course.reviews.exists()


def test_comments_are_required_below_fully_met(staff_client):
    course = submitted_course()
    page = staff_client.get(review_url(course))

    response = staff_client.post(review_url(course), review_data(page, score="3"))

    assert set(response.context["form"].errors) == {
        f"{key}_comment" for key, _label in CourseReview.CRITERIA
    }


def test_a_criterion_not_met_cannot_be_approved(staff_client):
    course = submitted_course()
    page = staff_client.get(review_url(course))

    response = staff_client.post(review_url(course), review_data(page, score="1", comment="No."))

    assert "cannot be approved" in response.context["form"].errors["decision"][0]
    assert not course.reviews.exists()


def test_requesting_changes_records_reasons_and_emails(
    staff_client, staff, django_capture_on_commit_callbacks, mailoutbox
):
    course = submitted_course()
    page = staff_client.get(review_url(course))

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            review_url(course),
            review_data(
                page,
                decision="request_changes",
                reasons="Map competency 3.",
                score="2",
                comment="Partly.",
            ),
        )

    course.refresh_from_db()
    assert course.status == Course.Status.CHANGES_REQUESTED
    assert history(course)[-1] == (
        "submitted",
        "changes_requested",
        staff.email,
        "Map competency 3.",
    )
    assert course.reviews.get().scores["coverage"] == {"score": 2, "comment": "Partly."}
    assert [m.subject for m in mailoutbox] == [f"Changes requested: {course.title}"]
    assert "Map competency 3." in mailoutbox[0].body


def test_rejecting_records_reasons(staff_client, staff):
    course = submitted_course()
    page = staff_client.get(review_url(course))

    staff_client.post(
        review_url(course),
        review_data(page, decision="reject", reasons="Not at this level.", score="2", comment="x"),
    )

    course.refresh_from_db()
    assert course.status == Course.Status.REJECTED
    assert history(course)[-1] == ("submitted", "rejected", staff.email, "Not at this level.")


def test_renewal_extends_from_the_old_expiry_and_clears_the_request(
    staff_client, staff, django_capture_on_commit_callbacks, mailoutbox
):
    course = approved_course("Renewing")
    old_expiry = timezone.localdate() + timedelta(days=60)
    Course.objects.filter(pk=course.pk).update(approval_expires_on=old_expiry)
    services.course_request_renewal(course, by=staff)
    page = staff_client.get(review_url(course))
    assert "Request changes" not in page.content.decode()
    assert [value for value, _ in page.context["form"].fields["decision"].choices] == [
        "approve",
        "reject",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(review_url(course), review_data(page))

    course.refresh_from_db()
    assert course.status == Course.Status.APPROVED
    assert course.approval_expires_on == add_years(old_expiry, 4)
    assert course.renewal_requested_at is None
    assert course.reviews.first().kind == CourseReview.Kind.RENEWAL
    assert history(course)[-1][3] == f"Approval renewed until {add_years(old_expiry, 4):%-d %B %Y}."
    assert [m.subject for m in mailoutbox] == [f"Approved: {course.title}"]


def test_renewal_cannot_request_changes(staff_client, staff):
    course = approved_course()
    services.course_request_renewal(course, by=staff)
    page = staff_client.get(review_url(course))

    response = staff_client.post(
        review_url(course),
        review_data(page, decision="request_changes", reasons="More.", score="2", comment="x"),
    )

    assert "decision" in response.context["form"].errors
    course.refresh_from_db()
    assert course.renewal_requested_at is not None


def test_review_page_says_when_there_is_nothing_to_review(staff_client):
    course = approved_course()

    html = staff_client.get(review_url(course)).content.decode()

    assert "is not waiting for a review" in html
    assert '<form method="post"' not in html


def test_sending_the_review_twice_reviews_once(staff_client):
    course = submitted_course()
    page = staff_client.get(review_url(course))
    data = review_data(page)

    staff_client.post(review_url(course), data)
    second = staff_client.post(review_url(course), data, follow=True)

    assert course.reviews.count() == 1
    assert "already sent" in second.content.decode()


def test_earlier_reviews_and_history_show_on_the_course_page(staff_client):
    course = submitted_course()
    page = staff_client.get(review_url(course))
    staff_client.post(
        review_url(course),
        review_data(
            page,
            decision="request_changes",
            reasons="Add readings.",
            score="3",
            comment="Needs readings.",
        ),
    )

    html = staff_client.get(reverse("staff:course_detail", args=[course.pk])).content.decode()

    assert "First approval: Request changes" in html
    assert "Needs readings." in html
    assert "Submitted → Changes requested" in html


def test_staff_home_links_the_course_queue_with_its_count(staff_client):
    submitted_course()

    html = staff_client.get("/staff/").content.decode()

    assert reverse("staff:courses") in html
    assert "<strong>1</strong> course waiting for review" in html
