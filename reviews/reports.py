"""The evaluator report: each evaluator's workload and timeliness, and how often paired
evaluators agree (percent agreement and Cohen's kappa, overall, per competency set and per
evaluator).

The database is read by `evaluator_report` in three queries whatever the amount of data;
the figures are computed by the pure functions `workload`, `rating_pairs` and
`agreement_report`, which take plain rows so they can be checked against figures worked out
by hand.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone

from reviews import scoring
from reviews.models import Assignment, Evaluator, Rating

PAIR_ROLES = (Assignment.Role.FIRST, Assignment.Role.SECOND)
WORKLOAD_FIELDS = (
    "evaluator_id",
    "status",
    "offered_at",
    "responded_at",
    "submitted_at",
    "due_on",
)
RATING_FIELDS = (
    "assignment__submission_id",
    "assignment__role",
    "assignment__evaluator_id",
    "assignment__submission__portfolio__competency_set__code",
    "assignment__submission__portfolio__competency_set__name",
    "competency_id",
    "value",
)
SECONDS_PER_DAY = 24 * 60 * 60


# --- Workload and timeliness --------------------------------------------------------------


@dataclass
class WorkloadRow:
    """One evaluator's assignments in the report's period. `offered` counts every offer
    made; `accepted` those they accepted (even if later withdrawn or submitted);
    `in_progress` those still open (waiting for an answer or for the ratings)."""

    evaluator_id: int
    name: str = ""
    capacity: int = 0
    offered: int = 0
    accepted: int = 0
    declined: int = 0
    withdrawn: int = 0
    submitted: int = 0
    in_progress: int = 0
    on_time: int = 0
    days_to_submit: list[float] = field(default_factory=list)

    @property
    def on_time_percent(self) -> float | None:
        """Share of submitted reviews sent on or before their due date."""
        return round(100 * self.on_time / self.submitted, 1) if self.submitted else None

    @property
    def median_days(self) -> float | None:
        """Median days from the offer to the submitted review."""
        if not self.days_to_submit:
            return None
        return round(statistics.median(self.days_to_submit), 1)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def workload(rows: Iterable[dict], evaluators: Sequence) -> list[WorkloadRow]:
    """Count each evaluator's assignments by what became of them. `rows` are dicts with
    WORKLOAD_FIELDS (one per assignment); `evaluators` are (id, name, capacity) triples in
    the order the report lists them. Evaluators without rows get a row of zeros."""
    table = {
        pk: WorkloadRow(evaluator_id=pk, name=name, capacity=capacity)
        for pk, name, capacity in evaluators
    }
    status = Assignment.Status
    for row in rows:
        line = table.setdefault(row["evaluator_id"], WorkloadRow(evaluator_id=row["evaluator_id"]))
        line.offered += 1
        if row["status"] in (status.ACCEPTED, status.SUBMITTED) or (
            row["status"] == status.WITHDRAWN and row["responded_at"] is not None
        ):
            line.accepted += 1
        if row["status"] == status.DECLINED:
            line.declined += 1
        elif row["status"] == status.WITHDRAWN:
            line.withdrawn += 1
        elif row["status"] in (status.OFFERED, status.ACCEPTED):
            line.in_progress += 1
        elif row["status"] == status.SUBMITTED:
            line.submitted += 1
            if row["submitted_at"] is not None:
                if _local_day(row["submitted_at"]) <= row["due_on"]:
                    line.on_time += 1
                line.days_to_submit.append(
                    (row["submitted_at"] - row["offered_at"]).total_seconds() / SECONDS_PER_DAY
                )
    return list(table.values())


# --- Agreement ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingPair:
    """The first and second evaluators' ratings of one competency of one round."""

    submission_id: int
    competency_id: int
    set_code: str
    set_name: str
    first_evaluator_id: int
    second_evaluator_id: int
    first: str
    second: str


def rating_pairs(rows: Iterable[dict]) -> list[RatingPair]:
    """Pair up the first and second evaluators' ratings competency by competency. `rows`
    are dicts with RATING_FIELDS, from submitted first/second assignments only; a
    competency rated by one of the two only is left out."""
    by_round: dict[int, dict[str, dict]] = defaultdict(dict)
    meta = {}
    for row in rows:
        submission_id = row["assignment__submission_id"]
        role = row["assignment__role"]
        ratings = by_round[submission_id].setdefault(
            role, {"evaluator_id": row["assignment__evaluator_id"], "values": {}}
        )
        ratings["values"][row["competency_id"]] = row["value"]
        meta[submission_id] = (
            row["assignment__submission__portfolio__competency_set__code"],
            row["assignment__submission__portfolio__competency_set__name"],
        )
    pairs = []
    for submission_id in sorted(by_round):
        roles = by_round[submission_id]
        first, second = roles.get(Assignment.Role.FIRST), roles.get(Assignment.Role.SECOND)
        if first is None or second is None:
            continue
        code, name = meta[submission_id]
        for competency_id in sorted(first["values"].keys() & second["values"].keys()):
            pairs.append(
                RatingPair(
                    submission_id=submission_id,
                    competency_id=competency_id,
                    set_code=code,
                    set_name=name,
                    first_evaluator_id=first["evaluator_id"],
                    second_evaluator_id=second["evaluator_id"],
                    first=first["values"][competency_id],
                    second=second["values"][competency_id],
                )
            )
    return pairs


