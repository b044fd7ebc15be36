"""axe-core finds no serious or critical problem on the public pages, in their empty, error and
result states, nor on the account pages a signed-in person uses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lssc.program.models import CompetencySet
from tests.e2e.conftest import (
    describe_violations,
    fresh_totp_code,
    labelled,
    serious_violations,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/faq/",
        "/competencies/",
        "/eligibility/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ],
)
def test_public_page_has_no_serious_accessibility_problem(
    live_server, page: Page, assert_accessible, path
):
    page.goto(f"{live_server.url}{path}")

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)


def test_every_competency_set_page_has_no_serious_accessibility_problem(
    live_server, page: Page, axe
):
    codes = list(CompetencySet.objects.values_list("code", flat=True).distinct())
    assert len(codes) >= 2, "the data migration seeds the competency sets"

    problems = {}
    for code in codes:
        page.goto(f"{live_server.url}/competencies/{code}/")
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        if violations := serious_violations(axe, page):
            problems[code] = describe_violations(violations)

    assert not problems, "\n".join(f"/competencies/{c}/:\n{text}" for c, text in problems.items())


def test_eligibility_errors_and_verdict_have_no_serious_accessibility_problem(
    live_server, page: Page, assert_accessible
):
    page.goto(f"{live_server.url}/eligibility/")
    page.get_by_role("button", name="Check my eligibility").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, "the eligibility check with errors")

    page.get_by_role("radio", name="Yes").check()
    job = page.get_by_role("group", name="Job 1")
    job.get_by_label("Hours per week").fill("30")
    job.get_by_label("Start date").fill((timezone.localdate() - timedelta(days=800)).isoformat())
    job.get_by_label("I still work here").check()
    page.get_by_role("button", name="Check my eligibility").click()
    expect(page.locator("#verdict")).to_be_visible()
    assert_accessible(page, "the eligibility verdict")


def test_account_forms_with_errors_have_no_serious_accessibility_problem(
    live_server, page: Page, assert_accessible
):
    page.goto(f"{live_server.url}/accounts/login/")
    labelled(page, "Email").fill("nobody@example.org")
    labelled(page, "Password").fill("wrong password")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, "the login page with an error")

    page.goto(f"{live_server.url}/accounts/signup/")
    labelled(page, "Email").fill("not-an-address")
    labelled(page, "Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, "the signup page with errors")


def test_signed_in_account_and_two_factor_pages_have_no_serious_accessibility_problem(
    live_server, page: Page, axe
):
    user = UserFactory(email="reader@example.org")
    problems = {}

    def scan(label: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        if violations := serious_violations(axe, page):
            problems[label] = describe_violations(violations)

    def log_in() -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        labelled(page, "Email").fill(user.email)
        labelled(page, "Password").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Log in").click()

    log_in()
    for path in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]:
        page.goto(f"{live_server.url}{path}")
        scan(path)

    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    expect(labelled(page, "Password")).to_be_visible()  # asked to confirm it is them first
    scan("reauthentication")
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    scan("authenticator set-up")
    labelled(page, "Authenticator code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(labelled(page, "Authenticator code")).to_have_attribute("aria-invalid", "true")
    scan("authenticator set-up with a wrong code")
    secret = page.get_by_label("Authenticator secret").input_value()
    labelled(page, "Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    scan("recovery codes")
    page.goto(f"{live_server.url}/accounts/2fa/")
    scan("two-factor settings, on")

    page.goto(f"{live_server.url}/accounts/logout/")
    scan("log out")
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    log_in()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your authenticator code")
    scan("authenticator code at login")

    assert not problems, "\n".join(f"{label}:\n{text}" for label, text in problems.items())
