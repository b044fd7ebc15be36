"""The seeded competency framework, rules and staff group, as the migrations leave them."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from lssc.accounts.roles import PROGRAM_STAFF_GROUP
from lssc.program.models import Competency, CompetencySet, FrameworkVersion, ProgramRules
from lssc.program.selectors import (
    competency_sets_in_force,
    framework_in_force,
    rules_in_force,
)

EXPECTED_SETS = [
    ("foundations", "Foundations of Library Services", "required", 12),
    ("technology", "Technology", "required", 9),
    ("communication-teamwork", "Communication and Teamwork", "required", 9),
    ("access-services", "Access Services", "elective", 13),
    ("adult-readers-advisory", "Adult Readers' Advisory Services", "elective", 12),
    ("cataloging-classification", "Cataloging and Classification", "elective", 8),
    ("collection-management", "Collection Management", "elective", 10),
    ("reference-information", "Reference and Information Services", "elective", 9),
    ("supervision-management", "Supervision and Management", "elective", 16),
    ("youth-services", "Youth Services", "elective", 12),
]

seed_framework_migration = importlib.import_module(
    "lssc.program.migrations.0002_seed_framework_2012"
)


@pytest.mark.django_db
def test_framework_in_force_is_the_october_2012_revision():
    framework = framework_in_force()

    assert framework.name == "October 2012 revision"
    assert framework.effective_from == date(2012, 10, 1)
    assert FrameworkVersion.objects.count() == 1


@pytest.mark.django_db
def test_seeded_framework_has_the_ten_sets_in_order_with_their_kinds():
    sets = competency_sets_in_force()

    assert [(s.code, s.name, s.kind, s.order) for s in sets] == [
        (code, name, kind, order)
        for order, (code, name, kind, _count) in enumerate(EXPECTED_SETS, start=1)
    ]
    assert sum(s.is_required for s in sets) == 3
    assert sum(not s.is_required for s in sets) == 7


@pytest.mark.django_db
def test_seeded_sets_have_the_published_number_of_competencies():
    counts = {s.code: s.competency_count for s in competency_sets_in_force()}

    assert counts == {code: count for code, _name, _kind, count in EXPECTED_SETS}
    assert Competency.objects.count() == 110


@pytest.mark.django_db
def test_competencies_are_numbered_from_one_without_gaps():
    for competency_set in CompetencySet.objects.all():
        numbers = list(
            competency_set.competencies.order_by("number").values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1)), competency_set.code


@pytest.mark.django_db
def test_every_set_has_a_summary_and_every_statement_is_a_full_sentence():
    for competency_set in CompetencySet.objects.all():
        assert len(competency_set.summary) > 100, competency_set.code
    for competency in Competency.objects.all():
        statement = competency.statement
        assert statement[0].isupper() and statement.endswith("."), str(competency)


@pytest.mark.django_db
def test_running_the_framework_seed_again_creates_nothing_new():
    before = (
        FrameworkVersion.objects.count(),
        CompetencySet.objects.count(),
        Competency.objects.count(),
    )

    seed_framework_migration.seed_framework(django_apps, schema_editor=None)

    after = (
        FrameworkVersion.objects.count(),
        CompetencySet.objects.count(),
        Competency.objects.count(),
    )
    assert after == before == (1, 10, 110)


@pytest.mark.django_db
def test_rules_in_force_are_the_seeded_founding_defaults():
    rules = rules_in_force()

    assert ProgramRules.objects.count() == 1
    assert rules.effective_from == date(2010, 1, 25)
    assert rules.notes == "Defaults from the program's founding FAQ."
    assert (rules.eligibility_hours, rules.eligibility_window_years) == (1820, 5)
    assert (rules.currency, rules.fee_standard, rules.fee_member) == (
        "USD",
        Decimal("350.00"),
        Decimal("325.00"),
    )
    assert rules.candidacy_years == 4
    assert (rules.required_sets, rules.electives_needed, rules.total_sets) == (3, 3, 6)
    assert rules.certificate_years == 5


@pytest.mark.django_db
def test_rules_before_the_first_version_fall_back_to_the_earliest_one():
    assert rules_in_force(on=date(2009, 1, 1)).effective_from == date(2010, 1, 25)


@pytest.mark.django_db
def test_program_staff_group_exists():
    assert list(Group.objects.values_list("name", flat=True)) == [PROGRAM_STAFF_GROUP]
