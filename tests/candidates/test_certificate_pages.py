"""The holder's certificate pages: /certificates/<pk>/ and its PDF, and the certificate on
the candidate's dashboard."""

from __future__ import annotations

import re
import zlib
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from candidates import certificate_services as services
from candidates.models import Certificate
from tests.factories import UserFactory, issued_certificate, ready_candidacy

DASHBOARD = "/dashboard/"


def detail_url(certificate):
    return f"/certificates/{certificate.pk}/"


def pdf_url(certificate):
    return f"/certificates/{certificate.pk}/certificate.pdf"


@pytest.fixture
def holder_candidacy(db):
    """A candidacy with every required set and three electives achieved, not yet certified."""
    return ready_candidacy(
        user__email="holder@example.org", user__first_name="Casey", user__last_name="Holder"
    )


@pytest.fixture
def certificate(holder_candidacy, staff):
    return issued_certificate(holder_candidacy, by=staff)


@pytest.fixture
def holder_client(client, certificate):
    client.force_login(certificate.candidacy.user)
    return client


def pdf_objects(data: bytes) -> bytes:
    """The PDF's objects with their compressed streams inflated (WeasyPrint packs even the
    page tree and the metadata into compressed object streams)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


# --- Access -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, certificate):
    for url in [detail_url(certificate), pdf_url(certificate)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("persona", ["other_candidate", "evaluator", "outsider", "provider_user"])
def test_nobody_but_the_holder_and_staff_can_see_a_certificate(
    client, certificate, persona, request
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(detail_url(certificate)).status_code == 404
    assert client.get(pdf_url(certificate)).status_code == 404


def test_another_certificate_holder_cannot_see_this_one(client, certificate):
    other = issued_certificate(user__email="someone.else@example.org")
    client.force_login(other.candidacy.user)

    assert client.get(detail_url(certificate)).status_code == 404
    assert client.get(pdf_url(certificate)).status_code == 404


def test_unknown_certificates_are_404(holder_client):
    assert holder_client.get("/certificates/999999/").status_code == 404


def test_the_pages_refuse_post(holder_client, certificate):
    assert holder_client.post(detail_url(certificate)).status_code == 405
    assert holder_client.post(pdf_url(certificate)).status_code == 405


# --- The certificate page -----------------------------------------------------------------


def test_holder_sees_the_certificate_its_status_sets_and_verification(holder_client, certificate):
    response = holder_client.get(detail_url(certificate))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Your certificate</h1>" in html
    assert '<a href="/dashboard/">Your candidacy</a>' in html
    assert certificate.number in html
    assert "Casey Holder" in html
    assert "Library Support Staff Certification" in html
    assert f"{certificate.issued_on.day} {certificate.issued_on:%B %Y}" in html
    assert f"{certificate.expires_on.day} {certificate.expires_on:%B %Y}" in html
    assert response.context["status"].code == "valid"
    assert '<span class="badge badge-status text-bg-success">Valid</span>' in html
    achieved = response.context["achieved"]
    assert len(achieved) == 6
    assert [row["required"] for row in achieved].count(True) == 3
    assert {row["how"] for row in achieved} == {"Approved course: Test course"}
    verify = f"{settings.SITE_URL}/verify/{certificate.verification_code}/"
    assert response.context["verification_url"] == verify
    assert verify in html
    assert certificate.verification_code in html
    assert f'href="{pdf_url(certificate)}"' in html
    assert f'href="/certificates/{certificate.pk}/renewal/"' in html


def test_a_suspended_certificate_shows_the_reason_and_offers_no_renewal(
    holder_client, certificate, staff
):
    services.certificate_suspend(certificate, reason="Under review after a complaint.", by=staff)

    response = holder_client.get(detail_url(certificate))

    html = response.content.decode()
    assert response.context["status"].code == "suspended"
    assert '<span class="badge badge-status text-bg-danger">Suspended</span>' in html
    assert "Reason: Under review after a complaint." in html
    assert "The verification page says only that the certificate is suspended" in html
    assert "/renewal/" not in html
    assert "the verification page always shows its status today" in html


def test_a_renewed_certificate_links_to_its_replacement_and_back(holder_client, certificate):
    new = Certificate.objects.create(
        candidacy=certificate.candidacy,
        number="LSSC-2031-00001",
        holder_name=certificate.holder_name,
        issued_on=date(2031, 1, 5),
        expires_on=date(2036, 1, 5),
        supersedes=certificate,
    )
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REPLACED)

    old_page = holder_client.get(detail_url(certificate)).content.decode()
    new_page = holder_client.get(detail_url(new)).content.decode()

    assert f'href="{detail_url(new)}"' in old_page
    assert "Replaced by a renewal" in old_page
    assert "/renewal/" not in old_page
    assert f'href="{detail_url(certificate)}"' in new_page


def test_staff_see_the_holders_page_with_a_link_to_the_staff_page(client, staff, certificate):
    client.force_login(staff)

    response = client.get(detail_url(certificate))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/staff/certificates/{certificate.pk}/"' in html
    assert "/renewal/" not in html


# --- The PDF ------------------------------------------------------------------------------


def test_pdf_is_one_landscape_page_named_after_the_number(holder_client, certificate):
    response = holder_client.get(pdf_url(certificate))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{certificate.number}.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    data = response.content
    assert data.startswith(b"%PDF")
    assert len(data) > 5000
    objects = pdf_objects(data)
    # pypdf is not a dependency: the page tree and metadata are read from the raw objects.
    assert len(re.findall(rb"/Type ?/Page\b(?!s)", objects)) == 1
    assert b"/MediaBox [0 0 792 612]" in objects  # US Letter, landscape
    assert f"/Title (Library Support Staff Certification {certificate.number})".encode() in (
        objects
    )


def test_pdf_context_carries_the_sets_dates_and_verification_address(certificate):
    from candidates.certificate_pdf import certificate_context

    context = certificate_context(certificate)

    assert context["certificate"] == certificate
    assert len(context["achieved"]) == 6
    assert context["verification_url"] == (
        f"{settings.SITE_URL}/verify/{certificate.verification_code}/"
    )


# --- The dashboard ------------------------------------------------------------------------


def test_dashboard_says_when_the_candidate_is_ready_for_certification(client, holder_candidacy):
    client.force_login(holder_candidacy.user)

    response = client.get(DASHBOARD)

    assert response.context["ready_for_certification"] is True
    assert response.context["certificate"] is None
    assert 'data-testid="ready-for-certification"' in response.content.decode()


def test_dashboard_says_nothing_of_certification_before_the_sets_are_achieved(
    client, candidate, sets
):
    client.force_login(candidate)

    response = client.get(DASHBOARD)

    assert response.context["ready_for_certification"] is False
    html = response.content.decode()
    assert 'data-testid="ready-for-certification"' not in html
    assert 'data-testid="certificate-card"' not in html


def test_dashboard_links_to_the_certificate_once_issued(holder_client, certificate):
    response = holder_client.get(DASHBOARD)

    html = response.content.decode()
    assert response.context["certificate"] == certificate
    assert response.context["ready_for_certification"] is False
    assert 'data-testid="ready-for-certification"' not in html
    assert f'href="{detail_url(certificate)}">See your certificate</a>' in html


def test_dashboard_links_to_the_newest_certificate_after_a_renewal(holder_client, certificate):
    new = Certificate.objects.create(
        candidacy=certificate.candidacy,
        number="LSSC-2031-00001",
        holder_name=certificate.holder_name,
        issued_on=date(2031, 1, 5),
        expires_on=date(2036, 1, 5),
        supersedes=certificate,
        issued_by=UserFactory(program_staff=True),
    )

    html = holder_client.get(DASHBOARD).content.decode()

    assert f'href="{detail_url(new)}">See your certificate</a>' in html
