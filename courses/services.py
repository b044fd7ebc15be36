"""Every write to providers, courses, completions and course alerts.

Course and completion statuses are written only by the `*_transition` functions here; each
locks the row, refuses moves outside the model's table, treats a repeat as a no-op, records a
status-change row and queues email after commit.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidacy, SetProgress
from candidates.services import set_progress_transition
from courses.models import (
    AlertDelivery,
    CompetencyCoverage,
    CompletionStatusChange,
    Course,
    CourseAlert,
    CourseCompletion,
    CourseReview,
    CourseStatusChange,
    Instructor,
    Provider,
    ProviderInvitation,
    ProviderMembership,
)
from lssc.accounts.roles import forget_roles
from lssc.core.dates import add_years
from lssc.core.errors import DomainError
from lssc.core.mail import notify, queue_email
from lssc.core.transitions import move_status
from lssc.program.selectors import rules_in_force

INVITATION_DAYS = 14

# --- Providers ----------------------------------------------------------------------------


@transaction.atomic
def provider_register(*, by, **fields) -> Provider:
    """Register an organisation; the person registering becomes its first member. Program
    staff verify it before its courses can be submitted."""
    provider = Provider.objects.create(created_by=by, **fields)
    ProviderMembership.objects.create(provider=provider, user=by)
    forget_roles(by)
    return provider


@transaction.atomic
def provider_verify(provider: Provider, *, by) -> Provider:
    """Mark the organisation verified (once) and tell its members."""
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    if locked.verified_at:
        return locked
    locked.verified_at = timezone.now()
    locked.verified_by = by
    locked.save(update_fields=["verified_at", "verified_by"])
    for membership in locked.memberships.select_related("user"):
        notify(
            membership.user,
            kind="provider_verified",
            subject=f"{locked.name} is verified",
            lines=[
                "Program staff verified your organisation. You can now submit courses for "
                "approval.",
            ],
            action_url=reverse("courses:provider_home"),
            action_label="Open your provider page",
            reason="You received this email because you are a member of a course provider.",
        )
    return locked


@transaction.atomic
def invitation_create(provider: Provider, *, email: str, by) -> ProviderInvitation:
    """Invite a colleague by email; they accept on a confirm page after logging in."""
    email = email.strip().lower()
    if provider.memberships.filter(user__email__iexact=email).exists():
        raise DomainError(f"{email} is already a member of {provider.name}.")
    invitation = ProviderInvitation.objects.create(
        provider=provider,
        email=email,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    queue_email(
        to_email=email,
        template="provider_invitation",
        context={
            "provider": provider,
            "invited_by": by,
            "accept_url": reverse("courses:invitation_accept", args=[invitation.token]),
            "days": INVITATION_DAYS,
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(invitation: ProviderInvitation, *, by) -> ProviderMembership:
    """Join the provider. The invitation must be unused, unexpired and for this person's
    address."""
    locked = ProviderInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at:
        raise DomainError("This invitation has already been used.")
    if locked.expires_at < timezone.now():
        raise DomainError("This invitation has expired. Ask your colleague to invite you again.")
    if locked.email.lower() != by.email.lower():
        raise DomainError(
            f"This invitation is for {locked.email}. Log in with that address to accept it."
        )
    membership, _ = ProviderMembership.objects.get_or_create(provider=locked.provider, user=by)
    locked.accepted_at = timezone.now()
    locked.accepted_by = by
    locked.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(by)
    return membership


# --- Courses ------------------------------------------------------------------------------


def _lock(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def _course_transition(course: Course, new_status: str, *, by, note: str = ""):
    """The only writer of its status (see lssc.core.transitions.move_status)."""
    return move_status(
        course,
        new_status,
        history=CourseStatusChange,
        link="course",
        noun="A course",
        by=by,
        note=note,
    )


@transaction.atomic
def course_create(provider: Provider, *, competency_set, title: str, by) -> Course:
    """A draft course for one set, with an empty competency map row for each competency."""
    course = Course.objects.create(
        provider=provider, competency_set=competency_set, title=title, state=provider.state
    )
    CompetencyCoverage.objects.bulk_create(
        CompetencyCoverage(course=course, competency=competency)
        for competency in competency_set.competencies.all()
    )
    CourseStatusChange.objects.create(
        course=course, new_status=Course.Status.DRAFT, actor=by, note="Draft started."
    )
    return course


@transaction.atomic
def course_update(course: Course, *, fields: dict, by) -> Course:
    """Save course details (as parsed by a form). Only drafts and courses sent back for
    changes can be edited."""
    locked = _lock(course)
    if not locked.is_editable:
        raise DomainError(
            f"This course is {locked.get_status_display().lower()} and cannot be changed."
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    return locked


def _lock_editable(course: Course) -> Course:
    locked = _lock(course)
    if not locked.is_editable:
        raise DomainError("This course can no longer be changed.")
    return locked


COVERAGE_FIELDS = ("content", "readings", "assignments", "assessment")


@transaction.atomic
def course_coverage_update(course: Course, *, entries: dict[int, dict], by) -> Course:
    """Save the competency map: `entries` maps a coverage row's id to its four texts. Rows of
    other courses are ignored."""
    locked = _lock_editable(course)
    rows = {row.pk: row for row in locked.coverage.filter(pk__in=list(entries))}
    for pk, values in entries.items():
        row = rows.get(pk)
        if row is None:
            continue
        for name in COVERAGE_FIELDS:
            setattr(row, name, values.get(name, getattr(row, name)))
    CompetencyCoverage.objects.bulk_update(list(rows.values()), COVERAGE_FIELDS)
    locked.save(update_fields=["updated_at"])
    return locked


@transaction.atomic
def instructor_add(course: Course, *, name: str, qualifications: str = "", resume=None, by):
    """Add an instructor (with an optional résumé file) to an editable course."""
    locked = _lock_editable(course)
    return Instructor.objects.create(
        course=locked, name=name, qualifications=qualifications, resume=resume or ""
    )


@transaction.atomic
def instructor_remove(course: Course, *, instructor_id, by) -> str:
    """Remove one of the course's instructors; returns their name. Raises
    Instructor.DoesNotExist for someone else's instructor."""
    locked = _lock_editable(course)
    instructor = locked.instructors.get(pk=instructor_id)
    name = instructor.name
    instructor.delete()
    return name


