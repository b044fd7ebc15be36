"""What every program report is made of: tables of typed columns (the same tables feed the
page and the CSV download), charts, the period they cover, and a few pure helpers
(percentages, nearest-rank percentiles, months) that are checked without the database."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.safestring import SafeString

# --- Tables --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column; `kind` says how a value is shown: text, count, percent or days."""

    label: str
    kind: str = "count"

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    def display(self, value) -> str:
        if value is None:
            return "—"
        if self.kind == "count":
            return f"{value:,}"
        if self.kind == "percent":
            return f"{value:.1f}%"
        if self.kind == "days":
            return f"{value:,.1f}"
        return str(value)


@dataclass(frozen=True)
class Table:
    """One table of a report: the first column names the row. `footer` is a totals row."""

    title: str
    caption: str
    columns: Sequence[Column]
    rows: Sequence[Sequence]
    footer: Sequence | None = None

    @property
    def header(self) -> list[str]:
        return [column.label for column in self.columns]

    def _cells(self, row) -> list[dict]:
        return [
            {"text": column.display(value), "numeric": column.numeric}
            for column, value in zip(self.columns, row, strict=True)
        ]

    @property
    def display_rows(self) -> list[list[dict]]:
        """The rows as the page shows them: each cell's text and whether it is a number."""
        return [self._cells(row) for row in self.rows]

    @property
    def display_footer(self) -> list[dict] | None:
        return self._cells(self.footer) if self.footer is not None else None


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


@dataclass
class ReportResult:
    """A computed report: `data` is the report's own figures (for tests and templates);
    `tables` and `charts` are what the page and the CSV show."""

    date_from: date | None
    date_to: date | None
    data: object
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    empty: bool = False


@dataclass(frozen=True)
class ReportSpec:
    """One report of the index: its address name, title and one-line description; what its
    period filters (`period_subject`, e.g. "Applications started"); how its default period
    is worked out; and `build(date_from, date_to) -> ReportResult`."""

    name: str
    title: str
    description: str
    period_subject: str
    build: Callable[..., ReportResult]
    template: str
    default_period: Callable[[date], tuple[date | None, date | None]] = lambda today: (
        None,
        None,
    )
    max_years: int | None = None
    empty_text: str = "Nothing to show for this period."


# --- Pure helpers --------------------------------------------------------------------------


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal; None when `whole` is 0."""
    return round(100 * part / whole, 1) if whole else None


def nearest_rank(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value
    such that at least p % of the values are at or below it (the value at 1-based rank
    ⌈p/100 × n⌉ of the sorted values). None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered) - 1e-9))
    return ordered[rank - 1]


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    """The last day of the month of `day`."""
    if day.month == 12:
        return date(day.year, 12, 31)
    return date(day.year, day.month + 1, 1) - timedelta(days=1)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from the month of `start` to that of `end`, inclusive."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def day_range(field_name: str, date_from: date | None, date_to: date | None) -> dict:
    """Filter keyword arguments keeping rows whose `field_name` (a datetime, taken as a
    day in the program's time zone, or a date) falls in the period."""
    lookup = field_name if field_name.endswith(("_on", "__date")) else f"{field_name}__date"
    filters = {}
    if date_from:
        filters[f"{lookup}__gte"] = date_from
    if date_to:
        filters[f"{lookup}__lte"] = date_to
    return filters


def period_text(subject: str, date_from: date | None, date_to: date | None) -> str:
    """ "Applications started from 1 March 2027 to today." and the like."""
    if not date_from and not date_to:
        return f"{subject} at any time."
    start = f"{date_from:%-d %B %Y}" if date_from else "the start"
    end = f"{date_to:%-d %B %Y}" if date_to else "today"
    return f"{subject} from {start} to {end}."
