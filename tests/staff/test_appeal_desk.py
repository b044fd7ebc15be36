"""The staff appeal desk: the queue of open and decided appeals, one appeal with its
decision, notice, grounds and history, Start review, and the uphold and remand confirm
pages with their emails, history rows and (for a remand) the new round for new evaluators."""

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lssc.core.models import EmailLog
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import appeal_services, services
from reviews.models import Appeal, Assignment, Decision
from reviews.selectors import eligible_evaluators
from tests.factories import EvaluatorFactory, rate_all, submitted_portfolio

pytestmark = pytest.mark.django_db

LIST = "/staff/appeals/"
NOTICE = "The evidence log was missed."
GROUNDS = "Competency 2 is shown on page 3 of the log."


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def detail_url(appeal):
    return reverse("staff:appeal_detail", args=[appeal.pk])


def uphold_url(appeal):
    return reverse("staff:appeal_uphold", args=[appeal.pk])


def remand_url(appeal):
    return reverse("staff:appeal_remand", args=[appeal.pk])


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def pool(db):
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    return [
        EvaluatorFactory(
            qualified_sets=[technology], employer=f"Library {i}", capacity_per_quarter=20
        )
        for i in range(4)
    ]


def appeal_in(stage: str, *, staff) -> Appeal:
    """A not-demonstrated decision released now and appealed, taken through the services
    to `stage`: notice_filed, grounds_filed, under_review, upheld or remanded."""
    portfolio = submitted_portfolio()
    Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=1)
    submission = portfolio.submissions.get()
    for assignment in services.assignment_auto_assign(submission, by=staff):
        rate_all(assignment, "not_met", comment="Not shown.")
    decision = services.decision_release(Decision.objects.get(submission=submission), by=staff)
    candidate = portfolio.candidacy.user
    appeal = appeal_services.appeal_file_notice(decision, notice=NOTICE, by=candidate)
    if stage == "notice_filed":
        return appeal
    appeal = appeal_services.appeal_file_grounds(appeal, grounds=GROUNDS, by=candidate)
    if stage == "grounds_filed":
        return appeal
    if stage == "upheld":
        return appeal_services.appeal_uphold(appeal, note="The ratings stand.", by=staff)
    appeal = appeal_services.appeal_start_review(appeal, by=staff)
    if stage == "remanded":
        return appeal_services.appeal_remand(appeal, note="Page 3 was missed.", by=staff)
    return appeal


@pytest.fixture
def appeal(pool, staff):
    return appeal_in("grounds_filed", staff=staff)


