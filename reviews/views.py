"""The evaluator's pages: the queue, one assignment (answer the offer, read the frozen
portfolio, rate it, submit), one competency's rating form, evidence downloads and the yearly
thank-you letter.

Who gets in: approved evaluators with two-factor authentication (`evaluator_required`), and
only to their own live assignments (`reviews.queues.evaluator_assignments`); anything else is
404. The portfolio is shown blind: its candidacy number, never the candidate's name, email or
library. Every change is a POST; the emailed link opens the offer page, which never acts on
GET. A form sent from a page that went stale (the assignment was withdrawn or submitted in
the meantime) gets the service's message and keeps what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lssc.accounts.permissions import evaluator_required
from lssc.core.errors import DomainError
from lssc.core.files import private_file_response
from lssc.core.templatetags.lssc import deadline
from portfolios.evidence_views import FILE_TYPES
from reviews import services
from reviews.letters import thank_you_letter_pdf
from reviews.models import Assignment, Rating
from reviews.queues import (
    OPEN_STATUSES,
    assignment_queue,
    assignments_held_by,
    evaluator_assignments,
    review_sheet,
    reviews_submitted_in,
    scope_numbers,
)
from reviews.rating_forms import DeclineForm, OverallForm, RatingForm
from reviews.selectors import evaluator_for_user

# --- Helpers ------------------------------------------------------------------------------


def _own_assignment(request, pk: int) -> Assignment:
    """The user's own live assignment, or 404."""
    return get_object_or_404(evaluator_assignments(request.user), pk=pk)


def _held_assignment(request, pk: int) -> Assignment:
    """The user's own assignment in any status (for answering a stale form), or 404."""
    return get_object_or_404(assignments_held_by(request.user), pk=pk)


def _back(assignment: Assignment):
    """Where to go after an action: the assignment while its page exists, else home."""
    if assignment.is_live:
        return redirect("reviews:assignment", pk=assignment.pk)
    return redirect("reviews:home")


def _closed_reason(assignment: Assignment) -> str:
    return (
        f"This assignment is {assignment.get_status_display().lower()}, so it can no longer "
        "be changed."
    )


def _saved_at() -> str:
    return timezone.localtime().strftime("%H:%M")


def _portfolio_label(assignment: Assignment) -> str:
    return f"{assignment.portfolio.competency_set.name} portfolio {assignment.portfolio.candidacy.number}"


# --- Home ---------------------------------------------------------------------------------


@evaluator_required
@require_safe
def home(request):
    """The evaluator's home: offers to answer, reviews to rate (with due dates and
    progress), submitted reviews with their yearly thank-you letters, and their profile."""
    evaluator = evaluator_for_user(request.user)
    if evaluator is None:
        # The role check passed a moment ago, so the approval was withdrawn in between.
        raise Http404("No approved evaluator profile.")
    return render(
        request,
        "reviews/home.html",
        {
            "evaluator": evaluator,
            "qualified_sets": list(evaluator.qualified_sets.all()),
            "queue": assignment_queue(request.user),
        },
    )


# --- One assignment -----------------------------------------------------------------------


@evaluator_required
@require_safe
def assignment(request, pk):
    """An offer: what is asked, with Accept and Decline. Accepted or submitted: the frozen
    portfolio with the evaluator's ratings, the overall comment, what is missing and Submit."""
    assignment = _own_assignment(request, pk)
    if assignment.status == Assignment.Status.OFFERED:
        return _render_offer(request, assignment, DeclineForm())
    return _render_sheet(
        request,
        assignment,
        OverallForm(initial={"comment": assignment.overall_comment}),
    )


def _render_offer(request, assignment, decline_form, *, status=200):
    return render(
        request,
        "reviews/assignment_offer.html",
        {
            "assignment": assignment,
            "set": assignment.portfolio.competency_set,
            "competency_count": len(scope_numbers(assignment)),
            "decline_form": decline_form,
        },
        status=status,
    )


def _render_sheet(request, assignment, overall_form, *, status=200):
    sheet = review_sheet(assignment)
    return render(
        request,
        "reviews/assignment_detail.html",
        {
            "assignment": assignment,
            "set": assignment.portfolio.competency_set,
            "sheet": sheet,
            "missing": (
                services.assignment_missing(assignment)
                if assignment.status == Assignment.Status.ACCEPTED
                else []
            ),
            "can_rate": assignment.status == Assignment.Status.ACCEPTED,
            "overall_form": overall_form,
        },
        status=status,
    )


