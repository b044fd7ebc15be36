"""The evaluator's pages: answering an offer, rating competencies, the overall comment,
submitting, evidence downloads and the yearly thank-you letter."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lssc.core.templatetags.lssc import deadline
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import services
from reviews.models import Assignment, AssignmentStatusChange, Rating
from tests.factories import SMALL_PDF, rate_all, submitted_portfolio

pytestmark = pytest.mark.django_db


def technology_set():
    return CompetencySet.objects.filter(code="technology").latest("pk")


def make_round(evaluator, other_evaluator, staff, candidacy=None):
    """A submitted Technology portfolio offered to `evaluator` (first) and `other_evaluator`
    (second), both qualified, at different libraries from each other."""
    for user, employer in ((evaluator, "Oak Street Library"), (other_evaluator, "Elm Library")):
        profile = user.evaluator_profile
        profile.employer = employer
        profile.capacity_per_quarter = 20
        profile.save()
        profile.qualified_sets.set([technology_set()])
    portfolio = submitted_portfolio(candidacy)
    submission = portfolio.submissions.get()
    offers = services.assignment_auto_assign(submission, by=staff)
    mine = next(a for a in offers if a.evaluator.user_id == evaluator.pk)
    theirs = next(a for a in offers if a.evaluator.user_id == other_evaluator.pk)
    numbers = [item["number"] for item in submission.content]
    return SimpleNamespace(
        portfolio=portfolio, submission=submission, mine=mine, theirs=theirs, numbers=numbers
    )


def accept(assignment):
    return services.assignment_accept(assignment, by=assignment.evaluator.user)


def rate(assignment, number, value="met", comment=""):
    item = next(i for i in assignment.submission.content if i["number"] == number)
    return services.rating_save(
        assignment,
        competency_id=item["competency_id"],
        value=value,
        comment=comment,
        by=assignment.evaluator.user,
    )


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, assignment, *args):
    return reverse(f"reviews:{name}", args=[assignment.pk, *args])


@pytest.fixture
def round_(evaluator, other_evaluator, staff):
    return make_round(evaluator, other_evaluator, staff)


@pytest.fixture
def signed_in(client, evaluator):
    client.force_login(evaluator)
    return client


# --- The offer ----------------------------------------------------------------------------


def test_offer_page_shows_what_is_asked_and_does_nothing_on_get(signed_in, round_):
    response = signed_in.get(url("assignment", round_.mine))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Will you rate this Technology portfolio?" in html
    assert "First evaluator" in html
    assert f"{deadline(round_.mine.due_on)}" in html
    assert "US Central" in html
    assert f'<dd class="col-sm-8">{len(round_.numbers)}</dd>' in html
    assert f'action="{url("assignment_accept", round_.mine)}"' in html
    assert f'action="{url("assignment_decline", round_.mine)}"' in html
    assert round_.portfolio.candidacy.number in html
    # Not accepted yet, so the portfolio itself stays closed.
    assert "How my work shows competency" not in html
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.OFFERED
    assert list(round_.mine.status_changes.values_list("new_status", flat=True)) == ["offered"]


def test_accept_opens_the_portfolio_and_says_so(signed_in, round_):
    response = signed_in.post(url("assignment_accept", round_.mine))

    assert response.status_code == 302
    assert response.url == url("assignment", round_.mine)
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.ACCEPTED
    assert round_.mine.responded_at is not None
    round_.portfolio.refresh_from_db()
    assert round_.portfolio.status == Portfolio.Status.UNDER_REVIEW
    [message] = messages_of(response)
    assert message.startswith(
        f"You accepted Technology portfolio {round_.portfolio.candidacy.number}."
    )
    assert deadline(round_.mine.due_on) in message


def test_accepting_twice_changes_nothing_the_second_time(signed_in, round_):
    signed_in.post(url("assignment_accept", round_.mine))
    response = signed_in.post(url("assignment_accept", round_.mine))

    assert response.status_code == 302
    assert list(
        AssignmentStatusChange.objects.filter(assignment=round_.mine).values_list(
            "new_status", flat=True
        )
    ) == ["offered", "accepted"]


def test_decline_with_a_reason_records_it_and_tells_staff(
    signed_in, round_, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            url("assignment_decline", round_.mine), {"reason": "I know this library well."}
        )

    assert response.status_code == 302
    assert response.url == reverse("reviews:home")
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.DECLINED
    assert round_.mine.status_changes.latest("pk").note == "I know this library well."
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert mailoutbox[0].subject == "A Technology portfolio needs another evaluator"
    [message] = messages_of(response)
    assert message.startswith(
        f"You declined Technology portfolio {round_.portfolio.candidacy.number}."
    )
    assert signed_in.get(url("assignment", round_.mine)).status_code == 404


def test_decline_without_a_reason_is_fine(signed_in, round_):
    signed_in.post(url("assignment_decline", round_.mine), {"reason": ""})

    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.DECLINED
    assert round_.mine.status_changes.latest("pk").note == "Declined."


def test_declining_an_accepted_assignment_is_refused_with_the_message(signed_in, round_):
    accept(round_.mine)

    response = signed_in.post(url("assignment_decline", round_.mine), {"reason": "Busy."})

    assert response.status_code == 302
    assert response.url == url("assignment", round_.mine)
    assert messages_of(response) == [
        "Only an offer can be declined; ask program staff to withdraw you."
    ]
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.ACCEPTED


# --- The review sheet ---------------------------------------------------------------------


def test_accepted_page_shows_the_frozen_portfolio_with_rate_links_and_what_is_missing(
    signed_in, round_
):
    accept(round_.mine)
    rate(round_.mine, round_.numbers[0], "met")

    response = signed_in.get(url("assignment", round_.mine))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f"Technology portfolio {round_.portfolio.candidacy.number}</h1>" in html
    assert "What I learned." in html
    evidence = round_.submission.evidence.get()
    assert html.count(f'href="{url("evidence", round_.mine, evidence.pk)}"') == len(round_.numbers)
    for number in round_.numbers:
        assert f"How my work shows competency {number}." in html
        assert f'href="{url("rate", round_.mine, number)}"' in html
    assert f"Rated 1 of {len(round_.numbers)}." in html
    assert "Your rating: Met" in html
    assert response.context["missing"] == [
        f"Competency {n}: choose a rating." for n in round_.numbers[1:]
    ]
    assert f'action="{url("assignment_submit", round_.mine)}"' in html


# --- Rating one competency ----------------------------------------------------------------


def test_rate_page_shows_the_competency_and_an_empty_form(signed_in, round_):
    accept(round_.mine)
    first = round_.numbers[0]

    response = signed_in.get(url("rate", round_.mine, first))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f"How my work shows competency {first}." in html
    assert "Work log" in html
    for index, value in enumerate(["met", "partial", "not_met"]):
        assert f'name="value" value="{value}"  id="id_value_{index}"' in html
    assert 'for="id_value_1"' in html and "Partially met" in html
    assert "Required unless you choose Met" in html
    assert 'name="next"' in html and 'name="save"' in html


def test_save_and_next_saves_the_rating_and_opens_the_next_competency(signed_in, round_):
    accept(round_.mine)
    first, second = round_.numbers[:2]

    response = signed_in.post(
        url("rate", round_.mine, first), {"value": "partial", "comment": "Thin.", "next": "1"}
    )

    assert response.status_code == 302
    assert response.url == url("rate", round_.mine, second)
    rating = Rating.objects.get(assignment=round_.mine)
    assert (rating.competency.number, rating.value, rating.comment) == (first, "partial", "Thin.")
    assert messages_of(response) == [
        f"Competency {first}: rating saved. Here is competency {second}."
    ]


def test_save_stays_on_the_same_competency(signed_in, round_):
    accept(round_.mine)
    first = round_.numbers[0]

    response = signed_in.post(url("rate", round_.mine, first), {"value": "met", "save": "1"})

    assert response.status_code == 302
    assert response.url == url("rate", round_.mine, first)
    assert list(Rating.objects.values_list("value", "comment")) == [("met", "")]


def test_save_and_next_after_the_last_competency_goes_back_to_the_overview(signed_in, round_):
    accept(round_.mine)
    last = round_.numbers[-1]

    response = signed_in.post(url("rate", round_.mine, last), {"value": "met", "next": "1"})

    assert response.status_code == 302
    assert response.url == url("assignment", round_.mine)
    assert "That was the last competency" in messages_of(response)[0]


def test_a_comment_is_required_unless_met_shown_at_the_field_with_the_input_kept(signed_in, round_):
    accept(round_.mine)
    first = round_.numbers[0]

    response = signed_in.post(
        url("rate", round_.mine, first), {"value": "not_met", "comment": "   ", "next": "1"}
    )

    assert response.status_code == 400
    assert not Rating.objects.exists()
    form = response.context["form"]
    assert form.errors == {"comment": ["Add a comment: it is required unless you choose Met."]}
    html = response.content.decode()
    at_the_field = html[html.index('id="id_comment_error"') :][:300]
    assert "Add a comment: it is required unless you choose Met." in at_the_field
    assert 'name="value" value="not_met"  id="id_value_2" required checked' in html
    assert 'id="error-summary"' in html


def test_rating_a_competency_twice_updates_the_one_row(signed_in, round_):
    accept(round_.mine)
    first = round_.numbers[0]

    signed_in.post(url("rate", round_.mine, first), {"value": "not_met", "comment": "No."})
    signed_in.post(url("rate", round_.mine, first), {"value": "met", "comment": ""})

    assert list(
        Rating.objects.filter(assignment=round_.mine).values_list(
            "competency__number", "value", "comment"
        )
    ) == [(first, "met", "")]
    page = signed_in.get(url("rate", round_.mine, first))
    assert page.context["form"].initial == {"value": "met", "comment": ""}


def test_rating_an_offer_not_yet_accepted_sends_you_to_the_offer(signed_in, round_):
    response = signed_in.get(url("rate", round_.mine, round_.numbers[0]))

    assert response.status_code == 302
    assert response.url == url("assignment", round_.mine)


def test_rating_a_competency_outside_the_submission_is_404(signed_in, round_):
    accept(round_.mine)

    assert signed_in.get(url("rate", round_.mine, 99)).status_code == 404
    assert signed_in.post(url("rate", round_.mine, 99), {"value": "met"}).status_code == 404


# --- Overall comment and submission -------------------------------------------------------


def test_overall_comment_is_saved(signed_in, round_):
    accept(round_.mine)

    response = signed_in.post(url("overall", round_.mine), {"comment": "  A careful portfolio. "})

    assert response.status_code == 302
    assert response.url == url("assignment", round_.mine)
    round_.mine.refresh_from_db()
    assert round_.mine.overall_comment == "A careful portfolio."
    assert messages_of(response)[0].startswith("Overall comment: saved at ")


def test_submit_asks_to_confirm_then_locks_the_ratings(signed_in, round_):
    accept(round_.mine)
    for number in round_.numbers:
        rate(round_.mine, number, "met")

    confirm = signed_in.post(url("assignment_submit", round_.mine))

    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert html.count("<h1") == 1
    assert "locks your ratings" in html
    assert 'name="confirm"' in html
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.ACCEPTED

    response = signed_in.post(url("assignment_submit", round_.mine), {"confirm": "1"})

    assert response.status_code == 302
    assert response.url == url("assignment", round_.mine)
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.SUBMITTED
    assert round_.mine.submitted_at is not None
    assert messages_of(response) == [
        "Submitted: your ratings are locked and program staff have them. Thank you for your review."
    ]
    page = signed_in.get(url("assignment", round_.mine)).content.decode()
    assert "Your ratings are locked" in page
    assert 'action="' + url("rate", round_.mine, round_.numbers[0]) not in page


def test_submitting_with_a_rating_missing_is_refused_with_the_message(signed_in, round_):
    accept(round_.mine)
    for number in round_.numbers[:-1]:
        rate(round_.mine, number, "met")
    last = round_.numbers[-1]

    first_press = signed_in.post(url("assignment_submit", round_.mine))
    confirmed = signed_in.post(url("assignment_submit", round_.mine), {"confirm": "1"})

    assert first_press.status_code == confirmed.status_code == 302
    assert first_press.url == confirmed.url == url("assignment", round_.mine)
    assert messages_of(first_press) == [f"Not submitted yet. Competency {last}: choose a rating."]
    assert messages_of(confirmed)[-1] == f"Not submitted: Competency {last}: choose a rating."
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.ACCEPTED


# --- Stale forms --------------------------------------------------------------------------


def test_rating_after_the_assignment_was_withdrawn_is_refused_and_keeps_the_input(
    signed_in, round_, staff
):
    accept(round_.mine)
    services.assignment_withdraw(round_.mine, reason="x", by=staff)

    response = signed_in.post(
        url("rate", round_.mine, round_.numbers[0]),
        {"value": "partial", "comment": "My careful notes on the evidence."},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "This assignment was withdrawn, so it can no longer be changed." in html
    assert "My careful notes on the evidence." in html
    assert "How my work shows competency" not in html
    assert not Rating.objects.exists()


def test_rating_after_submission_is_refused_at_the_form_with_the_input_kept(signed_in, round_):
    rate_all(round_.mine, "met")
    first = round_.numbers[0]

    response = signed_in.post(
        url("rate", round_.mine, first), {"value": "not_met", "comment": "Second thoughts."}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "You already submitted this review; it can no longer change." in html
    assert "Second thoughts.</textarea>" in html
    assert Rating.objects.get(assignment=round_.mine, competency__number=first).value == "met"


def test_overall_comment_after_withdrawal_is_refused_and_keeps_the_text(signed_in, round_, staff):
    accept(round_.mine)
    services.assignment_withdraw(round_.mine, reason="x", by=staff)

    response = signed_in.post(url("overall", round_.mine), {"comment": "Long thoughts."})

    assert response.status_code == 409
    html = response.content.decode()
    assert "This assignment was withdrawn, so it can no longer be changed." in html
    assert "Long thoughts.</textarea>" in html
    round_.mine.refresh_from_db()
    assert round_.mine.overall_comment == ""


def test_submitting_a_withdrawn_assignment_is_refused_with_the_message(signed_in, round_, staff):
    accept(round_.mine)
    services.assignment_withdraw(round_.mine, reason="x", by=staff)

    response = signed_in.post(url("assignment_submit", round_.mine), {"confirm": "1"})

    assert response.status_code == 302
    assert response.url == reverse("reviews:home")
    assert messages_of(response) == [
        "Not submitted: This assignment was withdrawn, so it can no longer be changed."
    ]


# --- Who may open what --------------------------------------------------------------------


def _pages(assignment, number, evidence_pk):
    return [
        url("assignment", assignment),
        url("rate", assignment, number),
        url("evidence", assignment, evidence_pk),
    ]


@pytest.mark.parametrize("how", ["declined", "withdrawn"])
def test_a_declined_or_withdrawn_assignment_has_no_pages(signed_in, round_, staff, how):
    if how == "declined":
        services.assignment_decline(round_.mine, by=round_.mine.evaluator.user)
    else:
        accept(round_.mine)
        services.assignment_withdraw(round_.mine, reason="x", by=staff)
    evidence = round_.submission.evidence.get()

    for page in _pages(round_.mine, round_.numbers[0], evidence.pk):
        assert signed_in.get(page).status_code == 404, page


def test_another_evaluators_assignment_is_404(client, other_evaluator, round_):
    accept(round_.mine)
    client.force_login(other_evaluator)
    evidence = round_.submission.evidence.get()

    for page in _pages(round_.mine, round_.numbers[0], evidence.pk):
        assert client.get(page).status_code == 404, page
    for action in ("assignment_accept", "assignment_decline", "overall", "assignment_submit"):
        assert client.post(url(action, round_.mine)).status_code == 404, action
    assert client.post(url("rate", round_.mine, 1), {"value": "met"}).status_code == 404


def test_staff_who_are_not_evaluators_cannot_open_the_evaluator_pages(client, staff, round_):
    client.force_login(staff)

    assert client.get(url("assignment", round_.mine)).status_code == 403


@pytest.mark.parametrize("persona", ["candidate", "outsider", "provider_user"])
def test_people_without_the_evaluator_role_are_refused(client, request, round_, persona):
    client.force_login(request.getfixturevalue(persona))
    evidence = round_.submission.evidence.get()

    for page in [
        *_pages(round_.mine, round_.numbers[0], evidence.pk),
        reverse("reviews:thank_you_letter", args=[2026]),
    ]:
        assert client.get(page).status_code == 403, page
    assert client.post(url("assignment_accept", round_.mine)).status_code == 403
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.OFFERED


def test_the_candidate_cannot_open_the_review_of_their_own_portfolio(client, round_):
    client.force_login(round_.portfolio.candidacy.user)

    assert client.get(url("assignment", round_.mine)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, round_):
    page = url("assignment", round_.mine)

    response = client.get(page)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={page}"
    assert client.post(url("assignment_accept", round_.mine)).status_code == 302
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.OFFERED


@pytest.mark.parametrize(
    "action", ["assignment_accept", "assignment_decline", "overall", "assignment_submit"]
)
def test_get_on_a_post_only_view_is_405(signed_in, round_, action):
    response = signed_in.get(url(action, round_.mine))

    assert response.status_code == 405
    round_.mine.refresh_from_db()
    assert round_.mine.status == Assignment.Status.OFFERED


# --- Evidence -----------------------------------------------------------------------------


def test_evidence_in_the_snapshot_downloads_under_a_neutral_name(signed_in, round_):
    accept(round_.mine)
    evidence = round_.submission.evidence.get()

    response = signed_in.get(url("evidence", round_.mine, evidence.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="evidence-{evidence.pk}.pdf"'
    assert "work-log" not in response["Content-Disposition"]


def test_evidence_is_closed_until_the_offer_is_accepted(signed_in, round_):
    evidence = round_.submission.evidence.get()

    assert signed_in.get(url("evidence", round_.mine, evidence.pk)).status_code == 404


def test_evidence_outside_the_snapshot_is_404(signed_in, round_):
    accept(round_.mine)
    elsewhere = submitted_portfolio().submissions.get().evidence.get()

    assert signed_in.get(url("evidence", round_.mine, elsewhere.pk)).status_code == 404
    assert signed_in.get(url("evidence", round_.mine, 999999)).status_code == 404


def test_evidence_stays_open_after_submitting(signed_in, round_):
    rate_all(round_.mine, "met")
    evidence = round_.submission.evidence.get()

    assert signed_in.get(url("evidence", round_.mine, evidence.pk)).status_code == 200


# --- Thank-you letter ---------------------------------------------------------------------


def test_thank_you_letter_is_a_pdf_for_a_year_with_submitted_reviews(signed_in, round_):
    rate_all(round_.mine, "met")
    year = timezone.localdate().year

    home = signed_in.get(reverse("reviews:home")).content.decode()
    response = signed_in.get(reverse("reviews:thank_you_letter", args=[year]))

    assert f'href="/reviews/letters/{year}.pdf"' in home
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="lssc-thank-you-{year}.pdf"'


def test_thank_you_letter_lists_the_years_reviews_without_the_candidate(evaluator, round_):
    from reviews.letters import thank_you_letter_context
    from reviews.queues import reviews_submitted_in

    rate_all(round_.mine, "met")
    reviews = reviews_submitted_in(evaluator, timezone.localdate().year)

    assert [(r.pk, r.portfolio.competency_set.name, r.get_role_display()) for r in reviews] == [
        (round_.mine.pk, "Technology", "First evaluator")
    ]
    from django.template.loader import render_to_string

    html = render_to_string(
        "reviews/thank_you_letter_pdf.html", thank_you_letter_context(evaluator, 2026, reviews)
    )
    candidate = round_.portfolio.candidacy.user
    assert "Technology" in html and "First evaluator" in html
    assert candidate.last_name not in html and candidate.email not in html
    assert round_.portfolio.candidacy.number not in html


def test_no_thank_you_letter_for_a_year_without_reviews(signed_in, round_):
    accept(round_.mine)  # accepted, not submitted

    year = timezone.localdate().year
    assert signed_in.get(reverse("reviews:thank_you_letter", args=[year])).status_code == 404
    assert signed_in.get(reverse("reviews:thank_you_letter", args=[1999])).status_code == 404


# --- Home ---------------------------------------------------------------------------------


def test_home_lists_offers_reviews_to_rate_and_history_with_counts(
    signed_in, evaluator, other_evaluator, staff
):
    offered = make_round(evaluator, other_evaluator, staff).mine
    accepted = accept(make_round(evaluator, other_evaluator, staff).mine)
    rate(accepted, 1, "met")
    done = make_round(evaluator, other_evaluator, staff).mine
    rate_all(done, "met")

    response = signed_in.get(reverse("reviews:home"))

    queue = response.context["queue"]
    assert [a.pk for a in queue.offered] == [offered.pk]
    assert [a.pk for a in queue.accepted] == [accepted.pk]
    assert [a.pk for a in queue.history] == [done.pk]
    total = len(accepted.submission.content)
    assert (queue.accepted[0].rated_count, queue.accepted[0].total_count) == (1, total)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f"rated 1 of {total}" in html
    assert f"Due {deadline(offered.due_on)}" in html
    assert 'Waiting for your answer <span class="badge text-bg-light border">1</span>' in html
    assert 'To rate <span class="badge text-bg-light border">1</span>' in html
    assert f'href="{reverse("reviews:profile")}"' in html
    for a in (offered, accepted, done):
        assert f'href="{url("assignment", a)}"' in html


def test_home_query_count_does_not_grow_with_the_number_of_assignments(
    signed_in, evaluator, other_evaluator, staff
):
    def one_of_each_kind():
        offered = make_round(evaluator, other_evaluator, staff).mine
        accepted = accept(make_round(evaluator, other_evaluator, staff).mine)
        rate(accepted, 1, "met")
        rate_all(make_round(evaluator, other_evaluator, staff).mine, "met")
        return offered

    one_of_each_kind()
    with CaptureQueriesContext(connection) as few:
        signed_in.get(reverse("reviews:home"))
    for _ in range(4):
        one_of_each_kind()
    with CaptureQueriesContext(connection) as many:
        response = signed_in.get(reverse("reviews:home"))

    queue = response.context["queue"]
    assert (len(queue.offered), len(queue.accepted), len(queue.history)) == (5, 5, 5)
    assert len(many) == len(few)


def test_overall_comment_after_submission_is_refused_at_the_field_with_the_text_kept(
    signed_in, round_
):
    rate_all(round_.mine, "met")

    response = signed_in.post(url("overall", round_.mine), {"comment": "An afterthought."})

    assert response.status_code == 409
    assert response.context["overall_form"].errors == {
        "comment": ["You already submitted this review; it can no longer change."]
    }
    assert "An afterthought.</textarea>" in response.content.decode()
    round_.mine.refresh_from_db()
    assert round_.mine.overall_comment == ""
