"""Who may open a portfolio's pages: the owner (read and write), program staff (read only);
everyone else gets 404, and anonymous visitors are sent to sign in.

A provider member or an evaluator gets 404 on the read pages (they are signed in, but the
portfolio is not visible to them) and 403 on the owner-only POSTs (submit, start), where the
candidate role gate answers first.
"""

import pytest
from django.urls import reverse

from candidates import services as candidate_services
from portfolios import services
from portfolios.models import Portfolio

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(candidate):
    from candidates.models import SetProgress
    from lssc.program.selectors import competency_sets_in_force

    candidacy = candidate.candidacy
    SetProgress.objects.bulk_create(
        SetProgress(candidacy=candidacy, competency_set=s, chosen=s.is_required)
        for s in competency_sets_in_force()
    )
    row = candidacy.sets.select_related("competency_set").get(
        competency_set__code="cataloging-classification"
    )
    candidate_services.set_progress_choose_route(row, route="portfolio", by=candidate)
    return services.portfolio_start(candidacy, competency_set=row.competency_set, by=candidate)


def read_urls(portfolio):
    return [
        reverse("portfolios:workspace", args=[portfolio.pk]),
        reverse("portfolios:response", args=[portfolio.pk, 1]),
        reverse("portfolios:statement", args=[portfolio.pk]),
    ]


def test_owner_opens_every_page(client, candidate, portfolio):
    client.force_login(candidate)
    assert [client.get(url).status_code for url in read_urls(portfolio)] == [200, 200, 200]


@pytest.mark.parametrize("persona", ["other_candidate", "evaluator", "provider_user", "outsider"])
def test_others_get_404_on_every_page(client, request, portfolio, persona):
    client.force_login(request.getfixturevalue(persona))
    assert [client.get(url).status_code for url in read_urls(portfolio)] == [404, 404, 404]


def test_other_candidate_cannot_write_or_submit(client, other_candidate, portfolio):
    client.force_login(other_candidate)
    response = client.post(
        reverse("portfolios:response", args=[portfolio.pk, 1]), {"narrative": "Vandal"}
    )
    submit = client.post(reverse("portfolios:submit", args=[portfolio.pk]))
    assert (response.status_code, submit.status_code) == (404, 404)
    assert portfolio.responses.get(competency__number=1).narrative == ""
    assert Portfolio.objects.get(pk=portfolio.pk).status == Portfolio.Status.DRAFT


@pytest.mark.parametrize("persona", ["evaluator", "provider_user"])
def test_wrong_role_gets_403_from_the_candidate_gate_on_submit(client, request, portfolio, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("portfolios:submit", args=[portfolio.pk])).status_code == 403


def test_staff_read_only(client, staff, portfolio):
    client.force_login(staff)

    pages = [client.get(url) for url in read_urls(portfolio)]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert "read-only" in pages[0].content.decode()
    assert reverse("portfolios:submit", args=[portfolio.pk]) not in pages[0].content.decode()
    assert "<textarea" not in pages[1].content.decode()
    write = client.post(
        reverse("portfolios:response", args=[portfolio.pk, 1]), {"narrative": "Staff edit"}
    )
    assert write.status_code == 403
    assert portfolio.responses.get(competency__number=1).narrative == ""


def test_anonymous_is_sent_to_sign_in(client, portfolio):
    for url in read_urls(portfolio):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_anonymous_autosave_gets_json_401(client, portfolio):
    response = client.post(
        reverse("portfolios:response", args=[portfolio.pk, 1]),
        {"narrative": "Typed before the session expired"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 401
    assert response.json()["saved"] is False


def test_unknown_competency_is_404(client, candidate, portfolio):
    client.force_login(candidate)
    assert client.get(reverse("portfolios:response", args=[portfolio.pk, 99])).status_code == 404


def test_submitted_page_404_before_any_submission(client, candidate, portfolio):
    client.force_login(candidate)
    assert client.get(reverse("portfolios:submitted", args=[portfolio.pk])).status_code == 404
