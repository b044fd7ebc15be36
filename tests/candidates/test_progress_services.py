"""The services that move a candidate's progress on a set: the ones the course and
portfolio apps call, and the candidate's own route and elective choices."""

from itertools import product

import pytest
from django.utils import timezone

from candidates import services
from candidates.models import Candidacy, SetProgress, SetProgressStatusChange
from lssc.core.errors import DomainError, TransitionNotAllowed

S = SetProgress.Status

# Written out here rather than read from the model, so that a change to the table is a
# deliberate change to this test too.
ALLOWED = {
    (S.NOT_STARTED, S.IN_PROGRESS),
    (S.NOT_STARTED, S.SUBMITTED),
    (S.NOT_STARTED, S.ACHIEVED),
    (S.IN_PROGRESS, S.NOT_STARTED),
    (S.IN_PROGRESS, S.SUBMITTED),
    (S.IN_PROGRESS, S.ACHIEVED),
    (S.SUBMITTED, S.IN_PROGRESS),
    (S.SUBMITTED, S.UNDER_REVIEW),
    (S.SUBMITTED, S.ACHIEVED),
    (S.UNDER_REVIEW, S.INFO_REQUESTED),
    (S.UNDER_REVIEW, S.ACHIEVED),
    (S.UNDER_REVIEW, S.NOT_DEMONSTRATED),
    (S.UNDER_REVIEW, S.IN_PROGRESS),
    (S.INFO_REQUESTED, S.SUBMITTED),
    (S.INFO_REQUESTED, S.NOT_DEMONSTRATED),
    (S.NOT_DEMONSTRATED, S.IN_PROGRESS),
    (S.NOT_DEMONSTRATED, S.SUBMITTED),
    (S.NOT_DEMONSTRATED, S.ACHIEVED),
}
MOVES = [(old, new) for old, new in product(S, S) if old != new]


def fresh(progress) -> SetProgress:
    return SetProgress.objects.get(pk=progress.pk)


def put_in(progress, status) -> SetProgress:
    """Arrange: a set already in `status`, with no history."""
    SetProgress.objects.filter(pk=progress.pk).update(status=status)
    return fresh(progress)


def ids(sets, *codes):
    return [sets[code].competency_set_id for code in codes]


# --- set_progress_transition --------------------------------------------------------------


def test_the_transition_table_is_the_one_the_model_declares():
    declared = {(old, new) for old, targets in SetProgress.TRANSITIONS.items() for new in targets}
    assert declared == ALLOWED


@pytest.mark.parametrize(("old", "new"), [m for m in MOVES if m in ALLOWED])
def test_an_allowed_move_changes_the_status_and_leaves_a_history_row(sets, staff, old, new):
    progress = put_in(sets["technology"], old)

    moved = services.set_progress_transition(progress, new, by=staff, note="Checked.")

    assert moved.status == new == fresh(progress).status
    change = SetProgressStatusChange.objects.get(progress=progress)
    assert (change.old_status, change.new_status, change.actor, change.note) == (
        old,
        new,
        staff,
        "Checked.",
    )


@pytest.mark.parametrize(("old", "new"), [m for m in MOVES if m not in ALLOWED])
def test_a_move_outside_the_table_is_refused_and_changes_nothing(sets, staff, old, new):
    progress = put_in(sets["technology"], old)

    with pytest.raises(TransitionNotAllowed, match="Technology: cannot move from"):
        services.set_progress_transition(progress, new, by=staff, route="course")

    assert fresh(progress).status == old
    assert fresh(progress).route == ""
    assert not SetProgressStatusChange.objects.filter(progress=progress).exists()


@pytest.mark.parametrize("status", list(S))
def test_a_move_to_the_current_status_is_a_no_op(sets, staff, status):
    progress = put_in(sets["technology"], status)

    result = services.set_progress_transition(progress, status, by=staff, route="portfolio")

    assert result.status == status
    assert fresh(progress).route == ""
    assert not SetProgressStatusChange.objects.filter(progress=progress).exists()


def test_reaching_achieved_stamps_when_and_what_achieved_it(sets, staff):
    before = timezone.now()

    services.set_progress_transition(
        sets["technology"],
        S.ACHIEVED,
        by=staff,
        route="course",
        achieved_through="Tech for Libraries (Prairie Cooperative)",
    )

    progress = fresh(sets["technology"])
    assert progress.status == S.ACHIEVED
    assert progress.route == "course"
    assert progress.achieved_through == "Tech for Libraries (Prairie Cooperative)"
    assert before <= progress.achieved_at <= timezone.now()


def test_other_moves_leave_the_route_and_achievement_alone_unless_given(sets, candidate):
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)

    services.set_progress_transition(sets["technology"], S.IN_PROGRESS, by=candidate)

    progress = fresh(sets["technology"])
    assert (progress.route, progress.achieved_at, progress.achieved_through) == (
        "portfolio",
        None,
        "",
    )


def test_a_move_records_the_route_that_caused_it(sets, candidate):
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)

    services.set_progress_transition(sets["technology"], S.SUBMITTED, by=candidate, route="course")

    assert fresh(sets["technology"]).route == "course"


