"""A candidate's course completion claims: the list of their claims and a new claim."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from candidates.selectors import candidacy_for_user
from courses import services
from courses.catalogue_selectors import completions_of_candidacy
from courses.completion_forms import CompletionClaimForm
from lssc.accounts.permissions import candidate_required
from lssc.core.errors import DomainError


def _own_candidacy(request):
    candidacy = candidacy_for_user(request.user)
    if candidacy is None:
        raise Http404("You have no candidacy.")
    return candidacy


@candidate_required
@require_http_methods(["GET", "HEAD"])
def completion_list(request):
    """The candidate's own claims with their status and, when rejected, the reason."""
    candidacy = _own_candidacy(request)
    return render(
        request,
        "courses/completion_list.html",
        {"completions": list(completions_of_candidacy(candidacy))},
    )


def _field_for(error: DomainError, form) -> str | None:
    """Where the service's refusal belongs on the form: its date rules at the date field,
    anything about the course at the course field, the rest at the top."""
    course = form.cleaned_data["course"]
    completed_on = form.cleaned_data["completed_on"]
    start, end = services.completion_window(course)
    if not start <= completed_on <= end:
        return "completed_on"
    if "candidacy" in str(error):
        return None
    return "course"


@candidate_required
@require_http_methods(["GET", "HEAD", "POST"])
def completion_new(request):
    """Claim completion of an approved course; `?course=<pk>` preselects the course."""
    candidacy = _own_candidacy(request)
    if request.method == "POST":
        form = CompletionClaimForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                completion = services.completion_claim(
                    candidacy,
                    course=form.cleaned_data["course"],
                    completed_on=form.cleaned_data["completed_on"],
                    proof=form.cleaned_data["proof"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_error(_field_for(error, form), str(error))
            else:
                messages.success(
                    request,
                    f"Your completion of “{completion.course.title}” is sent. Program staff "
                    "will check it and email you.",
                )
                return redirect("completions:list")
    else:
        form = CompletionClaimForm(initial={"course": request.GET.get("course")})
    return render(request, "courses/completion_form.html", {"form": form})
