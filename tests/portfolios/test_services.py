"""Portfolio services: starting, the evidence library, submission and the frozen round."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates import services as candidate_services
from candidates.models import SetProgress
from lssc.core.errors import DomainError
from portfolios import services
from portfolios.models import Evidence, Portfolio, PortfolioSubmission
from tests.factories import SMALL_PDF, candidacy_with_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidacy(db):
    return candidacy_with_progress(user__email="builder@example.org")


@pytest.fixture
def progress(candidacy):
    row = candidacy.sets.select_related("competency_set").get(
        competency_set__code="cataloging-classification"
    )
    return candidate_services.set_progress_choose_route(row, route="portfolio", by=candidacy.user)


@pytest.fixture
def portfolio(candidacy, progress):
    return services.portfolio_start(
        candidacy, competency_set=progress.competency_set, by=candidacy.user
    )


def pdf(name="report.pdf", extra=b""):
    return SimpleUploadedFile(name, SMALL_PDF + extra)


def add(portfolio, upload=None, title="Cataloguing log"):
    return services.evidence_add(
        portfolio,
        upload=upload or pdf(),
        title=title,
        kind=Evidence.Kind.PRIMARY,
        description="",
        by=portfolio.candidacy.user,
    )


def complete(portfolio):
    evidence = add(portfolio)
    for response in portfolio.responses.all():
        services.response_save(
            portfolio,
            competency_id=response.competency_id,
            narrative="At my library I catalogued 300 items a month.",
            evidence_ids=[evidence.pk],
            by=portfolio.candidacy.user,
        )
    services.learning_statement_save(
        portfolio, text="This set matters to my work.", by=portfolio.candidacy.user
    )
    return evidence


def test_start_needs_the_portfolio_route(candidacy):
    row = candidacy.sets.get(competency_set__code="technology")
    with pytest.raises(DomainError, match="Choose the portfolio route"):
        services.portfolio_start(candidacy, competency_set=row.competency_set, by=candidacy.user)


def test_start_creates_one_response_per_competency_and_moves_the_set(portfolio, progress):
    assert portfolio.responses.count() == 8
    progress.refresh_from_db()
    assert progress.status == SetProgress.Status.IN_PROGRESS
    again = services.portfolio_start(
        portfolio.candidacy, competency_set=progress.competency_set, by=portfolio.candidacy.user
    )
    assert again.pk == portfolio.pk


def test_evidence_is_stored_with_a_clean_name_checksum_and_random_file_name(portfolio):
    evidence = add(portfolio, pdf("../../secret/" + "x" * 300 + ".pdf"))
    assert evidence.original_name == "x" * 116 + ".pdf"
    assert len(evidence.checksum) == 64
    assert evidence.size == len(SMALL_PDF)
    assert evidence.file.name.startswith(f"evidence/{portfolio.pk}/")
    assert evidence.file_type == "pdf"
    assert evidence.file.read() == SMALL_PDF


def test_a_duplicate_upload_is_offered_for_reuse_and_not_stored_twice(portfolio, private_storage):
    first = add(portfolio)
    with pytest.raises(services.DuplicateEvidence) as error:
        add(portfolio, pdf("copy.pdf"), title="Copy")
    assert error.value.existing == first
    assert Evidence.objects.count() == 1
    assert len(list((private_storage / "evidence" / str(portfolio.pk)).iterdir())) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 50, "whatever its name says"),
        (b"", "This file is empty"),
    ],
)
def test_bad_files_are_refused_with_no_row_and_no_file(
    portfolio, private_storage, content, message
):
    with pytest.raises(ValidationError, match=message):
        add(portfolio, SimpleUploadedFile("report.pdf", content))
    assert Evidence.objects.count() == 0
    assert not (private_storage / "evidence").exists()


def test_a_file_over_the_per_file_limit_is_refused(portfolio, settings):
    settings.PORTFOLIO_MAX_FILE_MB = 1
    with pytest.raises(ValidationError, match="upload one of 1 MB or less"):
        add(portfolio, pdf(extra=b"0" * (1024 * 1024)))


def test_the_portfolio_space_limit_is_enforced(portfolio, settings):
    settings.PORTFOLIO_MAX_TOTAL_MB = 1
    add(portfolio, pdf(extra=b"a" * 700_000))
    with pytest.raises(DomainError, match="past its 1 MB of space"):
        add(portfolio, pdf(extra=b"b" * 700_000), title="Second")
    assert Evidence.objects.count() == 1


def test_submission_is_refused_until_every_competency_is_documented(portfolio):
    with pytest.raises(DomainError, match=r"Competency 1: write how your work shows it\."):
        services.portfolio_submit(portfolio, by=portfolio.candidacy.user)
    assert Portfolio.objects.get(pk=portfolio.pk).status == Portfolio.Status.DRAFT


def test_submit_freezes_the_round_locks_and_moves_the_set(
    portfolio, progress, mailoutbox, django_capture_on_commit_callbacks
):
    evidence = complete(portfolio)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.portfolio_submit(portfolio, by=portfolio.candidacy.user)
        services.portfolio_submit(portfolio, by=portfolio.candidacy.user)  # a double click
    assert submitted.status == Portfolio.Status.SUBMITTED
    snapshot = PortfolioSubmission.objects.get()
    assert snapshot.round == 1
    assert [row["number"] for row in snapshot.content] == list(range(1, 9))
    assert {row["narrative"] for row in snapshot.content} == {
        "At my library I catalogued 300 items a month."
    }
    assert list(snapshot.evidence.all()) == [evidence]
    evidence.refresh_from_db()
    assert evidence.in_submission is True
    progress.refresh_from_db()
    assert (progress.status, progress.route) == (SetProgress.Status.SUBMITTED, "portfolio")
    assert [m.subject for m in mailoutbox] == [
        "Your Cataloging and Classification portfolio was submitted"
    ]
    with pytest.raises(DomainError, match="cannot be changed"):
        services.learning_statement_save(
            portfolio, text="Edited later", by=portfolio.candidacy.user
        )
    assert PortfolioSubmission.objects.get().learning_statement == "This set matters to my work."


def test_only_this_portfolios_evidence_can_be_cited(portfolio, candidacy):
    other = candidacy_with_progress(user__email="other@example.org")
    row = other.sets.get(competency_set__code="cataloging-classification")
    candidate_services.set_progress_choose_route(row, route="portfolio", by=other.user)
    theirs = add(
        services.portfolio_start(other, competency_set=row.competency_set, by=other.user),
        pdf(extra=b"x"),
    )
    response = portfolio.responses.first()
    services.response_save(
        portfolio,
        competency_id=response.competency_id,
        narrative="n",
        evidence_ids=[theirs.pk],
        by=candidacy.user,
    )
    assert list(response.evidence.all()) == []


def test_evidence_in_a_submitted_round_cannot_be_removed(portfolio):
    evidence = complete(portfolio)
    services.portfolio_submit(portfolio, by=portfolio.candidacy.user)
    with pytest.raises(DomainError):
        services.evidence_remove(evidence, by=portfolio.candidacy.user)
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_office_and_text_files_are_accepted_as_evidence(portfolio):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<w/>")
    sheet = add(portfolio, SimpleUploadedFile("stats.xlsx", buffer.getvalue()), title="Stats")
    notes = add(portfolio, SimpleUploadedFile("notes.txt", b"Shelf reading notes\n"), title="Notes")
    assert (sheet.file_type, notes.file_type) == ("xlsx", "txt")
