"""A candidate earns an elective set by portfolio, in two sittings, through the real pages:
starts the portfolio from the set's page, uploads evidence (with the progress bar), writes
four narratives that autosave, leaves, comes back to find them, writes the rest and the
learning statement, submits, and finds the portfolio locked.

The candidacy, the elective choice and the portfolio route are made through the services (the
admission and route pages have their own journey); everything from the set page on is the UI.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from playwright.sync_api import Page, expect

from candidates import services as candidate_services
from lssc.core.models import EmailLog
from portfolios.models import Portfolio
from tests.e2e.conftest import labelled
from tests.factories import PASSWORD, SMALL_PDF, candidacy_with_progress

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "morgan.cataloguer@example.org"
SET_CODE = "cataloging-classification"
SET_NAME = "Cataloging and Classification"
EVIDENCE_TITLE = "Authority records I created, 2025"
EVIDENCE_LABEL = f"{EVIDENCE_TITLE} (Primary: my own work)"
NARRATIVE_LABEL = "How your work shows this competency"
STATEMENT = "Cataloging taught me to see the catalog through the eyes of the people who search it."
LOCKED = "Submitted: your portfolio is locked while it is evaluated."


def narrative(number: int) -> str:
    return f"Competency {number} in practice: at Peoria Public Library I did task {number}."


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def log_in(page: Page, email: str, password: str) -> None:
    main_nav(page).get_by_role("link", name="Log in").click()
    labelled(page, "Email").fill(email)
    labelled(page, "Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("main")).to_contain_text(f"You are logged in as {email}.")


def log_out(page: Page) -> None:
    main_nav(page).locator(".dropdown-toggle").click()
    page.get_by_role("link", name="Log out").click()
    page.get_by_role("main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("main")).to_contain_text("You have logged out.")


def open_set_page(page: Page) -> None:
    main_nav(page).get_by_role("link", name="My candidacy").click()
    expect(heading(page)).to_have_text("Your candidacy")
    page.get_by_role("table", name="Elective sets").get_by_role("link", name=SET_NAME).click()
    expect(heading(page)).to_have_text(SET_NAME)


@contextmanager
def autosave_carrying(page: Page, value: str):
    """Wait, after the block, for the background save whose form data includes `value`, and
    for the page to say it was saved."""

    def is_it(response) -> bool:
        request = response.request
        return (
            request.method == "POST"
            and request.headers.get("x-requested-with") == "XMLHttpRequest"
            and value in (request.post_data or "")
        )

    with page.expect_response(is_it) as answer:
        yield
    assert answer.value.json()["saved"] is True
    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved at")


def write_competency(page: Page, number: int) -> None:
    """On competency `number`'s page: the narrative and the evidence, saved in the background."""
    expect(heading(page)).to_have_text(f"Competency {number}")
    with autosave_carrying(page, narrative(number)):
        labelled(page, NARRATIVE_LABEL).fill(narrative(number))
        page.get_by_label(EVIDENCE_LABEL, exact=True).check()


