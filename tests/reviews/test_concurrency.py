"""Settling a round under concurrent submits, on PostgreSQL with real row locks.

Each thread has its own database connection; a barrier releases them into
`assignment_submit` together. The round's PortfolioSubmission row lock must turn two final
submits into exactly one decision (or one adjudicator offer), and a replayed submit into a
no-op, without an error reaching either evaluator.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lssc.core.models import EmailLog
from lssc.program.models import CompetencySet
from reviews import services
from reviews.models import Assignment, AssignmentStatusChange, Decision
from tests.factories import EvaluatorFactory, UserFactory, rate_all, submitted_portfolio

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BARRIER_TIMEOUT = 30  # seconds; both threads are normally through in well under one
RACES = 4  # rounds raced in the main test


def ready_to_submit(assignment, *, values=None, comment="Clear evidence."):
    """Accept and rate every competency, stopping short of submitting."""
    user = assignment.evaluator.user
    assignment = services.assignment_accept(assignment, by=user)
    for item in assignment.submission.content:
        services.rating_save(
            assignment,
            competency_id=item["competency_id"],
            value=(values or {}).get(item["number"], "met"),
            comment=comment,
            by=user,
        )
    return assignment


def submit_together(*assignments):
    """Call assignment_submit for each assignment in its own thread, all at once. Returns
    the exceptions raised, if any."""
    barrier = threading.Barrier(len(assignments), timeout=BARRIER_TIMEOUT)
    errors = []

    def run(assignment):
        try:
            # Connect first, so both threads reach the service at the same moment.
            connection.ensure_connection()
            barrier.wait()
            services.assignment_submit(assignment, by=assignment.evaluator.user)
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BARRIER_TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a submit never finished"
    return errors


@pytest.fixture
def new_round(db):
    """Makes a submitted round offered to two of three evaluators; returns (submission,
    first assignment, second assignment)."""
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    for i in range(3):
        EvaluatorFactory(
            qualified_sets=[technology],
            employer=f"Library {i}",
            state="Ohio",
            capacity_per_quarter=2 * RACES,
        )
    staff = UserFactory(program_staff=True)

    def make():
        submission = submitted_portfolio().submissions.get()
        first, second = services.assignment_auto_assign(submission, by=staff)
        return submission, first, second

    return make


@pytest.fixture
def round_with_two_evaluators(new_round):
    return new_round()


def test_two_evaluators_submitting_at_once_make_exactly_one_decision(new_round):
    # A race is a matter of timing: run it on several rounds so that a missing lock shows.
    for _ in range(RACES):
        submission, first, second = new_round()
        ready_to_submit(first)
        ready_to_submit(second)

        errors = submit_together(first, second)

        assert errors == []
        assert list(
            Assignment.objects.filter(submission=submission)
            .order_by("role")
            .values_list("role", "status")
        ) == [("first", "submitted"), ("second", "submitted")]
        decision = Decision.objects.get(submission=submission)
        assert (decision.outcome, decision.status) == (
            Decision.Outcome.ACHIEVED,
            Decision.Status.DRAFT,
        )
        assert decision.status_changes.count() == 1
    assert Decision.objects.count() == RACES


def test_two_evaluators_disagreeing_at_once_bring_in_exactly_one_adjudicator(new_round):
    for _ in range(RACES):
        submission, first, second = new_round()
        ready_to_submit(first)
        ready_to_submit(second, values={1: "not_met"}, comment="Not shown.")

        errors = submit_together(first, second)

        assert errors == []
        assert sorted(
            Assignment.objects.filter(submission=submission).values_list("role", "status")
        ) == [("adjudicator", "offered"), ("first", "submitted"), ("second", "submitted")]
        adjudicator = Assignment.objects.get(submission=submission, role="adjudicator")
        assert [c.number for c in adjudicator.scope.all()] == [1]
    assert not Decision.objects.exists()


def test_a_replayed_final_submit_is_applied_once(round_with_two_evaluators):
    submission, first, second = round_with_two_evaluators
    rate_all(first)
    ready_to_submit(second)

    errors = submit_together(second, second)

    assert errors == []
    second.refresh_from_db()
    assert second.status == Assignment.Status.SUBMITTED
    assert (
        AssignmentStatusChange.objects.filter(assignment=second, new_status="submitted").count()
        == 1
    )
    assert Decision.objects.filter(submission=submission).count() == 1


def test_overlapping_stale_sweeps_withdraw_each_assignment_once(
    round_with_two_evaluators, settings
):
    settings.EVALUATION_OFFER_DAYS = 7
    submission, first, second = round_with_two_evaluators
    Assignment.objects.filter(submission=submission).update(
        offered_at=timezone.now() - timedelta(days=8)
    )
    EmailLog.objects.all().delete()
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    released, errors = [], []

    def sweep():
        try:
            connection.ensure_connection()
            barrier.wait()
            released.append(services.assignments_release_stale())
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(BARRIER_TIMEOUT * 2)

    assert errors == []
    assert sum(released) == 2
    assert sorted(
        AssignmentStatusChange.objects.filter(new_status="withdrawn").values_list(
            "assignment_id", flat=True
        )
    ) == sorted([first.pk, second.pk])
    assert sorted(EmailLog.objects.values_list("kind", "recipient")) == sorted(
        [
            ("assignment_returned", first.offered_by_id),
            ("assignment_returned", first.offered_by_id),
            ("assignment_withdrawn", first.evaluator.user_id),
            ("assignment_withdrawn", second.evaluator.user_id),
        ]
    )


def waiting_on_locks() -> int:
    """How many other sessions of the test database are waiting for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until(condition, what):
    deadline = time.monotonic() + BARRIER_TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.02)


