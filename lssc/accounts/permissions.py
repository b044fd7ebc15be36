"""Role gates for views: who may open a role's area at all.

A visitor who is not signed in is sent to the login page and brought back afterwards; a
signed-in person without the role gets 403 (the friendly errors/403.html page), because they
are an insider who simply cannot use this area — except for the program office's pages,
which answer 404 to everyone outside it, so nobody can probe what they hold. Roles listed in settings.MFA_REQUIRED_ROLES
(program staff and evaluators by default) must turn on two-factor authentication first. Whether they may act on a particular object is
decided later, by the app's selectors and predicates.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from lssc.accounts.roles import Roles, roles_of


def role_required(predicate_name: str, *, hide: bool = False) -> Callable:
    """Decorator for a view that only holders of one role may open.

    `predicate_name` names a boolean property of `Roles` (e.g. "is_candidate"); a misspelt
    name fails when the module is imported, not when someone opens the page. With `hide`, a
    signed-in person without the role gets 404 instead of 403.
    """
    if not isinstance(getattr(Roles, predicate_name, None), property):
        raise ValueError(f"Roles has no role predicate named {predicate_name!r}.")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not getattr(roles_of(request.user), predicate_name):
                if hide:
                    raise Http404("No such page.")
                raise PermissionDenied(f"This page needs the role {predicate_name[3:]}.")
            if predicate_name[3:] in settings.MFA_REQUIRED_ROLES and not is_mfa_enabled(
                request.user
            ):
                messages.info(
                    request,
                    "Your role gives you access to other people's records, so it needs "
                    "two-factor authentication. Set up an authenticator app here, then go "
                    "back to the page you wanted.",
                )
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


candidate_required = role_required("is_candidate")
evaluator_required = role_required("is_evaluator")
provider_required = role_required("is_provider")
program_staff_required = role_required("is_program_staff", hide=True)
