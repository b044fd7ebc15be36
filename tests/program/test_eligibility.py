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


# --- Edges of the window ------------------------------------------------------------------


def test_exactly_the_required_hours_is_eligible():
    # 1,820 days at 7 hours a week is exactly 1,820 hours.
    start = date.fromordinal(TODAY.toordinal() - 1819)
    verdict = check([Job(start=start, end=None, hours_per_week=Decimal(7))])
    assert verdict.counted_hours == Decimal("1820.0")
    assert verdict.eligible is True


def test_a_job_ending_the_day_the_window_starts_counts_that_one_day():
    job = Job(start=date(2015, 1, 1), end=date(2021, 11, 28), hours_per_week=Decimal(35))
    row = hours_in_window(job, window_start(TODAY, 5), TODAY)
    assert (row.days_inside, row.hours) == (1, Decimal("5.0"))


def test_a_job_ending_the_day_before_the_window_counts_nothing():
    job = Job(start=date(2015, 1, 1), end=date(2021, 11, 27), hours_per_week=Decimal(35))
    assert hours_in_window(job, window_start(TODAY, 5), TODAY).days_inside == 0


def test_a_job_starting_on_the_application_date_counts_one_day():
    job = Job(start=TODAY, end=None, hours_per_week=Decimal(14))
    assert hours_in_window(job, window_start(TODAY, 5), TODAY).hours == Decimal("2.0")


def test_a_window_across_a_leap_day_counts_29_february():
    # 1 February to 31 March 2024 is 60 days because 2024 has a 29 February.
    job = Job(start=date(2024, 2, 1), end=date(2024, 3, 31), hours_per_week=Decimal(7))
    assert hours_in_window(job, window_start(TODAY, 5), TODAY).days_inside == 60


def test_part_time_and_volunteer_jobs_add_up_with_a_full_time_job():
    jobs = [
        Job(start=date(2023, 1, 2), end=date(2023, 1, 8), hours_per_week=Decimal(40)),  # paid
        Job(
            start=date(2023, 1, 2), end=date(2023, 1, 8), hours_per_week=Decimal("4.5")
        ),  # volunteer
        Job(start=date(2023, 1, 9), end=date(2023, 1, 15), hours_per_week=Decimal(12)),  # part-time
    ]
    assert check(jobs).counted_hours == Decimal("56.5")


def test_fractional_hours_are_rounded_to_one_decimal_per_job():
    job = Job(start=date(2025, 1, 1), end=date(2025, 1, 1), hours_per_week=Decimal(10))
    assert hours_in_window(job, window_start(TODAY, 5), TODAY).hours == Decimal("1.4")
