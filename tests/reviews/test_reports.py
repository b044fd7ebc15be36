"""The evaluator report's figures, checked against small examples worked out by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lssc.program.models import CompetencySet
from portfolios.models import PortfolioSubmission
from reviews import reports, services
from reviews.models import Assignment
from tests.factories import EvaluatorFactory, UserFactory, rate_all, submitted_portfolio

MET, PARTIAL, NOT_MET = "met", "partial", "not_met"


def rating_rows(submission_id, set_code, first_id, second_id, first, second):
    """RATING_FIELDS rows for one round: `first` and `second` map competency → rating."""
    rows = []
    for role, evaluator_id, values in (("first", first_id, first), ("second", second_id, second)):
        for competency_id, value in values.items():
            rows.append(
                {
                    "assignment__submission_id": submission_id,
                    "assignment__role": role,
                    "assignment__evaluator_id": evaluator_id,
                    "assignment__submission__portfolio__competency_set__code": set_code,
                    "assignment__submission__portfolio__competency_set__name": set_code.title(),
                    "competency_id": competency_id,
                    "value": value,
                }
            )
    return rows


# --- Pure functions -----------------------------------------------------------------------


def test_four_competencies_give_the_hand_computed_percent_and_kappa():
    # Pairs (met, met), (met, partial), (partial, partial), (not_met, not_met):
    # observed 3/4; first gave met 2, partial 1, not_met 1; second met 1, partial 2,
    # not_met 1; expected (2·1 + 1·2 + 1·1) / 16 = 5/16; kappa (3/4 − 5/16) / (11/16) = 7/11.
    rows = rating_rows(
        10,
        "technology",
        1,
        2,
        {1: MET, 2: MET, 3: PARTIAL, 4: NOT_MET},
        {1: MET, 2: PARTIAL, 3: PARTIAL, 4: NOT_MET},
    )

    report = reports.agreement_report(reports.rating_pairs(rows))

    assert report.overall.agreement.pairs == 4
    assert report.overall.agreement.percent == 75.0
    assert report.overall.agreement.kappa == round(7 / 11, 3) == 0.636
    assert report.overall.rounds == 1


def test_agreement_is_split_by_set_and_by_evaluator():
    rows = [
        # Technology: evaluators 1 and 2, the example above.
        *rating_rows(
            10,
            "technology",
            1,
            2,
            {1: MET, 2: MET, 3: PARTIAL, 4: NOT_MET},
            {1: MET, 2: PARTIAL, 3: PARTIAL, 4: NOT_MET},
        ),
        # Foundations: evaluators 1 and 3 agree twice on Met: 100 %, kappa undefined.
        *rating_rows(11, "foundations", 3, 1, {5: MET, 6: MET}, {5: MET, 6: MET}),
    ]

    report = reports.agreement_report(reports.rating_pairs(rows))

    # Overall 6 pairs, 5 agree. First: met 4, partial 1, not_met 1; second: met 3,
    # partial 2, not_met 1. Expected (4·3 + 1·2 + 1·1) / 36 = 15/36;
    # kappa (30/36 − 15/36) / (21/36) = 15/21 = 0.714.
    assert (report.overall.agreement.pairs, report.overall.rounds) == (6, 2)
    assert report.overall.agreement.percent == 83.3
    assert report.overall.agreement.kappa == 0.714
    assert [
        (r.label, r.agreement.pairs, r.agreement.percent, r.agreement.kappa) for r in report.by_set
    ] == [
        ("Foundations", 2, 100.0, None),
        ("Technology", 4, 75.0, 0.636),
    ]
    by_evaluator = {
        pk: (row.rounds, row.agreement.pairs, row.agreement.percent, row.agreement.kappa)
        for pk, row in report.by_evaluator.items()
    }
    assert by_evaluator == {
        1: (2, 6, 83.3, 0.714),
        2: (1, 4, 75.0, 0.636),
        3: (1, 2, 100.0, None),
    }


def test_a_round_with_one_evaluator_in_makes_no_pairs():
    rows = rating_rows(12, "technology", 1, 2, {1: MET, 2: MET}, {})
    rows += rating_rows(13, "technology", 1, 2, {1: MET, 2: PARTIAL}, {1: MET})

    pairs = reports.rating_pairs(rows)

    assert [(p.submission_id, p.competency_id, p.first, p.second) for p in pairs] == [
        (13, 1, MET, MET)
    ]


def test_no_pairs_give_no_figures():
    report = reports.agreement_report([])

    assert report.overall.agreement == reports.scoring.Agreement(0, None, None)
    assert report.by_set == []
    assert report.by_evaluator == {}


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2027, 3, day, hour, tzinfo=UTC)


def test_workload_counts_each_assignment_by_what_became_of_it():
    rows = [
        # evaluator 1: two submitted (one on time after 2 days, one late after 6), one open
        {
            "evaluator_id": 1,
            "status": "submitted",
            "offered_at": at(1),
            "responded_at": at(1),
            "submitted_at": at(3),
            "due_on": date(2027, 3, 20),
        },
        {
            "evaluator_id": 1,
            "status": "submitted",
            "offered_at": at(1),
            "responded_at": at(2),
            "submitted_at": at(7),
            "due_on": date(2027, 3, 5),
        },
        {
            "evaluator_id": 1,
            "status": "offered",
            "offered_at": at(8),
            "responded_at": None,
            "submitted_at": None,
            "due_on": date(2027, 4, 8),
        },
        # evaluator 2: declined one, withdrawn after accepting one, withdrawn unanswered one
        {
            "evaluator_id": 2,
            "status": "declined",
            "offered_at": at(1),
            "responded_at": at(2),
            "submitted_at": None,
            "due_on": date(2027, 3, 31),
        },
        {
            "evaluator_id": 2,
            "status": "withdrawn",
            "offered_at": at(1),
            "responded_at": at(2),
            "submitted_at": None,
            "due_on": date(2027, 3, 31),
        },
        {
            "evaluator_id": 2,
            "status": "withdrawn",
            "offered_at": at(1),
            "responded_at": None,
            "submitted_at": None,
            "due_on": date(2027, 3, 31),
        },
        {
            "evaluator_id": 2,
            "status": "accepted",
            "offered_at": at(4),
            "responded_at": at(4),
            "submitted_at": None,
            "due_on": date(2027, 4, 4),
        },
    ]

    table = reports.workload(rows, [(1, "Ada", 3), (2, "Ben", 2), (3, "Cy", 1)])

    summary = [
        (
            r.name,
            r.capacity,
            r.offered,
            r.accepted,
            r.declined,
            r.withdrawn,
            r.submitted,
            r.in_progress,
            r.on_time_percent,
            r.median_days,
        )
        for r in table
    ]
    assert summary == [
        ("Ada", 3, 3, 2, 0, 0, 2, 1, 50.0, 4.0),
        ("Ben", 2, 4, 2, 1, 2, 0, 1, None, None),
        ("Cy", 1, 0, 0, 0, 0, 0, 0, None, None),
    ]


# --- From the database --------------------------------------------------------------------


@pytest.fixture
def technology(db):
    return CompetencySet.objects.filter(code="technology").latest("pk")


@pytest.fixture
def cast(technology):
    """Evaluators A, B, C (Technology) and D (Technology), named so they sort A–D."""
    return {
        letter: EvaluatorFactory(
            qualified_sets=[technology],
            employer=f"Library {letter}",
            capacity_per_quarter=10,
            user__first_name=letter,
            user__last_name="Evaluator",
        )
        for letter in "ABCD"
    }


def offer(submission, evaluator, staff):
    return services.assignment_offer(submission, evaluator, by=staff)


@pytest.fixture
def history(cast, staff):
    """Three Technology rounds (nine competencies each):

    1. A first, B second. A rates 1 Partially met, the rest Met; B rates 1 and 2 Partially
       met, the rest Met. B is late. A submits 4 days after the offer, B 1 day after.
    2. C first, A second, all Met. A submits 2 days after the offer, C 3 days after.
    3. D is offered and declines; A accepts and has not submitted; B is withdrawn.
    """
    one = submitted_portfolio().submissions.get()
    a1, b1 = offer(one, cast["A"], staff), offer(one, cast["B"], staff)
    Assignment.objects.filter(pk=b1.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    rate_all(a1, "met", values={1: "partial"}, comment="Say more.")
    rate_all(b1, "met", values={1: "partial", 2: "partial"}, comment="Say more.")

    two = submitted_portfolio().submissions.get()
    c2, a2 = offer(two, cast["C"], staff), offer(two, cast["A"], staff)
    rate_all(c2, "met")
    rate_all(a2, "met")
    for assignment, days in ((a1, 4), (b1, 1), (c2, 3), (a2, 2)):
        Assignment.objects.filter(pk=assignment.pk).update(
            offered_at=F("submitted_at") - timedelta(days=days)
        )

    three = submitted_portfolio().submissions.get()
    d3 = offer(three, cast["D"], staff)
    services.assignment_decline(d3, reason="Too busy.", by=cast["D"].user)
    a3 = offer(three, cast["A"], staff)
    services.assignment_accept(a3, by=cast["A"].user)
    b3 = offer(three, cast["B"], staff)
    services.assignment_withdraw(b3, reason="Not needed.", by=staff)
    return {"one": one, "two": two, "three": three}


def workload_of(report):
    return {
        line.workload.name: (
            line.workload.offered,
            line.workload.accepted,
            line.workload.declined,
            line.workload.withdrawn,
            line.workload.submitted,
            line.workload.in_progress,
            line.workload.on_time_percent,
            line.workload.median_days,
        )
        for line in report.lines
    }


def agreement_of(report):
    return {
        line.workload.name: (
            line.agreement.agreement.pairs,
            line.agreement.agreement.percent,
            line.agreement.agreement.kappa,
        )
        for line in report.lines
        if line.agreement
    }


def test_evaluator_report_from_real_rounds_matches_the_hand_computed_figures(history):
    report = reports.evaluator_report()

    assert workload_of(report) == {
        "A Evaluator": (3, 3, 0, 0, 2, 1, 100.0, 3.0),
        "B Evaluator": (2, 1, 0, 1, 1, 0, 0.0, 1.0),
        "C Evaluator": (1, 1, 0, 0, 1, 0, 100.0, 3.0),
        "D Evaluator": (1, 0, 1, 0, 0, 0, None, None),
    }
    # Round 1: 9 pairs, 8 agree; first met 8 partial 1, second met 7 partial 2:
    # expected 58/81, kappa (72 − 58) / (81 − 58) = 14/23 = 0.609.
    # Rounds 1 and 2: 18 pairs, 17 agree; first met 17 partial 1, second met 16 partial 2:
    # expected 274/324, kappa (306 − 274) / (324 − 274) = 32/50 = 0.64.
    overall = report.agreement.overall
    assert (overall.rounds, overall.agreement) == (2, reports.scoring.Agreement(18, 94.4, 0.64))
    assert [(r.label, r.agreement.percent, r.agreement.kappa) for r in report.agreement.by_set] == [
        ("Technology", 94.4, 0.64)
    ]
    assert agreement_of(report) == {
        "A Evaluator": (18, 94.4, 0.64),
        "B Evaluator": (9, 88.9, 0.609),
        "C Evaluator": (9, 100.0, None),
    }
    assert report.totals.offered == 7


def test_evaluator_report_keeps_to_the_rounds_submitted_in_the_period(history):
    PortfolioSubmission.objects.filter(pk=history["two"].pk).update(
        submitted_at=timezone.now() - timedelta(days=40)
    )
    today = timezone.localdate()

    recent = reports.evaluator_report(date_from=today - timedelta(days=10), date_to=today)
    old = reports.evaluator_report(date_to=today - timedelta(days=30))

    assert agreement_of(recent) == {
        "A Evaluator": (9, 88.9, 0.609),
        "B Evaluator": (9, 88.9, 0.609),
    }
    assert workload_of(recent)["C Evaluator"] == (0, 0, 0, 0, 0, 0, None, None)
    assert agreement_of(old) == {"A Evaluator": (9, 100.0, None), "C Evaluator": (9, 100.0, None)}
    assert workload_of(old)["A Evaluator"] == (1, 1, 0, 0, 1, 0, 100.0, 2.0)


def test_evaluator_report_lists_paused_evaluators_but_not_applicants(db):
    EvaluatorFactory(user__first_name="Paused", status="inactive")
    EvaluatorFactory(user__first_name="Applied", status="applied", approved_at=None)

    names = [line.workload.name for line in reports.evaluator_report().lines]

    assert [n.split()[0] for n in names] == ["Paused"]


def test_evaluator_report_reads_a_fixed_number_of_queries(cast, staff):
    submission = submitted_portfolio().submissions.get()
    rate_all(offer(submission, cast["A"], staff), "met")
    with CaptureQueriesContext(connection) as with_one:
        reports.evaluator_report()
    for _ in range(3):
        submission = submitted_portfolio().submissions.get()
        rate_all(offer(submission, cast["B"], staff), "met")
        rate_all(offer(submission, cast["C"], staff), "met")
    UserFactory.create_batch(2)

    with CaptureQueriesContext(connection) as with_many:
        report = reports.evaluator_report()

    assert report.agreement.overall.agreement.pairs == 27
    assert len(with_many) == len(with_one) == 3