def course_missing(course: Course) -> list[str]:
    """What stops submission, in plain words."""
    missing = []
    for name, label in [
        ("description", "a description"),
        ("objectives", "the learning objectives"),
        ("delivery", "how the course is delivered"),
        ("timing", "whether it is synchronous or asynchronous"),
        ("duration", "the duration"),
        ("assessment_methods", "how learning is assessed"),
    ]:
        if not str(getattr(course, name) or "").strip():
            missing.append(f"Add {label}.")
    if course.delivery in (Course.Delivery.FACE_TO_FACE, Course.Delivery.HYBRID) and not (
        course.location.strip()
    ):
        missing.append("Add where the course takes place.")
    if not course.self_paced and not course.schedule.strip():
        missing.append("Add the schedule, or mark the course self-paced.")
    if not course.syllabus:
        missing.append("Upload the syllabus.")
    if not course.instructors.exists():
        missing.append("Add at least one instructor.")
    unmapped = [
        c.competency.number for c in course.coverage.select_related("competency") if not c.is_mapped
    ]
    if unmapped:
        numbers = ", ".join(str(n) for n in unmapped)
        missing.append(f"Map how the course covers competencies {numbers}.")
    return missing


@transaction.atomic
def course_submit(course: Course, *, by) -> Course:
    """Send a complete course for review. Refused until every competency is mapped and the
    provider is verified; a repeat submit is a no-op."""
    locked = _lock(course)
    if locked.status == Course.Status.SUBMITTED:
        return locked
    if not locked.provider.verified_at:
        raise DomainError("Your organisation must be verified by program staff first.")
    missing = course_missing(locked)
    if missing:
        raise DomainError(" ".join(missing))
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at"])
    locked, _ = _course_transition(locked, Course.Status.SUBMITTED, by=by)
    _tell_members(
        locked,
        subject=f"Received for review: {locked.title}",
        lines=[
            "Thank you: your course is with program staff for review against the approval "
            "rubric. We will email you their decision.",
        ],
        kind="course_submitted",
    )
    return locked


