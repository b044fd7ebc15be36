"""The public eligibility self-check page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

URL = reverse("program:eligibility")


def post_jobs(client, rows, *, action="check", has_education="yes"):
    data = {
        "jobs-TOTAL_FORMS": str(len(rows)),
        "jobs-INITIAL_FORMS": "0",
        "jobs-MIN_NUM_FORMS": "1",
        "jobs-MAX_NUM_FORMS": "30",
        action: "1",
    }
    if has_education is not None:
        data["has_education"] = has_education
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"jobs-{index}-{key}"] = value
    return client.post(URL, data)


def days_ago(days):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def test_get_shows_one_empty_job_row_and_the_rules(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="job-row') == 1
    assert "1,820 hours" in html


def test_enough_hours_shows_a_positive_verdict_with_the_counted_hours(client):
    # 728 days inside the window at 20 hours a week: 2,080 hours.
    response = post_jobs(
        client,
        [{"library": "Main", "start": days_ago(727), "current": "on", "hours_per_week": "20"}],
    )
    assert response.context["verdict"].eligible is True
    assert response.context["verdict"].counted_hours == 2080
    html = response.content.decode()
    assert "Yes — you can apply" in html
    assert '<strong data-testid="counted-hours">2,080</strong>' in html


def test_too_few_hours_says_what_is_missing(client):
    response = post_jobs(
        client,
        [{"start": days_ago(69), "current": "on", "hours_per_week": "10"}],
        has_education="no",
    )
    verdict = response.context["verdict"]
    assert verdict.eligible is False
    html = response.content.decode()
    assert "Not yet — here is what is missing" in html
    assert "1,720 more hours of library work" in html
    assert "A high school diploma or its equivalent" in html


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"start": "", "current": "on", "hours_per_week": "20"},
            "start",
            "Enter the date you started.",
        ),
        (
            {"start": days_ago(-3), "current": "on", "hours_per_week": "20"},
            "start",
            "The start date cannot be in the future.",
        ),
        (
            {"start": days_ago(30), "end": days_ago(40), "hours_per_week": "20"},
            "end",
            "The end date is before the start date.",
        ),
        (
            {"start": days_ago(30), "end": days_ago(-40), "hours_per_week": "20"},
            "end",
            "The end date cannot be in the future. If you still work there, leave it empty and tick “I still work here”.",
        ),
        (
            {"start": days_ago(30), "hours_per_week": "20"},
            "end",
            "Enter the date you left, or tick “I still work here”.",
        ),
        (
            {"start": days_ago(30), "end": days_ago(3), "current": "on", "hours_per_week": "20"},
            "end",
            "Leave the end date empty when you still work here.",
        ),
        (
            {"start": days_ago(30), "current": "on", "hours_per_week": "81"},
            "hours_per_week",
            "Enter 80 hours a week or fewer.",
        ),
        (
            {"start": days_ago(30), "current": "on", "hours_per_week": "-5"},
            "hours_per_week",
            "Enter at least half an hour a week.",
        ),
        (
            {"start": days_ago(30), "current": "on", "hours_per_week": "lots"},
            "hours_per_week",
            "Enter a number of hours, like 20 or 37.5.",
        ),
        (
            {"start": "1899-01-01", "current": "on", "hours_per_week": "20"},
            "start",
            "Check the year: this date is too long ago.",
        ),
        (
            {"start": "2024-02-31", "current": "on", "hours_per_week": "20"},
            "start",
            "Enter a real date.",
        ),
    ],
)
def test_bad_input_gets_a_message_at_the_field_and_keeps_what_was_typed(
    client, row, field, message
):
    row = {"library": "Riverside Branch", **row}
    response = post_jobs(client, [row])
    form = response.context["jobs"].forms[0]
    assert form.errors[field] == [message]
    assert response.context["verdict"] is None
    html = response.content.decode()
    assert 'value="Riverside Branch"' in html
    assert "Please check the highlighted answers" in html


def test_missing_education_answer_is_an_error_at_the_field(client):
    response = post_jobs(
        client,
        [{"start": days_ago(30), "current": "on", "hours_per_week": "20"}],
        has_education=None,
    )
    assert response.context["education"].errors["has_education"] == ["Please answer yes or no."]


def test_add_another_job_keeps_typed_rows_and_adds_an_empty_one_without_errors(client):
    response = post_jobs(
        client,
        [{"library": "North", "start": days_ago(100), "hours_per_week": "200"}],
        action="add_job",
    )
    html = response.content.decode()
    assert html.count('class="job-row') == 2
    assert 'value="North"' in html
    assert 'value="200"' in html
    assert "Please check the highlighted answers" not in html
    assert 'name="jobs-INITIAL_FORMS" value="0"' in html


def test_an_added_empty_row_is_ignored_when_checking(client):
    response = post_jobs(
        client,
        [
            {"start": days_ago(727), "current": "on", "hours_per_week": "20"},
            {"library": "", "start": "", "end": "", "hours_per_week": ""},
        ],
    )
    assert response.context["verdict"].counted_hours == 2080
