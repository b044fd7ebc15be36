"""Time to decision, in days, for decisions made in the period: applications (first
submission to admission or decline), courses (first submission to approval or rejection)
and portfolio rounds (submission to the release of the decision). One query per kind
fetches the pairs of timestamps; the median and the 90th percentile are computed here by
the nearest-rank method."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import OuterRef, Subquery

from candidates.models import Application, ApplicationStatusChange
from courses.models import Course, CourseStatusChange
from reviews.models import Decision
from staff import charts
from staff.reports.base import Chart, Column, ReportResult, Table, day_range, nearest_rank

SECONDS_PER_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class DecisionTimes:
    kind: str
    days: list[float]

    @property
    def decided(self) -> int:
        return len(self.days)

    @property
    def median(self) -> float | None:
        value = nearest_rank(self.days, 50)
        return None if value is None else round(value, 1)

    @property
    def p90(self) -> float | None:
        value = nearest_rank(self.days, 90)
        return None if value is None else round(value, 1)


def days_between(pairs: Iterable[tuple[datetime | None, datetime]]) -> list[float]:
    """Days from start to end of each (start, end) pair; pairs without a start are left
    out, and an end recorded before its start counts as 0."""
    return [
        max(0.0, (end - start).total_seconds() / SECONDS_PER_DAY)
        for start, end in pairs
        if start is not None and end is not None
    ]


def _first_submission(history, link: str, submitted: str) -> Subquery:
    return Subquery(
        history.objects.filter(**{link: OuterRef(link), "new_status": submitted})
        .order_by("at", "pk")
        .values("at")[:1]
    )


def application_pairs(date_from: date | None, date_to: date | None):
    return (
        ApplicationStatusChange.objects.filter(
            new_status__in=(Application.Status.ADMITTED, Application.Status.DECLINED),
            **day_range("at", date_from, date_to),
        )
        .annotate(
            submitted=_first_submission(
                ApplicationStatusChange, "application", Application.Status.SUBMITTED
            )
        )
        .values_list("submitted", "at")
    )


def course_pairs(date_from: date | None, date_to: date | None):
    return (
        CourseStatusChange.objects.filter(
            new_status__in=(Course.Status.APPROVED, Course.Status.REJECTED),
            **day_range("at", date_from, date_to),
        )
        .annotate(
            submitted=_first_submission(CourseStatusChange, "course", Course.Status.SUBMITTED)
        )
        .values_list("submitted", "at")
    )


def portfolio_pairs(date_from: date | None, date_to: date | None):
    return Decision.objects.filter(
        status=Decision.Status.RELEASED,
        released_at__isnull=False,
        **day_range("released_at", date_from, date_to),
    ).values_list("submission__submitted_at", "released_at")


def build(date_from: date | None, date_to: date | None) -> ReportResult:
    kinds = [
        DecisionTimes("Applications", days_between(application_pairs(date_from, date_to))),
        DecisionTimes("Courses", days_between(course_pairs(date_from, date_to))),
        DecisionTimes("Portfolio rounds", days_between(portfolio_pairs(date_from, date_to))),
    ]
    table = Table(
        title="Days to decision",
        caption="Days from submission to decision, for decisions made in the period",
        columns=[
            Column("Kind", "text"),
            Column("Decisions"),
            Column("Median days", "days"),
            Column("90th percentile days", "days"),
        ],
        rows=[[k.kind, k.decided, k.median, k.p90] for k in kinds],
    )
    chart = charts.bar_chart(
        chart_id="time-to-decision-chart",
        title="Days to decision",
        desc=" ".join(
            f"{k.kind}: {k.decided:,} decisions"
            + (f", median {k.median} days, 90th percentile {k.p90} days." if k.decided else ".")
            for k in kinds
        ),
        categories=[k.kind for k in kinds],
        series=[
            charts.Series("Median", [k.median for k in kinds]),
            charts.Series("90th percentile", [k.p90 for k in kinds]),
        ],
        unit=" d",
        integer=False,
    )
    return ReportResult(
        date_from=date_from,
        date_to=date_to,
        data=kinds,
        tables=[table],
        charts=[Chart("Days to decision", chart)],
        empty=not any(k.decided for k in kinds),
    )
