"""The evaluator's home at /reviews/."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lssc.program.selectors import competency_sets_in_force
from tests.factories import EvaluatorFactory

URL = "/reviews/"


def test_reviews_home_url_is_named_reviews_home():
    assert reverse("reviews:home") == URL


def test_evaluator_sees_their_profile_and_the_sets_they_evaluate(client, evaluator):
    profile = evaluator.evaluator_profile
    profile.employer = "Lakeside Community College Library"
    profile.state = "Wisconsin"
    profile.capacity_per_quarter = 6
    profile.approved_at = datetime(2026, 9, 3, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    profile.save()
    profile.qualified_sets.set(
        competency_sets_in_force().filter(code__in=["technology", "foundations"])
    )
    client.force_login(evaluator)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Lakeside Community College Library" in html
    assert "Wisconsin" in html
    assert "Up to 6" in html
    assert "3 September 2026" in html
    assert [s.code for s in response.context["qualified_sets"]] == ["foundations", "technology"]
    assert '<a href="/competencies/foundations/">Foundations of Library Services</a>' in html
    assert '<a href="/competencies/technology/">Technology</a>' in html
    assert f'href="{URL}" aria-current="page">Evaluations</a>' in html


def test_evaluator_without_sets_is_told_no_portfolios_can_be_assigned_yet(client, evaluator):
    client.force_login(evaluator)

    html = client.get(URL).content.decode()

    assert "You are not listed for any competency set yet" in html


def test_reviews_home_sends_an_anonymous_visitor_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "provider_user", "staff"])
def test_reviews_home_refuses_a_signed_in_user_who_is_not_an_evaluator(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_reviews_home_refuses_an_evaluator_still_waiting_for_approval(client, db):
    applicant = EvaluatorFactory(approved_at=None, status="applied").user
    client.force_login(applicant)

    response = client.get(URL)

    assert response.status_code == 403


def test_each_evaluator_sees_only_their_own_profile(client, evaluator, other_evaluator):
    evaluator.evaluator_profile.employer = "Springfield Public Library"
    evaluator.evaluator_profile.save()
    other_evaluator.evaluator_profile.employer = "Shelbyville Branch Library"
    other_evaluator.evaluator_profile.save()
    client.force_login(other_evaluator)

    html = client.get(URL).content.decode()

    assert "Shelbyville Branch Library" in html
    assert "Springfield Public Library" not in html


def test_reviews_home_query_count_does_not_grow_with_the_number_of_sets(client, evaluator):
    sets = list(competency_sets_in_force())
    client.force_login(evaluator)

    evaluator.evaluator_profile.qualified_sets.set(sets[:1])
    with CaptureQueriesContext(connection) as one_set:
        client.get(URL)
    evaluator.evaluator_profile.qualified_sets.set(sets)
    with CaptureQueriesContext(connection) as all_sets:
        response = client.get(URL)

    assert len(response.context["qualified_sets"]) == len(sets) > 1
    assert len(all_sets) == len(one_set)


def test_an_evaluator_with_nothing_assigned_is_told_what_each_list_is_for(client, evaluator):
    client.force_login(evaluator)

    response = client.get(URL)

    html = response.content.decode()
    queue = response.context["queue"]
    assert (queue.offered, queue.accepted, queue.history) == ([], [], [])
    assert "No offers waiting. When program staff offer you a portfolio" in html
    assert "Nothing to rate right now." in html
    assert "No submitted reviews yet." in html
    assert f'href="{reverse("reviews:profile")}"' in html