@transaction.atomic
def course_review(course: Course, *, decision: str, scores: dict, reasons: str, by) -> CourseReview:
    """Record staff's rubric review and apply its decision: approve (for the rules' approval
    period, or extend it on renewal), request changes, or reject. Reasons are required for
    anything but approval. Emails the provider's members; approval also sends course alerts."""
    locked = _lock(course)
    renewal = locked.status == Course.Status.APPROVED
    if not renewal and locked.status != Course.Status.SUBMITTED:
        raise DomainError(
            f"Only a submitted course can be reviewed; this one is "
            f"{locked.get_status_display().lower()}."
        )
    if decision != CourseReview.Decision.APPROVE and not reasons.strip():
        raise DomainError("Give the reasons; the provider will read them.")
    if renewal and decision == CourseReview.Decision.REQUEST_CHANGES:
        raise DomainError("A renewal is approved or not; there are no changes to request.")
    review = CourseReview.objects.create(
        course=locked,
        kind=CourseReview.Kind.RENEWAL if renewal else CourseReview.Kind.INITIAL,
        reviewer=by,
        scores=scores,
        decision=decision,
        reasons=reasons,
    )
    rules = rules_in_force()
    today = timezone.localdate()
    if decision == CourseReview.Decision.APPROVE:
        start = locked.approval_expires_on if renewal and locked.approval_expires_on else today
        locked.approval_expires_on = add_years(max(start, today), rules.course_approval_years)
        if not renewal:
            locked.approved_on = today
        locked.renewal_requested_at = None
        locked.save(
            update_fields=[
                "approved_on",
                "approval_expires_on",
                "renewal_requested_at",
                "updated_at",
            ]
        )
        if renewal:
            CourseStatusChange.objects.create(
                course=locked,
                old_status=locked.status,
                new_status=locked.status,
                actor=by,
                note=f"Approval renewed until {locked.approval_expires_on:%-d %B %Y}.",
            )
        else:
            locked, _ = _course_transition(locked, Course.Status.APPROVED, by=by, note=reasons)
            transaction.on_commit(lambda: alerts_send_for_course(locked.pk))
        subject = f"Approved: {locked.title}"
        lines = [
            f"Your course is approved until {locked.approval_expires_on:%-d %B %Y}"
            + ("." if renewal else " and is now listed in the public catalogue.")
        ]
    elif decision == CourseReview.Decision.REQUEST_CHANGES:
        locked, _ = _course_transition(locked, Course.Status.CHANGES_REQUESTED, by=by, note=reasons)
        subject = f"Changes requested: {locked.title}"
        lines = ["Program staff reviewed your course and ask for changes:", reasons]
    else:
        if renewal:
            locked, _ = _course_transition(locked, Course.Status.EXPIRED, by=by, note=reasons)
        else:
            locked, _ = _course_transition(locked, Course.Status.REJECTED, by=by, note=reasons)
        subject = f"Not approved: {locked.title}"
        lines = ["Program staff could not approve your course.", f"The reasons: {reasons}"]
    _tell_members(locked, subject=subject, lines=lines, kind=f"course_{decision}")
    return review


@transaction.atomic
def course_request_renewal(course: Course, *, by) -> Course:
    """Ask for the approval to be renewed before it lapses (a lighter review by staff)."""
    locked = _lock(course)
    if locked.status != Course.Status.APPROVED:
        raise DomainError("Only an approved course can be renewed.")
    if not locked.renewal_requested_at:
        locked.renewal_requested_at = timezone.now()
        locked.save(update_fields=["renewal_requested_at", "updated_at"])
        CourseStatusChange.objects.create(
            course=locked,
            old_status=locked.status,
            new_status=locked.status,
            actor=by,
            note="Renewal requested.",
        )
        _tell_members(
            locked,
            subject=f"Renewal requested: {locked.title}",
            lines=[
                f"Program staff will review the renewal; the course stays approved until "
                f"{locked.approval_expires_on:%-d %B %Y} meanwhile.",
            ],
            kind="course_renewal_requested",
        )
    return locked


def _tell_members(course: Course, *, subject: str, lines: list[str], kind: str) -> None:
    for membership in course.provider.memberships.select_related("user"):
        notify(
            membership.user,
            kind=kind,
            subject=subject,
            lines=lines,
            action_url=reverse("courses:provider_home"),
            action_label="Open your provider page",
            reason="You received this email because you are a member of a course provider.",
        )


