"""The eligibility rules, as pure functions (no database)."""

from datetime import date
from decimal import Decimal

from lssc.program.eligibility import Job, check_eligibility, hours_in_window, window_start

TODAY = date(2026, 11, 27)


def check(jobs, *, has_education=True, as_of=TODAY):
    return check_eligibility(
        jobs, has_education=has_education, as_of=as_of, required_hours=1820, window_years=5
    )


def test_window_starts_the_day_after_the_date_five_years_earlier():
    assert window_start(TODAY, 5) == date(2021, 11, 28)


def test_window_from_29_february_falls_back_to_28_february():
    assert window_start(date(2028, 2, 29), 5) == date(2023, 3, 1)


def test_a_job_entirely_inside_the_window_counts_every_day():
    job = Job(start=date(2024, 1, 1), end=date(2024, 1, 14), hours_per_week=Decimal(35))
    assert hours_in_window(job, date(2021, 11, 28), TODAY).hours == Decimal("70.0")


def test_a_job_partly_before_the_window_counts_only_the_days_inside():
    job = Job(start=date(2019, 1, 1), end=date(2022, 1, 1), hours_per_week=Decimal(7))
    row = hours_in_window(job, date(2021, 11, 28), TODAY)
    assert row.days_inside == 35  # 28 November 2021 to 1 January 2022, both days worked
    assert row.hours == Decimal("35.0")


def test_a_job_that_ended_before_the_window_counts_nothing():
    job = Job(start=date(2010, 1, 1), end=date(2021, 11, 27), hours_per_week=Decimal(40))
    assert hours_in_window(job, date(2021, 11, 28), TODAY).hours == Decimal(0)


def test_a_current_job_counts_up_to_the_reference_date():
    job = Job(start=date(2026, 11, 21), end=None, hours_per_week=Decimal(14))
    assert hours_in_window(job, date(2021, 11, 28), TODAY).hours == Decimal("14.0")


def test_overlapping_jobs_both_count():
    jobs = [
        Job(start=date(2025, 1, 1), end=date(2025, 1, 7), hours_per_week=Decimal(20)),
        Job(start=date(2025, 1, 1), end=date(2025, 1, 7), hours_per_week=Decimal(10)),
    ]
    assert check(jobs).counted_hours == Decimal("30.0")


def test_enough_hours_and_education_is_eligible_with_nothing_missing():
    verdict = check([Job(start=date(2024, 11, 28), end=None, hours_per_week=Decimal(20))])
    assert verdict.counted_hours == Decimal("2085.7")
    assert verdict.eligible is True
    assert verdict.missing == []


def test_one_hour_short_is_not_eligible_and_says_how_many_hours_are_missing():
    # 1,819 hours: 1,819 days at 7 hours a week.
    start = date(2026, 11, 27).toordinal() - 1818
    verdict = check([Job(start=date.fromordinal(start), end=None, hours_per_week=Decimal(7))])
    assert verdict.counted_hours == Decimal("1819.0")
    assert verdict.eligible is False
    assert verdict.missing == [
        "1 more hour of library work between 28 November 2021 and 27 November 2026 are "
        "needed (1,820 in all)."
    ]


def test_missing_education_is_named_even_with_enough_hours():
    verdict = check(
        [Job(start=date(2022, 1, 1), end=None, hours_per_week=Decimal(40))], has_education=False
    )
    assert verdict.eligible is False
    assert verdict.missing == [
        "A high school diploma or its equivalent (such as a GED) is required."
    ]
