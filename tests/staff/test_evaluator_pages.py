"""Staff pages for the evaluator pool: /staff/evaluators/ (list), the detail page, the résumé
download and the approve and decline confirm pages."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lssc.program.selectors import competency_sets_in_force
from reviews import services
from reviews.models import ConflictOfInterest, Evaluator
from tests.factories import SMALL_PDF, EvaluatorFactory, UserFactory

LIST = "/staff/evaluators/"


def sets(*codes):
    return list(competency_sets_in_force().filter(code__in=codes).order_by("order"))


def detail_url(evaluator):
    return f"/staff/evaluators/{evaluator.pk}/"


def action_url(evaluator, action):
    return f"/staff/evaluators/{evaluator.pk}/{action}/"


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


def history(evaluator):
    return list(
        evaluator.status_changes.order_by("at", "pk").values_list(
            "old_status", "new_status", "actor__email", "note"
        )
    )


def apply(user=None, *, codes=("technology", "foundations"), **fields):
    user = user or UserFactory(email="applicant@example.org", first_name="Robin")
    return services.evaluator_apply(
        user,
        fields={
            "employer": "Lakeside Public Library",
            "state": "Wisconsin",
            "qualifications": "MLIS, 2009.",
            "experience": "Fifteen years in technical services.",
            "capacity_per_quarter": 3,
            **fields,
        },
        set_ids=[s.pk for s in sets(*codes)],
        resume=ContentFile(SMALL_PDF, name="cv.pdf"),
    )


@pytest.fixture
def pending(db):
    """An application waiting for a decision, from applicant@example.org."""
    return apply()


# --- Access -------------------------------------------------------------------------------


def all_urls(evaluator):
    return [
        LIST,
        detail_url(evaluator),
        action_url(evaluator, "resume"),
        action_url(evaluator, "approve"),
        action_url(evaluator, "decline"),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, pending):
    for url in all_urls(pending):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "provider_user"])
def test_people_who_are_not_program_staff_are_refused_as_on_every_staff_page(
    client, pending, persona, request
):
    # Every staff page answers 403 to a signed-in person without the staff role.
    client.force_login(request.getfixturevalue(persona))

    for url in all_urls(pending):
        assert client.get(url).status_code == 404, url
    assert client.post(action_url(pending, "decline"), {"reason": "x"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Evaluator.Status.APPLIED


def test_the_applicant_cannot_open_their_own_staff_record(client, pending):
    client.force_login(pending.user)

    assert client.get(detail_url(pending)).status_code == 404
    assert client.get(action_url(pending, "resume")).status_code == 404


def test_unknown_evaluators_are_404(staff_client):
    for url in ["/staff/evaluators/999999/", "/staff/evaluators/999999/approve/"]:
        assert staff_client.get(url).status_code == 404, url


def test_list_detail_and_download_refuse_post(staff_client, pending):
    for url in [LIST, detail_url(pending), action_url(pending, "resume")]:
        assert staff_client.post(url).status_code == 405, url


# --- The list -----------------------------------------------------------------------------


def test_list_shows_applications_waiting_first_with_counts(staff_client, staff):
    approved = EvaluatorFactory(user__first_name="Ada", user__last_name="Approved")
    declined = apply(UserFactory(first_name="Dee"))
    services.evaluator_decline(declined, reason="Not now.", by=staff)
    paused = EvaluatorFactory(status="inactive")
    waiting = apply(UserFactory(first_name="Wyn"))

    response = staff_client.get(LIST)

    assert response.status_code == 200
    assert [e.pk for e in response.context["rows"]] == [
        waiting.pk,
        approved.pk,
        paused.pk,
        declined.pk,
    ]
    assert {t["value"]: t["count"] for t in response.context["tabs"]} == {
        "": 4,
        "applied": 1,
        "approved": 1,
        "declined": 1,
        "inactive": 1,
    }
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="{detail_url(waiting)}"' in html
    assert response.context["waiting"] == 1
    assert "application waiting for a decision" in html


def test_list_filters_by_status(staff_client, pending):
    EvaluatorFactory()

    response = staff_client.get(LIST, {"status": "applied"})

    assert [e.pk for e in response.context["rows"]] == [pending.pk]
    assert response.context["current_status"] == "applied"


def test_empty_list_says_what_it_is_for(staff_client):
    html = staff_client.get(LIST).content.decode()

    assert "Nobody has applied to evaluate portfolios yet" in html


def test_staff_home_links_to_the_evaluators(staff_client):
    assert f'href="{LIST}">Open the evaluators</a>' in staff_client.get("/staff/").content.decode()


def test_list_query_count_does_not_grow_with_rows(staff_client):
    technology = sets("technology")
    EvaluatorFactory(qualified_sets=technology)
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(LIST).status_code == 200

    for _ in range(6):
        EvaluatorFactory(qualified_sets=sets("technology", "foundations"))
    for _ in range(3):
        apply(UserFactory())
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(LIST)

    assert len(response.context["rows"]) == 10
    assert len(many) == len(one)


# --- The detail page ----------------------------------------------------------------------


def test_detail_shows_the_application_sets_conflicts_history_and_actions(staff_client, pending):
    ConflictOfInterest.objects.create(evaluator=pending, kind="person", name="Jo Reader")

    response = staff_client.get(detail_url(pending))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Lakeside Public Library" in html
    assert "Fifteen years in technical services." in html
    assert [s.code for s in response.context["sets"]] == ["foundations", "technology"]
    assert "Jo Reader" in html
    assert [e["title"] for e in response.context["timeline"]] == ["Applied to evaluate"]
    assert f'href="{action_url(pending, "approve")}"' in html
    assert f'href="{action_url(pending, "decline")}"' in html
    assert f'href="{action_url(pending, "resume")}"' in html
    assert {row["label"]: row["count"] for row in response.context["assignment_counts"]} == {
        "Offered": 0,
        "Accepted": 0,
        "Declined": 0,
        "Submitted": 0,
        "Withdrawn": 0,
    }


def test_detail_of_an_approved_evaluator_offers_no_decision(staff_client, evaluator):
    html = staff_client.get(detail_url(evaluator.evaluator_profile)).content.decode()

    assert "Nothing waits for a decision" in html
    assert "/approve/" not in html


def test_resume_downloads_for_staff_as_an_attachment(staff_client, pending):
    response = staff_client.get(action_url(pending, "resume"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="evaluator-{pending.pk}-resume.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_resume_is_404_when_there_is_none(staff_client, evaluator):
    assert staff_client.get(action_url(evaluator.evaluator_profile, "resume")).status_code == 404


# --- Approve ------------------------------------------------------------------------------


def test_approve_page_ticks_the_sets_offered(staff_client, pending):
    response = staff_client.get(action_url(pending, "approve"))

    assert response.status_code == 200
    assert sorted(response.context["form"].initial["sets"]) == sorted(
        s.pk for s in sets("technology", "foundations")
    )
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "must turn on two-factor authentication" in html


def test_approving_sets_the_confirmed_sets_records_history_and_emails(
    staff_client, staff, pending, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(pending, "approve")
    token = token_of(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url,
            {
                "submission": token,
                "sets": [s.pk for s in sets("technology")],
                "note": "Foundations left out.",
            },
        )

    assert response.status_code == 302
    assert response.url == detail_url(pending)
    pending.refresh_from_db()
    assert pending.status == Evaluator.Status.APPROVED
    assert pending.approved_at is not None
    assert list(pending.qualified_sets.values_list("code", flat=True)) == ["technology"]
    assert history(pending)[-1] == (
        "applied",
        "approved",
        "staff@example.org",
        "Foundations left out.",
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["applicant@example.org"], "You are now an LSSC portfolio evaluator")
    ]
    page = staff_client.get(response.url).content.decode()
    assert "is now an evaluator for 1 set; they were emailed." in page


def test_approving_without_a_set_is_refused_at_the_field(staff_client, pending):
    url = action_url(pending, "approve")
    token = token_of(staff_client.get(url))

    response = staff_client.post(url, {"submission": token, "note": "Kept"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "sets": ["Choose at least one set this evaluator may rate."]
    }
    assert "Kept" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Evaluator.Status.APPLIED


def test_approve_page_says_when_there_is_nothing_to_decide(staff_client, evaluator):
    profile = evaluator.evaluator_profile
    url = action_url(profile, "approve")

    html = staff_client.get(url).content.decode()
    assert "no longer waiting for a decision" in html

    response = staff_client.post(
        url, {"submission": "a" * 32, "sets": [s.pk for s in sets("technology")]}
    )
    assert response.status_code == 200
    assert "no longer waiting for a decision" in response.content.decode()
    assert list(profile.qualified_sets.all()) == []


def test_sending_the_approve_form_twice_acts_once(staff_client, pending):
    url = action_url(pending, "approve")
    data = {"submission": token_of(staff_client.get(url)), "sets": [sets("technology")[0].pk]}
    staff_client.post(url, data)

    response = staff_client.post(url, data, follow=True)

    assert "already sent" in response.content.decode()
    assert [row[1] for row in history(pending)] == ["applied", "approved"]


# --- Decline ------------------------------------------------------------------------------


def test_declining_records_the_reason_and_emails_it(
    staff_client, staff, pending, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(pending, "decline")
    token = token_of(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"submission": token, "reason": "Tell us about assessing others."}
        )

    assert response.status_code == 302
    assert response.url == detail_url(pending)
    pending.refresh_from_db()
    assert pending.status == Evaluator.Status.DECLINED
    assert pending.decision_note == "Tell us about assessing others."
    assert history(pending)[-1] == (
        "applied",
        "declined",
        "staff@example.org",
        "Tell us about assessing others.",
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["applicant@example.org"], "Your application to evaluate portfolios")
    ]
    assert "Tell us about assessing others." in mailoutbox[0].body


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_without_a_reason_is_refused(staff_client, pending, reason):
    url = action_url(pending, "decline")
    token = token_of(staff_client.get(url))

    response = staff_client.post(url, {"submission": token, "reason": reason})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reason"]
    assert 'id="error-summary"' in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Evaluator.Status.APPLIED