@transaction.atomic
def course_expire(course: Course, *, by=None) -> Course:
    """An approval that has run out: the course leaves the catalogue."""
    locked, moved = _course_transition(
        course, Course.Status.EXPIRED, by=by, note="The approval period ended."
    )
    if moved:
        _tell_members(
            locked,
            subject=f"Approval ended: {locked.title}",
            lines=[
                "The course's approval period has ended, so it is no longer listed. Completions "
                "before the end date still count."
            ],
            kind="course_expired",
        )
    return locked


def courses_due_to_expire(today: date | None = None):
    today = today or timezone.localdate()
    return Course.objects.filter(status=Course.Status.APPROVED, approval_expires_on__lt=today)


# --- Completions --------------------------------------------------------------------------


def completion_window(course: Course) -> tuple[date, date]:
    """Completions count from `course_retro_years` before approval to the approval's end."""
    rules = rules_in_force()
    return add_years(course.approved_on, -rules.course_retro_years), course.approval_expires_on


@transaction.atomic
def completion_claim(candidacy: Candidacy, *, course: Course, completed_on: date, proof, by):
    """A candidate claims an approved course. The date must fall in the course's window and
    not in the future; one open claim per course."""
    if candidacy.status != Candidacy.Status.ACTIVE:
        raise DomainError("Only an active candidacy can claim a course.")
    if course.approved_on is None:
        raise DomainError("That course is not approved.")
    start, end = completion_window(course)
    if completed_on > timezone.localdate():
        raise DomainError("The completion date cannot be in the future.")
    if not start <= completed_on <= end:
        raise DomainError(
            f"This course counts when completed between {start:%-d %B %Y} and "
            f"{end:%-d %B %Y}; {completed_on:%-d %B %Y} is outside that window."
        )
    progress = candidacy.sets.filter(competency_set__code=course.competency_set.code).first()
    if progress is None:
        raise DomainError(
            f"{course.competency_set.name} is not part of your candidacy's framework; "
            "contact the program office."
        )
    if progress.status == SetProgress.Status.ACHIEVED:
        raise DomainError(f"{course.competency_set.name} is already achieved.")
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(
                candidacy=candidacy, course=course, completed_on=completed_on, proof=proof
            )
    except IntegrityError:
        raise DomainError("You already have a claim for this course.") from None
    CompletionStatusChange.objects.create(
        completion=completion, new_status=CourseCompletion.Status.SUBMITTED, actor=by
    )
    if progress.status in (
        SetProgress.Status.NOT_STARTED,
        SetProgress.Status.IN_PROGRESS,
        SetProgress.Status.NOT_DEMONSTRATED,
    ):
        set_progress_transition(
            progress,
            SetProgress.Status.SUBMITTED,
            by=by,
            route="course",
            note=f"Completion of “{course.title}” claimed.",
        )
    return completion


def _completion_transition(completion, new_status, *, by, note=""):
    """The only writer of its status (see lssc.core.transitions.move_status)."""
    return move_status(
        completion,
        new_status,
        history=CompletionStatusChange,
        link="completion",
        noun="A claim",
        by=by,
        note=note,
    )


@transaction.atomic
def completion_provider_confirm(completion: CourseCompletion, *, by) -> CourseCompletion:
    """The provider confirms the candidate completed its course (staff still verify)."""
    locked = CourseCompletion.objects.select_for_update().get(pk=completion.pk)
    if not locked.confirmed_by_provider_at:
        locked.confirmed_by_provider_at = timezone.now()
        locked.save(update_fields=["confirmed_by_provider_at"])
        CompletionStatusChange.objects.create(
            completion=locked,
            old_status=locked.status,
            new_status=locked.status,
            actor=by,
            note="Confirmed by the provider.",
        )
    return locked


