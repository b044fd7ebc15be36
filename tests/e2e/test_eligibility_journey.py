"""A visitor checks their eligibility in the browser: from the home page, through the form,
to a verdict with the hours counted exactly as the rules say."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lssc.program.eligibility import Job, check_eligibility, hours_in_window, window_start
from lssc.program.selectors import rules_in_force

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def whole_hours(hours: Decimal) -> str:
    """Hours as the page shows them: rounded to whole hours, with a thousands comma."""
    return f"{hours.quantize(Decimal('1'), ROUND_HALF_UP):,}"


def fill_job(
    page: Page, number: int, *, start: date, hours: str, end: date | None = None, library: str = ""
) -> None:
    job = page.get_by_role("group", name=f"Job {number}")
    if library:
        job.get_by_label("Library").fill(library)
    job.get_by_label("Hours per week").fill(hours)
    job.get_by_label("Start date").fill(start.isoformat())
    if end:
        job.get_by_label("End date").fill(end.isoformat())
    else:
        job.get_by_label("I still work here").check()


def test_visitor_with_enough_hours_is_told_they_can_apply(live_server, page: Page):
    rules = rules_in_force()
    today = timezone.localdate()
    current = Job(start=years_ago(today, 3), end=None, hours_per_week=Decimal(20))
    earlier = Job(start=years_ago(today, 7), end=years_ago(today, 4), hours_per_week=Decimal(10))
    first_day = window_start(today, rules.eligibility_window_years)
    # Each job is prorated by its days inside the window (both ends count), in tenths of an
    # hour; the page shows the total rounded to whole hours.
    expected = sum(
        (hours_in_window(job, first_day, today).hours for job in (current, earlier)), Decimal(0)
    )
    # The same rule spelled out: the window starts the day after the date N years ago, and
    # the earlier job only counts from there.
    assert first_day == years_ago(today, rules.eligibility_window_years) + timedelta(days=1)
    assert earlier.start < first_day < earlier.end
    exact = (
        Decimal(20) * ((today - current.start).days + 1)
        + Decimal(10) * ((earlier.end - first_day).days + 1)
    ) / 7
    assert abs(expected - exact) <= Decimal("0.1")

    page.goto(live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Eligibility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your eligibility")
    page.get_by_role("radio", name="Yes").check()
    fill_job(page, 1, start=current.start, hours="20", library="Riverside Public Library")
    page.get_by_role("button", name="Add another job").click()
    fill_job(page, 2, start=earlier.start, end=earlier.end, hours="10")
    page.get_by_role("button", name="Check my eligibility").click()

    verdict = page.locator("#verdict")
    expect(verdict.get_by_role("heading")).to_have_text("Yes — you can apply")
    expect(page.get_by_test_id("counted-hours")).to_have_text(whole_hours(expected))
    # The first job survived "Add another job".
    expect(page.get_by_role("group", name="Job 1").get_by_label("Library")).to_have_value(
        "Riverside Public Library"
    )

    small = Job(start=today - timedelta(days=30), end=None, hours_per_week=Decimal(2))
    small_verdict = check_eligibility(
        [small],
        has_education=True,
        as_of=today,
        required_hours=rules.eligibility_hours,
        window_years=rules.eligibility_window_years,
    )
    page.goto(f"{live_server.url}/eligibility/")
    page.get_by_role("radio", name="Yes").check()
    fill_job(page, 1, start=small.start, hours="2")
    page.get_by_role("button", name="Check my eligibility").click()

    expect(page.locator("#verdict").get_by_role("heading")).to_have_text(
        "Not yet — here is what is missing"
    )
    expect(page.get_by_test_id("counted-hours")).to_have_text(
        whole_hours(small_verdict.counted_hours)
    )
    expect(page.locator("#verdict .missing li")).to_have_text(small_verdict.missing)


def test_too_many_hours_a_week_is_explained_at_the_field_and_input_is_kept(live_server, page: Page):
    page.goto(f"{live_server.url}/eligibility/")
    page.get_by_role("radio", name="Yes").check()
    fill_job(
        page,
        1,
        start=timezone.localdate() - timedelta(days=400),
        hours="100",
        library="Springfield Public Library",
    )
    page.get_by_role("button", name="Check my eligibility").click()

    job = page.get_by_role("group", name="Job 1")
    hours = job.get_by_label("Hours per week")
    expect(hours).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(hours).to_have_value("100")
    error_ids = hours.get_attribute("aria-describedby").split()
    errors = " ".join(page.locator(f"#{error_id}").inner_text() for error_id in error_ids)
    assert "Enter 80 hours a week or fewer." in errors
    expect(job.get_by_label("Library")).to_have_value("Springfield Public Library")
    expect(page.locator("#error-summary")).to_contain_text("Enter 80 hours a week or fewer.")
    expect(page.locator("#verdict")).to_have_count(0)
