from django.http import Http404
from django.shortcuts import render

from lssc.accounts.permissions import evaluator_required
from reviews.selectors import evaluator_for_user


@evaluator_required
def home(request):
    """The evaluator's home: their profile and the competency sets they may rate."""
    evaluator = evaluator_for_user(request.user)
    if evaluator is None:
        # The role check passed a moment ago, so the approval was withdrawn in between.
        raise Http404("No approved evaluator profile.")
    return render(
        request,
        "reviews/home.html",
        {"evaluator": evaluator, "qualified_sets": list(evaluator.qualified_sets.all())},
    )


def assignment(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def assignment_accept(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def assignment_decline(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def rate(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def overall(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def assignment_submit(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def evidence_download(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")


def thank_you_letter(request, *args, **kwargs):  # placeholder until the page is built
    raise Http404("Not built yet.")
