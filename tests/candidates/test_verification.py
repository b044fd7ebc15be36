"""The public verification pages: the record and live status of a certificate, the one
answer for every mismatch, the headers that keep results fresh and unindexed, and the
lookup rate limit."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import certificate_services as services
from candidates.models import Certificate
from lssc.core import ratelimit
from tests.factories import UserFactory, issued_certificate

pytestmark = pytest.mark.django_db

ISSUED = date(2026, 3, 1)  # expires 1 March 2031; renewal grace until 1 May 2031
NOT_FOUND = "No certificate matches that number and code."
NOT_FOUND_CODE = "No certificate matches that code."
DESIGNATION = "Library Support Staff Certification (LSSC)"


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture
def staff(db):
    return UserFactory(program_staff=True)


@pytest.fixture
def certificate(staff) -> Certificate:
    with time_machine.travel(noon(ISSUED), tick=False):
        return issued_certificate(by=staff, user__first_name="Dana", user__last_name="Whitfield")


def page(response) -> str:
    return response.content.decode()


def check_code(client, code: str, day: date = date(2026, 6, 1)):
    with time_machine.travel(noon(day), tick=False):
        return client.get(reverse("verify:code", args=[code]))


def check_form(client, number: str, code: str, day: date = date(2026, 6, 1)):
    with time_machine.travel(noon(day), tick=False):
        return client.post(reverse("verify:form"), {"number": number, "code": code})


def renew(certificate: Certificate, staff) -> Certificate:
    """Renew through the services in the renewal window: the old certificate is replaced."""
    holder = certificate.candidacy.user
    with time_machine.travel(noon(date(2030, 6, 1)), tick=False):
        renewal = services.renewal_start(certificate, by=holder)
        for kind, amount, technology in [("semester", 2, False), ("workshop", 4, True)]:
            services.ce_add(
                renewal,
                fields={
                    "activity": "Course",
                    "provider": "College",
                    "completed_on": date(2030, 1, 1),
                    "kind": kind,
                    "amount": Decimal(amount),
                    "technology": technology,
                },
                by=holder,
            )
        services.renewal_submit(renewal, by=holder)
        return services.renewal_approve(renewal, by=staff)


# --- The form page ------------------------------------------------------------------------


def test_form_page_explains_the_check_and_asks_for_number_and_code(client):
    response = client.get(reverse("verify:form"))

    assert response.status_code == 200
    html = page(response)
    assert "<h1>Verify a certificate</h1>" in html
    assert 'for="id_number"' in html and "Certificate number" in html
    assert 'for="id_code"' in html and "Verification code" in html
    assert html.count("printed on the certificate and under its QR code") == 1
    assert "Printed on the certificate and under its QR code" in html
    assert 'method="post"' in html
    assert NOT_FOUND not in html
    assert 'id="result"' not in html


def test_footer_links_to_the_verification_page(client):
    html = page(client.get(reverse("program:home")))

    assert f'href="{reverse("verify:form")}"' in html


def test_form_post_shows_the_record_with_its_live_status(client, certificate):
    response = check_form(client, certificate.number, certificate.verification_code)

    assert response.status_code == 200
    html = page(response)
    assert 'data-status="valid"' in html
    assert "Dana Whitfield" in html
    assert DESIGNATION in html
    assert certificate.number in html
    assert 'Issued</dt>\n      <dd class="col-sm-8">1 March 2026</dd>' in html
    assert 'Expires</dt>\n      <dd class="col-sm-8">1 March 2031</dd>' in html
    assert ">Valid</span>" in html
    assert "Valid until 1 March 2031." in html
    assert (
        "Checked on 1 June 2026, 12:00 CDT, in the program’s time zone, US Central (America/Chicago)."
        in html
    )


def test_form_works_from_a_link_with_number_and_code_in_the_query(client, certificate):
    with time_machine.travel(noon(date(2026, 6, 1)), tick=False):
        response = client.get(
            reverse("verify:form"),
            {"number": certificate.number, "code": certificate.verification_code},
        )

    assert response.status_code == 200
    assert 'data-status="valid"' in page(response)
    assert "Dana Whitfield" in page(response)


def test_form_accepts_code_and_number_in_small_letters_with_spaces_and_dashes(client, certificate):
    code = certificate.verification_code.lower()
    typed = f" {code[:4]} {code[4:8]}-{code[8:12]}  {code[12:]} "

    response = check_form(client, f" {certificate.number.lower()} ", typed)

    assert 'data-status="valid"' in page(response)


def test_form_with_a_missing_field_says_which_and_keeps_what_was_typed(client, certificate):
    response = check_form(client, certificate.number, "")

    html = page(response)
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert '<a href="#id_code">Verification code: This field is required.</a>' in html
    assert f'value="{certificate.number}"' in html
    assert "Dana Whitfield" not in html


def test_form_rejects_a_code_with_other_characters_at_the_field(client, certificate):
    response = check_form(client, certificate.number, "ABCD/EFGH")

    assert "A verification code has only letters and digits." in page(response)
    assert NOT_FOUND not in page(response)


# --- Mismatches reveal nothing ------------------------------------------------------------


@pytest.mark.parametrize(
    "number, code",
    [
        pytest.param("right", "WRONGCODE2345678", id="right number, wrong code"),
        pytest.param("LSSC-2026-99999", "right", id="wrong number, right code"),
        pytest.param("LSSC-2026-99999", "WRONGCODE2345678", id="both wrong"),
        pytest.param("other", "right", id="another certificate's number"),
    ],
)
def test_any_mismatch_gets_the_same_answer_and_no_record(client, certificate, staff, number, code):
    with time_machine.travel(noon(ISSUED), tick=False):
        other = issued_certificate(by=staff, user__first_name="Olly", user__last_name="Other")
    number = {"right": certificate.number, "other": other.number}.get(number, number)
    code = certificate.verification_code if code == "right" else code

    response = check_form(client, number, code)

    html = page(response)
    assert response.status_code == 200
    assert f'<h2 class="h5">{NOT_FOUND}</h2>' in html
    assert "Dana Whitfield" not in html
    assert "Olly Other" not in html
    assert "data-status" not in html
    assert 'id="result-heading"' not in html


def test_unknown_code_on_the_qr_page_is_a_404_that_says_only_that_nothing_matches(
    client, certificate
):
    response = check_code(client, "WRONGCODE2345678")

    html = page(response)
    assert response.status_code == 404
    assert f"<h1>{NOT_FOUND_CODE}</h1>" in html
    assert "Dana Whitfield" not in html
    assert certificate.number not in html
    assert "data-status" not in html
    assert response["Cache-Control"].count("no-store") == 1
    assert response["X-Robots-Tag"] == "noindex"


def test_a_certificate_number_is_not_a_code(client, certificate):
    response = check_code(client, certificate.number)

    assert response.status_code == 404
    assert "Dana Whitfield" not in page(response)


# --- The QR target ------------------------------------------------------------------------


def test_qr_page_shows_the_record_anonymously(client, certificate):
    response = check_code(client, certificate.verification_code)

    html = page(response)
    assert response.status_code == 200
    assert 'data-status="valid"' in html
    assert "Dana Whitfield" in html
    assert DESIGNATION in html
    assert certificate.number in html
    assert "1 March 2026" in html and "1 March 2031" in html
    assert "Checked on 1 June 2026, 12:00 CDT" in html
    assert '<meta name="robots" content="noindex">' in html


def test_qr_page_accepts_the_code_in_small_letters_with_spaces(client, certificate):
    code = certificate.verification_code.lower()

    response = check_code(client, f"{code[:8]} {code[8:]}")

    assert response.status_code == 200
    assert 'data-status="valid"' in page(response)


def test_signed_in_people_see_the_same_page(client, certificate, candidate):
    client.force_login(candidate)

    response = check_code(client, certificate.verification_code)

    assert 'data-status="valid"' in page(response)


def test_pages_are_never_stored_by_a_cache_nor_indexed(client, certificate):
    responses = [
        client.get(reverse("verify:form")),
        check_form(client, certificate.number, certificate.verification_code),
        check_form(client, certificate.number, "WRONGCODE2345678"),
        check_code(client, certificate.verification_code),
    ]

    for response in responses:
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex"


def test_other_methods_are_refused(client, certificate):
    assert client.put(reverse("verify:form")).status_code == 405
    assert client.delete(reverse("verify:code", args=["ABCD"])).status_code == 405


# --- Every status -------------------------------------------------------------------------


def test_past_its_expiry_date_it_shows_expired_in_the_renewal_grace_period(client, certificate):
    response = check_code(client, certificate.verification_code, day=date(2031, 4, 1))

    html = page(response)
    assert 'data-status="grace"' in html
    assert ">Expired</span>" in html
    assert "Expired on 1 March 2031; the holder may still renew until 1 May 2031." in html
    assert "It is in its renewal grace period." in html
    assert "Valid until" not in html


def test_past_the_grace_period_it_shows_expired_by_its_dates(client, certificate):
    response = check_code(client, certificate.verification_code, day=date(2031, 6, 1))

    html = page(response)
    assert 'data-status="expired"' in html
    assert ">Expired</span>" in html
    assert "Expired on 1 March 2031." in html
    assert "grace period" not in html


def test_a_certificate_the_expiry_job_marked_expired_shows_expired(client, certificate):
    with time_machine.travel(noon(date(2031, 6, 1)), tick=False):
        _, moved = services.certificate_expire(certificate)
    assert moved

    response = check_form(
        client, certificate.number, certificate.verification_code, day=date(2031, 6, 2)
    )

    html = page(response)
    assert 'data-status="expired"' in html
    assert "Expired on 1 March 2031." in html
    assert "Dana Whitfield" in html


def test_suspended_shows_the_date_but_not_the_reason(client, certificate, staff):
    with time_machine.travel(noon(date(2026, 5, 4)), tick=False):
        services.certificate_suspend(certificate, reason="Complaint under investigation", by=staff)

    response = check_code(client, certificate.verification_code)

    html = page(response)
    assert 'data-status="suspended"' in html
    assert ">Suspended</span>" in html
    assert "Suspended on 4 May 2026. The certificate is not valid while it is suspended." in html
    assert "Complaint under investigation" not in html
    assert "Valid until" not in html


def test_reinstated_shows_valid_again(client, certificate, staff):
    with time_machine.travel(noon(date(2026, 5, 4)), tick=False):
        services.certificate_suspend(certificate, reason="Complaint", by=staff)
    with time_machine.travel(noon(date(2026, 5, 20)), tick=False):
        services.certificate_reinstate(certificate, by=staff)

    response = check_code(client, certificate.verification_code)

    html = page(response)
    assert 'data-status="valid"' in html
    assert "Valid until 1 March 2031." in html
    assert "Suspended" not in html


def test_revoked_shows_the_date_and_the_reason(client, certificate, staff):
    with time_machine.travel(noon(date(2026, 5, 4)), tick=False):
        services.certificate_revoke(certificate, reason="Issued in error", by=staff)

    response = check_form(client, certificate.number, certificate.verification_code)

    html = page(response)
    assert 'data-status="revoked"' in html
    assert ">Revoked</span>" in html
    assert "Revoked on 4 May 2026. The certificate is no longer valid." in html
    assert "Reason: Issued in error" in html


def test_a_suspended_then_revoked_certificate_is_dated_by_the_revocation(
    client, certificate, staff
):
    with time_machine.travel(noon(date(2026, 5, 4)), tick=False):
        services.certificate_suspend(certificate, reason="Complaint", by=staff)
    with time_machine.travel(noon(date(2026, 5, 25)), tick=False):
        services.certificate_revoke(certificate, reason="Complaint upheld", by=staff)

    html = page(check_code(client, certificate.verification_code))

    assert "Revoked on 25 May 2026." in html
    assert "Reason: Complaint upheld" in html


def test_replaced_links_to_the_renewal_and_the_renewal_shows_valid(client, certificate, staff):
    new = renew(certificate, staff)

    response = check_code(client, certificate.verification_code, day=date(2030, 7, 1))

    html = page(response)
    assert 'data-status="replaced"' in html
    assert ">Replaced by a renewal</span>" in html
    assert f"replaced by certificate {new.number}." in html
    assert f'href="{reverse("verify:code", args=[new.verification_code])}"' in html

    followed = check_code(client, new.verification_code, day=date(2030, 7, 1))
    assert 'data-status="valid"' in page(followed)
    assert "Valid until 1 March 2036." in page(followed)


def test_a_status_change_shows_at_once(client, certificate, staff):
    before = check_code(client, certificate.verification_code)
    with time_machine.travel(noon(date(2026, 6, 1)), tick=False):
        services.certificate_suspend(certificate, reason="Complaint", by=staff)

    after = check_code(client, certificate.verification_code)

    assert 'data-status="valid"' in page(before)
    assert 'data-status="suspended"' in page(after)


# --- Cost ---------------------------------------------------------------------------------


def count_queries(client, code: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = check_code(client, code)
    assert response.status_code == 200
    return len(queries)


def test_a_lookup_takes_a_few_queries_however_many_certificates_exist(client, certificate, staff):
    alone = count_queries(client, certificate.verification_code)
    with time_machine.travel(noon(ISSUED), tick=False):
        for _ in range(5):
            issued_certificate(by=staff)

    assert count_queries(client, certificate.verification_code) == alone
    assert alone == 2  # the certificate with its replacement, and the rules in force


def test_a_suspended_lookup_adds_one_query_for_its_date(client, certificate, staff):
    with time_machine.travel(noon(date(2026, 5, 4)), tick=False):
        services.certificate_suspend(certificate, reason="Complaint", by=staff)

    assert count_queries(client, certificate.verification_code) == 3


# --- Rate limit ---------------------------------------------------------------------------


def test_lookups_past_the_limit_get_429_until_the_window_ends(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = "3/600"
    code = certificate.verification_code
    start = datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("America/Chicago"))  # a window boundary

    with time_machine.travel(start, tick=False) as traveller:
        client.get(reverse("verify:form"))  # the empty form is not a lookup
        assert client.get(reverse("verify:code", args=[code])).status_code == 200
        assert (
            client.post(
                reverse("verify:form"), {"number": certificate.number, "code": code}
            ).status_code
            == 200
        )
        assert client.get(reverse("verify:code", args=["WRONGCODE2345678"])).status_code == 404

        traveller.shift(timedelta(minutes=4))
        limited = client.get(reverse("verify:code", args=[code]))
        also_limited = client.post(
            reverse("verify:form"), {"number": certificate.number, "code": code}
        )

        traveller.shift(timedelta(minutes=6))
        after_the_window = client.get(reverse("verify:code", args=[code]))

    assert limited.status_code == 429
    assert limited["Retry-After"] == "360"
    assert "no-store" in limited["Cache-Control"]
    html = page(limited)
    assert "Please try again in\n  a few minutes (about 6 minutes)." in html
    assert "Dana Whitfield" not in html
    assert also_limited.status_code == 429
    assert "Dana Whitfield" not in page(also_limited)
    assert after_the_window.status_code == 200
    assert 'data-status="valid"' in page(after_the_window)


def test_the_limit_counts_each_client_address_separately(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = "1/600"
    url = reverse("verify:code", args=[certificate.verification_code])

    with time_machine.travel(noon(date(2026, 6, 1)), tick=False):
        first = client.get(url, REMOTE_ADDR="192.0.2.1")
        second = client.get(url, REMOTE_ADDR="192.0.2.1")
        elsewhere = client.get(url, REMOTE_ADDR="192.0.2.2")

    assert [first.status_code, second.status_code, elsewhere.status_code] == [200, 429, 200]


def test_form_errors_do_not_count_as_lookups(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = "1/600"

    with time_machine.travel(noon(date(2026, 6, 1)), tick=False):
        for _ in range(3):
            client.post(reverse("verify:form"), {"number": "", "code": ""})
        response = client.post(
            reverse("verify:form"),
            {"number": certificate.number, "code": certificate.verification_code},
        )

    assert response.status_code == 200
    assert 'data-status="valid"' in page(response)


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, certificate, settings):
    settings.VERIFY_RATE_LIMIT = "1/600"
    url = reverse("verify:code", args=[certificate.verification_code])

    with time_machine.travel(noon(date(2026, 6, 1)), tick=False):
        first = client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1")
        second = client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert [first.status_code, second.status_code] == [200, 429]


@pytest.mark.parametrize("value", ["20", "20/0", "0/600", "twenty/600", "20/600/1", ""])
def test_a_malformed_rate_setting_names_the_setting(value):
    with pytest.raises(ImproperlyConfigured, match="VERIFY_RATE_LIMIT="):
        ratelimit.parse_rate(value, setting="VERIFY_RATE_LIMIT")


def test_a_rate_reads_as_requests_per_seconds():
    assert ratelimit.parse_rate("20/600") == ratelimit.Rate(limit=20, period=600)
