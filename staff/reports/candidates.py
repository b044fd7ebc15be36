"""Candidates by state and by status: the candidacies admitted in the period, counted by
the state or province of their application and by their status now. One query."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import Trim

from candidates.models import Candidacy
from staff import charts
from staff.reports.base import Chart, Column, ReportResult, Table, day_range

STATUSES = list(Candidacy.Status)
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class StateRow:
    state: str
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class CandidateCounts:
    by_state: list[StateRow]
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def count_candidates(rows: Iterable[tuple[str | None, str, int]]) -> CandidateCounts:
    """Pivot (state, status, count) rows into one row per state. States typed differently
    only in case are one state, shown as most candidates typed it; an empty state is
    "Not recorded". States come largest first, then by name."""
    counts: dict[str, Counter] = defaultdict(Counter)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for state, status, number in rows:
        key = (state or "").casefold()
        counts[key][status] += number
        spellings[key][state or NOT_RECORDED] += number
    by_state = [
        StateRow(
            state=spellings[key].most_common(1)[0][0],
            by_status={status.value: counter[status.value] for status in STATUSES},
        )
        for key, counter in counts.items()
    ]
    by_state.sort(key=lambda row: (-row.total, row.state == NOT_RECORDED, row.state.casefold()))
    by_status = {
        status.value: sum(row.by_status[status.value] for row in by_state) for status in STATUSES
    }
    return CandidateCounts(by_state=by_state, by_status=by_status)


def build(date_from: date | None, date_to: date | None) -> ReportResult:
    rows = (
        Candidacy.objects.filter(**day_range("admitted_at", date_from, date_to))
        .annotate(state=Trim("application__state"))
        .values("state", "status")
        .annotate(number=Count("pk"))
        .order_by()
        .values_list("state", "status", "number")
    )
    counts = count_candidates(rows)
    labels = [status.label for status in STATUSES]
    status_table = Table(
        title="By status",
        caption="Candidates admitted in the period, by their status now",
        columns=[Column("Status", "text"), Column("Candidates")],
        rows=[[status.label, counts.by_status[status.value]] for status in STATUSES],
        footer=["All candidates", counts.total],
    )
    state_table = Table(
        title="By state",
        caption="Candidates admitted in the period, by the state on their application and status",
        columns=[Column("State", "text"), *(Column(label) for label in labels), Column("Total")],
        rows=[
            [row.state, *(row.by_status[s.value] for s in STATUSES), row.total]
            for row in counts.by_state
        ],
        footer=["All states", *(counts.by_status[s.value] for s in STATUSES), counts.total],
    )
    by_status_text = ", ".join(f"{counts.by_status[s.value]:,} {s.label.lower()}" for s in STATUSES)
    status_chart = charts.bar_chart(
        chart_id="candidates-status-chart",
        title="Candidates by status",
        desc=f"{counts.total:,} candidates: {by_status_text}.",
        categories=labels,
        series=[charts.Series("Candidates", [counts.by_status[s.value] for s in STATUSES])],
    )
    top = counts.by_state[:3]
    state_chart = charts.bar_chart(
        chart_id="candidates-state-chart",
        title="Candidates by state",
        desc=(
            f"{len(counts.by_state):,} states. Most candidates: "
            + "; ".join(f"{row.state} {row.total:,}" for row in top)
            + "."
            if top
            else "No candidates."
        ),
        categories=[row.state for row in counts.by_state],
        series=[charts.Series("Candidates", [row.total for row in counts.by_state])],
    )
    return ReportResult(
        date_from=date_from,
        date_to=date_to,
        data=counts,
        tables=[status_table, state_table],
        charts=[
            Chart("Candidates by status", status_chart),
            Chart("Candidates by state", state_chart),
        ],
        empty=counts.total == 0,
    )