def test_appeal_urls_have_their_names():
    assert reverse("staff:appeals") == LIST
    assert detail_url(Appeal(pk=4)) == "/staff/appeals/4/"
    assert uphold_url(Appeal(pk=4)) == "/staff/appeals/4/uphold/"
    assert remand_url(Appeal(pk=4)) == "/staff/appeals/4/remand/"


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, appeal):
    for url in (LIST, detail_url(appeal), uphold_url(appeal), remand_url(appeal)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    for url in (detail_url(appeal), uphold_url(appeal), remand_url(appeal)):
        assert client.post(url, {"reasons": "x"}).status_code == 302, url
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.GROUNDS_FILED


@pytest.mark.parametrize(
    "persona", ["candidate", "other_candidate", "evaluator", "provider_user", "outsider"]
)
def test_other_roles_get_404_and_change_nothing(client, appeal, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for url in (LIST, detail_url(appeal), uphold_url(appeal), remand_url(appeal)):
        assert client.get(url).status_code == 404, url
    for url in (detail_url(appeal), uphold_url(appeal), remand_url(appeal)):
        assert client.post(url, {"reasons": "Hacked"}).status_code == 404, url
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.GROUNDS_FILED


def test_the_appellant_gets_404_on_the_staff_pages(client, appeal):
    client.force_login(appeal.decision.portfolio.candidacy.user)

    for url in (LIST, detail_url(appeal), uphold_url(appeal), remand_url(appeal)):
        assert client.get(url).status_code == 404, url


def test_staff_open_every_page(staff_client, appeal):
    for url in (LIST, detail_url(appeal), uphold_url(appeal), remand_url(appeal)):
        assert staff_client.get(url).status_code == 200, url


def test_unknown_appeal_is_404_for_staff(staff_client, appeal):
    missing = Appeal(pk=appeal.pk + 100)
    for url in (detail_url(missing), uphold_url(missing), remand_url(missing)):
        assert staff_client.get(url).status_code == 404, url


def test_methods_the_pages_do_not_take_get_405(staff_client, appeal):
    assert staff_client.post(LIST).status_code == 405
    for url in (detail_url(appeal), uphold_url(appeal), remand_url(appeal)):
        assert staff_client.put(url).status_code == 405, url
        assert staff_client.delete(url).status_code == 405, url


# --- The queue ----------------------------------------------------------------------------


def test_queue_lists_open_appeals_first_with_overdue_grounds_highlighted(client, staff, pool):
    with time_machine.travel(noon(date(2027, 3, 1)), tick=False):
        late = appeal_in("notice_filed", staff=staff)
    with time_machine.travel(noon(date(2027, 3, 20)), tick=False):
        waiting = appeal_in("grounds_filed", staff=staff)
        upheld = appeal_in("upheld", staff=staff)

    with time_machine.travel(noon(date(2027, 4, 1)), tick=False):
        client.force_login(staff)
        response = client.get(LIST)

    assert response.status_code == 200
    assert response.context["open_appeals"] == [late, waiting]
    assert response.context["decided"] == [upheld]
    assert response.context["overdue_count"] == 1
    page = text(response)
    assert "1 with grounds overdue" in page
    assert page.count('class="table-danger grounds-overdue"') == 1
    assert "<strong>Overdue:</strong> were due 31 March 2027 (yesterday)" in page
    assert "31 days ago" in page  # the late notice's age
    assert "Sent 20 March 2027" in page
    late_number = late.decision.portfolio.candidacy.number
    assert f'href="{detail_url(late)}">{late_number}</a>' in page
    assert page.index(late_number) < page.index(upheld.decision.portfolio.candidacy.number)


def test_queue_is_empty_with_a_message(staff_client):
    page = text(staff_client.get(LIST))

    assert "No appeals are open." in page
    assert "No appeals have been decided yet." in page


def test_queue_queries_do_not_grow_with_the_appeals(staff_client, staff, pool):
    appeal_in("grounds_filed", staff=staff)
    appeal_in("upheld", staff=staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(LIST).status_code == 200
        return len(queries)

    few = count()
    for stage in ("notice_filed", "under_review", "remanded", "upheld"):
        appeal_in(stage, staff=staff)
    many = count()

    assert Appeal.objects.count() == 6
    assert many == few


# --- One appeal and Start review -----------------------------------------------------------


def test_detail_shows_the_decision_notice_grounds_and_history(staff_client, appeal):
    response = staff_client.get(detail_url(appeal))

    page = text(response)
    decision_link = reverse("staff:decision_detail", args=[appeal.decision_id])
    assert f'href="{decision_link}">Round 1: Not demonstrated</a>' in page
    assert NOTICE in page
    assert GROUNDS in page
    assert [event["title"] for event in response.context["timeline"]] == [
        "Grounds filed",
        "Notice of appeal filed",
    ]
    assert "Start review</button>" in page
    assert f'href="{uphold_url(appeal)}"' in page
    assert f'href="{remand_url(appeal)}"' in page


def test_start_review_moves_the_appeal_once(staff_client, appeal, staff):
    token = token_of(staff_client.get(detail_url(appeal)))

    response = staff_client.post(detail_url(appeal), {"submission": token})
    again = staff_client.post(detail_url(appeal), {"submission": token})

    assert response.status_code == 302
    assert response["Location"] == detail_url(appeal)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UNDER_REVIEW
    assert list(
        appeal.status_changes.filter(new_status="under_review").values_list("old_status", "actor")
    ) == [("grounds_filed", staff.pk)]
    assert messages_of(response)[0].startswith("The appeal is under review.")
    assert messages_of(again)[-1] == "That button was already pressed, so nothing was done twice."
    page = text(staff_client.get(detail_url(appeal)))
    assert "Start review</button>" not in page


def test_start_review_before_the_grounds_is_refused(staff_client, staff, pool):
    appeal = appeal_in("notice_filed", staff=staff)
    token = token_of(staff_client.get(detail_url(appeal)))
    assert "Start review</button>" not in text(staff_client.get(detail_url(appeal)))

    response = staff_client.post(detail_url(appeal), {"submission": token})

    assert response.status_code == 302
    assert messages_of(response) == [
        "An appeal that is notice of appeal filed cannot become under review."
    ]
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.NOTICE_FILED


# --- Uphold -------------------------------------------------------------------------------


def test_uphold_page_says_what_will_happen_and_needs_reasons(staff_client, appeal):
    page = staff_client.get(uphold_url(appeal))
    assert "the appeal becomes “Decision upheld” and is closed" in text(page)

    response = staff_client.post(uphold_url(appeal), {"submission": token_of(page), "reasons": " "})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reasons": ["Give the reasons; the candidate reads them."]
    }
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.GROUNDS_FILED


def test_uphold_closes_the_appeal_and_emails_the_reasons(
    staff_client, appeal, staff, mailoutbox, django_capture_on_commit_callbacks
):
    token = token_of(staff_client.get(uphold_url(appeal)))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            uphold_url(appeal), {"submission": token, "reasons": "The ratings follow the rubric."}
        )
    again = staff_client.post(uphold_url(appeal), {"submission": token, "reasons": "Twice."})

    assert response.status_code == 302
    assert response["Location"] == detail_url(appeal)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome_note, appeal.decided_by) == (
        Appeal.Status.UPHELD,
        "The ratings follow the rubric.",
        staff,
    )
    assert list(
        appeal.status_changes.order_by("-pk").values_list(
            "old_status", "new_status", "actor", "note"
        )[:1]
    ) == [("grounds_filed", "upheld", staff.pk, "The ratings follow the rubric.")]
    candidate = appeal.decision.portfolio.candidacy.user
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("The outcome of your appeal", [candidate.email])
    ]
    assert "The ratings follow the rubric." in mailoutbox[0].body
    assert reverse("appeals:detail", args=[appeal.pk]) in mailoutbox[0].body
    assert messages_of(response)[0] == (
        "The appeal was decided: the decision stands. "
        f"{appeal.decision.portfolio.candidacy.number} was emailed your reasons."
    )
    assert messages_of(again)[-1].startswith("That form was already sent")
    assert EmailLog.objects.filter(kind="appeal", subject="The outcome of your appeal").count() == 1
    assert Portfolio.objects.get(pk=appeal.decision.portfolio_id).status == "not_demonstrated"


