from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from candidates.selectors import candidacy_for_user
from lssc.accounts.permissions import candidate_required
from lssc.program.selectors import rules_in_force


@candidate_required
def dashboard(request):
    """The candidate's home: their candidacy, its deadline and what to do next."""
    candidacy = candidacy_for_user(request.user)
    if candidacy is None:
        # The role check passed a moment ago, so the candidacy was removed in between.
        raise Http404("No candidacy.")
    days_to_deadline = (candidacy.deadline - timezone.localdate()).days
    return render(
        request,
        "candidates/dashboard.html",
        {
            "candidacy": candidacy,
            "days_left": max(days_to_deadline, 0),
            "days_past": max(-days_to_deadline, 0),
            "rules": rules_in_force(),
        },
    )
