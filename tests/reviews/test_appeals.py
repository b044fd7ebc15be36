"""The candidate's appeal pages: the list, the notice of appeal and one appeal with its
grounds form and outcome; the deadlines at their edges with frozen time; who may open what;
and the appeal links on the decision page."""

import html
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from lssc.core.errors import DomainError
from lssc.core.models import EmailLog
from lssc.core.templatetags.lssc import deadline
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import appeal_services, services
from reviews.models import Appeal, AppealStatusChange, Decision
from tests.factories import EvaluatorFactory, rate_all, submitted_portfolio

pytestmark = pytest.mark.django_db

RELEASED_ON = date(2027, 3, 1)
LIST = "/appeals/"


def noon(day: date) -> datetime:
    """Midday on `day` in the program's time zone, so "today" is `day` there."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("America/Chicago"))


def day(n: int) -> date:
    """The day `n` days after the decision was released."""
    return RELEASED_ON + timedelta(days=n)


def new_url(decision) -> str:
    return reverse("appeals:new", args=[decision.pk])


def detail_url(appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def pool(db):
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    return [EvaluatorFactory(qualified_sets=[technology], employer=f"L{i}") for i in range(4)]


def released_decision(staff, *, value="not_met", on: date = RELEASED_ON) -> Decision:
    """A portfolio whose one resubmission is used up, rated `value` throughout by two
    evaluators, its decision released at noon on `on` (so not_met is final)."""
    with time_machine.travel(noon(on), tick=False):
        portfolio = submitted_portfolio()
        Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=1)
        submission = portfolio.submissions.get()
        for assignment in services.assignment_auto_assign(submission, by=staff):
            rate_all(assignment, value, comment="Not shown.")
        return services.decision_release(Decision.objects.get(submission=submission), by=staff)


@pytest.fixture
def decision(pool, staff):
    return released_decision(staff)


@pytest.fixture
def owner(decision):
    return decision.portfolio.candidacy.user


def signed_in(client, user):
    client.force_login(user)
    return client


def file_notice(decision, *, on: date = RELEASED_ON) -> Appeal:
    with time_machine.travel(noon(on), tick=False):
        return appeal_services.appeal_file_notice(
            decision, notice="The evidence log was missed.", by=decision.portfolio.candidacy.user
        )


# --- The notice of appeal -----------------------------------------------------------------


def test_notice_page_explains_the_appeal_and_its_two_deadlines(client, decision, owner):
    with time_machine.travel(noon(day(2)), tick=False):
        response = signed_in(client, owner).get(new_url(decision))

    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="mb-2">Appeal the Technology decision</h1>' in page
    assert "What an appeal is" in page
    assert f"<strong>Give notice</strong> by {deadline(date(2027, 3, 11))} (in 8 days)" in page
    assert f"<strong>Send your full grounds</strong> by {deadline(date(2027, 3, 31))}" in page
    assert "That is 10 days after the decision." in page
    assert 'name="notice"' in page
    assert "Give notice of appeal" in page


def test_notice_on_the_tenth_day_is_accepted_and_mailed(
    client, decision, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(noon(day(10)), tick=False):
        signed_in(client, owner)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(new_url(decision), {"notice": "  Competency 2 is shown.  "})

    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(appeal)
    assert (appeal.decision, appeal.status, appeal.notice) == (
        decision,
        Appeal.Status.NOTICE_FILED,
        "Competency 2 is shown.",
    )
    assert appeal.grounds_due_on == date(2027, 3, 31)
    assert list(AppealStatusChange.objects.values_list("new_status", "actor")) == [
        ("notice_filed", owner.pk)
    ]
    assert [m.subject for m in mailoutbox] == ["We received your notice of appeal"]
    assert mailoutbox[0].to == [owner.email]
    assert detail_url(appeal) in mailoutbox[0].body
    assert messages_of(response) == [
        "Your notice of appeal is recorded and we have emailed you a confirmation. Now send "
        "your full grounds, by 31 March 2027."
    ]


def test_notice_at_the_last_minute_of_the_tenth_day_is_accepted(client, decision, owner):
    last_minute = datetime(2027, 3, 11, 23, 59, tzinfo=ZoneInfo("America/Chicago"))
    with time_machine.travel(last_minute, tick=False):
        response = signed_in(client, owner).post(new_url(decision), {"notice": "Wrong."})

    assert response.status_code == 302
    assert Appeal.objects.count() == 1


def test_notice_on_the_eleventh_day_is_refused_and_the_text_kept(client, decision, owner):
    with time_machine.travel(noon(day(11)), tick=False):
        signed_in(client, owner)
        page = text(client.get(new_url(decision)))
        response = client.post(new_url(decision), {"notice": "Too late, I know."})

    assert "The time to appeal this decision ended on 11 March 2027" in page
    assert 'name="notice"' not in page
    assert response.status_code == 200
    assert Appeal.objects.count() == 0
    refused = text(response)
    assert "The time to appeal ended on 11 March 2027" in refused
    assert "Too late, I know." in refused


def test_blank_notice_is_refused_at_the_field(client, decision, owner):
    with time_machine.travel(noon(day(1)), tick=False):
        response = signed_in(client, owner).post(new_url(decision), {"notice": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors == {"notice": ["Say briefly what you are appealing."]}
    assert Appeal.objects.count() == 0


def test_one_appeal_per_decision(client, decision, owner):
    appeal = file_notice(decision)

    with time_machine.travel(noon(day(1)), tick=False):
        signed_in(client, owner)
        opened = client.get(new_url(decision))
        posted = client.post(new_url(decision), {"notice": "A second appeal."})

    assert opened.status_code == 302
    assert opened["Location"] == detail_url(appeal)
    assert posted.status_code == 302
    assert posted["Location"] == detail_url(appeal)
    assert list(Appeal.objects.values_list("notice", flat=True)) == ["The evidence log was missed."]
    with pytest.raises(DomainError, match="already appealed"):
        file_notice(decision, on=day(2))


def test_an_achieved_decision_cannot_be_appealed(client, pool, staff):
    achieved = released_decision(staff, value="met")
    assert achieved.outcome == Decision.Outcome.ACHIEVED
    owner = achieved.portfolio.candidacy.user

    with time_machine.travel(noon(day(1)), tick=False):
        signed_in(client, owner)
        page = text(client.get(new_url(achieved)))
        response = client.post(new_url(achieved), {"notice": "I want to appeal anyway."})
        decision_page = text(
            client.get(reverse("portfolios:decision", args=[achieved.portfolio_id]))
        )

    assert "the set was achieved with this decision, so there is nothing to appeal" in page.lower()
    assert 'name="notice"' not in page
    assert response.status_code == 200
    assert "The set was achieved, so there is nothing to appeal." in text(response)
    assert Appeal.objects.count() == 0
    assert "Appeal this decision" not in decision_page


# --- The grounds --------------------------------------------------------------------------


def test_grounds_on_the_thirtieth_day_are_accepted(
    client, decision, owner, mailoutbox, django_capture_on_commit_callbacks
):
    appeal = file_notice(decision)
    mailoutbox.clear()

    with time_machine.travel(noon(day(30)), tick=False):
        signed_in(client, owner)
        page = text(client.get(detail_url(appeal)))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(detail_url(appeal), {"grounds": "Competency 2: see page 3."})

    assert f"Send your full grounds by {deadline(date(2027, 3, 31))} (today)" in page
    assert 'name="grounds"' in page
    assert response.status_code == 302
    assert response["Location"] == detail_url(appeal)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.grounds) == (
        Appeal.Status.GROUNDS_FILED,
        "Competency 2: see page 3.",
    )
    assert list(
        appeal.status_changes.order_by("pk").values_list("old_status", "new_status", "actor")
    ) == [("", "notice_filed", owner.pk), ("notice_filed", "grounds_filed", owner.pk)]
    assert [m.subject for m in mailoutbox] == ["We received the grounds of your appeal"]
    after = text(client.get(detail_url(appeal)))
    assert "Program staff are reviewing your appeal." in after
    assert "Competency 2: see page 3." in after
    assert 'name="grounds"' not in after


def test_grounds_on_the_thirty_first_day_are_refused(client, decision, owner):
    appeal = file_notice(decision)

    with time_machine.travel(noon(day(31)), tick=False):
        signed_in(client, owner)
        page = text(client.get(detail_url(appeal)))
        response = client.post(detail_url(appeal), {"grounds": "Late grounds."})

    assert 'name="grounds"' not in page
    assert "did not arrive, so they can no longer be sent here" in page
    assert response.status_code == 200
    assert "The grounds were due by 31 March 2027." in text(response)
    assert "Late grounds." in text(response)  # what was typed is not lost
    appeal.refresh_from_db()
    assert (appeal.status, appeal.grounds) == (Appeal.Status.NOTICE_FILED, "")


def test_grounds_can_be_sent_once(client, decision, owner):
    appeal = file_notice(decision)
    with time_machine.travel(noon(day(3)), tick=False):
        signed_in(client, owner)
        client.post(detail_url(appeal), {"grounds": "First grounds."})
        response = client.post(detail_url(appeal), {"grounds": "Second grounds."})

    assert response.status_code == 200
    assert "The grounds of this appeal were already sent." in text(response)
    appeal.refresh_from_db()
    assert appeal.grounds == "First grounds."


# --- Outcomes as the candidate reads them --------------------------------------------------


def test_upheld_appeal_shows_the_outcome_and_reasons(client, decision, owner, staff):
    appeal = file_notice(decision)
    appeal_services.appeal_uphold(appeal, note="The ratings follow the rubric.", by=staff)

    page = text(signed_in(client, owner).get(detail_url(appeal)))

    assert '<span class="badge badge-status text-bg-danger">Decision upheld</span>' in page
    assert "After review, the decision stands." in page
    assert "The ratings follow the rubric." in page


def test_remanded_appeal_says_the_portfolio_will_be_evaluated_again(client, decision, owner, staff):
    appeal = file_notice(decision)
    appeal = appeal_services.appeal_file_grounds(appeal, grounds="See page 3.", by=owner)
    appeal_services.appeal_remand(appeal, note="Page 3 was missed.", by=staff)

    page = text(signed_in(client, owner).get(detail_url(appeal)))

    assert "Remanded for a new evaluation</span>" in page
    assert "your portfolio will be evaluated again" in page
    assert "Page 3 was missed." in page


# --- The list and the decision page --------------------------------------------------------


def test_list_shows_own_appeals_and_decisions_still_open_to_appeal(
    client, decision, owner, pool, staff
):
    with time_machine.travel(noon(day(2)), tick=False):
        signed_in(client, owner)
        before = text(client.get(LIST))
    assert f'href="{new_url(decision)}">Appeal this decision' in before
    assert "You have not appealed any decision." in before

    appeal = file_notice(decision, on=day(2))
    someone_elses = released_decision(staff)
    file_notice(someone_elses, on=day(2))
    with time_machine.travel(noon(day(3)), tick=False):
        signed_in(client, owner)
        response = client.get(LIST)

    assert response.status_code == 200
    assert response.context["appeals"] == [appeal]
    assert response.context["appealable"] == []
    page = text(response)
    assert f'href="{detail_url(appeal)}">Technology, round 1</a>' in page
    assert f"Send your grounds by {deadline(date(2027, 3, 31))}" in page


def test_decision_page_offers_the_appeal_then_links_to_it(client, decision, owner):
    decision_url = reverse("portfolios:decision", args=[decision.portfolio_id])
    with time_machine.travel(noon(day(10)), tick=False):
        signed_in(client, owner)
        page = text(client.get(decision_url))
    assert f'href="{new_url(decision)}">Appeal this decision</a>' in page

    with time_machine.travel(noon(day(11)), tick=False):
        signed_in(client, owner)
        late = text(client.get(decision_url))
    assert "Appeal this decision</a>" not in late

    appeal = file_notice(decision, on=day(3))
    with time_machine.travel(noon(day(4)), tick=False):
        signed_in(client, owner)
        after = text(client.get(decision_url))
    assert "Appeal this decision</a>" not in after
    assert "You appealed this decision on 4 March 2027" in after
    assert f'href="{detail_url(appeal)}">See the appeal</a>' in after


# --- Who may open the pages ---------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, decision):
    appeal = file_notice(decision)
    for url in (LIST, new_url(decision), detail_url(appeal)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    assert client.post(new_url(decision), {"notice": "x"}).status_code == 302
    assert client.post(detail_url(appeal), {"grounds": "x"}).status_code == 302
    assert Appeal.objects.get().grounds == ""


@pytest.mark.parametrize("persona", ["other_candidate", "evaluator", "provider_user", "outsider"])
def test_other_people_get_404_and_change_nothing(client, decision, persona, request):
    appeal = file_notice(decision)
    other = request.getfixturevalue(persona)

    with time_machine.travel(noon(day(2)), tick=False):
        signed_in(client, other)
        assert client.get(new_url(decision)).status_code == 404
        assert client.post(new_url(decision), {"notice": "Mine now."}).status_code == 404
        assert client.get(detail_url(appeal)).status_code == 404
        assert client.post(detail_url(appeal), {"grounds": "Hacked."}).status_code == 404
        listing = client.get(LIST)

    assert listing.status_code == 200
    assert listing.context["appeals"] == []
    appeal.refresh_from_db()
    assert (appeal.notice, appeal.grounds) == ("The evidence log was missed.", "")


def test_staff_are_sent_to_the_desk_and_cannot_act_for_the_candidate(client, decision, staff):
    appeal = file_notice(decision)
    with time_machine.travel(noon(day(2)), tick=False):
        signed_in(client, staff)
        opened = client.get(detail_url(appeal))
        posted = client.post(detail_url(appeal), {"grounds": "Written by staff."})
        notice = client.get(new_url(decision))

    assert opened.status_code == 302
    assert opened["Location"] == reverse("staff:appeal_detail", args=[appeal.pk])
    assert posted.status_code == 403
    assert notice.status_code == 403
    appeal.refresh_from_db()
    assert appeal.grounds == ""


def test_unreleased_decision_is_404_for_its_candidate(client, pool, staff):
    portfolio = submitted_portfolio()
    submission = portfolio.submissions.get()
    for assignment in services.assignment_auto_assign(submission, by=staff):
        rate_all(assignment, "not_met")
    draft = Decision.objects.get(submission=submission)

    response = signed_in(client, portfolio.candidacy.user).get(new_url(draft))

    assert response.status_code == 404


def test_list_is_get_only(client, owner):
    response = signed_in(client, owner).post(LIST)

    assert response.status_code == 405


def test_notice_and_grounds_write_one_email_log_each(client, decision, owner):
    with time_machine.travel(noon(day(1)), tick=False):
        signed_in(client, owner)
        client.post(new_url(decision), {"notice": "Wrong."})
        client.post(detail_url(Appeal.objects.get()), {"grounds": "Because."})

    assert list(
        EmailLog.objects.filter(kind="appeal").order_by("pk").values_list("subject", flat=True)
    ) == [
        "We received your notice of appeal",
        "We received the grounds of your appeal",
    ]