def test_uphold_while_grounds_are_awaited_warns_first(staff_client, staff, pool):
    appeal = appeal_in("notice_filed", staff=staff)

    page = text(staff_client.get(uphold_url(appeal)))

    assert "The candidate still has until" in page
    assert "Upholding now closes the appeal before they can." in page


def test_a_decided_appeal_offers_no_outcome(staff_client, staff, pool):
    appeal = appeal_in("upheld", staff=staff)

    page = text(staff_client.get(uphold_url(appeal)))
    response = staff_client.post(
        uphold_url(appeal),
        {"submission": token_of(staff_client.get(uphold_url(appeal))), "reasons": "Again."},
    )

    assert "This appeal is decision upheld, so this outcome cannot be given now." in page
    assert "This appeal was already decided; nothing was done." in text(response)
    appeal.refresh_from_db()
    assert appeal.outcome_note == "The ratings stand."
    detail = text(staff_client.get(detail_url(appeal)))
    assert f'href="{uphold_url(appeal)}"' not in detail
    assert f'href="{remand_url(appeal)}"' not in detail


# --- Remand -------------------------------------------------------------------------------


def test_remand_page_says_new_evaluators_will_be_assigned(staff_client, appeal):
    page = text(staff_client.get(remand_url(appeal)))

    assert "new evaluators will be assigned" in page
    assert (
        f'href="{reverse("staff:portfolio_assign", args=[appeal.decision.portfolio_id])}"' in page
    )


def test_remand_opens_a_new_round_for_new_evaluators_and_emails_the_candidate(
    staff_client, staff, pool, mailoutbox, django_capture_on_commit_callbacks
):
    appeal = appeal_in("under_review", staff=staff)
    portfolio_id = appeal.decision.portfolio_id
    first_round = set(Assignment.objects.values_list("evaluator_id", flat=True))
    token = token_of(staff_client.get(remand_url(appeal)))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            remand_url(appeal), {"submission": token, "reasons": "Page 3 was missed."}
        )

    assign_url = reverse("staff:portfolio_assign", args=[portfolio_id])
    assert response.status_code == 302
    assert response["Location"] == assign_url
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome_note, appeal.decided_by) == (
        Appeal.Status.REMANDED,
        "Page 3 was missed.",
        staff,
    )
    assert list(appeal.status_changes.order_by("pk").values_list("new_status", flat=True)) == [
        "notice_filed",
        "grounds_filed",
        "under_review",
        "remanded",
    ]
    assert [m.subject for m in mailoutbox] == [
        "Your appeal: your portfolio will be evaluated again"
    ]
    assert "Page 3 was missed." in mailoutbox[0].body
    portfolio = Portfolio.objects.get(pk=portfolio_id)
    assert portfolio.status == Portfolio.Status.SUBMITTED
    repeat = portfolio.submissions.get(round=2)
    assert repeat.remanded_from_id == appeal.decision.submission_id
    eligible = {choice.evaluator.pk for choice in eligible_evaluators(repeat)}
    assert len(first_round) == 2
    assert eligible == {e.pk for e in pool} - first_round
    assign_page = staff_client.get(assign_url)
    assert assign_page.status_code == 200
    assert {c.evaluator.pk for c in assign_page.context["eligible"]} == eligible
    detail = text(staff_client.get(detail_url(appeal)))
    assert f'href="{assign_url}">Assign new evaluators</a>' in detail


def test_remand_is_not_offered_before_the_grounds(staff_client, staff, pool):
    appeal = appeal_in("notice_filed", staff=staff)

    page = text(staff_client.get(remand_url(appeal)))
    detail = text(staff_client.get(detail_url(appeal)))

    assert "This appeal is notice of appeal filed, so this outcome cannot be given now." in page
    assert f'href="{remand_url(appeal)}"' not in detail
    assert f'href="{uphold_url(appeal)}"' in detail
