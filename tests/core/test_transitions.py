"""The shared status mover: refuses moves outside the table, no-op on repeat, history row."""

import pytest

from candidates.models import Candidacy, CandidacyStatusChange
from lssc.core.errors import TransitionNotAllowed
from lssc.core.transitions import move_status

pytestmark = pytest.mark.django_db


def test_a_move_in_the_table_writes_the_status_and_one_history_row(candidate, staff):
    candidacy = candidate.candidacy
    locked, changed = move_status(
        candidacy,
        "withdrawn",
        history=CandidacyStatusChange,
        link="candidacy",
        noun="A candidacy",
        by=staff,
        note="Asked to leave.",
    )
    _, changed_again = move_status(
        candidacy,
        "withdrawn",
        history=CandidacyStatusChange,
        link="candidacy",
        noun="A candidacy",
        by=staff,
    )
    assert (changed, changed_again) == (True, False)
    assert locked.status == Candidacy.objects.get(pk=candidacy.pk).status == "withdrawn"
    row = CandidacyStatusChange.objects.get(candidacy=candidacy)
    assert (row.old_status, row.new_status, row.actor, row.note) == (
        "active",
        "withdrawn",
        staff,
        "Asked to leave.",
    )


def test_a_move_outside_the_table_is_refused_and_leaves_no_trace(candidate, staff):
    candidacy = candidate.candidacy
    move_status(
        candidacy,
        "withdrawn",
        history=CandidacyStatusChange,
        link="candidacy",
        noun="A candidacy",
        by=staff,
    )
    with pytest.raises(
        TransitionNotAllowed, match=r"A candidacy that is withdrawn cannot become active\."
    ):
        move_status(
            candidacy,
            "active",
            history=CandidacyStatusChange,
            link="candidacy",
            noun="A candidacy",
            by=staff,
        )
    assert Candidacy.objects.get(pk=candidacy.pk).status == "withdrawn"
    assert CandidacyStatusChange.objects.filter(candidacy=candidacy).count() == 1
