"""Fixtures for the candidate pages: progress rows on the sets and a throwaway file store.

`CandidacyFactory` makes a candidacy without progress rows; admission makes one per set in
force (required ones chosen), and `add_progress` does the same for a factory-made candidacy.
"""

from __future__ import annotations

import pytest

from candidates.models import SetProgress
from lssc.program.selectors import competency_sets_in_force


@pytest.fixture
def add_progress(db):
    """`add_progress(candidacy)` makes the progress rows admission makes and returns them
    by set code: one per set in force, not started, required sets chosen."""

    def add(candidacy) -> dict[str, SetProgress]:
        SetProgress.objects.bulk_create(
            SetProgress(candidacy=candidacy, competency_set=s, chosen=s.is_required)
            for s in competency_sets_in_force()
        )
        return {p.competency_set.code: p for p in candidacy.sets.select_related("competency_set")}

    return add


@pytest.fixture
def sets(candidate, add_progress) -> dict[str, SetProgress]:
    """The `candidate` persona's progress rows, by set code."""
    return add_progress(candidate.candidacy)
