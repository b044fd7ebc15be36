"""Eligibility: library work hours inside the window before an application date.

Pure functions with no database, shared by the public self-check and the application form.

Counting rules:
- The window is the `window_years` years up to and including the reference date.
- A job counts `hours_per_week` for every week it overlaps the window; a job partly outside
  is prorated by the days inside (start and end dates both count as worked days).
- A current job (no end date) counts up to the reference date.
- Overlapping jobs both count: someone with two part-time jobs works both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from lssc.core.dates import add_years

MAX_HOURS_PER_WEEK = 80  # more than this in one job is a typing mistake, not a job


@dataclass(frozen=True)
class Job:
    start: date
    end: date | None  # None: still working there
    hours_per_week: Decimal
    library: str = ""


@dataclass(frozen=True)
class JobHours:
    job: Job
    days_inside: int
    hours: Decimal


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    counted_hours: Decimal
    required_hours: int
    window_start: date
    window_end: date
    has_education: bool
    jobs: list[JobHours] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def hours_short(self) -> Decimal:
        return max(Decimal(0), Decimal(self.required_hours) - self.counted_hours)


def window_start(as_of: date, years: int) -> date:
    """The first day of the window: the day after the same date `years` years earlier."""
    return add_years(as_of, -years) + timedelta(days=1)


def hours_in_window(job: Job, start: date, end: date) -> JobHours:
    """Hours of one job that fall between `start` and `end`, both inclusive."""
    job_end = job.end or end
    first = max(job.start, start)
    last = min(job_end, end)
    days = (last - first).days + 1 if last >= first else 0
    hours = (Decimal(job.hours_per_week) * days / 7).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return JobHours(job=job, days_inside=days, hours=hours)


def check_eligibility(
    jobs: Iterable[Job],
    *,
    has_education: bool,
    as_of: date,
    required_hours: int,
    window_years: int,
) -> Verdict:
    """Whether someone with this education and work history may apply on `as_of`."""
    start = window_start(as_of, window_years)
    counted = [hours_in_window(job, start, as_of) for job in jobs]
    total = sum((row.hours for row in counted), Decimal(0))
    missing = []
    if not has_education:
        missing.append("A high school diploma or its equivalent (such as a GED) is required.")
    if total < required_hours:
        short = (Decimal(required_hours) - total).quantize(Decimal("1"), ROUND_HALF_UP)
        missing.append(
            f"{short:,} more {'hour' if short == 1 else 'hours'} of library work between {start:%-d %B %Y} and "
            f"{as_of:%-d %B %Y} are needed ({required_hours:,} in all)."
        )
    return Verdict(
        eligible=not missing,
        counted_hours=total,
        required_hours=required_hours,
        window_start=start,
        window_end=as_of,
        has_education=has_education,
        jobs=counted,
        missing=missing,
    )
