"""Staff pages for course providers, course reviews and completion claims.

Thin views: fetch through `courses.staff_selectors` (404 when not visible), parse with
`staff.course_forms`, act through `courses.services` via the confirm-page pattern of
`staff.confirm.confirm_page` (one-time token, errors kept at the form).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from courses import services
from courses.models import Course, CourseCompletion, Instructor
from courses.staff_selectors import (
    WAITING,
    completion_counts,
    completion_for_staff,
    completion_queue,
    completion_timeline,
    course_for_review,
    course_queue,
    course_queue_counts,
    course_timeline,
    courses_visible_to,
    provider_queue,
    providers_visible_to,
    review_rows,
)
from lssc.accounts.permissions import program_staff_required
from lssc.core.files import private_file_response
from staff.confirm import confirm_page
from staff.course_forms import (
    COMPLETION_QUEUE_CHOICES,
    COURSE_QUEUE_CHOICES,
    CompletionQueueFilterForm,
    CompletionRejectForm,
    CourseQueueFilterForm,
    CourseReviewForm,
)
from staff.forms import ActionForm
from staff.views import QUEUE_PAGE_SIZE

CONFIRM_METHODS = ["GET", "HEAD", "POST"]


def _download_name(prefix: str, pk: int, field_file) -> str:
    suffix = field_file.name.rsplit(".", 1)[-1].lower() if "." in field_file.name else "bin"
    return f"{prefix}-{pk}.{suffix}"


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


def _download(field_file, *, prefix: str, pk: int):
    if not field_file:
        raise Http404("There is no file here.")
    filename = _download_name(prefix, pk, field_file)
    content_type = CONTENT_TYPES.get(filename.rsplit(".", 1)[-1], "application/octet-stream")
    return private_file_response(field_file, filename=filename, content_type=content_type)


# --- Providers ----------------------------------------------------------------------------


@require_safe
@program_staff_required
def provider_list(request):
    """Every provider organisation, those waiting for verification first."""
    page = Paginator(provider_queue(request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page)
    return render(
        request,
        "staff/provider_list.html",
        {
            "page": page,
            "rows": rows,
            "waiting": providers_visible_to(request.user).filter(verified_at__isnull=True).count(),
        },
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def provider_verify(request, pk):
    """Confirm page: mark the organisation verified so its members can submit courses."""
    provider = get_object_or_404(provider_queue(request.user), pk=pk)
    form = ActionForm(request.POST or None)

    def perform(data):
        services.provider_verify(provider, by=request.user)
        return f"{provider.name} is verified; its members were emailed."

    return confirm_page(
        request,
        form=form,
        template="staff/provider_verify.html",
        context={
            "provider": provider,
            "unavailable": f"{provider.name} was already verified." if provider.verified_at else "",
        },
        perform=perform,
        done_url=reverse("staff:providers"),
    )


# --- Courses ------------------------------------------------------------------------------


def _course_tabs(counts: dict) -> list[dict]:
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in COURSE_QUEUE_CHOICES
    ]


@require_safe
@program_staff_required
def course_list(request):
    """The review queue: new submissions and renewal requests, oldest first, with tabs for
    every other status. A fixed number of queries whatever the number of rows."""
    form = CourseQueueFilterForm(request.GET or None)
    status = WAITING
    if form.is_bound and form.is_valid() and form.cleaned_data["status"]:
        status = form.cleaned_data["status"]
    page = Paginator(course_queue(request.user, status=status), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staff/course_list.html",
        {
            "form": form,
            "current_status": status,
            "current_label": dict(COURSE_QUEUE_CHOICES)[status],
            "tabs": _course_tabs(course_queue_counts(request.user)),
            "page": page,
            "rows": list(page),
        },
    )


def _course_for(request, pk: int) -> Course:
    try:
        return course_for_review(request.user, pk)
    except Course.DoesNotExist:
        raise Http404("No such course.") from None


def _reviewable(course: Course) -> tuple[bool, bool]:
    """(can be reviewed now, is a renewal)."""
    renewal = course.status == Course.Status.APPROVED and course.renewal_requested_at is not None
    return course.status == Course.Status.SUBMITTED or renewal, renewal


@require_safe
@program_staff_required
def course_detail(request, pk):
    """Everything the provider entered, the competency map, instructors, earlier reviews and
    the history, with the review action when the course waits for one."""
    course = _course_for(request, pk)
    reviewable, renewal = _reviewable(course)
    reviews = list(course.reviews.all())
    return render(
        request,
        "staff/course_detail.html",
        {
            "course": course,
            "reviewable": reviewable,
            "renewal": renewal,
            "coverage": list(course.coverage.all()),
            "instructors": list(course.instructors.all()),
            "reviews": [(review, review_rows(review)) for review in reviews],
            "timeline": course_timeline(course),
        },
    )


@require_safe
@program_staff_required
def course_syllabus(request, pk):
    """The course's syllabus as a download, for staff only."""
    course = get_object_or_404(courses_visible_to(request.user), pk=pk)
    return _download(course.syllabus, prefix="syllabus", pk=course.pk)


