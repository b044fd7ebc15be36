from django.shortcuts import render

from candidates.selectors import candidacy_counts_by_status
from courses.selectors import provider_counts
from lssc.accounts.permissions import program_staff_required
from lssc.accounts.selectors import user_counts
from reviews.selectors import evaluator_counts

# The staff workspace sits above every domain app (it shows all their queues) and reads them
# only through their selectors.


@program_staff_required
def staff_home(request):
    """The program office's overview: how many candidacies, providers, evaluators and users
    there are, one aggregate query for each."""
    candidacies = candidacy_counts_by_status()
    return render(
        request,
        "staff/home.html",
        {
            "candidacies": candidacies,
            "candidacy_total": sum(row["count"] for row in candidacies),
            "providers": provider_counts(),
            "evaluators": evaluator_counts(),
            "users": user_counts(),
        },
    )
