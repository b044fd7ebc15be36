"""The evidence library pages: listing, uploading through the real upload path (streaming
handler, content check, limits), removing and access-checked downloads."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import services as candidate_services
from portfolios import services
from portfolios.models import Evidence, Portfolio
from tests.factories import SMALL_PDF, candidacy_with_progress

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def owner(db):
    return candidacy_with_progress(user__email="owner@example.org").user


def start_portfolio(user) -> Portfolio:
    candidacy = user.candidacy
    row = candidacy.sets.select_related("competency_set").get(
        competency_set__code="cataloging-classification"
    )
    candidate_services.set_progress_choose_route(row, route="portfolio", by=user)
    return services.portfolio_start(candidacy, competency_set=row.competency_set, by=user)


@pytest.fixture
def portfolio(owner):
    return start_portfolio(owner)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def add(portfolio, content=SMALL_PDF, *, title="Cataloguing log", name="log.pdf"):
    return services.evidence_add(
        portfolio,
        upload=SimpleUploadedFile(name, content),
        title=title,
        kind=Evidence.Kind.PRIMARY,
        description="",
        by=portfolio.candidacy.user,
    )


def post_upload(client, portfolio, upload, **fields):
    data = {"title": "Cataloguing log", "kind": "primary", "description": "My records."}
    data.update(fields)
    data["file"] = upload
    return client.post(reverse("portfolios:evidence_upload", args=[portfolio.pk]), data)


def stored_files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def file_errors(response) -> list[str]:
    return response.context["form"].errors.get("file", [])


def test_every_accepted_kind_has_a_name_and_a_download_type():
    from lssc.core.uploads import KINDS
    from portfolios.evidence_views import FILE_TYPES

    extensions = {KINDS[kind][0] for kind in services.EVIDENCE_KINDS}
    assert extensions - set(FILE_TYPES) == set()


# --- The library page ---------------------------------------------------------------------


def test_library_lists_each_file_with_its_details_and_the_space_left(owner_client, portfolio):
    evidence = add(portfolio, SMALL_PDF + b"%" * (2_400_000), title="Catalogue audit")
    response_row = portfolio.responses.select_related("competency").first()
    response_row.evidence.add(evidence)

    response = owner_client.get(reverse("portfolios:evidence", args=[portfolio.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Catalogue audit" in html
    assert "2.3 MB" in html
    assert "PDF" in html
    assert f"Competency {response_row.competency.number}" in html
    assert reverse("portfolios:evidence_download", args=[evidence.pk]) in html
    assert reverse("portfolios:evidence_remove", args=[portfolio.pk, evidence.pk]) in html
    assert "Space used: 2.3 MB of 250 MB; 247.7 MB left." in html
    assert 'data-max-file-bytes="26214400"' in html


def test_library_shows_an_empty_state(owner_client, portfolio):
    response = owner_client.get(reverse("portfolios:evidence", args=[portfolio.pk]))
    assert "No evidence yet — upload your first file" in response.content.decode()


def test_library_query_count_does_not_grow_with_the_files(owner_client, portfolio):
    url = reverse("portfolios:evidence", args=[portfolio.pk])
    add(portfolio, SMALL_PDF + b"0")
    owner_client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        owner_client.get(url)
    for n in range(1, 50):
        evidence = add(portfolio, SMALL_PDF + str(n).encode(), title=f"File {n}")
        portfolio.responses.first().evidence.add(evidence)
    with CaptureQueriesContext(connection) as fifty:
        response = owner_client.get(url)
    assert len(response.context["items"]) == 50
    assert len(fifty) == len(one)


@pytest.mark.parametrize(
    "persona", ["other_candidate", "evaluator", "provider_user", "outsider", "staff"]
)
def test_library_is_404_for_everyone_but_the_owner(client, portfolio, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("portfolios:evidence", args=[portfolio.pk]))
    assert response.status_code == 404


def test_library_sends_anonymous_visitors_to_log_in(client, portfolio):
    url = reverse("portfolios:evidence", args=[portfolio.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Uploading ----------------------------------------------------------------------------


def test_upload_stores_the_file_privately_and_returns_to_the_library(
    owner_client, portfolio, private_storage
):
    response = post_upload(owner_client, portfolio, SimpleUploadedFile("My log.pdf", SMALL_PDF))

    assert response.status_code == 302
    assert response.url == reverse("portfolios:evidence", args=[portfolio.pk])
    evidence = Evidence.objects.get()
    assert (evidence.title, evidence.kind, evidence.description) == (
        "Cataloguing log",
        "primary",
        "My records.",
    )
    assert (evidence.original_name, evidence.file_type, evidence.size) == (
        "My_log.pdf",
        "pdf",
        len(SMALL_PDF),
    )
    assert len(evidence.checksum) == 64
    assert stored_files(private_storage) == [private_storage / evidence.file.name]
    page = owner_client.get(response.url).content.decode()
    assert "“Cataloguing log” is now in your evidence library." in page


def test_upload_is_post_only(owner_client, portfolio):
    response = owner_client.get(reverse("portfolios:evidence_upload", args=[portfolio.pk]))
    assert response.status_code == 405


def test_upload_checks_the_csrf_token_itself(owner, portfolio):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = post_upload(client, portfolio, SimpleUploadedFile("log.pdf", SMALL_PDF))
    assert response.status_code == 403
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize(
    "persona", ["other_candidate", "evaluator", "provider_user", "outsider", "staff"]
)
def test_upload_is_404_for_everyone_but_the_owner(client, portfolio, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = post_upload(client, portfolio, SimpleUploadedFile("log.pdf", SMALL_PDF))
    assert response.status_code == 404
    assert Evidence.objects.count() == 0


def polyglot() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXECUTABLE)
    return SMALL_PDF + buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXECUTABLE, "This file is not a PDF, Word, Excel, PowerPoint"),
        ("tool.exe", EXECUTABLE, "whatever its name says"),
        ("report.pdf", polyglot(), "with an archive hidden inside it"),
        ("empty.pdf", b"", "This file is empty."),
        ("a" * 296 + ".pdf", SMALL_PDF, "Rename the file to 120 characters or fewer"),
    ],
    ids=["executable-renamed-pdf", "executable", "polyglot", "zero-byte", "300-char-name"],
)
def test_bad_files_are_refused_at_the_file_field_with_nothing_left_behind(
    owner_client, portfolio, private_storage, name, content, message
):
    response = post_upload(
        owner_client, portfolio, SimpleUploadedFile(name, content), title="Kept title"
    )

    assert response.status_code == 200
    assert len(file_errors(response)) == 1
    assert message in file_errors(response)[0]
    assert response.context["form"]["title"].value() == "Kept title"
    assert response.context["form"]["description"].value() == "My records."
    assert Evidence.objects.count() == 0
    assert stored_files(private_storage) == []


def raw_upload(client, portfolio, filename: str, content: bytes):
    """A multipart POST with the file name exactly as given (the test client would strip
    the directories itself, hiding what the server does with them)."""
    parts = []
    for name, value in [("title", "Sneaky"), ("kind", "primary"), ("description", "")]:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"'
        "\r\nContent-Type: application/pdf\r\n\r\n"
    )
    body = "".join(parts).encode() + head.encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.generic(
        "POST",
        reverse("portfolios:evidence_upload", args=[portfolio.pk]),
        body,
        content_type=MULTIPART_CONTENT,
    )


def test_a_path_traversal_name_with_bad_content_is_refused_and_writes_nothing(
    owner_client, portfolio, private_storage, tmp_path
):
    response = raw_upload(owner_client, portfolio, "../../x.pdf", EXECUTABLE)

    assert response.status_code == 200
    assert "is not a PDF" in file_errors(response)[0]
    assert Evidence.objects.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_path_traversal_name_cannot_place_the_file_outside_its_folder(
    owner_client, portfolio, private_storage, tmp_path
):
    response = raw_upload(owner_client, portfolio, "../../../x.pdf", SMALL_PDF)

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "x.pdf"
    assert evidence.file.name.startswith(f"evidence/{portfolio.pk}/")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [private_storage / evidence.file.name]


def test_a_file_over_the_size_limit_is_cut_off_with_the_typed_text_kept(
    owner_client, portfolio, private_storage, settings
):
    settings.PORTFOLIO_MAX_FILE_MB = 1
    big = SimpleUploadedFile("big.pdf", SMALL_PDF + b"0" * (1024 * 1024))

    response = post_upload(owner_client, portfolio, big, title="Big scan")

    assert response.status_code == 413
    assert file_errors(response) == [
        "This file is larger than 1 MB, the most one file may be. Upload a smaller file, or "
        "split it into parts."
    ]
    assert response.context["form"]["title"].value() == "Big scan"
    assert response.context["form"]["description"].value() == "My records."
    assert "Big scan" in response.content.decode()
    assert Evidence.objects.count() == 0
    assert stored_files(private_storage) == []


def test_a_file_that_would_fill_the_portfolio_past_its_space_is_refused(
    owner_client, portfolio, private_storage, settings
):
    settings.PORTFOLIO_MAX_TOTAL_MB = 1
    add(portfolio, SMALL_PDF + b"1" * 700_000, title="Earlier scan")
    kept = stored_files(private_storage)

    response = post_upload(
        owner_client, portfolio, SimpleUploadedFile("next.pdf", SMALL_PDF + b"2" * 500_000)
    )

    assert response.status_code == 413
    assert "past its space left" in file_errors(response)[0]
    assert list(Evidence.objects.values_list("title", flat=True)) == ["Earlier scan"]
    assert stored_files(private_storage) == kept


def test_a_duplicate_upload_offers_the_file_already_in_the_library(
    owner_client, portfolio, private_storage
):
    existing = add(portfolio, title="Cataloguing log, March")
    kept = stored_files(private_storage)

    response = post_upload(owner_client, portfolio, SimpleUploadedFile("again.pdf", SMALL_PDF))

    assert response.status_code == 200
    assert file_errors(response) == [
        "This file is already uploaded as “Cataloguing log, March” — it is in your library; "
        "attach it to competencies from the competency pages."
    ]
    assert response.context["duplicate"] == existing
    assert f'href="#evidence-{existing.pk}"' in response.content.decode()
    assert list(Evidence.objects.all()) == [existing]
    assert stored_files(private_storage) == kept


def test_upload_to_a_submitted_portfolio_is_refused(owner_client, portfolio, private_storage):
    Portfolio.objects.filter(pk=portfolio.pk).update(status=Portfolio.Status.SUBMITTED)

    response = post_upload(owner_client, portfolio, SimpleUploadedFile("log.pdf", SMALL_PDF))

    assert response.status_code == 200
    assert file_errors(response) == ["This portfolio is submitted, so it cannot be changed."]
    assert Evidence.objects.count() == 0
    assert stored_files(private_storage) == []


# --- Removing -----------------------------------------------------------------------------


def test_remove_deletes_the_row_and_the_file(owner_client, portfolio, private_storage):
    evidence = add(portfolio)

    response = owner_client.post(
        reverse("portfolios:evidence_remove", args=[portfolio.pk, evidence.pk])
    )

    assert response.status_code == 302
    assert response.url == reverse("portfolios:evidence", args=[portfolio.pk])
    assert Evidence.objects.count() == 0
    page = owner_client.get(response.url).content.decode()
    assert "“Cataloguing log” was removed from your library." in page


def test_remove_keeps_a_file_of_a_submitted_round_with_the_reason(owner_client, portfolio):
    evidence = add(portfolio)
    Evidence.objects.filter(pk=evidence.pk).update(in_submission=True)

    response = owner_client.post(
        reverse("portfolios:evidence_remove", args=[portfolio.pk, evidence.pk]), follow=True
    )

    assert Evidence.objects.count() == 1
    assert "This file is part of what you submitted, so it stays." in response.content.decode()


def test_remove_asks_for_confirmation_first_and_is_404_for_others(
    client, owner_client, portfolio, other_candidate
):
    evidence = add(portfolio)
    url = reverse("portfolios:evidence_remove", args=[portfolio.pk, evidence.pk])
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "cannot be brought back" in page.content.decode()
    assert Evidence.objects.count() == 1  # opening the confirm page removes nothing
    client.force_login(other_candidate)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Evidence.objects.count() == 1


# --- Downloading --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "staff"])
def test_download_is_an_attachment_that_is_never_sniffed(client, portfolio, persona, request):
    evidence = add(portfolio, name="My log.pdf")
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("portfolios:evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="My_log.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == SMALL_PDF


@pytest.mark.parametrize("persona", ["other_candidate", "evaluator", "provider_user", "outsider"])
def test_download_is_404_for_everyone_else(client, portfolio, persona, request):
    evidence = add(portfolio)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("portfolios:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404


def test_download_sends_anonymous_visitors_to_log_in(client, portfolio):
    evidence = add(portfolio)
    response = client.get(reverse("portfolios:evidence_download", args=[evidence.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
