"""The acceptance letter: a page in the site's layout and the PDF kept in the record."""

import pytest
from django.urls import reverse

from candidates.models import Candidacy
from candidates.services import _store_acceptance_letter

PAGE = "/dashboard/letter/"
PDF = "/dashboard/letter.pdf"


@pytest.fixture
def letter(candidate, private_storage) -> Candidacy:
    """The candidate's candidacy with its PDF letter stored, as admission leaves it."""
    candidacy = candidate.candidacy
    _store_acceptance_letter(candidacy)
    return candidacy


def test_the_letter_page_shows_the_letter_in_the_site_layout(client, candidate, letter):
    client.force_login(candidate)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == [
        "candidates/letter.html",
        "base.html",
    ]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Dear Casey," in html
    assert f"Your candidate number is <strong>{letter.number}</strong>." in html
    assert f'<a class="btn btn-primary" href="{PDF}">Download the letter as a PDF</a>' in html
    assert "@media print" in html


def test_the_dashboard_links_to_the_letter_page_and_pdf(client, candidate, letter):
    client.force_login(candidate)

    html = client.get(reverse("candidates:dashboard")).content.decode()

    assert f'href="{PAGE}">Read your acceptance letter</a>' in html
    assert f'href="{PDF}">Download it as a PDF</a>' in html


def test_the_pdf_is_served_to_its_owner_as_a_download(client, candidate, letter):
    client.force_login(candidate)

    response = client.get(PDF)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="acceptance-{letter.number}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    letter.acceptance_letter.open("rb")
    assert body == letter.acceptance_letter.read()


def test_another_candidate_without_a_letter_gets_404_not_someone_elses(
    client, letter, other_candidate
):
    client.force_login(other_candidate)

    assert client.get(PDF).status_code == 404


def test_each_candidate_gets_their_own_letter(client, letter, other_candidate):
    _store_acceptance_letter(other_candidate.candidacy)
    client.force_login(other_candidate)

    response = client.get(PDF)

    assert response["Content-Disposition"] == (
        f'attachment; filename="acceptance-{other_candidate.candidacy.number}.pdf"'
    )
    assert b"".join(response.streaming_content) != letter.acceptance_letter.open("rb").read()


def test_no_stored_letter_means_404_and_no_pdf_link(client, candidate):
    client.force_login(candidate)

    assert client.get(PDF).status_code == 404
    html = client.get(PAGE).content.decode()
    assert "Dear Casey," in html
    assert PDF not in html


def test_a_letter_whose_file_went_missing_is_404(client, candidate, letter):
    letter.acceptance_letter.storage.delete(letter.acceptance_letter.name)
    client.force_login(candidate)

    assert client.get(PDF).status_code == 404


def test_the_pdf_stays_readable_after_withdrawal(client, candidate, letter):
    from candidates.services import candidacy_withdraw

    candidacy_withdraw(letter, by=candidate, reason="Moving abroad.")
    client.force_login(candidate)

    assert client.get(PDF).status_code == 200
