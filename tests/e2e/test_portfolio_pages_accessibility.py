"""axe-core finds no serious or critical problem on the portfolio pages (the workspace, the
competency and statement editors, the evidence library and its remove page, the submitted
portfolio and the staff's read-only view), in their empty, filled-in and error states, and
each page has exactly one <h1>.

The data is made through the services; the browser is signed in with a session cookie
(`sign_in`), as the login form is tested elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from candidates import services as candidate_services
from portfolios import services
from tests.e2e.conftest import labelled, sign_in
from tests.factories import SMALL_PDF, UserFactory, candidacy_with_progress

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SET_CODE = "cataloging-classification"
# Not text, not any allowed kind: refused whatever its name says. (A plain-text file named
# .pdf is accepted, as plain text is an allowed kind, and stored as .txt.)
NOT_A_PDF = b"\x00\x01\x02\x03 this is no PDF \xff\xfe\xfd"


@dataclass
class Visitor:
    """Who is signed in, and the ids their pages' paths are filled in with."""

    user: object
    ids: dict = field(default_factory=dict)


def _portfolio():
    """A candidate's freshly started Cataloging and Classification portfolio."""
    candidacy = candidacy_with_progress(user__first_name="Casey")
    user = candidacy.user
    row = candidacy.sets.select_related("competency_set").get(competency_set__code=SET_CODE)
    candidate_services.set_progress_choose_electives(
        candidacy, set_ids=[row.competency_set_id], by=user
    )
    candidate_services.set_progress_choose_route(row, route="portfolio", by=user)
    return services.portfolio_start(candidacy, competency_set=row.competency_set, by=user)


def _add_evidence(portfolio):
    return services.evidence_add(
        portfolio,
        upload=ContentFile(SMALL_PDF, name="authority-records.pdf"),
        title="Authority records I created",
        kind="primary",
        description="Twelve name authority records, with my notes.",
        by=portfolio.candidacy.user,
    )


def _complete(portfolio, evidence):
    user = portfolio.candidacy.user
    for response in portfolio.responses.all():
        services.response_save(
            portfolio,
            competency_id=response.competency_id,
            narrative=f"How I do competency {response.competency_id} at work.",
            evidence_ids=[evidence.pk],
            by=user,
        )
    services.learning_statement_save(portfolio, text="What cataloging taught me.", by=user)


def empty_candidate() -> Visitor:
    """A candidate whose portfolio has nothing in it yet."""
    portfolio = _portfolio()
    return Visitor(portfolio.candidacy.user, {"pk": portfolio.pk})


def candidate_with_a_file() -> Visitor:
    """A candidate with one file in the library, cited by competency 1."""
    portfolio = _portfolio()
    evidence = _add_evidence(portfolio)
    first = portfolio.responses.order_by("competency__number").first()
    services.response_save(
        portfolio,
        competency_id=first.competency_id,
        narrative="I catalog new fiction every week.",
        evidence_ids=[evidence.pk],
        by=portfolio.candidacy.user,
    )
    return Visitor(portfolio.candidacy.user, {"pk": portfolio.pk, "evidence": evidence.pk})


def candidate_who_submitted() -> Visitor:
    portfolio = _portfolio()
    _complete(portfolio, _add_evidence(portfolio))
    services.portfolio_submit(portfolio, by=portfolio.candidacy.user)
    return Visitor(portfolio.candidacy.user, {"pk": portfolio.pk})


def staff() -> Visitor:
    """Program staff (with MFA) and a candidate's draft portfolio with one file."""
    portfolio = _portfolio()
    _add_evidence(portfolio)
    member = UserFactory(email="sam.staff@example.org", first_name="Sam", program_staff=True)
    return Visitor(member, {"pk": portfolio.pk})


# --- What is done on the page before it is scanned --------------------------------------------


def submit_too_early(page: Page) -> None:
    page.get_by_role("button", name="Submit and lock my portfolio").click()
    refused = page.locator("#refused")
    expect(refused).to_contain_text("Before you can submit:")
    expect(refused).to_contain_text("Competency 1: write how your work shows it.")
    expect(refused).to_contain_text("Write your personal learning statement.")


def library_is_empty(page: Page) -> None:
    expect(page.get_by_role("main")).to_contain_text("No evidence yet")


def library_lists_the_file(page: Page) -> None:
    row = page.get_by_role("row").filter(has_text="Authority records I created")
    expect(row).to_contain_text("Competency 1")


def upload_a_file_that_is_not_a_pdf(page: Page) -> None:
    labelled(page, "File").set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": NOT_A_PDF}
    )
    page.get_by_role("button", name="Upload the file").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("whatever its name says")


def page_is_locked(page: Page) -> None:
    expect(page.get_by_role("main")).to_contain_text("as submitted")


def staff_sees_it_read_only(page: Page) -> None:
    expect(page.get_by_role("main")).to_contain_text(
        "You are viewing this portfolio as program staff: it is read-only."
    )
    expect(page.get_by_role("button", name="Submit and lock my portfolio")).to_have_count(0)


PAGES = [
    pytest.param(empty_candidate, "/portfolios/{pk}/", None, id="workspace-empty"),
    pytest.param(empty_candidate, "/portfolios/{pk}/", submit_too_early, id="workspace-refused"),
    pytest.param(empty_candidate, "/portfolios/{pk}/competencies/1/", None, id="competency-empty"),
    pytest.param(candidate_with_a_file, "/portfolios/{pk}/competencies/1/", None, id="competency"),
    pytest.param(empty_candidate, "/portfolios/{pk}/statement/", None, id="statement"),
    pytest.param(
        empty_candidate, "/portfolios/{pk}/evidence/", library_is_empty, id="library-empty"
    ),
    pytest.param(
        candidate_with_a_file, "/portfolios/{pk}/evidence/", library_lists_the_file, id="library"
    ),
    pytest.param(
        empty_candidate,
        "/portfolios/{pk}/evidence/",
        upload_a_file_that_is_not_a_pdf,
        id="library-upload-error",
    ),
    pytest.param(
        candidate_with_a_file,
        "/portfolios/{pk}/evidence/{evidence}/remove/",
        None,
        id="evidence-remove",
    ),
    pytest.param(
        candidate_who_submitted, "/portfolios/{pk}/submitted/", page_is_locked, id="submitted"
    ),
    pytest.param(
        candidate_who_submitted, "/portfolios/{pk}/competencies/1/", None, id="competency-locked"
    ),
    pytest.param(staff, "/portfolios/{pk}/", staff_sees_it_read_only, id="staff-workspace"),
]


@pytest.mark.parametrize(("who", "path", "then"), PAGES)
def test_portfolio_page_has_one_h1_and_no_serious_accessibility_problem(
    live_server, page: Page, assert_accessible, who, path, then
):
    person = who()
    sign_in(page.context, live_server, person.user)
    url = f"{live_server.url}{path.format(**person.ids)}"

    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    expect(page).to_have_url(url)  # not sent to log in or to set up two-factor authentication
    if then:
        then(page)

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
