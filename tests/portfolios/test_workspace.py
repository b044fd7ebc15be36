"""The portfolio workspace and its editors: starting, saving narratives (plain and autosave),
attaching evidence, submitting, and what a locked portfolio refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates import services as candidate_services
from candidates.models import SetProgress
from portfolios import services
from portfolios.models import Evidence, Portfolio, PortfolioStatusChange
from tests.factories import SMALL_PDF, candidacy_with_progress

pytestmark = pytest.mark.django_db

AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}


@pytest.fixture
def candidacy(db):
    return candidacy_with_progress(user__email="writer@example.org")


def choose_portfolio(candidacy, code="cataloging-classification"):
    row = candidacy.sets.select_related("competency_set").get(competency_set__code=code)
    return candidate_services.set_progress_choose_route(row, route="portfolio", by=candidacy.user)


def start(candidacy, code="cataloging-classification"):
    progress = choose_portfolio(candidacy, code)
    return services.portfolio_start(
        candidacy, competency_set=progress.competency_set, by=candidacy.user
    )


@pytest.fixture
def portfolio(candidacy):
    return start(candidacy)


@pytest.fixture
def owner(client, candidacy):
    client.force_login(candidacy.user)
    return client


def add_evidence(portfolio, title="Cataloguing log", extra=b""):
    return services.evidence_add(
        portfolio,
        upload=SimpleUploadedFile(f"{title}.pdf", SMALL_PDF + extra),
        title=title,
        kind=Evidence.Kind.PRIMARY,
        description="",
        by=portfolio.candidacy.user,
    )


def complete(portfolio):
    evidence = add_evidence(portfolio)
    for response in portfolio.responses.all():
        services.response_save(
            portfolio,
            competency_id=response.competency_id,
            narrative="I catalogued 300 items a month.",
            evidence_ids=[evidence.pk],
            by=portfolio.candidacy.user,
        )
    services.learning_statement_save(
        portfolio, text="I learned a lot.", by=portfolio.candidacy.user
    )
    return evidence


def response_url(portfolio, number):
    return reverse("portfolios:response", args=[portfolio.pk, number])


# --- Starting -----------------------------------------------------------------------------


def test_set_page_offers_start_and_the_button_creates_the_portfolio(owner, candidacy):
    # An elective shows its next step once chosen.
    candidacy.sets.filter(competency_set__code="cataloging-classification").update(chosen=True)
    choose_portfolio(candidacy)
    page = owner.get(reverse("candidates:set_detail", args=["cataloging-classification"]))
    start_url = reverse("portfolios:start", args=["cataloging-classification"])
    assert f'action="{start_url}"' in page.content.decode()
    assert "Start your portfolio" in page.content.decode()

    response = owner.post(start_url)

    portfolio = Portfolio.objects.get(candidacy=candidacy)
    assert response.status_code == 302
    assert response.url == reverse("portfolios:workspace", args=[portfolio.pk])
    assert portfolio.responses.count() == 8
    page = owner.get(reverse("candidates:set_detail", args=["cataloging-classification"]))
    assert "Open your portfolio" in page.content.decode()


def test_start_twice_opens_the_same_portfolio(owner, portfolio):
    response = owner.post(reverse("portfolios:start", args=["cataloging-classification"]))
    assert response.url == reverse("portfolios:workspace", args=[portfolio.pk])
    assert Portfolio.objects.count() == 1


def test_start_refused_without_the_portfolio_route(owner, candidacy):
    response = owner.post(reverse("portfolios:start", args=["cataloging-classification"]))
    assert response.url == reverse("candidates:set_detail", args=["cataloging-classification"])
    assert Portfolio.objects.count() == 0
    page = owner.get(response.url)
    assert "Choose the portfolio route for" in page.content.decode()


def test_start_is_post_only(owner, candidacy):
    choose_portfolio(candidacy)
    response = owner.get(reverse("portfolios:start", args=["cataloging-classification"]))
    assert response.status_code == 405


# --- Workspace ----------------------------------------------------------------------------


def test_workspace_shows_progress_and_the_checklist(owner, portfolio):
    evidence = add_evidence(portfolio)
    first = portfolio.responses.get(competency__number=1)
    services.response_save(
        portfolio,
        competency_id=first.competency_id,
        narrative="I catalogued 300 items a month.",
        evidence_ids=[evidence.pk],
        by=portfolio.candidacy.user,
    )

    page = owner.get(reverse("portfolios:workspace", args=[portfolio.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["progress_text"] == "1 of 8 competencies documented"
    assert [item["text"] for item in page.context["checklist"]] == services.portfolio_missing(
        portfolio
    )
    assert page.context["checklist"][0] == {
        "text": "Competency 2: write how your work shows it.",
        "url": response_url(portfolio, 2),
    }
    assert page.context["checklist"][-1] == {
        "text": "Write your personal learning statement.",
        "url": reverse("portfolios:statement", args=[portfolio.pk]),
    }
    assert "1 of 8 competencies documented" in html
    assert "Not written yet" in html
    assert "Cataloguing log" in html
    assert reverse("portfolios:evidence", args=[portfolio.pk]) in html
    assert reverse("portfolios:submit", args=[portfolio.pk]) in html
    assert "locks your portfolio" in html


# --- Narratives ---------------------------------------------------------------------------


def test_narrative_saved_by_a_plain_post_then_next_competency(owner, portfolio):
    evidence = add_evidence(portfolio)

    response = owner.post(
        response_url(portfolio, 1),
        {"narrative": "I run the copy cataloguing desk.", "evidence": [evidence.pk], "next": "1"},
    )

    assert response.status_code == 302
    assert response.url == response_url(portfolio, 2)
    saved = portfolio.responses.get(competency__number=1)
    assert saved.narrative == "I run the copy cataloguing desk."
    assert list(saved.evidence.all()) == [evidence]


def test_narrative_saved_by_a_plain_post_stays_on_the_page(owner, portfolio):
    response = owner.post(response_url(portfolio, 3), {"narrative": "Draft.", "save": "1"})
    assert response.url == response_url(portfolio, 3)
    assert portfolio.responses.get(competency__number=3).narrative == "Draft."


def test_narrative_autosave_answers_json(owner, portfolio):
    response = owner.post(response_url(portfolio, 1), {"narrative": "Half a thought"}, **AJAX)

    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True
    assert body["summary"]["progress"] == "0 of 8 competencies documented"
    assert body["summary"]["missing"] == services.portfolio_missing(portfolio)
    assert portfolio.responses.get(competency__number=1).narrative == "Half a thought"


def test_response_editor_shows_the_statement_and_library_checkboxes(owner, portfolio):
    add_evidence(portfolio, title="Shelf list")
    page = owner.get(response_url(portfolio, 1))
    html = page.content.decode()
    competency = portfolio.responses.get(competency__number=1).competency
    assert competency.statement in html
    assert "Shelf list (Primary: my own work)" in html
    assert "data-portfolio-autosave" in html


def test_evidence_from_another_portfolio_is_refused(owner, portfolio):
    other = start(candidacy_with_progress(user__email="someone@example.org"))
    theirs = add_evidence(other, title="Not mine")

    response = owner.post(
        response_url(portfolio, 1), {"narrative": "Mine.", "evidence": [theirs.pk]}, **AJAX
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "evidence": ["Choose evidence from your own evidence library."]
    }
    saved = portfolio.responses.get(competency__number=1)
    assert (saved.narrative, list(saved.evidence.all())) == ("", [])


def test_invalid_plain_post_keeps_the_text(owner, portfolio):
    response = owner.post(response_url(portfolio, 1), {"narrative": "Keep me", "evidence": ["x"]})
    assert response.status_code == 400
    assert "Keep me" in response.content.decode()
    assert "Choose evidence from your own evidence library." in response.content.decode()


def test_learning_statement_saved(owner, portfolio):
    url = reverse("portfolios:statement", args=[portfolio.pk])
    response = owner.post(url, {"learning_statement": "I learned to teach."})
    assert response.url == reverse("portfolios:workspace", args=[portfolio.pk])
    portfolio.refresh_from_db()
    assert portfolio.learning_statement == "I learned to teach."
    autosaved = owner.post(url, {"learning_statement": "Better."}, **AJAX)
    assert autosaved.json()["saved"] is True
    portfolio.refresh_from_db()
    assert portfolio.learning_statement == "Better."


# --- Submission ---------------------------------------------------------------------------


def test_submit_refused_with_the_exact_list(owner, portfolio):
    evidence = add_evidence(portfolio)
    for response in portfolio.responses.exclude(competency__number=2):
        services.response_save(
            portfolio,
            competency_id=response.competency_id,
            narrative="Done.",
            evidence_ids=[evidence.pk],
            by=portfolio.candidacy.user,
        )

    response = owner.post(reverse("portfolios:submit", args=[portfolio.pk]))

    assert response.status_code == 400
    assert response.context["refused"] == [
        "Competency 2: write how your work shows it.",
        "Competency 2: attach at least one piece of evidence.",
        "Write your personal learning statement.",
    ]
    assert "Competency 2: attach at least one piece of evidence." in response.content.decode()
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.DRAFT


def test_submit_locks_records_history_and_mails(
    owner, portfolio, mailoutbox, django_capture_on_commit_callbacks
):
    complete(portfolio)

    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(reverse("portfolios:submit", args=[portfolio.pk]), follow=True)

    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED
    assert response.redirect_chain == [(reverse("portfolios:workspace", args=[portfolio.pk]), 302)]
    assert "Submitted: your portfolio is locked while it is evaluated." in response.content.decode()
    assert [m.subject for m in mailoutbox] == [
        f"Your {portfolio.competency_set.name} portfolio was submitted"
    ]
    progress = portfolio.candidacy.sets.get(competency_set=portfolio.competency_set)
    assert progress.status == SetProgress.Status.SUBMITTED
    assert reverse("portfolios:submit", args=[portfolio.pk]) not in response.content.decode()
    assert reverse("portfolios:submitted", args=[portfolio.pk]) in response.content.decode()


def test_double_submit_makes_one_status_change(
    owner, portfolio, mailoutbox, django_capture_on_commit_callbacks
):
    complete(portfolio)
    url = reverse("portfolios:submit", args=[portfolio.pk])

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(url)
        second = owner.post(url, follow=True)

    changes = PortfolioStatusChange.objects.filter(portfolio=portfolio)
    assert list(changes.values_list("new_status", flat=True)) == ["draft", "submitted"]
    assert portfolio.submissions.count() == 1
    assert len(mailoutbox) == 1
    assert "Already submitted" in second.content.decode()


def test_submit_is_post_only(owner, portfolio):
    assert owner.get(reverse("portfolios:submit", args=[portfolio.pk])).status_code == 405


def test_replayed_narrative_post_on_a_locked_portfolio_is_refused(owner, portfolio):
    complete(portfolio)
    services.portfolio_submit(portfolio, by=portfolio.candidacy.user)

    response = owner.post(
        response_url(portfolio, 1), {"narrative": "Sneaky change", "save": "1"}, follow=True
    )

    assert "This portfolio is submitted, so it cannot be changed." in response.content.decode()
    assert portfolio.responses.get(competency__number=1).narrative == (
        "I catalogued 300 items a month."
    )
    autosave = owner.post(response_url(portfolio, 1), {"narrative": "Sneaky"}, **AJAX)
    assert autosave.status_code == 409
    assert autosave.json() == {
        "saved": False,
        "locked": True,
        "message": "This portfolio is submitted, so it cannot be changed.",
    }


def test_replayed_statement_post_on_a_locked_portfolio_is_refused(owner, portfolio):
    complete(portfolio)
    services.portfolio_submit(portfolio, by=portfolio.candidacy.user)
    url = reverse("portfolios:statement", args=[portfolio.pk])

    response = owner.post(url, {"learning_statement": "Changed"}, follow=True)

    assert "This portfolio is submitted, so it cannot be changed." in response.content.decode()
    portfolio.refresh_from_db()
    assert portfolio.learning_statement == "I learned a lot."


def test_locked_editor_is_read_only(owner, portfolio):
    complete(portfolio)
    services.portfolio_submit(portfolio, by=portfolio.candidacy.user)

    page = owner.get(response_url(portfolio, 1))

    html = page.content.decode()
    assert "This portfolio is submitted, so it cannot be changed." in html
    assert "<textarea" not in html
    assert "I catalogued 300 items a month." in html


def test_submitted_page_shows_the_frozen_round(owner, portfolio):
    complete(portfolio)
    services.portfolio_submit(portfolio, by=portfolio.candidacy.user)

    page = owner.get(reverse("portfolios:submitted", args=[portfolio.pk]))

    assert page.status_code == 200
    assert len(page.context["competencies"]) == 8
    assert [e.title for e in page.context["competencies"][0]["evidence_items"]] == [
        "Cataloguing log"
    ]
    assert "I learned a lot." in page.content.decode()


# --- Query counts -------------------------------------------------------------------------


def _workspace_queries(client, portfolio) -> int:
    url = reverse("portfolios:workspace", args=[portfolio.pk])
    client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_workspace_queries_do_not_grow_with_competencies(client, candidacy):
    small = start(candidacy, "cataloging-classification")
    large = start(candidacy, "supervision-management")
    assert (small.responses.count(), large.responses.count()) == (8, 16)
    client.force_login(candidacy.user)
    assert _workspace_queries(client, small) == _workspace_queries(client, large)


def test_workspace_queries_do_not_grow_with_evidence(client, candidacy):
    one = start(candidacy, "cataloging-classification")
    many = start(candidacy, "supervision-management")
    for portfolio, count in ((one, 1), (many, 20)):
        items = [add_evidence(portfolio, f"File {i}", extra=b"%" * i) for i in range(count)]
        for response in portfolio.responses.all():
            services.response_save(
                portfolio,
                competency_id=response.competency_id,
                narrative="Text.",
                evidence_ids=[item.pk for item in items],
                by=candidacy.user,
            )
    client.force_login(candidacy.user)
    assert _workspace_queries(client, one) == _workspace_queries(client, many)
