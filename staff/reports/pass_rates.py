"""Pass rates per competency set and route. Portfolio route: decisions released in the
period, achieved against not demonstrated (a request for more information is counted
apart and left out of the rate: the round goes on). Course route: completion claims
verified against rejected in the period. Three queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from courses.models import CompletionStatusChange, CourseCompletion
from lssc.program.models import CompetencySet
from reviews.models import Decision
from staff import charts
from staff.reports.base import Chart, Column, ReportResult, Table, day_range, percent

COURSE, PORTFOLIO = "course", "portfolio"
ROUTE_LABELS = {COURSE: "Approved course", PORTFOLIO: "Portfolio"}


@dataclass(frozen=True)
class PassRow:
    set_code: str
    set_name: str
    route: str
    passed: int
    failed: int
    more_information: int = 0

    @property
    def decided(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        return percent(self.passed, self.decided)

    @property
    def route_label(self) -> str:
        return ROUTE_LABELS[self.route]


def pass_rows(
    sets: Iterable[tuple[str, str]],
    portfolio_counts: Iterable[tuple[str, str, int]],
    course_counts: Iterable[tuple[str, str, int]],
) -> list[PassRow]:
    """One row per (set, route), in the order of `sets` ((code, name) pairs), course route
    first. `portfolio_counts` are (set code, decision outcome, count) and `course_counts`
    (set code, completion status, count). A set with data but missing from `sets` comes
    last, named by its code."""
    portfolio: dict[str, Counter] = {}
    course: dict[str, Counter] = {}
    for target, counts in ((portfolio, portfolio_counts), (course, course_counts)):
        for code, outcome, number in counts:
            target.setdefault(code, Counter())[outcome] += number
    names = dict(sets)
    for code in sorted((portfolio.keys() | course.keys()) - names.keys()):
        names[code] = code
    rows = []
    for code, name in names.items():
        done = course.get(code, Counter())
        rows.append(
            PassRow(
                code,
                name,
                COURSE,
                passed=done[CourseCompletion.Status.VERIFIED],
                failed=done[CourseCompletion.Status.REJECTED],
            )
        )
        released = portfolio.get(code, Counter())
        rows.append(
            PassRow(
                code,
                name,
                PORTFOLIO,
                passed=released[Decision.Outcome.ACHIEVED],
                failed=released[Decision.Outcome.NOT_DEMONSTRATED],
                more_information=released[Decision.Outcome.INFO_REQUESTED],
            )
        )
    return rows


def _sets() -> list[tuple[str, str]]:
    """(code, name) of every competency set ever defined, named and ordered as in the most
    recent framework that has it (a set dropped from the framework comes after the rest)."""
    latest: dict[str, tuple] = {}
    for code, name, order, effective_from in CompetencySet.objects.order_by(
        "framework__effective_from", "order"
    ).values_list("code", "name", "order", "framework__effective_from"):
        latest[code] = (name, order, effective_from)
    ranked = sorted(latest.items(), key=lambda item: (-item[1][2].toordinal(), item[1][1]))
    return [(code, name) for code, (name, _order, _effective) in ranked]


def build(date_from: date | None, date_to: date | None) -> ReportResult:
    portfolio_counts = (
        Decision.objects.filter(
            status=Decision.Status.RELEASED, **day_range("released_at", date_from, date_to)
        )
        .values("portfolio__competency_set__code", "outcome")
        .annotate(number=Count("pk"))
        .order_by()
        .values_list("portfolio__competency_set__code", "outcome", "number")
    )
    course_counts = (
        CompletionStatusChange.objects.filter(
            new_status__in=(CourseCompletion.Status.VERIFIED, CourseCompletion.Status.REJECTED),
            **day_range("at", date_from, date_to),
        )
        .values("completion__course__competency_set__code", "new_status")
        .annotate(number=Count("completion", distinct=True))
        .order_by()
        .values_list("completion__course__competency_set__code", "new_status", "number")
    )
    rows = pass_rows(_sets(), portfolio_counts, course_counts)
    table = Table(
        title="Pass rate by competency set and route",
        caption="Outcomes decided in the period, by competency set and route",
        columns=[
            Column("Competency set", "text"),
            Column("Route", "text"),
            Column("Achieved"),
            Column("Not achieved"),
            Column("Pass rate", "percent"),
            Column("More information requested"),
        ],
        rows=[
            [
                row.set_name,
                row.route_label,
                row.passed,
                row.failed,
                row.rate,
                row.more_information if row.route == PORTFOLIO else None,
            ]
            for row in rows
        ],
    )
    totals = {
        route: (
            sum(r.passed for r in rows if r.route == route),
            sum(r.failed for r in rows if r.route == route),
        )
        for route in (COURSE, PORTFOLIO)
    }
    chart = charts.bar_chart(
        chart_id="pass-rates-chart",
        title="Pass rate by competency set and route",
        desc=" ".join(
            f"{ROUTE_LABELS[route]}: {passed:,} of {passed + failed:,} achieved"
            + (f" ({percent(passed, passed + failed)}%)." if passed + failed else ".")
            for route, (passed, failed) in totals.items()
        ),
        categories=[row.set_name for row in rows if row.route == COURSE],
        series=[
            charts.Series(ROUTE_LABELS[route], [row.rate for row in rows if row.route == route])
            for route in (COURSE, PORTFOLIO)
        ],
        unit="%",
        max_value=100,
        integer=False,
    )
    return ReportResult(
        date_from=date_from,
        date_to=date_to,
        data=rows,
        tables=[table],
        charts=[Chart("Pass rate by competency set and route", chart)],
        empty=not any(row.decided or row.more_information for row in rows),
    )