def upload_with_progress(page: Page) -> list[dict]:
    """Upload SMALL_PDF from the library page; return what the upload status showed, as the
    script changed it (the page moves on as soon as the upload answers)."""
    seen: list[dict] = []
    page.expose_function("recordUploadStatus", lambda state: seen.append(state))
    page.evaluate(
        """() => {
            const status = document.querySelector("[data-upload-status]");
            const bar = status.querySelector("progress");
            const text = status.querySelector("[data-upload-text]");
            new MutationObserver(() => window.recordUploadStatus({
                shown: !status.hidden, value: bar.value, text: text.textContent,
            })).observe(text, {childList: true, characterData: true, subtree: true});
        }"""
    )
    labelled(page, "Title").fill(EVIDENCE_TITLE)
    expect(page.get_by_role("radio", name="Primary: my own work")).to_be_checked()
    labelled(page, "File").set_input_files(
        {"name": "authority-records.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}
    )
    page.get_by_role("button", name="Upload the file").click()
    expect(page.get_by_text(f"“{EVIDENCE_TITLE}” is now in your evidence library.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=EVIDENCE_TITLE)).to_be_visible()
    assert page.url.endswith("/evidence/")
    return seen


def test_candidate_writes_a_portfolio_in_two_sittings_submits_it_and_finds_it_locked(
    live_server, page: Page
):
    candidacy = candidacy_with_progress(user__email=EMAIL, user__first_name="Morgan")
    user = candidacy.user
    row = candidacy.sets.select_related("competency_set").get(competency_set__code=SET_CODE)
    # An elective counts (and offers its portfolio) only once chosen.
    candidate_services.set_progress_choose_electives(
        candidacy, set_ids=[row.competency_set_id], by=user
    )
    candidate_services.set_progress_choose_route(row, route="portfolio", by=user)
    numbers = list(
        row.competency_set.competencies.order_by("number").values_list("number", flat=True)
    )
    assert numbers == list(range(1, 9))

    # --- First sitting: start, upload evidence, four narratives ------------------------------
    page.goto(live_server.url)
    log_in(page, EMAIL, PASSWORD)
    open_set_page(page)
    page.get_by_role("button", name="Start your portfolio").click()
    expect(heading(page)).to_have_text(f"{SET_NAME} portfolio")
    expect(page.get_by_role("main")).to_contain_text(
        f"Your {SET_NAME} portfolio is ready. Start with any competency; your writing is saved "
        "as you go."
    )
    expect(page.locator('[data-summary="progress"]')).to_have_text("0 of 8 competencies documented")
    portfolio_url = page.url

    page.get_by_role("link", name="Open the evidence library").click()
    expect(heading(page)).to_have_text("Evidence library")
    expect(page.get_by_role("main")).to_contain_text("No evidence yet")
    seen = upload_with_progress(page)
    assert seen, "the upload status never changed"
    assert all(state["shown"] for state in seen), seen
    assert seen[-1] == {"shown": True, "value": 100, "text": "Uploaded; checking the file…"}
    row_in_library = page.get_by_role("row").filter(has_text=EVIDENCE_TITLE)
    expect(row_in_library).to_contain_text("authority-records.pdf")
    expect(row_in_library).to_contain_text("Not cited yet")

    page.get_by_role("link", name="Back to the portfolio").click()
    page.get_by_role("link", name="Competency 1", exact=True).click()
    for number in range(1, 5):
        write_competency(page, number)
        if number < 4:
            page.get_by_role("navigation", name="Other competencies").get_by_role(
                "link", name=f"Next: competency {number + 1}"
            ).click()

    # They leave without pressing Save: the background saves kept everything.
    page.get_by_role("link", name="LSSC", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    log_out(page)

    # --- Second sitting: the narratives are there; the rest, then submit ----------------------
    log_in(page, EMAIL, PASSWORD)
    open_set_page(page)
    page.get_by_role("button", name="Open your portfolio").click()
    expect(page).to_have_url(portfolio_url)
    expect(page.locator('[data-summary="progress"]')).to_have_text("4 of 8 competencies documented")
    for number in range(1, 9):
        card = page.locator(f"#competency-{number}")
        if number <= 4:
            expect(card).to_contain_text(f"Narrative: {narrative(number)}")
            expect(card).to_contain_text(f"Evidence: {EVIDENCE_TITLE}")
            expect(card.locator(".badge")).to_have_text("Documented")
        else:
            expect(card).to_contain_text("Narrative: Not written yet")
            expect(card.locator(".badge")).to_have_text("To do")
    page.get_by_role("link", name="Competency 1", exact=True).click()
    expect(labelled(page, NARRATIVE_LABEL)).to_have_value(narrative(1))
    expect(page.get_by_label(EVIDENCE_LABEL, exact=True)).to_be_checked()

    page.get_by_role("link", name="Back to the portfolio").click()
    page.get_by_role("link", name="Competency 5", exact=True).click()
    for number in range(5, 9):
        write_competency(page, number)
        if number < 8:
            page.get_by_role("navigation", name="Other competencies").get_by_role(
                "link", name=f"Next: competency {number + 1}"
            ).click()
    page.get_by_role("navigation", name="Other competencies").get_by_role(
        "link", name="Back to the portfolio"
    ).click()
    expect(page.locator('[data-summary="progress"]')).to_have_text("8 of 8 competencies documented")
    expect(page.get_by_role("heading", name="Still missing before you can submit")).to_be_visible()
    expect(page.locator('[data-summary="missing"]')).to_have_text(
        "Write your personal learning statement."
    )

    page.get_by_role("link", name="Write your learning statement").click()
    expect(heading(page)).to_have_text("Personal learning statement")
    with autosave_carrying(page, STATEMENT):
        labelled(page, "Your personal learning statement").fill(STATEMENT)
    page.get_by_role("button", name="Save and back to the portfolio").click()

    expect(heading(page)).to_have_text(f"{SET_NAME} portfolio")
    expect(page.get_by_role("heading", name="Ready to submit")).to_be_visible()
    page.get_by_role("button", name="Submit and lock my portfolio").click()

    expect(page).to_have_url(portfolio_url)
    expect(page.get_by_role("main")).to_contain_text(LOCKED)
    expect(page.get_by_role("main")).to_contain_text(
        "Your portfolio is submitted, so it is locked: you can read it but not change it."
    )
    expect(page.get_by_role("button", name="Submit and lock my portfolio")).to_have_count(0)

    # A competency page now only reads.
    page.get_by_role("link", name="Competency 3", exact=True).click()
    expect(heading(page)).to_have_text("Competency 3")
    main = page.get_by_role("main")
    expect(main).to_contain_text("This portfolio is submitted, so it cannot be changed.")
    expect(main).to_contain_text(narrative(3))
    expect(main.locator("textarea:not([disabled])")).to_have_count(0)
    expect(main.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(main.get_by_role("button", name="Save and next competency")).to_have_count(0)

    # And the dashboard shows the set as submitted.
    main_nav(page).get_by_role("link", name="My candidacy").click()
    set_row = page.get_by_role("table", name="Elective sets").locator(f'tr[data-set="{SET_CODE}"]')
    expect(set_row.locator(".badge-status")).to_have_text("Submitted")
    expect(set_row).to_contain_text("Wait for the evaluators’ decision.")

    portfolio = Portfolio.objects.get(candidacy=candidacy)
    assert portfolio.status == Portfolio.Status.SUBMITTED
    assert portfolio.learning_statement == STATEMENT
    assert list(
        EmailLog.objects.filter(to_email=EMAIL, kind="portfolio_submitted").values_list(
            "subject", flat=True
        )
    ) == [f"Your {SET_NAME} portfolio was submitted"]
