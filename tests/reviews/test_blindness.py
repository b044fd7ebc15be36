"""Blind review: every page an evaluator sees names the portfolio by its candidacy number
only, never the candidate's name, email or library, and shows another evaluator's ratings
(by role, never by name) only once both evaluators have submitted."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lssc.program.models import CompetencySet
from portfolios.models import Evidence
from reviews.letters import thank_you_letter_context
from reviews.models import Assignment
from reviews.queues import reviews_submitted_in
from tests.factories import (
    ApplicationFactory,
    EvaluatorFactory,
    UserFactory,
    candidacy_with_progress,
    rate_all,
)
from tests.reviews.test_rating_pages import accept, make_round, url

pytestmark = pytest.mark.django_db

FIRST_NAME = "Zephyrine"
LAST_NAME = "Quillfeather"
PREFERRED = "Zephy"
EMAIL = "zephyrine.quillfeather@marrowmere.example.org"
LIBRARY = "Marrowmere Athenaeum"
SECRET = [FIRST_NAME, LAST_NAME, PREFERRED, EMAIL, LIBRARY, "marrowmere"]
OTHER_COMMENT = "A private remark from the second reader."


@pytest.fixture
def identified_round(evaluator, other_evaluator, staff):
    user = UserFactory(
        first_name=FIRST_NAME, last_name=LAST_NAME, preferred_name=PREFERRED, email=EMAIL
    )
    application = ApplicationFactory(
        user=user,
        legal_name=f"{FIRST_NAME} {LAST_NAME}",
        library_name=LIBRARY,
        state="Oregon",
        city="Marrowmere",
    )
    candidacy = candidacy_with_progress(user=user, application=application)
    other_evaluator.first_name, other_evaluator.last_name = "Octavius", "Brindlewood"
    other_evaluator.save()
    found = make_round(evaluator, other_evaluator, staff, candidacy)
    # The candidate's own file name may carry their name; the evaluator never sees it.
    Evidence.objects.filter(portfolio=found.portfolio).update(
        original_name=f"{LAST_NAME}-{FIRST_NAME}-work-log.pdf"
    )
    return found


def assert_blind(html: str, number: str, where: str):
    for secret in SECRET:
        assert secret.lower() not in html.lower(), f"{secret!r} shown on {where}"
    assert number in html, f"the candidacy number is missing on {where}"


def assert_no_other_evaluator(html: str, where: str):
    for secret in ("Octavius", "Brindlewood", "other.evaluator@example.org"):
        assert secret not in html, f"{secret!r} shown on {where}"


def test_no_evaluator_page_reveals_who_the_candidate_is(client, evaluator, identified_round):
    r = identified_round
    number = r.portfolio.candidacy.number
    client.force_login(evaluator)
    first = r.numbers[0]
    pages = {}

    pages["home, offered"] = client.get(reverse("reviews:home"))
    pages["offer"] = client.get(url("assignment", r.mine))
    accept(r.mine)
    pages["home, accepted"] = client.get(reverse("reviews:home"))
    pages["review sheet"] = client.get(url("assignment", r.mine))
    pages["rate"] = client.get(url("rate", r.mine, first))
    pages["rate, refused"] = client.post(url("rate", r.mine, first), {"value": "partial"})
    for number_ in r.numbers:
        client.post(url("rate", r.mine, number_), {"value": "met"})
    pages["submit confirm"] = client.post(url("assignment_submit", r.mine))
    client.post(url("assignment_submit", r.mine), {"confirm": "1"})
    pages["home, submitted"] = client.get(reverse("reviews:home"))
    pages["submitted sheet"] = client.get(url("assignment", r.mine))
    pages["submitted rate"] = client.get(url("rate", r.mine, first))
    rate_all(r.theirs, "met", values={first: "partial"}, comment=OTHER_COMMENT)
    pages["sheet with the other's ratings"] = client.get(url("assignment", r.mine))
    pages["rate with the other's ratings"] = client.get(url("rate", r.mine, first))

    for where, response in pages.items():
        assert response.status_code in (200, 400), where
        html = response.content.decode()
        assert_blind(html, number, where)
        assert_no_other_evaluator(html, where)
    assert "The other evaluator:" in pages["sheet with the other's ratings"].content.decode()

    evidence = r.submission.evidence.get()
    download = client.get(url("evidence", r.mine, evidence.pk))
    assert download["Content-Disposition"] == f'attachment; filename="evidence-{evidence.pk}.pdf"'
    letter = render_to_string(
        "reviews/thank_you_letter_pdf.html",
        thank_you_letter_context(
            evaluator,
            timezone.localdate().year,
            reviews_submitted_in(evaluator, timezone.localdate().year),
        ),
    )
    for secret in SECRET:
        assert secret.lower() not in letter.lower()


def test_a_stale_form_page_after_withdrawal_reveals_nothing(
    client, evaluator, staff, identified_round
):
    from reviews import services

    r = identified_round
    accept(r.mine)
    services.assignment_withdraw(r.mine, reason="x", by=staff)
    client.force_login(evaluator)

    response = client.post(url("rate", r.mine, r.numbers[0]), {"value": "met"})

    html = response.content.decode()
    for secret in SECRET:
        assert secret.lower() not in html.lower()
    assert "How my work shows competency" not in html


def test_the_other_evaluators_ratings_stay_hidden_until_both_have_submitted(
    client, evaluator, identified_round
):
    r = identified_round
    first = r.numbers[0]
    client.force_login(evaluator)
    rate_all(r.theirs, "met", values={first: "partial"}, comment=OTHER_COMMENT)

    accept(r.mine)
    while_rating = client.get(url("assignment", r.mine)).content.decode()
    rate_all(r.mine, "met")
    r.mine.refresh_from_db()
    assert r.mine.status == Assignment.Status.SUBMITTED
    after_both = client.get(url("assignment", r.mine)).content.decode()
    rate_page = client.get(url("rate", r.mine, first)).content.decode()

    assert OTHER_COMMENT not in while_rating
    assert "The other evaluator" not in while_rating.replace(
        "the other evaluator&#x27;s ratings", ""
    ).replace("The other evaluator&#x27;s ratings", "")
    assert f"<strong>The other evaluator:</strong> Partially met — {OTHER_COMMENT}" in after_both
    assert f"<strong>The other evaluator:</strong> Partially met — {OTHER_COMMENT}" in rate_page


def test_my_submitted_review_hides_the_other_ratings_while_they_are_still_rating(
    client, evaluator, identified_round
):
    r = identified_round
    client.force_login(evaluator)
    accept(r.theirs)
    first = r.numbers[0]
    from reviews import services

    services.rating_save(
        r.theirs,
        competency_id=r.submission.content[0]["competency_id"],
        value="partial",
        comment=OTHER_COMMENT,
        by=r.theirs.evaluator.user,
    )
    rate_all(r.mine, "met")

    sheet = client.get(url("assignment", r.mine)).content.decode()
    rate_page = client.get(url("rate", r.mine, first)).content.decode()

    for html in (sheet, rate_page):
        assert OTHER_COMMENT not in html
        assert "<strong>The other evaluator:</strong>" not in html
    assert "appear here once they have submitted too" in sheet


def test_an_adjudicator_sees_the_first_two_ratings_by_role_only_after_submitting(
    client, evaluator, other_evaluator, identified_round
):
    r = identified_round
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    third = EvaluatorFactory(
        qualified_sets=[technology],
        employer="Cedar Library",
        user__first_name="Thaddeus",
        user__last_name="Wexley",
    )
    first = r.numbers[0]
    rate_all(r.mine, "met")
    rate_all(r.theirs, "met", values={first: "not_met"}, comment=OTHER_COMMENT)
    adjudication = Assignment.objects.get(role=Assignment.Role.ADJUDICATOR)
    assert adjudication.evaluator == third
    client.force_login(third.user)

    accept(adjudication)
    before = client.get(url("assignment", adjudication)).content.decode()
    rate_all(adjudication, "met")
    after = client.get(url("assignment", adjudication)).content.decode()

    assert OTHER_COMMENT not in before
    assert "The first evaluator:" not in before
    assert f"Competency {first}" in after
    assert "<strong>The first evaluator:</strong> Met" in after
    assert f"<strong>The second evaluator:</strong> Not met — {OTHER_COMMENT}" in after
    assert_blind(after, r.portfolio.candidacy.number, "adjudicator sheet")
    assert_no_other_evaluator(after, "adjudicator sheet")
    for secret in (evaluator.last_name, evaluator.email):
        assert secret not in after