@require_safe
@program_staff_required
def course_resume(request, pk, instructor_pk):
    """An instructor's résumé as a download, for staff only."""
    course = get_object_or_404(courses_visible_to(request.user), pk=pk)
    instructor = get_object_or_404(Instructor.objects.filter(course=course), pk=instructor_pk)
    return _download(instructor.resume, prefix="resume", pk=instructor.pk)


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def course_review(request, pk):
    """The rubric: a score and comment per criterion and a decision, applied by
    `courses.services.course_review`."""
    course = _course_for(request, pk)
    reviewable, renewal = _reviewable(course)
    form = CourseReviewForm(request.POST or None, renewal=renewal)

    def perform(data):
        review = services.course_review(
            course,
            decision=data["decision"],
            scores=form.scores(),
            reasons=data["reasons"].strip(),
            by=request.user,
        )
        refreshed = Course.objects.get(pk=course.pk)
        if review.decision == "approve":
            return (
                f"“{course.title}” is approved until "
                f"{refreshed.approval_expires_on:%-d %B %Y}; the provider was emailed."
            )
        if review.decision == "request_changes":
            return f"Changes were requested for “{course.title}”; the provider was emailed."
        return f"“{course.title}” was not approved; the provider was emailed the reasons."

    unavailable = ""
    if not reviewable:
        unavailable = (
            f"This course is {course.get_status_display().lower()} and is not waiting for a review."
        )
    return confirm_page(
        request,
        form=form,
        template="staff/course_review.html",
        context={"course": course, "renewal": renewal, "unavailable": unavailable},
        perform=perform,
        done_url=reverse("staff:course_detail", args=[course.pk]),
    )


# --- Completions --------------------------------------------------------------------------


@require_safe
@program_staff_required
def completion_list(request):
    """Completion claims waiting for verification, oldest first, provider-confirmed ones
    marked; tabs for verified and rejected claims."""
    form = CompletionQueueFilterForm(request.GET or None)
    status = CourseCompletion.Status.SUBMITTED.value
    if form.is_bound and form.is_valid() and form.cleaned_data["status"]:
        status = form.cleaned_data["status"]
    page = Paginator(completion_queue(request.user, status=status), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = completion_counts(request.user)
    return render(
        request,
        "staff/completion_list.html",
        {
            "current_status": status,
            "tabs": [
                {"value": value, "label": label, "count": counts.get(value, 0)}
                for value, label in COMPLETION_QUEUE_CHOICES
            ],
            "confirmed_waiting": counts["confirmed_waiting"],
            "page": page,
            "rows": list(page),
        },
    )


def _completion_for(request, pk: int) -> CourseCompletion:
    try:
        return completion_for_staff(request.user, pk)
    except CourseCompletion.DoesNotExist:
        raise Http404("No such claim.") from None


def _completion_context(completion: CourseCompletion) -> dict:
    course = completion.course
    window = services.completion_window(course) if course.approved_on else (None, None)
    in_window = bool(window[0] and window[1] and window[0] <= completion.completed_on <= window[1])
    return {
        "completion": completion,
        "course": course,
        "window_start": window[0],
        "window_end": window[1],
        "in_window": in_window,
        "pending": completion.status == CourseCompletion.Status.SUBMITTED,
    }


@require_safe
@program_staff_required
def completion_detail(request, pk):
    """One claim: who, which course, the date against the course's approval window, the
    proof, the provider's confirmation and the history."""
    completion = _completion_for(request, pk)
    return render(
        request,
        "staff/completion_detail.html",
        {**_completion_context(completion), "timeline": completion_timeline(completion)},
    )


@require_safe
@program_staff_required
def completion_proof(request, pk):
    """The candidate's proof of completion as a download, for staff only."""
    completion = _completion_for(request, pk)
    return _download(completion.proof, prefix="completion-proof", pk=completion.pk)


def _not_pending(completion: CourseCompletion) -> str:
    if completion.status == CourseCompletion.Status.SUBMITTED:
        return ""
    return (
        f"This claim is already {completion.get_status_display().lower()}, so there is "
        "nothing left to decide."
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def completion_verify(request, pk):
    """Confirm page: verify the claim; the set is achieved through the course route."""
    completion = _completion_for(request, pk)
    form = ActionForm(request.POST or None)

    def perform(data):
        services.completion_verify(completion, by=request.user)
        return (
            f"The claim is verified: {completion.course.competency_set.name} is achieved for "
            f"{completion.candidacy.number}, who was emailed."
        )

    return confirm_page(
        request,
        form=form,
        template="staff/completion_verify.html",
        context={
            **_completion_context(completion),
            "heading": "Verify the completion",
            "crumb": "Verify",
            "unavailable": _not_pending(completion),
        },
        perform=perform,
        done_url=reverse("staff:completion_detail", args=[completion.pk]),
    )


@require_http_methods(CONFIRM_METHODS)
@program_staff_required
def completion_reject(request, pk):
    """Confirm page: reject the claim with a reason; the candidate may claim again."""
    completion = _completion_for(request, pk)
    form = CompletionRejectForm(request.POST or None)

    def perform(data):
        services.completion_reject(completion, by=request.user, reason=data["reason"].strip())
        return "The claim was not accepted; the candidate was emailed the reason."

    return confirm_page(
        request,
        form=form,
        template="staff/completion_reject.html",
        context={
            **_completion_context(completion),
            "heading": "Reject the completion claim",
            "crumb": "Reject",
            "unavailable": _not_pending(completion),
        },
        perform=perform,
        done_url=reverse("staff:completion_detail", args=[completion.pk]),
    )
