"""The candidate's dashboard at /dashboard/."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidacy

URL = "/dashboard/"
CENTRAL = ZoneInfo("America/Chicago")


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def test_dashboard_url_is_named_candidates_dashboard():
    assert reverse("candidates:dashboard") == URL


def test_dashboard_shows_the_candidates_number_status_dates_and_next_step(client, candidate):
    candidacy = candidate.candidacy
    candidacy.number = "LSSC-2027-0042"
    candidacy.admitted_at = datetime(2027, 3, 12, 9, 30, tzinfo=CENTRAL)
    candidacy.deadline = timezone.localdate() + timedelta(days=41)
    candidacy.save()
    client.force_login(candidate)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.templates[0].name == "candidates/dashboard.html"
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "LSSC-2027-0042" in html
    assert '<span class="badge badge-status text-bg-primary">Active</span>' in html
    assert "12 March 2027" in html
    assert f"{long_date(candidacy.deadline)}\n        (in 41 days)" in html
    assert "What happens next" in html
    assert f'href="{reverse("program:set_list")}">Browse the competency sets</a>' in html


def test_dashboard_marks_its_navigation_link_as_the_current_page(client, candidate):
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert f'<a class="nav-link" href="{URL}" aria-current="page">My candidacy</a>' in html


def test_dashboard_counts_the_days_since_a_deadline_that_has_passed(client, candidate):
    candidacy = candidate.candidacy
    candidacy.status = Candidacy.Status.LAPSED
    candidacy.deadline = timezone.localdate() - timedelta(days=3)
    candidacy.save()
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert f"{long_date(candidacy.deadline)}\n        (3 days ago)" in html
    assert '<span class="badge badge-status text-bg-danger">Lapsed</span>' in html
    assert "Email the program office" in html


def test_dashboard_says_today_on_the_day_of_the_deadline(client, candidate):
    candidate.candidacy.deadline = timezone.localdate()
    candidate.candidacy.save()
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert "(today)" in html


def test_dashboard_sends_an_anonymous_visitor_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("persona", ["outsider", "evaluator", "provider_user", "staff"])
def test_dashboard_refuses_a_signed_in_user_without_a_candidacy(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_dashboard_shows_each_candidate_only_their_own_candidacy(
    client, candidate, other_candidate
):
    client.force_login(other_candidate)

    html = client.get(URL).content.decode()

    assert other_candidate.candidacy.number in html
    assert candidate.candidacy.number not in html
