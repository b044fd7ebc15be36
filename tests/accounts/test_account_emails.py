"""allauth's emails go through our mail log and carry plain-text and HTML parts."""

import pytest

from lssc.core.models import EmailLog

pytestmark = pytest.mark.django_db


def test_password_reset_for_an_unknown_address_names_the_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["nobody@example.org"]
    assert "nobody@example.org" in message.body
    html = {mime: body for body, mime in message.alternatives}["text/html"]
    assert "nobody@example.org" in html
    log = EmailLog.objects.get()
    assert (log.kind, log.to_email, log.sent_at is not None) == (
        "account/email/unknown_account",
        "nobody@example.org",
        True,
    )


def test_password_reset_for_a_known_user_sends_a_reset_link(
    client, mailoutbox, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": outsider.email})
    [message] = mailoutbox
    assert "/accounts/password/reset/key/" in message.body
    assert EmailLog.objects.get().recipient == outsider
