"""Roles come from relations, not from a field on the user.

A person is a candidate because they have a candidacy, an evaluator because they have an
approved evaluator profile, a provider member because they belong to a provider, and program
staff because they are in the program-staff group. A person may hold several roles.

Each domain app registers the subquery that grants its role (in its AppConfig.ready), so this
module never imports them; `roles_of(user)` asks for every role in one query and remembers the
answer on the user object for the rest of the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

PROGRAM_STAFF_GROUP = "Program staff"

CANDIDATE = "candidate"
EVALUATOR = "evaluator"
PROVIDER = "provider"
PROGRAM_STAFF = "program_staff"

# role name -> function returning a queryset filtered to rows that grant the role to
# OuterRef("pk") (the user).
_ROLE_QUERIES: dict[str, Callable[[], QuerySet]] = {}


def register_role(name: str, query: Callable[[], QuerySet]) -> None:
    """Declare that a user holds role `name` when `query()` correlated on OuterRef('pk')
    returns a row."""
    _ROLE_QUERIES[name] = query


def _staff_group_query():
    from django.contrib.auth.models import Group

    return Group.objects.filter(name=PROGRAM_STAFF_GROUP, user=OuterRef("pk"))


register_role(PROGRAM_STAFF, _staff_group_query)


@dataclass(frozen=True)
class Roles:
    names: frozenset[str]

    @property
    def is_candidate(self) -> bool:
        return CANDIDATE in self.names

    @property
    def is_evaluator(self) -> bool:
        return EVALUATOR in self.names

    @property
    def is_provider(self) -> bool:
        return PROVIDER in self.names

    @property
    def is_program_staff(self) -> bool:
        return PROGRAM_STAFF in self.names

    def __bool__(self) -> bool:
        return bool(self.names)


NO_ROLES = Roles(frozenset())


def roles_of(user) -> Roles:
    """Every role the user holds, in one query, cached on the user for this request."""
    if user is None or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_lssc_roles", None)
    if cached is not None:
        return cached
    from django.contrib.auth import get_user_model

    annotations = {f"has_{name}": Exists(query()) for name, query in _ROLE_QUERIES.items()}
    row = get_user_model().objects.filter(pk=user.pk).annotate(**annotations).values(*annotations)
    flags = row.first() or {}
    roles = Roles(frozenset(name for name in _ROLE_QUERIES if flags.get(f"has_{name}")))
    user._lssc_roles = roles
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles, after a change that grants or removes one."""
    if hasattr(user, "_lssc_roles"):
        del user._lssc_roles


def is_program_staff(user) -> bool:
    return roles_of(user).is_program_staff


def is_candidate(user) -> bool:
    return roles_of(user).is_candidate


def is_evaluator(user) -> bool:
    return roles_of(user).is_evaluator


def is_provider_member(user) -> bool:
    return roles_of(user).is_provider
