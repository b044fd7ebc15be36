"""A provider member's home at /provider/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Provider
from tests.factories import ProviderFactory, ProviderMembershipFactory

URL = "/provider/"


def test_provider_home_url_is_named_courses_provider_home():
    assert reverse("courses:provider_home") == URL


def test_member_sees_their_organisation_and_its_members(client, provider_user):
    provider = provider_user.provider_memberships.get().provider
    provider.name = "Prairie State Library Association"
    provider.type = Provider.Type.STATE_ASSOCIATION
    provider.website = "https://prairie.example.org"
    provider.save()
    ProviderMembershipFactory(provider=provider, user__email="colleague@example.org")
    client.force_login(provider_user)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Prairie State Library Association" in html
    assert "State library association" in html
    assert "Illinois, United States" in html
    assert '<a href="https://prairie.example.org">https://prairie.example.org</a>' in html
    assert '<span class="badge badge-status text-bg-success">Verified</span>' in html
    assert [m.user.email for m in response.context["providers"][0].memberships.all()] == [
        "colleague@example.org",
        "provider@example.org",
    ]
    assert "provider@example.org (you)" in html
    assert f'href="{URL}" aria-current="page">Provider</a>' in html


def test_unverified_organisation_is_shown_as_awaiting_verification(client, db):
    member = ProviderMembershipFactory(provider__verified_at=None).user
    client.force_login(member)

    html = client.get(URL).content.decode()

    assert '<span class="badge badge-status text-bg-warning">Awaiting verification</span>' in html
    assert ">Verified<" not in html


def test_member_of_two_organisations_sees_both_by_name(client, provider_user):
    first = provider_user.provider_memberships.get().provider
    ProviderMembershipFactory(user=provider_user, provider__name="Aardvark County Library")
    client.force_login(provider_user)

    response = client.get(URL)

    assert [p.name for p in response.context["providers"]] == [
        "Aardvark County Library",
        first.name,
    ]


def test_provider_home_sends_an_anonymous_visitor_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "staff"])
def test_provider_home_refuses_a_signed_in_user_who_is_not_a_member(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_each_member_sees_only_their_own_organisation(client, provider_user, db):
    first = provider_user.provider_memberships.get().provider
    other = ProviderMembershipFactory(
        provider__name="Lakeshore Library System", user__email="other.provider@example.org"
    ).user
    client.force_login(other)

    response = client.get(URL)

    html = response.content.decode()
    assert [p.name for p in response.context["providers"]] == ["Lakeshore Library System"]
    assert [m.user.email for m in response.context["providers"][0].memberships.all()] == [
        "other.provider@example.org"
    ]
    assert first.name not in html
    assert "<li>provider@example.org" not in html


def test_provider_home_query_count_is_the_same_with_1_and_10_members(client, db):
    provider = ProviderFactory()
    member = ProviderMembershipFactory(provider=provider).user
    client.force_login(member)

    with CaptureQueriesContext(connection) as with_one:
        client.get(URL)
    ProviderMembershipFactory.create_batch(9, provider=provider)
    with CaptureQueriesContext(connection) as with_ten:
        response = client.get(URL)

    assert len(response.context["providers"][0].memberships.all()) == 10
    assert len(with_ten) == len(with_one)
