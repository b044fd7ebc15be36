import pytest

from lssc.program.models import CompetencySet
from lssc.program.selectors import framework_in_force, rules_in_force


@pytest.fixture
def rules(db):
    """The seeded rules version in force today."""
    return rules_in_force()


@pytest.fixture
def add_elective_sets(db):
    """Add `count` extra elective sets, each with three competencies, to the framework in force."""

    def add(count):
        framework = framework_in_force()
        last = framework.sets.order_by("-order").first().order
        added = []
        for offset in range(1, count + 1):
            competency_set = CompetencySet.objects.create(
                framework=framework,
                code=f"extra-{offset}",
                name=f"Extra set {offset}",
                kind=CompetencySet.Kind.ELECTIVE,
                order=last + offset,
                summary=f"A set added by a test ({offset}).",
            )
            for number in range(1, 4):
                competency_set.competencies.create(
                    number=number, statement=f"Does extra thing {number}."
                )
            added.append(competency_set)
        return added

    return add
