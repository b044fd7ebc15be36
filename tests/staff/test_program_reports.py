"""The program reports (/staff/reports/): figures against small data sets worked out by
hand, the period filter, the CSV download and its formula escaping, who may open them, and
query counts that do not grow with the data."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import (
    Application,
    ApplicationStatusChange,
    Candidacy,
    Certificate,
)
from courses.models import CompletionStatusChange, CourseCompletion, CourseStatusChange
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio, PortfolioSubmission
from reviews.models import Decision
from staff import charts
from staff.reports.base import add_months, month_end, months_between, nearest_rank, percent
from tests.factories import ApplicationFactory, CandidacyFactory, UserFactory, course_draft

INDEX = "/staff/reports/"
NAMES = ["funnel", "candidates", "pass-rates", "time-to-decision", "certificates"]
SEQUENCE = itertools.count(1)


def page(name: str) -> str:
    return f"/staff/reports/{name}/"


def csv_url(name: str) -> str:
    return f"/staff/reports/{name}.csv"


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def one_year_ago() -> str:
    return (timezone.localdate() - timedelta(days=365)).isoformat()


# --- Builders: direct rows, dated as each test needs -------------------------------------


def application(*, status=Application.Status.DRAFT, created_days_ago: float = 1, **fields):
    """An application with `status`, created `created_days_ago` days ago."""
    app = ApplicationFactory(status=status, **fields)
    Application.objects.filter(pk=app.pk).update(created_at=days_ago(created_days_ago))
    return app


def candidacy_for(app, *, status=Candidacy.Status.ACTIVE, admitted_days_ago: float = 1):
    return CandidacyFactory(
        user=app.user, application=app, status=status, admitted_at=days_ago(admitted_days_ago)
    )


def funnel_data():
    """Six applications: a draft, a submitted one, a declined one, one admitted, one
    admitted and certified (all started yesterday) and a submitted one started two years
    ago."""
    application()
    application(status=Application.Status.SUBMITTED)
    application(status=Application.Status.DECLINED)
    candidacy_for(application(status=Application.Status.ADMITTED))
    candidacy_for(
        application(status=Application.Status.ADMITTED), status=Candidacy.Status.CERTIFIED
    )
    application(status=Application.Status.SUBMITTED, created_days_ago=730)


def candidates_data():
    """Illinois: two active, one certified (typed " illinois "); Ohio: one lapsed, and one
    active admitted three years ago; one withdrawn candidacy without an application."""
    for status in (Candidacy.Status.ACTIVE, Candidacy.Status.ACTIVE):
        candidacy_for(application(status="admitted", state="Illinois"), status=status)
    candidacy_for(
        application(status="admitted", state=" illinois "), status=Candidacy.Status.CERTIFIED
    )
    candidacy_for(application(status="admitted", state="Ohio"), status=Candidacy.Status.LAPSED)
    candidacy_for(application(status="admitted", state="Ohio"), admitted_days_ago=3 * 365)
    CandidacyFactory(status=Candidacy.Status.WITHDRAWN, admitted_at=days_ago(10))


def competency_set(code: str) -> CompetencySet:
    return CompetencySet.objects.filter(code=code).latest("pk")


def decision(
    *,
    outcome,
    released_days_ago: float | None,
    submitted_days_ago: float = 40,
    set_code: str = "technology",
):
    """A decision on round 1 of a new candidate's portfolio for `set_code`, released
    `released_days_ago` days ago (None: still a draft)."""
    candidacy = CandidacyFactory()
    portfolio = Portfolio.objects.create(
        candidacy=candidacy, competency_set=competency_set(set_code), status="under_review"
    )
    submission = PortfolioSubmission.objects.create(
        portfolio=portfolio,
        round=1,
        submitted_by=candidacy.user,
        learning_statement="What I learned.",
        content=[],
    )
    PortfolioSubmission.objects.filter(pk=submission.pk).update(
        submitted_at=days_ago(submitted_days_ago)
    )
    released = released_days_ago is not None
    return Decision.objects.create(
        portfolio=portfolio,
        submission=submission,
        outcome=outcome,
        status=Decision.Status.RELEASED if released else Decision.Status.DRAFT,
        results=[],
        letter="Dear candidate,",
        released_at=days_ago(released_days_ago) if released else None,
    )


def completion_decided(course, status, *, decided_days_ago: float = 5):
    """A completion claim on `course` by a new candidate, moved to `status` by a history row
    dated `decided_days_ago` days ago."""
    completion = CourseCompletion.objects.create(
        candidacy=CandidacyFactory(),
        course=course,
        completed_on=timezone.localdate(),
        status=status,
    )
    change = CompletionStatusChange.objects.create(
        completion=completion, old_status="submitted", new_status=status
    )
    CompletionStatusChange.objects.filter(pk=change.pk).update(at=days_ago(decided_days_ago))
    return completion


def pass_rate_data():
    """Technology portfolios: released achieved ×2, not demonstrated ×1, more information
    ×1, a draft decision, and one achieved released two years ago. Foundations courses:
    verified ×3, rejected ×1, and one verified two years ago."""
    for outcome in ("achieved", "achieved", "not_demonstrated", "info_requested"):
        decision(outcome=outcome, released_days_ago=5)
    decision(outcome="achieved", released_days_ago=None)
    decision(outcome="achieved", released_days_ago=730, submitted_days_ago=760)
    course = course_draft(set_code="foundations", status="approved")
    for status in ("verified", "verified", "verified", "rejected"):
        completion_decided(course, status)
    completion_decided(course, "verified", decided_days_ago=730)


def history(model, link: str, obj, moves: list[tuple[str, float]]):
    """Status-change rows for `obj`: (new status, days ago) in order."""
    old = ""
    for new, ago in moves:
        row = model.objects.create(**{link: obj}, old_status=old, new_status=new)
        model.objects.filter(pk=row.pk).update(at=days_ago(ago))
        old = new


def time_to_decision_data():
    """Applications: 10 days (with a request for more information), 4 days (declined), and
    1 day decided 400 days ago; one still waiting. Courses: 20 days (with changes
    requested), 8 days (rejected). Portfolio rounds: 6, 12, 30 and 45 days, and a draft."""
    h = ApplicationStatusChange
    history(
        h,
        "application",
        application(status="admitted"),
        [
            ("draft", 30),
            ("submitted", 20),
            ("info_requested", 18),
            ("submitted", 15),
            ("admitted", 10),
        ],
    )
    history(h, "application", application(status="declined"), [("submitted", 9), ("declined", 5)])
    history(
        h, "application", application(status="admitted"), [("submitted", 401), ("admitted", 400)]
    )
    history(h, "application", application(status="submitted"), [("submitted", 3)])
    history(
        CourseStatusChange,
        "course",
        course_draft(status="approved"),
        [("submitted", 30), ("changes_requested", 27), ("submitted", 24), ("approved", 10)],
    )
    history(
        CourseStatusChange,
        "course",
        course_draft(status="rejected"),
        [("submitted", 10), ("rejected", 2)],
    )
    for days in (6, 12, 30, 45):
        decision(outcome="achieved", released_days_ago=2, submitted_days_ago=2 + days)
    decision(outcome="achieved", released_days_ago=None)


def certificate(*, issued_on: date, expires_on: date, status="valid", supersedes=None):
    return Certificate.objects.create(
        candidacy=CandidacyFactory(),
        number=f"LSSC-T-{next(SEQUENCE):05d}",
        holder_name="Robin Reader",
        issued_on=issued_on,
        expires_on=expires_on,
        status=status,
        supersedes=supersedes,
    )


def certificate_data(this_month: date):
    """With M the first day of this month: a first certificate issued in M (expires in 5
    years); one issued in M-2 expiring in M+3; one issued in M-30 expiring in M+1 but
    replaced by a renewal issued in M-1; one expired in M-5; one revoked, due in M+2."""
    month = lambda n: add_months(this_month, n)  # noqa: E731
    certificate(issued_on=month(0), expires_on=month(60))
    certificate(issued_on=month(-2), expires_on=month(3))
    old = certificate(issued_on=month(-30), expires_on=month(1), status="replaced")
    certificate(issued_on=month(-1), expires_on=month(61), supersedes=old)
    certificate(issued_on=month(-40), expires_on=month(-5), status="expired")
    certificate(issued_on=month(-40), expires_on=month(2), status="revoked")


BUILDERS = {
    "funnel": funnel_data,
    "candidates": candidates_data,
    "pass-rates": pass_rate_data,
    "time-to-decision": time_to_decision_data,
    "certificates": lambda: certificate_data(timezone.localdate().replace(day=1)),
}


# --- Pure helpers -------------------------------------------------------------------------


def test_nearest_rank_percentiles_match_the_textbook_example():
    # The nearest-rank example on Wikipedia: 15, 20, 35, 40, 50.
    values = [50, 15, 40, 20, 35]
    assert [nearest_rank(values, p) for p in (5, 30, 40, 50, 90, 100)] == [15, 20, 20, 35, 50, 50]
    assert nearest_rank([], 50) is None


def test_percent_is_none_without_a_whole():
    assert (percent(1, 3), percent(0, 0), percent(2, 2)) == (33.3, None, 100.0)


def test_month_helpers_step_across_years():
    assert add_months(date(2027, 11, 15), 3) == date(2028, 2, 1)
    assert add_months(date(2027, 1, 31), -1) == date(2026, 12, 1)
    assert month_end(date(2028, 2, 3)) == date(2028, 2, 29)
    assert months_between(date(2027, 11, 20), date(2028, 1, 2)) == [
        date(2027, 11, 1),
        date(2027, 12, 1),
        date(2028, 1, 1),
    ]
    assert months_between(date(9999, 12, 1), date(9999, 12, 31)) == [date(9999, 12, 1)]


def test_chart_ticks_are_round_numbers():
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(100, integer=False) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0.3, integer=False) == [0, 0.1, 0.2, 0.3]


def test_bar_chart_is_an_accessible_image_with_its_text_escaped():
    svg = charts.bar_chart(
        chart_id="c",
        title="Counts <by> state",
        desc="Two & more",
        categories=["<script>x</script>", "Ohio"],
        series=[charts.Series("Candidates", [3, None])],
    )

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Counts &lt;by&gt; state</title>' in svg
    assert '<desc id="c-desc">Two &amp; more</desc>' in svg
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg
    assert "no data" in svg
    assert "style=" not in svg


# --- Authorization ------------------------------------------------------------------------


def test_report_urls_have_their_names():
    assert reverse("staff:reports") == INDEX
    assert reverse("staff:report", args=["funnel"]) == page("funnel")
    assert reverse("staff:report_csv", args=["funnel"]) == csv_url("funnel")


def test_anonymous_visitor_is_sent_to_log_in(client):
    for url in (INDEX, page("funnel"), csv_url("funnel")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for url in (INDEX, page("funnel"), csv_url("certificates"), page("no-such-report")):
        assert client.get(url).status_code == 404, url


def test_unknown_report_is_404(staff_client):
    assert staff_client.get(page("no-such-report")).status_code == 404
    assert staff_client.get(csv_url("no-such-report")).status_code == 404


def test_report_pages_are_get_only(staff_client):
    assert staff_client.post(INDEX).status_code == 405
    assert staff_client.post(page("funnel")).status_code == 405
    assert staff_client.post(csv_url("funnel")).status_code == 405


def test_index_lists_every_report_and_the_evaluator_report(staff_client):
    response = staff_client.get(INDEX)

    assert response.status_code == 200
    assert [spec.name for spec in response.context["reports"]] == NAMES
    html = response.content.decode()
    assert html.count("<h1") == 1
    for name in NAMES:
        assert f'href="{page(name)}"' in html
    assert f'href="{reverse("staff:evaluator_report")}"' in html


@pytest.mark.parametrize("name", NAMES)
def test_every_report_without_data_says_so_and_still_lists_its_table(staff_client, name):
    response = staff_client.get(page(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<table" in html
    assert f'href="{csv_url(name)}"' in html
    assert "empty-state" in html
    assert "<svg" not in html


@pytest.mark.parametrize("name", NAMES)
def test_every_report_with_data_shows_an_svg_chart_with_title_and_desc(staff_client, name):
    BUILDERS[name]()

    html = staff_client.get(page(name)).content.decode()

    assert "empty-state" not in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "<title id=" in html and "<desc id=" in html


# --- Funnel -------------------------------------------------------------------------------


def stage_figures(response):
    return [
        (s.label, s.count, s.of_started, s.of_previous) for s in response.context["result"].data
    ]


def test_funnel_counts_each_stage_with_its_conversion(staff_client):
    funnel_data()

    response = staff_client.get(page("funnel"))

    # All six started; five submitted (all but the draft); two admitted; one certified.
    assert stage_figures(response) == [
        ("Started", 6, 100.0, None),
        ("Submitted", 5, 83.3, 83.3),
        ("Admitted", 2, 33.3, 40.0),
        ("Certified", 1, 16.7, 50.0),
    ]
    html = response.content.decode()
    assert "Applications started at any time." in html
    assert "83.3%" in html


def test_funnel_counts_only_applications_started_in_the_period(staff_client):
    funnel_data()

    response = staff_client.get(page("funnel"), {"from": one_year_ago()})

    # The one started two years ago is left out: 5 started, 4 submitted, 2, 1.
    assert stage_figures(response) == [
        ("Started", 5, 100.0, None),
        ("Submitted", 4, 80.0, 80.0),
        ("Admitted", 2, 40.0, 50.0),
        ("Certified", 1, 20.0, 50.0),
    ]


def test_funnel_csv_lists_the_stages(staff_client):
    funnel_data()

    response = staff_client.get(csv_url("funnel"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="funnel-report-start-to-{today}.csv"'
    )
    assert csv_rows(response) == [
        ["Application funnel", "Applications started at any time."],
        [],
        ["Applications by stage"],
        ["Stage", "Applications", "% of started", "% of the stage before"],
        ["Started", "6", "100.0", ""],
        ["Submitted", "5", "83.3", "83.3"],
        ["Admitted", "2", "33.3", "40.0"],
        ["Certified", "1", "16.7", "50.0"],
    ]


# --- Candidates ---------------------------------------------------------------------------


def state_figures(response):
    counts = response.context["result"].data
    return [
        (
            row.state,
            row.by_status["active"],
            row.by_status["certified"],
            row.by_status["lapsed"],
            row.by_status["withdrawn"],
        )
        for row in counts.by_state
    ], counts.by_status


def test_candidates_by_state_and_status(staff_client):
    candidates_data()

    by_state, by_status = state_figures(staff_client.get(page("candidates")))

    # " illinois " joins "Illinois" (the spelling most used); no application: Not recorded.
    assert by_state == [
        ("Illinois", 2, 1, 0, 0),
        ("Ohio", 1, 0, 1, 0),
        ("Not recorded", 0, 0, 0, 1),
    ]
    assert by_status == {"active": 3, "certified": 1, "lapsed": 1, "withdrawn": 1}


def test_candidates_admitted_before_the_period_are_left_out(staff_client):
    candidates_data()

    by_state, by_status = state_figures(
        staff_client.get(page("candidates"), {"from": one_year_ago()})
    )

    # The Ohio candidate admitted three years ago drops out; at equal totals "Not
    # recorded" comes after the named states.
    assert by_state == [
        ("Illinois", 2, 1, 0, 0),
        ("Ohio", 0, 0, 1, 0),
        ("Not recorded", 0, 0, 0, 1),
    ]
    assert by_status == {"active": 2, "certified": 1, "lapsed": 1, "withdrawn": 1}


def test_candidates_csv_has_both_tables_with_totals(staff_client):
    candidates_data()

    rows = csv_rows(staff_client.get(csv_url("candidates")))

    assert rows[rows.index(["By status"]) + 1 :][:6] == [
        ["Status", "Candidates"],
        ["Active", "3"],
        ["Certified", "1"],
        ["Lapsed", "1"],
        ["Withdrawn", "1"],
        ["All candidates", "6"],
    ]
    assert rows[rows.index(["By state"]) + 1 :] == [
        ["State", "Active", "Certified", "Lapsed", "Withdrawn", "Total"],
        ["Illinois", "2", "1", "0", "0", "3"],
        ["Ohio", "1", "0", "1", "0", "2"],
        ["Not recorded", "0", "0", "0", "1", "1"],
        ["All states", "3", "1", "1", "1", "6"],
    ]


def test_csv_escapes_cells_a_spreadsheet_would_run_as_formulas(staff_client):
    for state in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "Plain"):
        candidacy_for(application(status="admitted", state=state))

    rows = csv_rows(staff_client.get(csv_url("candidates")))
    states = {row[0] for row in rows[rows.index(["By state"]) + 2 : -1]}

    assert states == {"'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "Plain"}


def test_state_names_are_escaped_in_the_chart_and_table(staff_client):
    candidacy_for(application(status="admitted", state="<b>Ohio</b>"))

    html = staff_client.get(page("candidates")).content.decode()

    assert "<b>Ohio</b>" not in html
    assert html.count("&lt;b&gt;Ohio&lt;/b&gt;") >= 3  # chart label, its tooltip, the table


# --- Pass rates ---------------------------------------------------------------------------


def pass_figures(response) -> dict:
    return {
        (row.set_code, row.route): (row.passed, row.failed, row.rate, row.more_information)
        for row in response.context["result"].data
        if row.decided or row.more_information
    }


def test_pass_rates_per_set_and_route(staff_client):
    pass_rate_data()

    response = staff_client.get(page("pass-rates"))

    # Technology portfolios: 3 achieved, 1 not → 75 %; one more-information round apart.
    # Foundations courses: 4 verified, 1 rejected → 80 %. Draft decisions do not count.
    assert pass_figures(response) == {
        ("technology", "portfolio"): (3, 1, 75.0, 1),
        ("foundations", "course"): (4, 1, 80.0, 0),
    }
    rows = response.context["result"].data
    assert len(rows) == 2 * CompetencySet.objects.values("code").distinct().count()
    assert [row.route for row in rows[:2]] == ["course", "portfolio"]
    html = response.content.decode()
    assert "75.0%" in html and "80.0%" in html


def test_pass_rates_count_decisions_made_in_the_period(staff_client):
    pass_rate_data()

    response = staff_client.get(page("pass-rates"), {"from": one_year_ago()})

    # The two-year-old decision and completion drop out: 2 of 3 (66.7 %), 3 of 4 (75 %).
    assert pass_figures(response) == {
        ("technology", "portfolio"): (2, 1, 66.7, 1),
        ("foundations", "course"): (3, 1, 75.0, 0),
    }


def test_pass_rates_csv(staff_client):
    pass_rate_data()

    rows = csv_rows(staff_client.get(csv_url("pass-rates")))

    header = [
        "Competency set",
        "Route",
        "Achieved",
        "Not achieved",
        "Pass rate",
        "More information requested",
    ]
    assert rows[3] == header
    technology = competency_set("technology").name
    foundations = competency_set("foundations").name
    assert [technology, "Portfolio", "3", "1", "75.0", "1"] in rows
    assert [foundations, "Approved course", "4", "1", "80.0", ""] in rows
    assert [technology, "Approved course", "0", "0", "", ""] in rows


# --- Time to decision ---------------------------------------------------------------------


def time_figures(response) -> list[tuple]:
    return [(k.kind, k.decided, k.median, k.p90) for k in response.context["result"].data]


def test_time_to_decision_medians_and_90th_percentiles(staff_client):
    time_to_decision_data()

    response = staff_client.get(page("time-to-decision"))

    # Applications 1, 4, 10 days: median rank ⌈1.5⌉ = 2 → 4; 90th rank ⌈2.7⌉ = 3 → 10.
    # Courses 8, 20 days: median rank 1 → 8; 90th rank ⌈1.8⌉ = 2 → 20.
    # Portfolio rounds 6, 12, 30, 45: median rank 2 → 12; 90th rank ⌈3.6⌉ = 4 → 45.
    assert time_figures(response) == [
        ("Applications", 3, 4.0, 10.0),
        ("Courses", 2, 8.0, 20.0),
        ("Portfolio rounds", 4, 12.0, 45.0),
    ]
    assert "nearest-rank method" in response.content.decode()


def test_time_to_decision_counts_decisions_made_in_the_period(staff_client):
    time_to_decision_data()

    response = staff_client.get(page("time-to-decision"), {"from": one_year_ago()})

    # The application decided 400 days ago drops out: 4 and 10 days; nearest-rank median
    # of two is the first.
    assert time_figures(response)[0] == ("Applications", 2, 4.0, 10.0)


def test_time_to_decision_csv(staff_client):
    time_to_decision_data()

    rows = csv_rows(staff_client.get(csv_url("time-to-decision")))

    assert rows[3:] == [
        ["Kind", "Decisions", "Median days", "90th percentile days"],
        ["Applications", "3", "4.0", "10.0"],
        ["Courses", "2", "8.0", "20.0"],
        ["Portfolio rounds", "4", "12.0", "45.0"],
    ]


# --- Certificates -------------------------------------------------------------------------


def test_certificates_by_month_over_the_default_24_months(staff_client):
    this_month = timezone.localdate().replace(day=1)
    certificate_data(this_month)

    response = staff_client.get(page("certificates"))

    result = response.context["result"]
    months = {m.month: (m.issued, m.renewed, m.expiring) for m in result.data}
    # 11 months back to 12 ahead. Issued in M and M-2; a renewal in M-1; expiring in M+3
    # and M-5 (the replaced one due in M+1 and the revoked one in M+2 do not count).
    assert len(result.data) == 24
    assert (result.date_from, result.date_to) == (
        add_months(this_month, -11),
        month_end(add_months(this_month, 12)),
    )
    assert {month: figures for month, figures in months.items() if any(figures)} == {
        this_month: (1, 0, 0),
        add_months(this_month, -2): (1, 0, 0),
        add_months(this_month, -1): (0, 1, 0),
        add_months(this_month, 3): (0, 0, 1),
        add_months(this_month, -5): (0, 0, 1),
    }
    assert result.tables[0].footer == ["All months", 2, 1, 2]


def test_certificates_over_a_chosen_period(staff_client):
    this_month = timezone.localdate().replace(day=1)
    certificate_data(this_month)
    start = add_months(this_month, -2)

    response = staff_client.get(
        page("certificates"), {"from": start.isoformat(), "to": month_end(this_month).isoformat()}
    )

    # Three months: M-2 one issued, M-1 one renewal, M one issued; nothing expires.
    assert [
        (m.month, m.issued, m.renewed, m.expiring) for m in response.context["result"].data
    ] == [
        (start, 1, 0, 0),
        (add_months(this_month, -1), 0, 1, 0),
        (this_month, 1, 0, 0),
    ]


def test_certificates_csv_has_a_row_per_month(staff_client):
    this_month = timezone.localdate().replace(day=1)
    certificate_data(this_month)

    rows = csv_rows(staff_client.get(csv_url("certificates")))

    assert rows[3] == ["Month", "First certificates issued", "Renewals issued", "Expiring"]
    assert len(rows) == 4 + 24 + 1
    assert rows[-1] == ["All months", "2", "1", "2"]
    assert [f"{this_month:%B %Y}", "1", "0", "0"] in rows


# --- The period filter --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, query, errors",
    [
        ("funnel", {"from": "2027-02-30"}, {"from": ["Enter a real date, like 2027-01-31."]}),
        ("pass-rates", {"to": "yesterday"}, {"to": ["Enter a real date, like 2027-03-31."]}),
        (
            "time-to-decision",
            {"from": "2027-03-10", "to": "2027-03-01"},
            {"to": ["The last day must not be before the first day."]},
        ),
        (
            "certificates",
            {"from": "2001-01-01", "to": "2020-12-31"},
            {"to": ["Choose a period of at most 10 years."]},
        ),
    ],
)
def test_wrong_dates_are_shown_as_form_errors_and_the_default_period_is_used(
    staff_client, name, query, errors
):
    response = staff_client.get(page(name), query)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    html = response.content.decode()
    assert "Please check the highlighted answers" in html
    assert "The dates could not be used, so the figures below cover the default period." in html
    assert f'href="{csv_url(name)}"' in html


def test_a_start_after_the_default_end_is_an_error(staff_client):
    far = timezone.localdate() + timedelta(days=3 * 366)

    response = staff_client.get(page("certificates"), {"from": far.isoformat()})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["from"]
    assert response.context["result"].date_to == month_end(add_months(timezone.localdate(), 12))


def test_the_chosen_period_is_kept_in_the_csv_link(staff_client):
    start = one_year_ago()

    response = staff_client.get(page("funnel"), {"from": start})

    html = response.content.decode()
    assert f'href="{csv_url("funnel")}?from={start}"' in html
    assert response.context["result"].date_from == date.fromisoformat(start)


def test_csv_with_wrong_dates_goes_back_to_the_page(staff_client):
    response = staff_client.get(csv_url("pass-rates"), {"from": "nonsense"})

    assert response.status_code == 302
    assert response.url == f"{page('pass-rates')}?from=nonsense"


def test_csv_file_name_gives_the_period(staff_client):
    response = staff_client.get(csv_url("funnel"), {"from": "2027-01-01", "to": "2027-03-31"})

    assert response["Content-Disposition"] == (
        'attachment; filename="funnel-report-2027-01-01-to-2027-03-31.csv"'
    )
    assert csv_rows(response)[0] == [
        "Application funnel",
        "Applications started from 1 January 2027 to 31 March 2027.",
    ]


# --- Query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_report_and_csv_query_counts_do_not_grow_with_the_data(staff_client, name):
    BUILDERS[name]()
    staff_client.get(page(name))
    with CaptureQueriesContext(connection) as page_one:
        staff_client.get(page(name))
    with CaptureQueriesContext(connection) as csv_one:
        staff_client.get(csv_url(name))
    for _ in range(3):
        BUILDERS[name]()
    UserFactory.create_batch(2)

    with CaptureQueriesContext(connection) as page_many:
        response = staff_client.get(page(name))
    with CaptureQueriesContext(connection) as csv_many:
        staff_client.get(csv_url(name))

    assert not response.context["result"].empty
    assert len(page_many) == len(page_one)
    assert len(csv_many) == len(csv_one)
