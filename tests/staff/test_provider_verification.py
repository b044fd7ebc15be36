"""Staff pages for course providers: the list (unverified first) and the verify confirm
page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Provider
from tests.factories import ProviderFactory, ProviderMembershipFactory

LIST = "/staff/providers/"


def verify_url(provider):
    return reverse("staff:provider_verify", args=[provider.pk])


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


@pytest.fixture
def unverified(db):
    membership = ProviderMembershipFactory(
        provider__name="Lakeside Library Association",
        provider__verified_at=None,
        user__email="lake@provider.org",
    )
    ProviderMembershipFactory(provider=membership.provider, user__email="shore@provider.org")
    return membership.provider


def test_provider_urls_have_their_names():
    assert reverse("staff:providers") == LIST
    assert reverse("staff:provider_verify", args=[5]) == "/staff/providers/5/verify/"


def test_anonymous_visitor_is_sent_to_log_in(client, unverified):
    for url in (LIST, verify_url(unverified)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404(client, unverified, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == 404
    assert client.get(verify_url(unverified)).status_code == 404
    assert client.post(verify_url(unverified), {}).status_code == 404
    unverified.refresh_from_db()
    assert unverified.verified_at is None


def test_list_shows_unverified_providers_first(staff_client, unverified):
    ProviderFactory(name="Aardvark County Library")
    older = ProviderFactory(name="Zephyr Consultants", verified_at=None)
    Provider.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))

    response = staff_client.get(LIST)

    assert response.status_code == 200
    assert [p.name for p in response.context["rows"]] == [
        "Zephyr Consultants",
        "Lakeside Library Association",
        "Aardvark County Library",
    ]
    assert response.context["waiting"] == 2
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert verify_url(unverified) in html
    assert "lake@provider.org" in html and "shore@provider.org" in html


def test_empty_list_says_what_it_is_for(staff_client):
    assert "No course providers have registered yet" in staff_client.get(LIST).content.decode()


def test_list_query_count_does_not_grow_with_rows(staff_client):
    ProviderMembershipFactory(provider__verified_at=None)
    with CaptureQueriesContext(connection) as with_one:
        staff_client.get(LIST)
    for _ in range(19):
        ProviderMembershipFactory(provider__verified_at=None)

    with CaptureQueriesContext(connection) as with_many:
        response = staff_client.get(LIST)

    assert len(response.context["rows"]) == 20
    assert len(with_many) == len(with_one)


def test_verify_page_says_what_will_happen_and_does_nothing_on_get(staff_client, unverified):
    response = staff_client.get(verify_url(unverified))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Its members can then submit courses for approval" in html
    assert "Verify Lakeside Library Association</button>" in html
    unverified.refresh_from_db()
    assert unverified.verified_at is None


def test_verifying_sets_who_and_when_and_emails_every_member(
    staff_client, staff, unverified, django_capture_on_commit_callbacks, mailoutbox
):
    page = staff_client.get(verify_url(unverified))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(verify_url(unverified), {"submission": token_of(page)})

    assert response.status_code == 302
    assert response.url == LIST
    unverified.refresh_from_db()
    assert unverified.verified_by == staff
    assert timezone.now() - unverified.verified_at < timedelta(minutes=1)
    assert sorted(m.to[0] for m in mailoutbox) == ["lake@provider.org", "shore@provider.org"]
    assert {m.subject for m in mailoutbox} == {"Lakeside Library Association is verified"}
    follow = staff_client.get(LIST)
    assert "Lakeside Library Association is verified; its members were emailed." in [
        str(m) for m in follow.context["messages"]
    ]


def test_verifying_twice_does_nothing_the_second_time(
    staff_client, unverified, django_capture_on_commit_callbacks, mailoutbox
):
    page = staff_client.get(verify_url(unverified))
    data = {"submission": token_of(page)}

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(verify_url(unverified), data)
        staff_client.post(verify_url(unverified), data)

    assert len(mailoutbox) == 2  # one per member, once


def test_already_verified_provider_shows_nothing_to_do(staff_client):
    provider = ProviderFactory(name="Done Already")

    html = staff_client.get(verify_url(provider)).content.decode()

    assert "Done Already was already verified." in html
    assert '<form method="post"' not in html


def test_unknown_provider_is_404(staff_client):
    assert staff_client.get("/staff/providers/999999/verify/").status_code == 404


def test_staff_home_links_the_providers_with_the_waiting_count(staff_client, unverified):
    html = staff_client.get("/staff/").content.decode()

    assert reverse("staff:providers") in html
    assert "<strong>1</strong> provider waiting for verification" in html
