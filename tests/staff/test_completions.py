"""Staff pages for completion claims: the queue, the claim with its proof, and the verify
and reject confirm pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import SetProgress
from courses import services
from courses.models import CompletionStatusChange, CourseCompletion
from tests.factories import CandidacyFactory
from tests.staff.conftest import build_approved_course, build_claim

QUEUE = "/staff/completions/"


def detail_url(completion):
    return reverse("staff:completion_detail", args=[completion.pk])


def action_url(completion, action):
    return reverse(f"staff:completion_{action}", args=[completion.pk])


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


def progress_of(completion) -> SetProgress:
    return completion.candidacy.sets.get(competency_set=completion.course.competency_set)


def history(completion):
    return list(
        CompletionStatusChange.objects.filter(completion=completion)
        .order_by("pk")
        .values_list("old_status", "new_status", "actor__email", "note")
    )


@pytest.fixture
def course(db):
    return build_approved_course(title="Library Foundations Online")


@pytest.fixture
def claim(course, candidate):
    return build_claim(course, candidacy=candidate.candidacy)


def test_completion_urls_have_their_names():
    assert reverse("staff:completions") == QUEUE
    assert reverse("staff:completion_detail", args=[2]) == "/staff/completions/2/"
    assert reverse("staff:completion_proof", args=[2]) == "/staff/completions/2/proof/"
    assert reverse("staff:completion_verify", args=[2]) == "/staff/completions/2/verify/"
    assert reverse("staff:completion_reject", args=[2]) == "/staff/completions/2/reject/"


def all_urls(completion):
    return [
        QUEUE,
        detail_url(completion),
        action_url(completion, "proof"),
        action_url(completion, "verify"),
        action_url(completion, "reject"),
    ]


def test_anonymous_visitor_is_sent_to_log_in(client, claim):
    for url in all_urls(claim):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404(client, claim, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for url in all_urls(claim):
        assert client.get(url).status_code == 404, url
    assert client.post(action_url(claim, "verify"), {}).status_code == 404
    claim.refresh_from_db()
    assert claim.status == CourseCompletion.Status.SUBMITTED


def test_unknown_claim_is_404(staff_client):
    assert staff_client.get("/staff/completions/999999/").status_code == 404
    assert staff_client.get("/staff/completions/999999/verify/").status_code == 404


def test_proof_view_is_get_only(staff_client, claim):
    assert staff_client.post(action_url(claim, "proof")).status_code == 405


# --- The queue ----------------------------------------------------------------------------


def test_queue_lists_waiting_claims_oldest_first_marking_provider_confirmed(
    staff_client, staff, course, candidate
):
    newer = build_claim(course, candidacy=candidate.candidacy, days_ago=1)
    older = build_claim(course, days_ago=6)
    services.completion_provider_confirm(older, by=course.provider.memberships.first().user)
    done = build_claim(course)
    services.completion_reject(done, by=staff, reason="Wrong course.")

    response = staff_client.get(QUEUE)

    assert response.status_code == 200
    assert [c.pk for c in response.context["rows"]] == [older.pk, newer.pk]
    tabs = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {"submitted": 2, "verified": 0, "rejected": 1}
    assert response.context["confirmed_waiting"] == 1
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert html.count("Confirmed by provider</span>") == 1
    assert detail_url(older) in html


def test_queue_filters_by_status(staff_client, course, staff):
    rejected = build_claim(course)
    services.completion_reject(rejected, by=staff, reason="No proof.")
    build_claim(course)

    response = staff_client.get(QUEUE, {"status": "rejected"})

    assert [c.pk for c in response.context["rows"]] == [rejected.pk]


def test_empty_queue_says_what_it_is_for(staff_client):
    assert "No completion claims are waiting" in staff_client.get(QUEUE).content.decode()


def test_queue_query_count_does_not_grow_with_rows(staff_client, course):
    build_claim(course)
    with CaptureQueriesContext(connection) as with_one:
        staff_client.get(QUEUE)
    for _ in range(19):
        build_claim(course)

    with CaptureQueriesContext(connection) as with_many:
        response = staff_client.get(QUEUE)

    assert len(response.context["rows"]) == 20
    assert len(with_many) == len(with_one)


# --- The claim ----------------------------------------------------------------------------


def test_claim_page_shows_the_course_window_proof_and_history(staff_client, claim, course):
    response = staff_client.get(detail_url(claim))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    start, end = services.completion_window(course)
    assert response.context["window_start"] == start
    assert response.context["window_end"] == end
    assert f"{end.day} {end:%B %Y}" in html
    assert "Inside the approval window" in html
    assert action_url(claim, "proof") in html
    assert action_url(claim, "verify") in html
    assert action_url(claim, "reject") in html
    assert "Claim submitted" in html


def test_proof_downloads_as_an_attachment(staff_client, claim):
    response = staff_client.get(action_url(claim, "proof"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="completion-proof-{claim.pk}.pdf"'
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.4 certificate"


def test_verifying_marks_the_set_achieved_through_the_course(
    staff_client, staff, claim, course, candidate, django_capture_on_commit_callbacks, mailoutbox
):
    page = staff_client.get(action_url(claim, "verify"))
    assert "becomes achieved on the candidate" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(action_url(claim, "verify"), {"submission": token_of(page)})

    assert response.status_code == 302
    assert response.url == detail_url(claim)
    claim.refresh_from_db()
    assert claim.status == CourseCompletion.Status.VERIFIED
    assert history(claim)[-1] == ("submitted", "verified", staff.email, "")
    progress = progress_of(claim)
    assert progress.status == SetProgress.Status.ACHIEVED
    assert progress.route == SetProgress.Route.COURSE
    assert progress.achieved_through == (
        f"Approved course: Library Foundations Online ({course.provider.name})"
    )
    assert [m.to for m in mailoutbox] == [[candidate.email]]
    assert mailoutbox[0].subject == f"{course.competency_set.name} achieved"


def test_rejecting_without_a_reason_is_refused_at_the_field(staff_client, claim):
    page = staff_client.get(action_url(claim, "reject"))

    response = staff_client.post(
        action_url(claim, "reject"), {"submission": token_of(page), "reason": "  "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Give the reason; the candidate will read it."
    ]
    claim.refresh_from_db()
    assert claim.status == CourseCompletion.Status.SUBMITTED


def test_rejecting_records_the_reason_and_lets_the_candidate_claim_again(
    staff_client, staff, claim, course, candidate, django_capture_on_commit_callbacks, mailoutbox
):
    page = staff_client.get(action_url(claim, "reject"))

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            action_url(claim, "reject"),
            {"submission": token_of(page), "reason": "The certificate names another course."},
        )

    claim.refresh_from_db()
    assert claim.status == CourseCompletion.Status.REJECTED
    assert history(claim)[-1] == (
        "submitted",
        "rejected",
        staff.email,
        "The certificate names another course.",
    )
    assert progress_of(claim).status == SetProgress.Status.IN_PROGRESS
    assert [m.to for m in mailoutbox] == [[candidate.email]]
    assert "The certificate names another course." in mailoutbox[0].body

    again = build_claim(course, candidacy=candidate.candidacy)

    assert again.status == CourseCompletion.Status.SUBMITTED
    assert progress_of(again).status == SetProgress.Status.SUBMITTED


def test_decided_claim_has_nothing_left_to_do(staff_client, staff, claim):
    services.completion_verify(claim, by=staff)

    for action in ("verify", "reject"):
        html = staff_client.get(action_url(claim, action)).content.decode()
        assert "already verified, so there is nothing left to decide" in html
        assert '<form method="post"' not in html


def test_claim_outside_the_window_is_flagged(staff_client, course):
    from courses.models import Course

    claim = build_claim(course, candidacy=CandidacyFactory())
    Course.objects.filter(pk=course.pk).update(
        approved_on=timezone.localdate() + timedelta(days=1000)
    )

    html = staff_client.get(detail_url(claim)).content.decode()

    assert "Outside the approval window" in html


def test_staff_home_links_the_completion_queue_with_its_count(staff_client, claim):
    html = staff_client.get("/staff/").content.decode()

    assert reverse("staff:completions") in html
    assert "<strong>1</strong> completion claim waiting for verification" in html
