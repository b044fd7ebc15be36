"""The evaluator report page and its CSV download."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lssc.program.models import CompetencySet
from reviews import services
from staff.report_views import csv_cell
from tests.factories import EvaluatorFactory, rate_all, submitted_portfolio

PAGE = "/staff/reports/evaluators/"
CSV = "/staff/reports/evaluators.csv"


@pytest.fixture
def technology(db):
    return CompetencySet.objects.filter(code="technology").latest("pk")


@pytest.fixture
def pair(technology):
    return [
        EvaluatorFactory(
            qualified_sets=[technology],
            employer=f"Library {i}",
            capacity_per_quarter=20,
            user__first_name=name,
            user__last_name="Rater",
        )
        for i, name in enumerate(["Ada", "Ben"])
    ]


def rated_round(pair, staff, *, second_values=None):
    submission = submitted_portfolio().submissions.get()
    first = services.assignment_offer(submission, pair[0], by=staff)
    second = services.assignment_offer(submission, pair[1], by=staff)
    rate_all(first, "met", values={1: "partial"}, comment="Say more.")
    rate_all(second, "met", values=second_values or {1: "partial", 2: "partial"}, comment="Hm.")
    return submission


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_report_urls_have_their_names():
    assert reverse("staff:evaluator_report") == PAGE
    assert reverse("staff:evaluator_report_csv") == CSV


def test_anonymous_visitor_is_sent_to_log_in(client):
    for url in (PAGE, CSV):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["candidate", "evaluator", "provider_user", "outsider"])
def test_other_roles_get_404(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(PAGE).status_code == 404
    assert client.get(CSV).status_code == 404


def test_report_pages_are_get_only(staff_client):
    assert staff_client.post(PAGE).status_code == 405
    assert staff_client.post(CSV).status_code == 405


def test_report_shows_workload_timeliness_and_agreement(staff_client, staff, pair):
    rated_round(pair, staff)

    response = staff_client.get(PAGE)

    assert response.status_code == 200
    report = response.context["report"]
    assert [(line.workload.name, line.workload.submitted) for line in report.lines] == [
        ("Ada Rater", 1),
        ("Ben Rater", 1),
    ]
    # Nine competencies: 8 of 9 agree, kappa 14/23 (see tests/reviews/test_reports.py).
    assert (
        report.agreement.overall.agreement.percent,
        report.agreement.overall.agreement.kappa,
    ) == (
        88.9,
        0.609,
    )
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Ada Rater" in html
    assert "88.9%" in html and "0.609" in html
    assert "All portfolios submitted so far." in html
    assert f'href="{CSV}"' in html


def test_empty_report_says_what_fills_it(staff_client):
    html = staff_client.get(PAGE).content.decode()

    assert "has been rated by both of its evaluators yet" in html


def test_report_can_be_limited_to_a_period(staff_client, staff, pair):
    rated_round(pair, staff)
    today = timezone.localdate()
    earlier = today - timedelta(days=30)

    response = staff_client.get(
        PAGE, {"from": earlier.isoformat(), "to": (earlier + timedelta(days=1)).isoformat()}
    )

    assert response.status_code == 200
    assert response.context["report"].agreement.overall.agreement.pairs == 0
    assert response.context["report"].date_from == earlier
    assert f'href="{CSV}?from={earlier.isoformat()}' in response.content.decode()


@pytest.mark.parametrize(
    "query, errors",
    [
        ({"from": "2027-02-30"}, {"from": ["Enter a real date, like 2027-01-31."]}),
        ({"to": "yesterday"}, {"to": ["Enter a real date, like 2027-03-31."]}),
        (
            {"from": "2027-03-10", "to": "2027-03-01"},
            {"to": ["The last day must not be before the first day."]},
        ),
    ],
)
def test_wrong_dates_are_shown_as_form_errors_and_the_report_covers_all_time(
    staff_client, staff, pair, query, errors
):
    rated_round(pair, staff)

    response = staff_client.get(PAGE, query)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert response.context["report"].agreement.overall.agreement.pairs == 9
    html = response.content.decode()
    assert "Please check the highlighted answers" in html
    assert "The dates could not be used, so the figures below cover all time." in html


def test_csv_with_wrong_dates_goes_back_to_the_page(staff_client):
    response = staff_client.get(CSV, {"from": "nonsense"})

    assert response.status_code == 302
    assert response.url == f"{PAGE}?from=nonsense"


def test_csv_has_one_section_per_table(staff_client, staff, pair):
    rated_round(pair, staff)

    response = staff_client.get(CSV)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="evaluator-report-start-to-'
    )
    rows = csv_rows(response)
    titles = [rows[i + 1][0] for i, row in enumerate(rows) if row == []]
    assert titles == [
        "Workload and timeliness",
        "Agreement overall",
        "Agreement by competency set",
        "Agreement by evaluator",
    ]
    workload_at = rows.index(["Workload and timeliness"])
    assert rows[workload_at + 2] == [
        "Ada Rater",
        "20",
        "1",
        "1",
        "0",
        "0",
        "1",
        "0",
        "100.0",
        "0.0",
    ]
    assert ["All competency sets", "1", "9", "88.9", "0.609"] in rows
    assert ["Technology", "1", "9", "88.9", "0.609"] in rows
    assert ["Ben Rater", "1", "9", "88.9", "0.609"] in rows


def test_csv_escapes_cells_a_spreadsheet_would_run_as_formulas(staff_client, technology):
    for first_name in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "Plain"):
        EvaluatorFactory(
            qualified_sets=[technology], user__first_name=first_name, user__last_name="X"
        )

    names = {row[0] for row in csv_rows(staff_client.get(CSV)) if row and row[0].endswith(" X")}

    assert names == {"'=HYPERLINK(1) X", "'+1 X", "'-2 X", "'@SUM(A1) X", "Plain X"}


def test_csv_cell_escapes_text_only():
    assert [csv_cell(v) for v in ["=1+1", "+", "-x", "@a", "\tx", "ok", None, -0.5, 3]] == [
        "'=1+1",
        "'+",
        "'-x",
        "'@a",
        "'\tx",
        "ok",
        "",
        -0.5,
        3,
    ]


def test_report_and_csv_query_counts_do_not_grow_with_the_data(staff_client, staff, pair):
    rated_round(pair, staff)
    staff_client.get(PAGE)
    with CaptureQueriesContext(connection) as page_one:
        staff_client.get(PAGE)
    with CaptureQueriesContext(connection) as csv_one:
        staff_client.get(CSV)
    for _ in range(3):
        rated_round(pair, staff)
    EvaluatorFactory.create_batch(3)

    with CaptureQueriesContext(connection) as page_many:
        response = staff_client.get(PAGE)
    with CaptureQueriesContext(connection) as csv_many:
        staff_client.get(CSV)

    assert response.context["report"].agreement.overall.agreement.pairs == 36
    assert len(page_many) == len(page_one)
    assert len(csv_many) == len(csv_one)
