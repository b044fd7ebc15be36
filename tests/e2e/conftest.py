"""What only the browser journeys need: an accessibility scan, links from sent emails and
authenticator codes. The browser itself (Debian's Chromium) and the `browser` marker's skip
handling come from tests/conftest.py.

Journeys drive the site served by pytest-django's `live_server` and mark their tests
`@pytest.mark.django_db(transaction=True, serialized_rollback=True)`: the server thread needs
committed rows, and serialized rollback puts back the competency sets and program rules that
the data migrations seeded (a transactional test otherwise ends by flushing every table).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import struct
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lssc.core.models import EmailLog

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse
# database access from it; and the live server must listen on loopback only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

# Fail within seconds, not Playwright's default 30: every page here answers in milliseconds.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

SERIOUS_IMPACTS = {"serious", "critical"}
LINK_RE = re.compile(r"https?://[^\s<>\"']+")


@pytest.fixture(autouse=True)
def _short_timeouts(request):
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(TIMEOUT_MS)


def labelled(page, label: str):
    """The form control labelled `label`, with or without the required-field asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


# --- Accessibility ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe() -> Axe:
    """One axe-core instance (the script is read once) for the whole run."""
    return Axe()


def serious_violations(axe: Axe, page) -> list[dict]:
    """axe-core's violations on the page as it is now, keeping the serious and critical ones."""
    results = axe.run(page)
    return [v for v in results.response["violations"] if v["impact"] in SERIOUS_IMPACTS]


def describe_violations(violations: list[dict]) -> str:
    """One line per violation (rule, impact, what it means) and one per offending element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(axe):
    """`assert_accessible(page)` fails, listing each problem, when axe finds a serious or
    critical violation on the page as it is now."""

    def check(page, label: str = "") -> None:
        violations = serious_violations(axe, page)
        where = label or page.url
        assert not violations, f"axe found problems on {where}:\n{describe_violations(violations)}"

    return check


# --- Email ------------------------------------------------------------------------------------


def mail_links(to_email: str, kind: str | None = None) -> list[str]:
    """The links in the plain-text part of the newest logged email to `to_email` (optionally
    of one `kind`, the template prefix such as "account/email/email_confirmation_signup")."""
    emails = EmailLog.objects.filter(to_email__iexact=to_email)
    if kind:
        emails = emails.filter(kind=kind)
    email = emails.order_by("-created_at", "-pk").first()
    assert email is not None, f"no email to {to_email}" + (f" of kind {kind}" if kind else "")
    return LINK_RE.findall(email.body_text)


# --- Authenticator codes ------------------------------------------------------------------------


def totp_code(secret: str, *, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    """The RFC 6238 code (HMAC-SHA1) an authenticator app shows for `secret` at time `at`."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def fresh_totp_code(secret: str, *, period: int = 30, margin: float = 3.0) -> str:
    """A code that stays valid for at least `margin` seconds: near the end of a period, wait
    for the next one so the server does not see it expire in transit."""
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.1)
    return totp_code(secret, period=period)


# --- Signing in without the form and private files ----------------------------------------------


def sign_in(context, live_server, user) -> None:
    """Give the browser `context` a session for `user`, as Django's `force_login` makes it, so a
    test can open a role's pages without going through the login form (and its code)."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlsplit(live_server.url).hostname,
                "path": "/",
            }
        ]
    )
