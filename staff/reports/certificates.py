"""Certificates month by month: first certificates issued, renewals issued (certificates
that supersede another, by their issue month) and certificates expiring (by expiry month,
leaving out those already replaced by a renewal or revoked). By default the last 12 months
and the next 12, so the expiring column shows the renewals to come. Two queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from candidates.models import Certificate
from staff import charts
from staff.reports.base import (
    Chart,
    Column,
    ReportResult,
    Table,
    add_months,
    day_range,
    month_end,
    months_between,
)

MAX_YEARS = 10  # 120 months is already a long table


def default_period(today: date) -> tuple[date, date]:
    """From the first day of the month eleven months back (the last 12 months, this one
    included) to the last day of the 12th month ahead."""
    return add_months(today, -11), month_end(add_months(today, 12))


@dataclass(frozen=True)
class Month:
    month: date
    issued: int = 0
    renewed: int = 0
    expiring: int = 0

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.month:%b %Y}"


def by_month(
    start: date,
    end: date,
    issued: Iterable[tuple[date, int, int]],
    expiring: Iterable[tuple[date, int]],
) -> list[Month]:
    """One row per month from `start` to `end`: `issued` are (month, first certificates,
    renewals) and `expiring` (month, certificates) rows, by the month's first day."""
    issued_by = {month: (first, renewed) for month, first, renewed in issued}
    expiring_by = dict(expiring)
    return [
        Month(
            month=month,
            issued=issued_by.get(month, (0, 0))[0],
            renewed=issued_by.get(month, (0, 0))[1],
            expiring=expiring_by.get(month, 0),
        )
        for month in months_between(start, end)
    ]


def _as_date(value: date | datetime) -> date:
    # TruncMonth of a DateField gives a date; be lenient with a backend giving a datetime.
    return value.date() if isinstance(value, datetime) else value


def build(date_from: date | None, date_to: date | None) -> ReportResult:
    issued = (
        Certificate.objects.filter(**day_range("issued_on", date_from, date_to))
        .annotate(month=TruncMonth("issued_on"))
        .values("month")
        .annotate(
            first=Count("pk", filter=Q(supersedes__isnull=True)),
            renewed=Count("pk", filter=Q(supersedes__isnull=False)),
        )
        .order_by()
        .values_list("month", "first", "renewed")
    )
    expiring = (
        Certificate.objects.filter(**day_range("expires_on", date_from, date_to))
        .exclude(status__in=(Certificate.Status.REPLACED, Certificate.Status.REVOKED))
        .annotate(month=TruncMonth("expires_on"))
        .values("month")
        .annotate(number=Count("pk"))
        .order_by()
        .values_list("month", "number")
    )
    months = by_month(
        date_from,
        date_to,
        [(_as_date(m), first, renewed) for m, first, renewed in issued],
        [(_as_date(m), number) for m, number in expiring],
    )
    totals = [sum(getattr(m, name) for m in months) for name in ("issued", "renewed", "expiring")]
    table = Table(
        title="Certificates by month",
        caption="Certificates issued, renewed and expiring, month by month",
        columns=[
            Column("Month", "text"),
            Column("First certificates issued"),
            Column("Renewals issued"),
            Column("Expiring"),
        ],
        rows=[[m.label, m.issued, m.renewed, m.expiring] for m in months],
        footer=["All months", *totals],
    )
    chart = charts.line_chart(
        chart_id="certificates-chart",
        title="Certificates by month",
        desc=(
            f"From {months[0].label} to {months[-1].label}: {totals[0]:,} first certificates "
            f"issued, {totals[1]:,} renewals issued and {totals[2]:,} certificates expiring."
        ),
        categories=[m.short_label for m in months],
        series=[
            charts.Series("First certificates", [m.issued for m in months]),
            charts.Series("Renewals", [m.renewed for m in months]),
            charts.Series("Expiring", [m.expiring for m in months]),
        ],
    )
    return ReportResult(
        date_from=date_from,
        date_to=date_to,
        data=months,
        tables=[table],
        charts=[Chart("Certificates by month", chart)],
        empty=not any(totals),
    )
