"""Logging in with an email address, and the limits on failed attempts."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_a_verified_user_logs_in_with_email_and_password(client):
    user = UserFactory(email="reader@example.org")
    response = client.post(LOGIN, {"login": "Reader@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == user


def test_a_wrong_password_is_refused_with_a_message_and_the_email_is_kept(client):
    UserFactory(email="reader@example.org")
    response = client.post(LOGIN, {"login": "reader@example.org", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "not correct" in html
    assert 'value="reader@example.org"' in html


def test_an_unverified_user_is_sent_to_confirm_their_address(client):
    UserFactory(email="new@example.org", verified_email=False)
    response = client.post(LOGIN, {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert client.get("/").context["user"].is_authenticated is False


def test_repeated_failed_logins_to_one_account_are_blocked_even_with_the_right_password(client):
    UserFactory(email="target@example.org")
    for _ in range(5):
        client.post(LOGIN, {"login": "target@example.org", "password": "guess"})
    response = client.post(LOGIN, {"login": "target@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/").context["user"].is_authenticated is False