@dataclass(frozen=True)
class AgreementRow:
    label: str
    rounds: int
    agreement: scoring.Agreement


@dataclass
class AgreementReport:
    overall: AgreementRow
    by_set: list[AgreementRow]
    by_evaluator: dict[int, AgreementRow]


def _row(label: str, pairs: list[RatingPair]) -> AgreementRow:
    return AgreementRow(
        label=label,
        rounds=len({p.submission_id for p in pairs}),
        agreement=scoring.agreement([(p.first, p.second) for p in pairs]),
    )


def agreement_report(pairs: Sequence[RatingPair]) -> AgreementReport:
    """Percent agreement and Cohen's kappa of (first rating, second rating) pairs: over
    all pairs, per competency set (by name, in name order) and per evaluator (over the
    pairs of the rounds they rated as first or second evaluator)."""
    by_set: dict[str, list[RatingPair]] = defaultdict(list)
    names = {}
    by_evaluator: dict[int, list[RatingPair]] = defaultdict(list)
    for pair in pairs:
        by_set[pair.set_code].append(pair)
        names[pair.set_code] = pair.set_name
        by_evaluator[pair.first_evaluator_id].append(pair)
        if pair.second_evaluator_id != pair.first_evaluator_id:
            by_evaluator[pair.second_evaluator_id].append(pair)
    return AgreementReport(
        overall=_row("All competency sets", list(pairs)),
        by_set=sorted(
            (_row(names[code], rows) for code, rows in by_set.items()),
            key=lambda row: row.label,
        ),
        by_evaluator={pk: _row(str(pk), rows) for pk, rows in by_evaluator.items()},
    )


# --- The report ---------------------------------------------------------------------------


@dataclass
class EvaluatorLine:
    """One evaluator's line of the report: workload, timeliness and agreement."""

    workload: WorkloadRow
    agreement: AgreementRow | None


@dataclass
class EvaluatorReport:
    date_from: date | None
    date_to: date | None
    lines: list[EvaluatorLine]
    agreement: AgreementReport

    @property
    def totals(self) -> WorkloadRow:
        total = WorkloadRow(evaluator_id=0, name="All evaluators")
        for line in self.lines:
            row = line.workload
            for name in (
                "capacity",
                "offered",
                "accepted",
                "declined",
                "withdrawn",
                "submitted",
                "in_progress",
                "on_time",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            total.days_to_submit += row.days_to_submit
        return total


def evaluator_name(evaluator: Evaluator) -> str:
    user = evaluator.user
    return user.get_full_name() or user.email


def evaluator_report(
    *, date_from: date | None = None, date_to: date | None = None
) -> EvaluatorReport:
    """The evaluator report over the rounds submitted between `date_from` and `date_to`
    (either may be None; the days are in the program's time zone). Lists every approved
    or paused evaluator and anyone else with an assignment in the period, by name. Three
    queries whatever the amount of data."""
    period = Q()
    if date_from:
        period &= Q(submission__submitted_at__date__gte=date_from)
    if date_to:
        period &= Q(submission__submitted_at__date__lte=date_to)
    rows = list(Assignment.objects.filter(period).values(*WORKLOAD_FIELDS))
    evaluators = sorted(
        Evaluator.objects.filter(
            Q(status__in=(Evaluator.Status.APPROVED, Evaluator.Status.INACTIVE))
            | Q(pk__in={row["evaluator_id"] for row in rows})
        ).select_related("user"),
        key=lambda e: (evaluator_name(e).casefold(), e.pk),
    )
    table = workload(rows, [(e.pk, evaluator_name(e), e.capacity_per_quarter) for e in evaluators])
    rating_period = Q()
    if date_from:
        rating_period &= Q(assignment__submission__submitted_at__date__gte=date_from)
    if date_to:
        rating_period &= Q(assignment__submission__submitted_at__date__lte=date_to)
    ratings = Rating.objects.filter(
        rating_period,
        assignment__status=Assignment.Status.SUBMITTED,
        assignment__role__in=PAIR_ROLES,
    ).values(*RATING_FIELDS)
    agreement = agreement_report(rating_pairs(ratings))
    return EvaluatorReport(
        date_from=date_from,
        date_to=date_to,
        lines=[
            EvaluatorLine(workload=row, agreement=agreement.by_evaluator.get(row.evaluator_id))
            for row in table
        ],
        agreement=agreement,
    )