def test_a_submit_offering_an_adjudicator_does_not_deadlock_with_that_evaluators_own_submit():
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    staff = UserFactory(program_staff=True)
    x1, x2, y = (
        EvaluatorFactory(qualified_sets=[technology], employer=f"Library {i}", state="Ohio")
        for i in range(3)
    )
    disputed_round = submitted_portfolio().submissions.get()
    first = services.assignment_offer(disputed_round, x1, by=staff)
    second = services.assignment_offer(disputed_round, x2, by=staff)
    rate_all(first)
    ready_to_submit(second, values={1: "not_met"}, comment="Not shown.")
    # y, the only evaluator free to adjudicate the first round, is rating another portfolio
    # of the same set.
    other_round = submitted_portfolio().submissions.get()
    own = ready_to_submit(services.assignment_offer(other_round, y, by=staff))

    errors = []
    hold_set = threading.Event()
    set_locked = threading.Event()

    def run(assignment):
        try:
            services.assignment_submit(assignment, by=assignment.evaluator.user)
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    def lock_the_set():
        # Another transaction holding the set's row for a moment (e.g. a third submit in
        # the set) lines the two submits up in a known order behind it.
        try:
            with transaction.atomic():
                CompetencySet.objects.select_for_update().get(pk=technology.pk)
                set_locked.set()
                hold_set.wait(BARRIER_TIMEOUT)
        finally:
            connection.close()

    holder = threading.Thread(target=lock_the_set)
    holder.start()
    set_locked.wait(BARRIER_TIMEOUT)
    second_submit = threading.Thread(target=run, args=(second,))
    second_submit.start()
    wait_until(lambda: waiting_on_locks() >= 1 or not second_submit.is_alive(), "x2 waits")
    own_submit = threading.Thread(target=run, args=(own,))
    own_submit.start()
    wait_until(lambda: waiting_on_locks() >= 2 or not own_submit.is_alive(), "y waits or is done")
    hold_set.set()
    for thread in (holder, second_submit, own_submit):
        thread.join(BARRIER_TIMEOUT * 2)

    assert errors == []
    assert sorted(
        Assignment.objects.filter(submission=disputed_round).values_list(
            "role", "evaluator", "status"
        )
    ) == [
        ("adjudicator", y.pk, "offered"),
        ("first", x1.pk, "submitted"),
        ("second", x2.pk, "submitted"),
    ]
    own.refresh_from_db()
    assert own.status == Assignment.Status.SUBMITTED
