"""The candidate's dashboard at /dashboard/, the elective chooser and the set pages."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import (
    Candidacy,
    CandidacyStatusChange,
    DeadlineExtension,
    SetProgress,
    SetProgressStatusChange,
)
from lssc.core.templatetags.lssc import days_from_today, deadline, moment, status_badge
from tests.factories import UserFactory

URL = "/dashboard/"
ELECTIVES_URL = "/dashboard/electives/"
CENTRAL = ZoneInfo("America/Chicago")
ELECTIVE_CODES = [
    "access-services",
    "adult-readers-advisory",
    "cataloging-classification",
    "collection-management",
    "reference-information",
    "supervision-management",
    "youth-services",
]

# Every page of the candidate area, and how it is used.
PAGES = [
    ("get", "/dashboard/"),
    ("get", "/dashboard/sets/foundations/"),
    ("get", "/dashboard/letter/"),
    ("get", "/dashboard/letter.pdf"),
    ("get", "/dashboard/withdraw/"),
    ("post", "/dashboard/electives/"),
    ("post", "/dashboard/sets/foundations/"),
    ("post", "/dashboard/withdraw/"),
]


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def achieve(progress, by, through="Intro to Library Services (Prairie Cooperative)"):
    return services.set_progress_transition(
        progress, SetProgress.Status.ACHIEVED, by=by, route="course", achieved_through=through
    )


def choose(client, sets, *codes):
    return client.post(ELECTIVES_URL, {"electives": [sets[c].competency_set_id for c in codes]})


def row_html(html: str, code: str) -> str:
    """The table row of one set."""
    start = html.index(f'<tr data-set="{code}">')
    return html[start : html.index("</tr>", start)]


def fresh(progress) -> SetProgress:
    return SetProgress.objects.get(pk=progress.pk)


# --- Who may open the pages ---------------------------------------------------------------


def test_the_pages_have_their_names():
    assert reverse("candidates:dashboard") == URL
    assert reverse("candidates:electives") == ELECTIVES_URL
    assert reverse("candidates:set_detail", args=["technology"]) == "/dashboard/sets/technology/"
    assert reverse("candidates:letter") == "/dashboard/letter/"
    assert reverse("candidates:letter_pdf") == "/dashboard/letter.pdf"
    assert reverse("candidates:withdraw") == "/dashboard/withdraw/"


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_every_page_sends_an_anonymous_visitor_to_log_in_and_back(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("persona", ["outsider", "evaluator", "provider_user", "staff"])
@pytest.mark.parametrize(("method", "url"), PAGES)
def test_every_page_refuses_a_signed_in_user_without_a_candidacy(
    client, request, persona, method, url
):
    client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(url)

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_staff_cannot_change_a_candidates_electives(client, staff, candidate, sets):
    client.force_login(staff)

    response = choose(client, sets, "access-services")

    assert response.status_code == 403
    assert fresh(sets["access-services"]).chosen is False


def test_dashboard_shows_each_candidate_only_their_own_candidacy(
    client, candidate, other_candidate, sets, add_progress
):
    add_progress(other_candidate.candidacy)
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)
    client.force_login(other_candidate)

    html = client.get(URL).content.decode()

    assert other_candidate.candidacy.number in html
    assert candidate.candidacy.number not in html
    assert "Route planned: portfolio." not in html


def test_the_elective_choice_changes_only_the_posting_candidates_own_sets(
    client, candidate, other_candidate, sets, add_progress
):
    theirs = add_progress(other_candidate.candidacy)
    client.force_login(other_candidate)

    choose(client, theirs, "youth-services")

    assert fresh(theirs["youth-services"]).chosen is True
    assert fresh(sets["youth-services"]).chosen is False


def test_the_elective_chooser_refuses_get_with_405(client, candidate, sets):
    client.force_login(candidate)

    assert client.get(ELECTIVES_URL).status_code == 405


def test_dashboard_refuses_post_with_405(client, candidate, sets):
    client.force_login(candidate)

    assert client.post(URL).status_code == 405


# --- The candidacy at a glance ------------------------------------------------------------


def test_dashboard_shows_the_number_status_admission_and_deadline_with_its_time_zone(
    client, candidate, sets
):
    candidacy = candidate.candidacy
    candidacy.number = "LSSC-2027-0042"
    candidacy.admitted_at = datetime(2027, 3, 12, 9, 30, tzinfo=CENTRAL)
    candidacy.deadline = timezone.localdate() + timedelta(days=1461)
    candidacy.save()
    client.force_login(candidate)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.templates[0].name == "candidates/dashboard.html"
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<dd class="col-sm-7">LSSC-2027-0042</dd>' in html
    assert '<span class="badge badge-status text-bg-primary">Active</span>' in html
    assert "12 March 2027" in html
    assert f"{long_date(candidacy.deadline)}, 23:59 US Central (America/Chicago)" in html
    assert "(in 1,461 days)" in html


def test_dashboard_marks_its_navigation_link_as_the_current_page(client, candidate, sets):
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert f'<a class="nav-link" href="{URL}" aria-current="page">My candidacy</a>' in html


def test_dashboard_says_today_on_the_day_of_the_deadline(client, candidate, sets):
    candidate.candidacy.deadline = timezone.localdate()
    candidate.candidacy.save()
    client.force_login(candidate)

    assert "(today)" in client.get(URL).content.decode()


def test_a_lapsed_candidacy_shows_the_days_since_the_deadline_and_no_actions(
    client, candidate, sets
):
    candidacy = candidate.candidacy
    candidacy.status = Candidacy.Status.LAPSED
    candidacy.deadline = timezone.localdate() - timedelta(days=3)
    candidacy.save()
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert "(3 days ago)" in html
    assert '<span class="badge badge-status text-bg-danger">Lapsed</span>' in html
    assert "Your candidacy ended at the deadline" in html
    assert 'id="elective-chooser"' not in html
    assert reverse("candidates:withdraw") not in html
    assert "Choose a route" not in html


# --- The sets, grouped, with progress and next steps --------------------------------------


def test_dashboard_lists_the_required_and_the_elective_sets_in_their_groups(
    client, candidate, sets
):
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    required, electives = html.split('id="electives-heading"')
    for code in ["foundations", "technology", "communication-teamwork"]:
        assert f'<tr data-set="{code}">' in required
    assert required.count("<tr data-set=") == 3
    for code in ELECTIVE_CODES:
        assert f'<tr data-set="{code}">' in electives
    assert electives.count("<tr data-set=") == 7
    assert '<a href="/dashboard/sets/technology/">Technology</a>' in required


def test_progress_counts_the_achieved_required_sets_and_chosen_electives(
    client, candidate, sets, staff
):
    achieve(sets["foundations"], staff)
    achieve(sets["technology"], staff)
    services.set_progress_choose_electives(
        candidate.candidacy,
        set_ids=[
            sets["access-services"].competency_set_id,
            sets["youth-services"].competency_set_id,
        ],
        by=candidate,
    )
    achieve(sets["access-services"], staff)
    # Achieved but not chosen: it does not count until the candidate chooses it.
    achieve(sets["collection-management"], staff)
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert (
        '<p class="fs-5 mb-2" data-testid="progress">2 of 3 required, 1 of 3 electives</p>' in html
    )
    assert 'aria-valuenow="3" aria-valuemin="0" aria-valuemax="6"' in html
    assert 'style="width: 50%"' in html
    assert "3 of 6 sets achieved." in html
    assert "You have chosen 2 of 3 electives so far" in html


def test_each_set_shows_its_route_status_and_next_step_in_plain_words(
    client, candidate, sets, staff
):
    services.set_progress_choose_electives(
        candidate.candidacy,
        set_ids=[sets[code].competency_set_id for code in ELECTIVE_CODES[:3]],
        by=candidate,
    )
    achieve(sets["foundations"], staff, through="Library Basics (Prairie Cooperative)")
    services.set_progress_choose_route(sets["technology"], route="course", by=candidate)
    services.set_progress_transition(
        sets["access-services"], "submitted", by=candidate, route="portfolio"
    )
    services.set_progress_transition(sets["access-services"], "under_review", by=staff)
    services.set_progress_transition(
        sets["adult-readers-advisory"], "submitted", by=candidate, route="portfolio"
    )
    services.set_progress_transition(sets["adult-readers-advisory"], "under_review", by=staff)
    services.set_progress_transition(sets["adult-readers-advisory"], "info_requested", by=staff)
    services.set_progress_transition(
        sets["cataloging-classification"], "submitted", by=candidate, route="portfolio"
    )
    services.set_progress_transition(sets["cataloging-classification"], "under_review", by=staff)
    services.set_progress_transition(
        sets["cataloging-classification"], "not_demonstrated", by=staff
    )
    services.set_progress_choose_route(
        sets["communication-teamwork"], route="portfolio", by=candidate
    )
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    foundations = row_html(html, "foundations")
    assert "<td>Approved course</td>" in foundations
    assert '<span class="badge badge-status text-bg-success">Achieved</span>' in foundations
    today = long_date(timezone.localdate())
    assert f"Done on {today} through Library Basics (Prairie Cooperative)." in foundations
    technology = row_html(html, "technology")
    assert '<span class="badge badge-status text-bg-secondary">Not started</span>' in technology
    assert '<a href="/courses/?set=technology">Find an approved course</a>' in technology
    assert '<a href="/completions/new/">claim your completion</a> when you finish.' in technology
    teamwork = row_html(html, "communication-teamwork")
    assert "<td>Portfolio</td>" in teamwork
    assert "Start your portfolio</button>" in teamwork
    access = row_html(html, "access-services")
    assert '<span class="badge badge-status text-bg-primary">Under review</span>' in access
    assert "Wait for the evaluators’ decision." in access
    advisory = row_html(html, "adult-readers-advisory")
    assert (
        '<span class="badge badge-status text-bg-warning">More information requested</span>'
        in advisory
    )
    assert "Add the information asked for</a>." in advisory
    cataloging = row_html(html, "cataloging-classification")
    assert '<span class="badge badge-status text-bg-danger">Not demonstrated</span>' in cataloging
    assert "Take an approved course instead, or appeal the decision." in cataloging
    collection = row_html(html, "collection-management")
    assert '<td><span class="text-body-secondary">Not chosen</span></td>' in collection
    assert "Choose it as an elective</a> if you want it to count." in collection


def test_a_set_without_a_route_asks_the_candidate_to_choose_one(client, candidate, sets):
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    row = row_html(html, "technology")
    assert '<span class="text-body-secondary">Not chosen yet</span>' in row
    assert (
        '<a href="/dashboard/sets/technology/">Choose a route: approved course or portfolio</a>.'
        in row
    )


def test_a_course_completion_waiting_for_staff_says_so(client, candidate, sets):
    services.set_progress_transition(sets["technology"], "submitted", by=candidate, route="course")
    client.force_login(candidate)

    row = row_html(client.get(URL).content.decode(), "technology")

    assert "Wait while the program office confirms your course completion." in row


# --- Choosing electives -------------------------------------------------------------------


def test_choosing_up_to_three_electives_saves_them_with_history(client, candidate, sets):
    client.force_login(candidate)

    response = choose(client, sets, "access-services", "youth-services", "reference-information")

    assert response.status_code == 302
    assert response.url == f"{URL}#electives"
    chosen = SetProgress.objects.filter(
        candidacy=candidate.candidacy, chosen=True, competency_set__kind="elective"
    ).values_list("competency_set__code", flat=True)
    assert sorted(chosen) == ["access-services", "reference-information", "youth-services"]
    notes = SetProgressStatusChange.objects.filter(
        progress__candidacy=candidate.candidacy, actor=candidate
    ).values_list("progress__competency_set__code", "note")
    assert sorted(notes) == [
        ("access-services", "Chosen as an elective."),
        ("reference-information", "Chosen as an elective."),
        ("youth-services", "Chosen as an elective."),
    ]
    html = client.get(response.url).content.decode()
    assert (
        "Your electives are saved: Access Services, Reference and Information Services, "
        "Youth Services."
    ) in html
    assert f'value="{sets["youth-services"].competency_set_id}" id=' in html
    assert 'id="id_electives_{}" checked>'.format(sets["youth-services"].competency_set_id) in html


def test_changing_the_electives_unchooses_the_ones_left_out(client, candidate, sets):
    services.set_progress_choose_electives(
        candidate.candidacy,
        set_ids=[sets["access-services"].competency_set_id],
        by=candidate,
    )
    client.force_login(candidate)

    choose(client, sets, "youth-services")

    assert fresh(sets["access-services"]).chosen is False
    assert fresh(sets["youth-services"]).chosen is True
    assert fresh(sets["access-services"]).status_changes.last().note == (
        "No longer one of the chosen electives."
    )


def test_four_electives_are_refused_next_to_the_field_with_the_ticks_kept(client, candidate, sets):
    client.force_login(candidate)
    codes = ELECTIVE_CODES[:4]

    response = choose(client, sets, *codes)

    assert response.status_code == 200
    html = response.content.decode()
    message = "Choose at most 3 elective sets: you have 4 ticked. Untick 1 to save your choice."
    assert '<div class="invalid-feedback d-block mb-2" id="electives-error">\n' in html
    assert f'<p class="mb-1"><strong>{message}</strong></p>' in html
    assert "Your electives were not saved" in html
    for code in codes:
        assert f'id="id_electives_{sets[code].competency_set_id}" checked>' in html
    unticked = sets["youth-services"].competency_set_id
    assert f'id="id_electives_{unticked}">' in html
    assert not SetProgress.objects.filter(
        candidacy=candidate.candidacy, chosen=True, competency_set__kind="elective"
    ).exists()
    assert not SetProgressStatusChange.objects.filter(progress__candidacy=candidate.candidacy)


def test_an_achieved_elective_is_locked_and_stays_chosen(client, candidate, sets, staff):
    services.set_progress_choose_electives(
        candidate.candidacy, set_ids=[sets["access-services"].competency_set_id], by=candidate
    )
    achieve(sets["access-services"], staff)
    client.force_login(candidate)
    locked = sets["access-services"].competency_set_id

    html = client.get(URL).content.decode()
    assert (
        f'id="id_electives_{locked}" checked disabled aria-describedby="id_electives_{locked}_locked">'
        in html
    )
    assert "Achieved, so it stays one of your electives." in html

    # A disabled checkbox is not posted: the achieved elective must survive that.
    response = choose(client, sets, "youth-services")

    assert response.status_code == 302
    assert fresh(sets["access-services"]).chosen is True
    assert fresh(sets["youth-services"]).chosen is True


def test_an_achieved_elective_counts_against_the_limit(client, candidate, sets, staff):
    services.set_progress_choose_electives(
        candidate.candidacy, set_ids=[sets["access-services"].competency_set_id], by=candidate
    )
    achieve(sets["access-services"], staff)
    client.force_login(candidate)

    response = choose(
        client, sets, "youth-services", "reference-information", "cataloging-classification"
    )

    assert response.status_code == 200
    assert "you have 4 ticked. Untick 1" in response.content.decode()
    assert fresh(sets["youth-services"]).chosen is False


def test_an_unknown_elective_is_refused(client, candidate, sets):
    client.force_login(candidate)

    response = client.post(ELECTIVES_URL, {"electives": [sets["foundations"].competency_set_id]})

    assert response.status_code == 200
    assert "Choose from the elective sets listed." in response.content.decode()


def test_a_withdrawn_candidate_cannot_change_electives(client, candidate, sets):
    services.candidacy_withdraw(candidate.candidacy, by=candidate, reason="Moving abroad.")
    client.force_login(candidate)

    response = choose(client, sets, "youth-services")

    assert response.status_code == 200
    assert "Your candidacy is withdrawn, so it cannot change." in response.content.decode()
    assert fresh(sets["youth-services"]).chosen is False


# --- History ------------------------------------------------------------------------------


def test_the_history_never_names_an_evaluator_to_the_candidate(client, candidate, sets, evaluator):
    services.set_progress_transition(
        sets["technology"], SetProgress.Status.IN_PROGRESS, by=evaluator, note="Rated."
    )
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    history = html[html.index('id="history-heading"') :]
    assert "· Eve" not in history
    assert re.search(r"</time> · LSSC\s*</p>", history)


def test_the_history_is_newest_first_with_who_and_when(client, candidate, sets, staff):
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)
    achieve(sets["foundations"], staff)
    SetProgressStatusChange.objects.filter(progress=sets["technology"]).update(
        at=datetime(2027, 3, 12, 9, 30, tzinfo=CENTRAL)
    )
    SetProgressStatusChange.objects.filter(progress=sets["foundations"]).update(
        at=datetime(2027, 7, 1, 14, 5, tzinfo=CENTRAL)
    )
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    history = html[html.index('id="history-heading"') :]
    newer = history.index("Foundations of Library Services: Achieved")
    older = history.index("Technology: Route planned: portfolio.")
    assert newer < older
    assert "1 July 2027, 14:05 CDT</time> · Sam" in history
    assert "12 March 2027, 09:30 CST</time> · You" in history
    assert "Times are US Central (America/Chicago)." in history


def test_the_history_says_what_to_expect_when_empty(client, candidate, sets):
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert "Nothing has happened yet." in html


def test_dashboard_query_count_does_not_grow_with_history_or_progress(
    client, candidate, sets, staff
):
    client.force_login(candidate)
    services.set_progress_choose_route(sets["technology"], route="course", by=candidate)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    one = count_queries()

    # Many changes by many people on every set, extensions and candidacy moves.
    actors = [UserFactory(program_staff=True) for _ in range(3)]
    progress = list(sets.values())
    SetProgressStatusChange.objects.bulk_create(
        SetProgressStatusChange(
            progress=progress[n % len(progress)],
            old_status="not_started",
            new_status="in_progress",
            actor=actors[n % 3],
            note=f"Change {n}",
        )
        for n in range(49)
    )
    for n in range(5):
        DeadlineExtension.objects.create(
            candidacy=candidate.candidacy,
            old_deadline=date(2030, 1, 1),
            new_deadline=date(2030, 2, n + 1),
            reason="Illness.",
            actor=actors[n % 3],
        )
        CandidacyStatusChange.objects.create(
            candidacy=candidate.candidacy, new_status="active", actor=actors[n % 3]
        )
    services.set_progress_choose_electives(
        candidate.candidacy,
        set_ids=[sets[code].competency_set_id for code in ELECTIVE_CODES[:3]],
        by=candidate,
    )
    for code in ["foundations", *ELECTIVE_CODES[:2]]:
        achieve(sets[code], staff)

    many = count_queries()

    assert (
        SetProgressStatusChange.objects.filter(progress__candidacy=candidate.candidacy).count() > 50
    )
    assert many == one


# --- A withdrawn candidacy ----------------------------------------------------------------


def test_a_withdrawn_candidacy_shows_its_state_and_no_actions(client, candidate, sets, staff):
    achieve(sets["foundations"], staff)
    services.candidacy_withdraw(candidate.candidacy, by=candidate, reason="Moving abroad.")
    client.force_login(candidate)

    html = client.get(URL).content.decode()

    assert '<span class="badge badge-status text-bg-secondary">Withdrawn</span>' in html
    assert "You have withdrawn from the program" in html
    assert "days)" not in html  # no countdown to a deadline that no longer applies
    assert 'id="elective-chooser"' not in html
    assert reverse("candidates:withdraw") not in html
    assert "Choose a route" not in html
    assert '<th scope="col">Outcome</th>' in html
    assert f"Done on {long_date(timezone.localdate())}" in row_html(html, "foundations")
    assert "Candidacy withdrawn" in html
    assert "Moving abroad." in html


# --- One set's page -----------------------------------------------------------------------


def set_url(code):
    return reverse("candidates:set_detail", args=[code])


def test_set_page_shows_the_status_route_form_competencies_and_history(client, candidate, sets):
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)
    client.force_login(candidate)

    response = client.get(set_url("technology"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<h1 class="mb-2">Technology</h1>' in html
    assert '<li class="breadcrumb-item"><a href="/dashboard/">Your candidacy</a></li>' in html
    assert '<span class="badge badge-status text-bg-secondary">Not started</span>' in html
    assert re.search(r'name="route" value="portfolio"\s+id="id_route_1" required checked>', html)
    assert "Start your portfolio</button>" in html
    assert "The 9 competencies" in html
    assert html.count('<li value="') == 9
    assert "Route planned: portfolio." in html


def test_choosing_a_route_records_it_with_history(client, candidate, sets):
    client.force_login(candidate)

    response = client.post(set_url("technology"), {"route": "course"})

    assert response.status_code == 302
    assert response.url == set_url("technology")
    assert fresh(sets["technology"]).route == "course"
    change = fresh(sets["technology"]).status_changes.get()
    assert (change.old_status, change.new_status, change.actor, change.note) == (
        "not_started",
        "not_started",
        candidate,
        "Route planned: approved course.",
    )
    html = client.get(response.url).content.decode()
    assert "Saved: you plan to earn Technology by approved course." in html


def test_a_route_must_be_one_of_the_two(client, candidate, sets):
    client.force_login(candidate)

    response = client.post(set_url("technology"), {"route": "telepathy"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an approved course or a portfolio." in html
    assert "Your route was not saved" in html
    assert fresh(sets["technology"]).route == ""


def test_the_route_of_an_achieved_set_is_locked(client, candidate, sets, staff):
    achieve(sets["technology"], staff, through="Tech for Libraries")
    client.force_login(candidate)

    html = client.get(set_url("technology")).content.decode()
    assert (
        "This set is achieved through Tech for Libraries, so its route no longer changes." in html
    )
    assert 'name="route"' not in html

    response = client.post(set_url("technology"), {"route": "portfolio"})

    assert response.status_code == 200
    assert "This set is achieved; its route can no longer change." in response.content.decode()
    assert fresh(sets["technology"]).route == "course"


def test_an_unknown_set_is_not_found(client, candidate, sets):
    client.force_login(candidate)

    assert client.get(set_url("basket-weaving")).status_code == 404


def test_another_candidate_sees_only_their_own_progress_on_a_set(
    client, candidate, other_candidate, sets, add_progress
):
    add_progress(other_candidate.candidacy)
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)
    client.force_login(other_candidate)

    html = client.get(set_url("technology")).content.decode()

    assert "Route planned" not in html
    assert "Nothing has happened on this set yet." in html


def test_set_page_query_count_does_not_grow_with_its_history(client, candidate, sets):
    client.force_login(candidate)
    url = set_url("technology")
    services.set_progress_choose_route(sets["technology"], route="course", by=candidate)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count_queries()
    actors = [UserFactory(program_staff=True) for _ in range(3)]
    SetProgressStatusChange.objects.bulk_create(
        SetProgressStatusChange(
            progress=sets["technology"],
            old_status="not_started",
            new_status="in_progress",
            actor=actors[n % 3],
            note=f"Change {n}",
        )
        for n in range(49)
    )

    assert count_queries() == one


def test_a_candidate_without_progress_rows_gets_404_on_a_set_page(client, other_candidate):
    client.force_login(other_candidate)

    assert client.get(set_url("technology")).status_code == 404


# --- Date and badge helpers the pages use ------------------------------------------------


def test_deadline_is_the_end_of_the_day_in_the_programs_time_zone(settings):
    settings.TIME_ZONE = "America/Chicago"

    assert deadline(date(2030, 11, 27)) == "27 November 2030, 23:59 US Central (America/Chicago)"


def test_deadline_names_an_unknown_zone_by_its_key(settings):
    settings.TIME_ZONE = "Europe/Dublin"

    assert deadline(date(2030, 11, 27)) == "27 November 2030, 23:59 Europe/Dublin"


@pytest.mark.parametrize(
    ("offset", "text"),
    [(1461, "in 1,461 days"), (1, "tomorrow"), (0, "today"), (-1, "yesterday"), (-3, "3 days ago")],
)
def test_days_from_today(offset, text):
    assert days_from_today(timezone.localdate() + timedelta(days=offset)) == text


def test_moment_shows_the_time_and_zone_abbreviation():
    assert (
        moment(datetime(2027, 3, 12, 15, 30, tzinfo=ZoneInfo("UTC"))) == "12 March 2027, 09:30 CST"
    )


def test_status_badge_uses_one_colour_per_meaning_and_always_text():
    assert status_badge("achieved", "Achieved") == (
        '<span class="badge badge-status text-bg-success">Achieved</span>'
    )
    assert status_badge("something_new", "Something <new>") == (
        '<span class="badge badge-status text-bg-secondary">Something &lt;new&gt;</span>'
    )
