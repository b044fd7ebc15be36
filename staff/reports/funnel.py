"""The application funnel: of the applications started in the period, how many were
submitted, led to admission and ended in a certificate. One query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from candidates.models import Application, Candidacy
from staff import charts
from staff.reports.base import Chart, Column, ReportResult, Table, day_range, percent


@dataclass(frozen=True)
class Stage:
    label: str
    count: int
    of_started: float | None
    of_previous: float | None


def stages(started: int, submitted: int, admitted: int, certified: int) -> list[Stage]:
    """The four stages with each as a percentage of the applications started and of the
    stage before it."""
    counts = [
        ("Started", started),
        ("Submitted", submitted),
        ("Admitted", admitted),
        ("Certified", certified),
    ]
    result, previous = [], None
    for label, count in counts:
        result.append(
            Stage(
                label=label,
                count=count,
                of_started=percent(count, started),
                of_previous=None if previous is None else percent(count, previous),
            )
        )
        previous = count
    return result


def funnel_counts(date_from: date | None, date_to: date | None) -> dict[str, int]:
    """Applications created in the period: all of them; those submitted (any status after
    the draft); those whose applicant was admitted (a candidacy exists); those whose
    candidacy is certified."""
    return Application.objects.filter(**day_range("created_at", date_from, date_to)).aggregate(
        started=Count("pk"),
        submitted=Count("pk", filter=~Q(status=Application.Status.DRAFT)),
        admitted=Count("pk", filter=Q(candidacy__isnull=False)),
        certified=Count("pk", filter=Q(candidacy__status=Candidacy.Status.CERTIFIED)),
    )


def build(date_from: date | None, date_to: date | None) -> ReportResult:
    rows = stages(**funnel_counts(date_from, date_to))
    started, submitted, admitted, certified = (stage.count for stage in rows)
    table = Table(
        title="Applications by stage",
        caption="Applications started in the period, by how far they went",
        columns=[
            Column("Stage", "text"),
            Column("Applications"),
            Column("% of started", "percent"),
            Column("% of the stage before", "percent"),
        ],
        rows=[[s.label, s.count, s.of_started, s.of_previous] for s in rows],
    )
    chart = charts.bar_chart(
        chart_id="funnel-chart",
        title="Application funnel",
        desc=(
            f"Of {started:,} applications started, {submitted:,} were submitted, "
            f"{admitted:,} led to admission and {certified:,} to a certificate."
        ),
        categories=[s.label for s in rows],
        series=[charts.Series("Applications", [s.count for s in rows])],
    )
    return ReportResult(
        date_from=date_from,
        date_to=date_to,
        data=rows,
        tables=[table],
        charts=[Chart("Application funnel", chart)],
        empty=started == 0,
    )