@transaction.atomic
def completion_verify(completion: CourseCompletion, *, by) -> CourseCompletion:
    """Staff verify the claim: the set is achieved through the course route."""
    locked, moved = _completion_transition(completion, CourseCompletion.Status.VERIFIED, by=by)
    if not moved:
        return locked
    course = locked.course
    progress = locked.candidacy.sets.get(competency_set__code=course.competency_set.code)
    if progress.status != SetProgress.Status.ACHIEVED:
        if progress.status not in (SetProgress.Status.SUBMITTED,):
            progress = set_progress_transition(
                progress, SetProgress.Status.SUBMITTED, by=by, route="course"
            )
        set_progress_transition(
            progress,
            SetProgress.Status.ACHIEVED,
            by=by,
            route="course",
            note="Course completion verified.",
            achieved_through=f"Approved course: {course.title} ({course.provider.name})",
        )
    notify(
        locked.candidacy.user,
        kind="completion_verified",
        subject=f"{course.competency_set.name} achieved",
        lines=[
            f"Program staff verified your completion of “{course.title}”.",
            f"{course.competency_set.name} is now achieved on your dashboard.",
        ],
        action_url=reverse("candidates:dashboard"),
        action_label="Open your dashboard",
        reason="You received this email because you are an LSSC candidate.",
    )
    return locked


@transaction.atomic
def completion_reject(completion: CourseCompletion, *, by, reason: str) -> CourseCompletion:
    """Staff reject the claim with a reason; the candidate may claim again."""
    if not reason.strip():
        raise DomainError("Give the reason; the candidate will read it.")
    locked, moved = _completion_transition(
        completion, CourseCompletion.Status.REJECTED, by=by, note=reason
    )
    if not moved:
        return locked
    progress = locked.candidacy.sets.get(competency_set__code=locked.course.competency_set.code)
    if progress.status == SetProgress.Status.SUBMITTED:
        set_progress_transition(
            progress, SetProgress.Status.IN_PROGRESS, by=by, note="Course completion not accepted."
        )
    notify(
        locked.candidacy.user,
        kind="completion_rejected",
        subject=f"Your course completion for {locked.course.title} was not accepted",
        lines=[f"The reason: {reason}", "You may send a new claim with a corrected date or proof."],
        action_url=reverse("candidates:dashboard"),
        action_label="Open your dashboard",
        reason="You received this email because you are an LSSC candidate.",
    )
    return locked


# --- Course alerts ------------------------------------------------------------------------


@transaction.atomic
def alert_subscribe(*, email: str, competency_set=None, state: str = "") -> CourseAlert:
    """Start a subscription; nothing is sent until the address is confirmed (double opt-in)."""
    if competency_set is None and not state.strip():
        raise DomainError("Choose a competency set, a state, or both.")
    alert = CourseAlert.objects.create(
        email=email.strip().lower(), competency_set=competency_set, state=state.strip()
    )
    queue_email(
        to_email=alert.email,
        template="course_alert_confirm",
        context={
            "alert": alert,
            "confirm_url": reverse("catalogue:alert_confirm", args=[alert.token]),
        },
    )
    return alert


@transaction.atomic
def alert_confirm(alert: CourseAlert) -> CourseAlert:
    locked = CourseAlert.objects.select_for_update().get(pk=alert.pk)
    if not locked.confirmed_at and not locked.unsubscribed_at:
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
    return locked


@transaction.atomic
def alert_unsubscribe(alert: CourseAlert) -> CourseAlert:
    locked = CourseAlert.objects.select_for_update().get(pk=alert.pk)
    if not locked.unsubscribed_at:
        locked.unsubscribed_at = timezone.now()
        locked.save(update_fields=["unsubscribed_at"])
    return locked


def alerts_matching(course: Course):
    from django.db.models import Q

    return CourseAlert.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).filter(
        Q(competency_set__isnull=True) | Q(competency_set__code=course.competency_set.code),
        Q(state="") | Q(state__iexact=course.state),
    )


def alerts_send_for_course(course_id: int) -> int:
    """Email every confirmed subscriber whose set/state matches, once each: the unique
    AlertDelivery row is claimed before the email is queued. Safe to run again."""
    course = Course.objects.select_related("competency_set", "provider").get(pk=course_id)
    if course.status != Course.Status.APPROVED:
        return 0
    sent = 0
    for alert in alerts_matching(course):
        try:
            with transaction.atomic():
                AlertDelivery.objects.create(alert=alert, course=course)
                queue_email(
                    to_email=alert.email,
                    template="course_alert",
                    context={
                        "alert": alert,
                        "course": course,
                        "course_url": reverse("catalogue:course_detail", args=[course.pk]),
                        "unsubscribe_url": reverse(
                            "catalogue:alert_unsubscribe", args=[alert.token]
                        ),
                    },
                )
        except IntegrityError:
            continue  # already sent
        sent += 1
    return sent
