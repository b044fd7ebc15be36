"""The staff's search and the record of one person, whatever roles they hold."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from lssc.accounts.permissions import program_staff_required
from staff.people import (
    SEARCH_LIMIT,
    SEARCH_MIN_LENGTH,
    clean_query,
    people_search,
    person_for_staff,
    person_record,
)


@require_safe
@program_staff_required
def search(request):
    """Find people (email, names, the legal name on an application), candidate numbers,
    certificates and courses; results grouped by kind, at most SEARCH_LIMIT of each. An
    empty or too-short query says what to type. A fixed number of queries."""
    typed = " ".join(request.GET.get("q", "").split())
    results = people_search(request.user, typed)
    return render(
        request,
        "staff/search.html",
        {
            "typed": typed,
            "too_short": bool(typed) and not clean_query(typed),
            "results": results,
            "min_length": SEARCH_MIN_LENGTH,
            "limit": SEARCH_LIMIT,
        },
    )


@require_safe
@program_staff_required
def person(request, pk):
    """One person's whole record: roles, account, application, candidacy and sets,
    portfolios, decisions, appeals, certificates, evaluator work, provider memberships,
    reminders and emails sent, and the history of all their records, with links to the
    pages where staff act. 404 for an unknown user. A fixed number of queries."""
    record = person_record(request.user, person_for_staff(request.user, pk))
    return render(request, "staff/person.html", {"record": record, "person": record.person})