def _render_closed(request, assignment, *, error: str, typed: list[tuple[str, str]]):
    """A form sent for an assignment that is no longer the evaluator's to change (withdrawn
    or declined): the reason, and what they typed so they can copy it. The portfolio itself
    is not shown any more."""
    return render(
        request,
        "reviews/assignment_closed.html",
        {"assignment": assignment, "error": error, "typed": [t for t in typed if t[1].strip()]},
        status=409,
    )


@evaluator_required
@require_POST
def assignment_accept(request, pk):
    """Accept an offer: the portfolio opens for rating."""
    assignment = _held_assignment(request, pk)
    try:
        assignment = services.assignment_accept(assignment, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return _back(assignment)
    messages.success(
        request,
        f"You accepted {_portfolio_label(assignment)}. Rate each competency below; your "
        f"review is due {deadline(assignment.due_on)}.",
    )
    return redirect("reviews:assignment", pk=assignment.pk)


@evaluator_required
@require_POST
def assignment_decline(request, pk):
    """Decline an offer, with an optional reason for program staff."""
    assignment = _held_assignment(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        if assignment.status != Assignment.Status.OFFERED:
            return _render_closed(
                request,
                assignment,
                error=_closed_reason(assignment),
                typed=[("Reason", request.POST.get("reason", ""))],
            )
        return _render_offer(request, assignment, form, status=400)
    try:
        assignment = services.assignment_decline(
            assignment, reason=form.cleaned_data["reason"], by=request.user
        )
    except DomainError as error:
        messages.error(request, str(error))
        return _back(assignment)
    messages.success(
        request,
        f"You declined {_portfolio_label(assignment)}. Thank you for letting us know; it "
        "will be offered to another evaluator.",
    )
    return redirect("reviews:home")


@evaluator_required
@require_POST
def overall(request, pk):
    """Save the overall comment of a review still being rated."""
    assignment = _held_assignment(request, pk)
    form = OverallForm(request.POST)
    refused = False
    if form.is_valid():
        try:
            services.assignment_save_overall(
                assignment, comment=form.cleaned_data["comment"], by=request.user
            )
        except DomainError as error:
            refused = True
            form.add_error("comment", str(error))
        else:
            messages.success(request, f"Overall comment: saved at {_saved_at()}.")
            return redirect("reviews:assignment", pk=assignment.pk)
    assignment.refresh_from_db(fields=["status"])
    if assignment.status not in OPEN_STATUSES:
        return _render_closed(
            request,
            assignment,
            error=" ".join(form.errors.get("comment", [])) or _closed_reason(assignment),
            typed=[("Overall comment", request.POST.get("comment", ""))],
        )
    return _render_sheet(request, assignment, form, status=409 if refused else 400)


@evaluator_required
@require_POST
def assignment_submit(request, pk):
    """Submit the review. The first press shows what submitting does (ratings lock); the
    confirm button on that page submits."""
    assignment = _held_assignment(request, pk)
    if assignment.status == Assignment.Status.ACCEPTED and not request.POST.get("confirm"):
        missing = services.assignment_missing(assignment)
        if missing:
            messages.error(request, "Not submitted yet. " + " ".join(missing))
            return redirect("reviews:assignment", pk=assignment.pk)
        sheet = review_sheet(assignment)
        return render(
            request,
            "reviews/assignment_submit.html",
            {"assignment": assignment, "set": assignment.portfolio.competency_set, "sheet": sheet},
        )
    was_submitted = assignment.status == Assignment.Status.SUBMITTED
    try:
        assignment = services.assignment_submit(assignment, by=request.user)
    except DomainError as error:
        messages.error(request, f"Not submitted: {error}")
        return _back(assignment)
    if was_submitted:
        messages.info(request, "This review was already submitted, so nothing changed.")
    else:
        messages.success(
            request,
            "Submitted: your ratings are locked and program staff have them. Thank you for "
            "your review.",
        )
    return redirect("reviews:assignment", pk=assignment.pk)


# --- One competency -----------------------------------------------------------------------


@evaluator_required
@require_http_methods(["GET", "HEAD", "POST"])
def rate(request, pk, number):
    """One competency of the frozen portfolio with the rating form; "Save and next" goes on
    to the next competency in scope, or back to the overview after the last."""
    if request.method == "POST":
        return _rate_post(request, pk, number)
    assignment = _own_assignment(request, pk)
    if assignment.status == Assignment.Status.OFFERED:
        messages.info(request, "Accept the assignment first; then the portfolio opens for rating.")
        return redirect("reviews:assignment", pk=assignment.pk)
    sheet = review_sheet(assignment)
    item = sheet.item(number)
    if item is None:
        raise Http404("That competency is not part of this review.")
    initial = {"value": item.rating.value, "comment": item.rating.comment} if item.rating else {}
    return _render_rate(request, assignment, sheet, number, RatingForm(initial=initial))


def _rate_post(request, pk, number):
    assignment = _held_assignment(request, pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        entry = next(
            (e for e in assignment.submission.content if e["number"] == number),
            None,
        )
        if entry is None:
            raise Http404("That competency is not part of this review.")
        try:
            services.rating_save(
                assignment,
                competency_id=entry["competency_id"],
                value=form.cleaned_data["value"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return _after_rating_save(request, assignment, number, go_on="next" in request.POST)
    assignment.refresh_from_db(fields=["status"])
    if assignment.status not in OPEN_STATUSES:
        return _render_closed(
            request,
            assignment,
            error=" ".join(form.non_field_errors()) or _closed_reason(assignment),
            typed=[
                ("Rating", dict(Rating.Value.choices).get(request.POST.get("value", ""), "")),
                ("Comment", request.POST.get("comment", "")),
            ],
        )
    sheet = review_sheet(assignment)
    if sheet.item(number) is None:
        raise Http404("That competency is not part of this review.")
    return _render_rate(
        request,
        assignment,
        sheet,
        number,
        form,
        status=409 if form.non_field_errors() else 400,
    )


def _render_rate(request, assignment, sheet, number, form, *, status=200):
    numbers = sheet.numbers
    index = numbers.index(number)
    return render(
        request,
        "reviews/rate.html",
        {
            "assignment": assignment,
            "set": assignment.portfolio.competency_set,
            "item": sheet.item(number),
            "crumb": f"Competency {number}",
            "form": form,
            "can_rate": assignment.status == Assignment.Status.ACCEPTED,
            "position": index + 1,
            "total": len(numbers),
            "previous_number": numbers[index - 1] if index > 0 else None,
            "next_number": numbers[index + 1] if index + 1 < len(numbers) else None,
        },
        status=status,
    )


def _after_rating_save(request, assignment, number, *, go_on: bool):
    if not go_on:
        messages.success(request, f"Competency {number}: rating saved at {_saved_at()}.")
        return redirect("reviews:rate", pk=assignment.pk, number=number)
    numbers = scope_numbers(assignment)
    later = next((n for n in numbers if n > number), None)
    if later is None:
        messages.success(
            request,
            f"Competency {number}: rating saved. That was the last competency; check what "
            "is still missing, then submit your review.",
        )
        return redirect("reviews:assignment", pk=assignment.pk)
    messages.success(request, f"Competency {number}: rating saved. Here is competency {later}.")
    return redirect("reviews:rate", pk=assignment.pk, number=later)


# --- Files --------------------------------------------------------------------------------


@evaluator_required
@require_safe
def evidence_download(request, pk, evidence_pk):
    """A file the candidate submitted in this round, once the evaluator has accepted. It
    downloads as "evidence-<id>.<type>": the candidate's own file name may contain their
    name."""
    assignment = get_object_or_404(
        evaluator_assignments(request.user).filter(status__in=OPEN_STATUSES), pk=pk
    )
    evidence = get_object_or_404(assignment.submission.evidence.all(), pk=evidence_pk)
    file_type = evidence.file_type if evidence.file_type.isalnum() else "bin"
    return private_file_response(
        evidence.file,
        filename=f"evidence-{evidence.pk}.{file_type}",
        content_type=FILE_TYPES.get(evidence.file_type, ("", "application/octet-stream"))[1],
    )


@evaluator_required
@require_safe
def thank_you_letter(request, year):
    """A PDF letter thanking the evaluator for the reviews they submitted in `year`."""
    reviews = reviews_submitted_in(request.user, year)
    if not reviews:
        raise Http404("No reviews submitted that year.")
    response = HttpResponse(
        thank_you_letter_pdf(request.user, year, reviews), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="lssc-thank-you-{year}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