# --- set_progress_choose_route ------------------------------------------------------------


def test_choosing_a_route_records_it_with_a_history_note(sets, candidate):
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)

    assert fresh(sets["technology"]).route == "portfolio"
    change = SetProgressStatusChange.objects.get(progress=sets["technology"])
    assert (change.old_status, change.new_status, change.actor, change.note) == (
        "not_started",
        "not_started",
        candidate,
        "Route planned: portfolio.",
    )


def test_choosing_the_same_route_again_adds_no_history(sets, candidate):
    services.set_progress_choose_route(sets["technology"], route="course", by=candidate)
    services.set_progress_choose_route(sets["technology"], route="course", by=candidate)

    assert SetProgressStatusChange.objects.filter(progress=sets["technology"]).count() == 1


def test_the_route_can_change_until_the_set_is_achieved(sets, candidate, staff):
    services.set_progress_choose_route(sets["technology"], route="course", by=candidate)
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=candidate)
    services.set_progress_transition(sets["technology"], S.ACHIEVED, by=staff)

    with pytest.raises(DomainError, match="its route can no longer change"):
        services.set_progress_choose_route(sets["technology"], route="course", by=candidate)

    assert fresh(sets["technology"]).route == "portfolio"


def test_an_unknown_route_is_refused(sets, candidate):
    with pytest.raises(DomainError, match="Choose an approved course or a portfolio"):
        services.set_progress_choose_route(sets["technology"], route="telepathy", by=candidate)


def test_a_withdrawn_candidacy_cannot_plan_routes(sets, candidate):
    services.candidacy_withdraw(candidate.candidacy, by=candidate, reason="Moving abroad.")

    with pytest.raises(DomainError, match="withdrawn, so it cannot change"):
        services.set_progress_choose_route(sets["technology"], route="course", by=candidate)


# --- set_progress_choose_electives --------------------------------------------------------


def chosen_electives(candidacy) -> list[str]:
    return sorted(
        candidacy.sets.filter(chosen=True, competency_set__kind="elective").values_list(
            "competency_set__code", flat=True
        )
    )


def test_up_to_three_electives_can_be_chosen_with_a_history_row_each(sets, candidate):
    candidacy = candidate.candidacy

    services.set_progress_choose_electives(
        candidacy, set_ids=ids(sets, "access-services", "youth-services"), by=candidate
    )
    services.set_progress_choose_electives(
        candidacy,
        set_ids=ids(sets, "access-services", "youth-services", "reference-information"),
        by=candidate,
    )

    assert chosen_electives(candidacy) == [
        "access-services",
        "reference-information",
        "youth-services",
    ]
    notes = SetProgressStatusChange.objects.filter(progress__candidacy=candidacy).values_list(
        "progress__competency_set__code", "note", "actor"
    )
    assert sorted(notes) == [
        ("access-services", "Chosen as an elective.", candidate.pk),
        ("reference-information", "Chosen as an elective.", candidate.pk),
        ("youth-services", "Chosen as an elective.", candidate.pk),
    ]


def test_four_electives_are_refused_and_nothing_changes(sets, candidate):
    candidacy = candidate.candidacy
    services.set_progress_choose_electives(
        candidacy, set_ids=ids(sets, "access-services"), by=candidate
    )

    with pytest.raises(DomainError, match="Choose at most 3 elective sets"):
        services.set_progress_choose_electives(
            candidacy,
            set_ids=ids(
                sets,
                "youth-services",
                "reference-information",
                "collection-management",
                "cataloging-classification",
            ),
            by=candidate,
        )

    assert chosen_electives(candidacy) == ["access-services"]
    assert SetProgressStatusChange.objects.filter(progress__candidacy=candidacy).count() == 1


def test_an_achieved_elective_cannot_be_dropped(sets, candidate, staff):
    candidacy = candidate.candidacy
    services.set_progress_choose_electives(
        candidacy, set_ids=ids(sets, "access-services", "youth-services"), by=candidate
    )
    services.set_progress_transition(sets["access-services"], S.ACHIEVED, by=staff)

    with pytest.raises(DomainError, match="Access Services is achieved, so it stays"):
        services.set_progress_choose_electives(
            candidacy, set_ids=ids(sets, "reference-information"), by=candidate
        )

    assert chosen_electives(candidacy) == ["access-services", "youth-services"]


def test_a_required_set_is_not_an_elective_choice(sets, candidate):
    with pytest.raises(DomainError, match="Choose from the elective sets listed"):
        services.set_progress_choose_electives(
            candidate.candidacy, set_ids=ids(sets, "foundations"), by=candidate
        )


def test_a_withdrawn_candidacy_cannot_choose_electives(sets, candidate):
    services.candidacy_withdraw(candidate.candidacy, by=candidate, reason="Moving abroad.")

    with pytest.raises(DomainError, match="withdrawn, so it cannot change"):
        services.set_progress_choose_electives(
            candidate.candidacy, set_ids=ids(sets, "access-services"), by=candidate
        )

    assert Candidacy.objects.get(pk=candidate.candidacy.pk).status == "withdrawn"
    assert chosen_electives(candidate.candidacy) == []
