"""roles_of(user): roles come from relations, in one query, remembered for the request."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lssc.accounts.permissions import role_required
from lssc.accounts.roles import NO_ROLES, forget_roles, roles_of
from tests.factories import (
    CandidacyFactory,
    EvaluatorFactory,
    UserFactory,
)


def test_user_holding_candidacy_and_evaluator_profile_is_both(db, django_assert_num_queries):
    user = CandidacyFactory().user
    EvaluatorFactory(user=user)

    with django_assert_num_queries(1):
        roles = roles_of(user)

    assert roles.names == frozenset({"candidate", "evaluator"})
    assert (roles.is_candidate, roles.is_evaluator, roles.is_provider, roles.is_program_staff) == (
        True,
        True,
        False,
        False,
    )


def test_roles_are_remembered_on_the_user_for_the_rest_of_the_request(
    db, candidate, django_assert_num_queries
):
    first = roles_of(candidate)

    with django_assert_num_queries(0):
        second = roles_of(candidate)

    assert second is first


def test_forget_roles_makes_the_next_call_see_a_new_role(db, candidate):
    assert roles_of(candidate).names == frozenset({"candidate"})
    EvaluatorFactory(user=candidate)

    forget_roles(candidate)

    assert roles_of(candidate).names == frozenset({"candidate", "evaluator"})


def test_evaluator_not_yet_approved_is_not_an_evaluator(db):
    user = EvaluatorFactory(approved_at=None, status="applied").user

    roles = roles_of(user)

    assert roles.is_evaluator is False
    assert roles.names == frozenset()


def test_provider_member_and_program_staff_each_get_their_role(db, provider_user, staff):
    assert roles_of(provider_user).names == frozenset({"provider"})
    assert roles_of(staff).names == frozenset({"program_staff"})


def test_user_without_relations_has_no_roles(db, outsider):
    assert roles_of(outsider).names == frozenset()
    assert not roles_of(outsider)


def test_anonymous_visitor_has_no_roles_and_costs_no_query():
    # No database access is allowed in this test, so a query would fail it.
    assert roles_of(AnonymousUser()) is NO_ROLES


def test_django_admin_flag_does_not_make_anyone_program_staff(db):
    assert roles_of(UserFactory(is_staff=True, is_superuser=True)).is_program_staff is False


def test_role_required_rejects_a_name_that_is_not_a_role_when_the_view_is_declared():
    with pytest.raises(ValueError, match="is_candidat"):
        role_required("is_candidat")
