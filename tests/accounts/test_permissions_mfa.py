"""Program staff and evaluators must turn on two-factor authentication for their pages."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import EvaluatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("make_user", "url_name"),
    [
        (lambda: UserFactory(program_staff=True), "staff:home"),
        (lambda: EvaluatorFactory().user, "reviews:home"),
    ],
)
def test_role_without_mfa_is_sent_to_set_up_an_authenticator(client, make_user, url_name):
    user = make_user()
    Authenticator.objects.filter(user=user).delete()
    client.force_login(user)
    response = client.get(reverse(url_name), follow=True)
    # allauth asks for the password again before adding an authenticator.
    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "needs two-factor authentication" in response.content.decode()


def test_role_with_mfa_opens_the_page(client, staff):
    client.force_login(staff)
    assert client.get(reverse("staff:home")).status_code == 200


def test_roles_outside_the_policy_need_no_mfa(client, candidate):
    client.force_login(candidate)
    assert client.get(reverse("candidates:dashboard")).status_code == 200


def test_the_policy_follows_the_setting(client, settings):
    settings.MFA_REQUIRED_ROLES = []
    user = UserFactory(program_staff=True)
    Authenticator.objects.filter(user=user).delete()
    client.force_login(user)
    assert client.get(reverse("staff:home")).status_code == 200
