"""A new person signs up, confirms their email address, turns on two-factor authentication
and logs in again with a code from their authenticator app."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from playwright.sync_api import Page, expect

from lssc.core.models import EmailLog
from tests.e2e.conftest import fresh_totp_code, labelled, mail_links

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "robin.reader@example.org"
PASSWORD = "quiet-stacks-2026"
REAUTHENTICATION_HEADING = "Confirm it\N{RIGHT SINGLE QUOTATION MARK}s you"


def open_account_menu(page: Page) -> None:
    page.get_by_role("navigation", name="Main").locator(".dropdown-toggle").click()


def test_sign_up_confirm_email_turn_on_two_factor_and_log_in_with_a_code(live_server, page: Page):
    page.goto(live_server.url)
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    labelled(page, "Email").fill(EMAIL)
    labelled(page, "Password").fill(PASSWORD)
    labelled(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    email = EmailLog.objects.get(to_email=EMAIL)
    assert email.kind == "account/email/email_confirmation_signup"
    assert email.subject == "[LSSC] Confirm your email address to finish signing up"
    links = mail_links(EMAIL, kind="account/email/email_confirmation_signup")
    confirm_links = [link for link in links if "/accounts/confirm-email/" in link]
    assert len(confirm_links) == 1
    assert f'href="{confirm_links[0]}"' in email.body_html
    [sent] = mail.outbox  # sent after commit, with both parts
    assert (sent.subject, sent.to) == (email.subject, [EMAIL])
    assert [mimetype for _, mimetype in sent.alternatives] == ["text/html"]

    # Opening the link only shows a confirm page: a GET never confirms.
    page.goto(confirm_links[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(f"{live_server.url}/")  # logged in by the confirmation
    expect(page.get_by_role("main")).to_contain_text(f"You have confirmed {EMAIL}.")
    assert EmailAddress.objects.get(email=EMAIL).verified is True
    open_account_menu(page)
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    page.get_by_role("link", name="Set up an authenticator app").click()
    # Confirming the address logged them in without a password, so a security change asks
    # for it first.
    expect(page.get_by_role("heading", level=1)).to_have_text(REAUTHENTICATION_HEADING)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    labelled(page, "Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    assert Authenticator.objects.filter(user__email=EMAIL).count() == 2  # app and recovery codes

    open_account_menu(page)
    page.get_by_role("link", name="Log out").click()
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("main")).to_contain_text("You have logged out.")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    labelled(page, "Email").fill(EMAIL)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your authenticator code")
    labelled(page, "Code").fill(fresh_totp_code(secret))
    page.get_by_role("main").get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("main")).to_contain_text(f"You are logged in as {EMAIL}.")
    open_account_menu(page)
    expect(page.get_by_role("link", name="Two-factor authentication")).to_be_visible()
