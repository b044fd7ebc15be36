"""Registering a provider organisation, inviting colleagues and accepting on the confirm
page, and the provider home's list of courses."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Provider, ProviderInvitation, ProviderMembership
from courses.services import invitation_create
from lssc.accounts.roles import roles_of
from tests.factories import ProviderMembershipFactory, UserFactory, course_draft

REGISTER = "/provider/register/"


def _register_data(**overrides):
    return {
        "name": "Prairie State Library Association",
        "type": Provider.Type.STATE_ASSOCIATION,
        "state": "Illinois",
        "country": "United States",
        "website": "https://prairie.example.org",
        "contact_name": "Robin Contact",
        "contact_email": "robin@prairie.example.org",
        **overrides,
    }


def test_register_url_is_named():
    assert reverse("courses:register") == REGISTER


def test_registering_makes_the_user_a_member_of_an_unverified_provider(client, outsider):
    client.force_login(outsider)

    response = client.post(REGISTER, _register_data())

    assert response.status_code == 302
    assert response["Location"] == "/provider/"
    provider = Provider.objects.get(name="Prairie State Library Association")
    assert provider.verified_at is None
    assert provider.created_by == outsider
    assert list(provider.memberships.values_list("user", flat=True)) == [outsider.pk]
    outsider.refresh_from_db()
    assert roles_of(outsider).is_provider
    assert client.get("/provider/").status_code == 200


def test_register_keeps_input_and_shows_errors(client, outsider):
    client.force_login(outsider)

    response = client.post(REGISTER, _register_data(contact_email="not-an-email"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="Prairie State Library Association"' in html
    assert not Provider.objects.filter(name="Prairie State Library Association").exists()


def test_register_sends_anonymous_visitors_to_login(client, db):
    response = client.get(REGISTER)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_inviting_a_colleague_sends_an_email_with_the_confirm_link(
    client, provider_user, django_capture_on_commit_callbacks
):
    provider = provider_user.provider_memberships.get().provider
    client.force_login(provider_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/provider/{provider.pk}/invite/", {"email": "Colleague@Example.org"}
        )

    assert response.status_code == 302
    invitation = ProviderInvitation.objects.get()
    assert (invitation.provider, invitation.email) == (provider, "colleague@example.org")
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]
    assert f"/provider/invitations/{invitation.token}/" in mail.outbox[0].body


def test_invite_is_post_only(client, provider_user):
    provider = provider_user.provider_memberships.get().provider
    client.force_login(provider_user)

    assert client.get(f"/provider/{provider.pk}/invite/").status_code == 405


def test_member_of_another_provider_cannot_invite_to_it(client, provider_user):
    other = ProviderMembershipFactory().provider
    client.force_login(provider_user)

    response = client.post(f"/provider/{other.pk}/invite/", {"email": "x@example.org"})

    assert response.status_code == 404
    assert not ProviderInvitation.objects.exists()


@pytest.fixture
def invitation(provider_user):
    provider = provider_user.provider_memberships.get().provider
    return invitation_create(provider, email="colleague@example.org", by=provider_user)


def test_opening_the_invitation_link_does_not_make_a_member(client, invitation):
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)

    response = client.get(f"/provider/invitations/{invitation.token}/")

    assert response.status_code == 200
    assert f"Join {invitation.provider.name}" in response.content.decode()
    assert not ProviderMembership.objects.filter(user=colleague).exists()


def test_accepting_on_the_confirm_page_makes_a_member(client, invitation):
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)

    response = client.post(f"/provider/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert response["Location"] == "/provider/"
    assert ProviderMembership.objects.filter(user=colleague, provider=invitation.provider).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague


def test_another_account_cannot_accept(client, invitation, outsider):
    client.force_login(outsider)

    page = client.get(f"/provider/invitations/{invitation.token}/").content.decode()
    response = client.post(f"/provider/invitations/{invitation.token}/")

    assert "This invitation is for colleague@example.org" in page
    assert response.status_code == 400
    assert not ProviderMembership.objects.filter(user=outsider).exists()


def test_expired_invitation_is_refused(client, invitation):
    ProviderInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)

    response = client.post(f"/provider/invitations/{invitation.token}/")

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not ProviderMembership.objects.filter(user=colleague).exists()


def test_invitation_page_sends_anonymous_visitors_to_login(client, invitation):
    response = client.get(f"/provider/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_provider_home_lists_courses_with_status_and_actions(client, provider_user):
    provider = provider_user.provider_memberships.get().provider
    course = course_draft(provider, title="Cataloguing basics")
    client.force_login(provider_user)

    html = client.get("/provider/").content.decode()

    assert "Cataloguing basics" in html
    assert '<span class="badge badge-status text-bg-secondary">Draft</span>' in html
    assert f'href="/provider/courses/{course.pk}/details/"' in html
    assert f'action="/provider/{provider.pk}/invite/"' in html
    assert 'href="/provider/register/"' in html


def _home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/provider/").status_code == 200
    return len(queries)


def test_provider_home_query_count_does_not_grow_with_courses(client, provider_user):
    provider = provider_user.provider_memberships.get().provider
    course_draft(provider)
    client.force_login(provider_user)
    one = _home_queries(client)
    for n in range(5):
        course_draft(provider, title=f"Course {n}", set_code="supervision-management")
    Course.objects.filter(title="Course 0").update(status=Course.Status.APPROVED)

    assert _home_queries(client) == one
