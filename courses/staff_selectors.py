"""Reads for the program office: providers to verify, the course review queue, completion
claims to verify, and the history of each. Every function starts from a `*_visible_to(user)`
selector, so a person who is not program staff gets nothing (and a view built on it, 404)."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from courses.models import (
    CompletionStatusChange,
    Course,
    CourseCompletion,
    CourseReview,
    CourseStatusChange,
    Instructor,
    Provider,
    ProviderMembership,
)
from lssc.accounts.roles import roles_of

# The review queue's tabs beyond the plain statuses.
WAITING = "waiting"  # new submissions and renewals, the default view
RENEWAL = "renewal"  # approved courses whose provider asked for renewal


# --- Providers ----------------------------------------------------------------------------


def providers_visible_to(user) -> QuerySet[Provider]:
    """Program staff see every provider; anyone else none here (members see their own
    organisations through `courses.selectors.providers_of_user`)."""
    if roles_of(user).is_program_staff:
        return Provider.objects.all()
    return Provider.objects.none()


def provider_queue(user) -> QuerySet[Provider]:
    """Providers for staff, the unverified ones first (oldest registration first), then the
    verified ones in the order they were verified; each with `course_count` and its members
    loaded. Two queries however many rows."""
    return (
        providers_visible_to(user)
        .select_related("verified_by")
        .annotate(course_count=Count("courses", distinct=True))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ProviderMembership.objects.select_related("user").order_by("user__email"),
            )
        )
        .order_by(F("verified_at").asc(nulls_first=True), "created_at", "name")
    )


# --- Courses ------------------------------------------------------------------------------


def courses_visible_to(user) -> QuerySet[Course]:
    """Program staff see every course a provider has sent at least once (drafts that were
    never submitted stay private to the provider); anyone else none here."""
    if not roles_of(user).is_program_staff:
        return Course.objects.none()
    return Course.objects.exclude(status=Course.Status.DRAFT, submitted_at__isnull=True)


def _waiting_filter() -> Q:
    return Q(status=Course.Status.SUBMITTED) | Q(
        status=Course.Status.APPROVED, renewal_requested_at__isnull=False
    )


def course_queue(user, *, status: str = WAITING) -> QuerySet[Course]:
    """The review queue, oldest request first: `waiting` (new submissions and renewals, the
    default), `renewal`, or one course status. Each row has its provider and set loaded and
    `waiting_since` annotated (when the submission or renewal request came in)."""
    queryset = courses_visible_to(user).select_related("provider", "competency_set")
    if status == WAITING:
        queryset = queryset.filter(_waiting_filter())
    elif status == RENEWAL:
        queryset = queryset.filter(
            status=Course.Status.APPROVED, renewal_requested_at__isnull=False
        )
    elif status:
        queryset = queryset.filter(status=status)
    return queryset.annotate(
        waiting_since=Coalesce("renewal_requested_at", "submitted_at", "created_at")
    ).order_by("waiting_since", "pk")


def course_queue_counts(user) -> dict[str, int]:
    """How many courses each tab of the queue holds, in one query."""
    courses = courses_visible_to(user)
    aggregates = {
        WAITING: Count("pk", filter=_waiting_filter()),
        RENEWAL: Count(
            "pk",
            filter=Q(status=Course.Status.APPROVED, renewal_requested_at__isnull=False),
        ),
        "all": Count("pk"),
    }
    for value, _label in Course.Status.choices:
        aggregates[value] = Count("pk", filter=Q(status=value))
    return courses.aggregate(**aggregates)


def course_for_review(user, pk: int) -> Course:
    """One course with everything staff read before deciding: provider and its members, the
    competency map with its competencies, the instructors and earlier reviews. Raises
    Course.DoesNotExist when the user may not see it."""
    return (
        courses_visible_to(user)
        .select_related("provider", "competency_set")
        .prefetch_related(
            "coverage__competency",
            Prefetch("instructors", queryset=Instructor.objects.order_by("pk")),
            Prefetch(
                "reviews",
                queryset=CourseReview.objects.select_related("reviewer").order_by("-created_at"),
            ),
        )
        .get(pk=pk)
    )


def course_timeline(course: Course) -> list[dict]:
    """Every status move and note on a course (submissions, reviews, renewal requests),
    newest first."""
    events = []
    for change in CourseStatusChange.objects.filter(course=course).select_related("actor"):
        if not change.old_status:
            title = Course.Status(change.new_status).label
        elif change.old_status == change.new_status:
            title = change.note.split(".")[0] if change.note else "Noted"
        else:
            title = (
                f"{Course.Status(change.old_status).label} → "
                f"{Course.Status(change.new_status).label}"
            )
        events.append({"at": change.at, "actor": change.actor, "title": title, "note": change.note})
    return events[::-1]


def review_rows(review: CourseReview) -> list[dict]:
    """A review's rubric as rows in the order of CRITERIA: label, score and comment."""
    rows = []
    for key, label in CourseReview.CRITERIA:
        entry = review.scores.get(key) or {}
        rows.append({"label": label, "score": entry.get("score"), "comment": entry.get("comment")})
    return rows


# --- Completions --------------------------------------------------------------------------


def completions_visible_to(user) -> QuerySet[CourseCompletion]:
    """Program staff see every completion claim; anyone else none here."""
    if roles_of(user).is_program_staff:
        return CourseCompletion.objects.all()
    return CourseCompletion.objects.none()


def completion_queue(user, *, status: str = CourseCompletion.Status.SUBMITTED):
    """Claims in `status` (submitted by default; empty for all), oldest first, each with the
    candidate, the course, its provider and its set loaded."""
    queryset = completions_visible_to(user).select_related(
        "candidacy__user", "course__provider", "course__competency_set"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("submitted_at", "pk")


def completion_counts(user) -> dict[str, int]:
    """Claims per status, and those confirmed by their provider while waiting, in one query."""
    aggregates = {
        value: Count("pk", filter=Q(status=value)) for value, _ in CourseCompletion.Status.choices
    }
    aggregates["confirmed_waiting"] = Count(
        "pk",
        filter=Q(status=CourseCompletion.Status.SUBMITTED, confirmed_by_provider_at__isnull=False),
    )
    aggregates["all"] = Count("pk")
    return completions_visible_to(user).aggregate(**aggregates)


def completion_for_staff(user, pk: int) -> CourseCompletion:
    """One claim with its candidate and course loaded; raises DoesNotExist when not visible."""
    return (
        completions_visible_to(user)
        .select_related(
            "candidacy__user",
            "candidacy__application",
            "course__provider",
            "course__competency_set",
        )
        .get(pk=pk)
    )


def completion_timeline(completion: CourseCompletion) -> list[dict]:
    """The claim's history, newest first."""
    events = []
    for change in CompletionStatusChange.objects.filter(completion=completion).select_related(
        "actor"
    ):
        if change.old_status == change.new_status:
            title = change.note or "Noted"
            note = ""
        elif not change.old_status:
            title, note = "Claim submitted", change.note
        else:
            title = f"{CourseCompletion.Status(change.new_status).label}"
            note = change.note
        events.append({"at": change.at, "actor": change.actor, "title": title, "note": note})
    return events[::-1]
