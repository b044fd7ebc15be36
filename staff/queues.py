"""The staff workspace's queue summary: for every queue the office works, how many items
wait and how old the oldest one is.

Each queue is one aggregate query (a Count and the Min of the date its items' age counts
from) over the owning app's `*_visible_to(user)` selector, so the summary costs the same
number of queries whatever is waiting. The portfolio queue is the exception: whether a round
needs a third evaluator depends on reconciling ratings, so it comes from
`reviews.rounds.round_queue` (a fixed handful of queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from candidates.certificate_selectors import (
    ready_for_certification_queryset,
    renewals_visible_to,
)
from candidates.models import Application, Candidacy, Renewal, SetProgress
from candidates.selectors import applications_visible_to, candidacies_visible_to
from candidates.services import PAYABLE_STATUSES
from courses.models import Course, CourseCompletion
from courses.staff_selectors import completion_queue, course_queue, providers_visible_to
from reviews.models import Appeal, Assignment, Decision, Evaluator, EvaluatorStatusChange
from reviews.rounds import IN_REVIEW, NEEDS_ADJUDICATOR, NEEDS_EVALUATORS, round_queue
from reviews.selectors import (
    appeals_visible_to,
    assignments_visible_to,
    decisions_visible_to,
    evaluators_visible_to,
)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=8, decimal_places=2))


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return singular if count == 1 else (plural or f"{singular}s")


@dataclass(frozen=True)
class Queue:
    """One work queue as the staff home lists it.

    `count` items wait; `oldest_at` is when the oldest one started waiting (a datetime, or a
    date for deadlines such as an evaluation's due date), None when nothing waits. The home
    page writes "<count> <noun or plural> <description>", e.g. "3 applications waiting for a
    decision", then `note` (extra detail) and the age of the oldest item.
    """

    key: str
    name: str
    count: int
    oldest_at: datetime | date | None
    url: str
    description: str
    noun: str
    plural: str
    link_text: str
    note: str = ""
    age_label: str = "oldest"

    @property
    def items(self) -> str:
        return self.noun if self.count == 1 else self.plural

    @property
    def oldest_days(self) -> int | None:
        """Whole days since the oldest item started waiting, in the program's time zone."""
        if self.oldest_at is None:
            return None
        day = self.oldest_at
        if isinstance(day, datetime):
            day = timezone.localdate(day)
        return max(0, (timezone.localdate() - day).days)

    @property
    def age_text(self) -> str:
        """ "oldest: 12 days", "oldest: today"; empty when nothing waits."""
        days = self.oldest_days
        if days is None or not self.count:
            return ""
        if days == 0:
            return f"{self.age_label}: today"
        return f"{self.age_label}: {days:,} {_plural(days, 'day')}"


# --- One read per queue -------------------------------------------------------------------


def _waiting(rows, since: str, **extra) -> dict:
    """One aggregate over a queue's rows: `count`, `oldest` (the earliest `since`) and any
    `extra` aggregates."""
    return rows.order_by().aggregate(count=Count("pk"), oldest=Min(since), **extra)


def _queue(row: dict, **fields) -> Queue:
    """A Queue from a `_waiting` row and its page's wording."""
    return Queue(count=row["count"], oldest_at=row["oldest"], **fields)


def _applications(user) -> tuple[Queue, Queue]:
    """Applications waiting for a decision (submitted), and those with money still due (any
    payable status, i.e. submitted, waiting for more information, or admitted on an
    override): two aggregates, the balance worked out in the database."""
    visible = applications_visible_to(user).order_by()
    submitted = Q(status=Application.Status.SUBMITTED)
    decide = visible.aggregate(
        count=Count("pk", filter=submitted),
        oldest=Min("submitted_at", filter=submitted),
        info_requested=Count("pk", filter=Q(status=Application.Status.INFO_REQUESTED)),
    )
    unpaid = (
        visible.filter(status__in=PAYABLE_STATUSES)
        .annotate(paid=Coalesce(Sum("payments__amount"), ZERO))
        .filter(paid__lt=Coalesce("fee_due", ZERO))
        .aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    )
    waiting_info = decide["info_requested"]
    applications_url = reverse("staff:applications")
    return (
        Queue(
            key="applications",
            name="Applications to decide",
            count=decide["count"],
            oldest_at=decide["oldest"],
            url=f"{applications_url}?status={Application.Status.SUBMITTED}",
            description="waiting for a decision",
            noun="application",
            plural="applications",
            link_text="Open the applications queue",
            note=f"{waiting_info:,} waiting for the applicant to send more information"
            if waiting_info
            else "",
        ),
        Queue(
            key="payments",
            name="Payments outstanding",
            count=unpaid["count"],
            oldest_at=unpaid["oldest"],
            url=applications_url,
            description="with part of the fee still unpaid",
            noun="application",
            plural="applications",
            link_text="Open the applications to record payments",
        ),
    )


def _providers(user) -> Queue:
    row = _waiting(providers_visible_to(user).filter(verified_at__isnull=True), "created_at")
    return _queue(
        row,
        key="providers",
        name="Providers to verify",
        url=reverse("staff:providers"),
        description="waiting for verification",
        noun="provider",
        plural="providers",
        link_text="Open the providers",
    )


def _courses(user) -> Queue:
    renewal = Q(status=Course.Status.APPROVED, renewal_requested_at__isnull=False)
    row = _waiting(
        course_queue(user),
        "waiting_since",
        renewals=Count("pk", filter=renewal),
    )
    renewals = row["renewals"]
    return _queue(
        row,
        key="courses",
        name="Courses to review",
        url=reverse("staff:courses"),
        description="waiting for review",
        noun="course",
        plural="courses",
        link_text="Open the course reviews",
        note=f"{renewals:,} of them {_plural(renewals, 'renewal')}" if renewals else "",
    )


def _completions(user) -> Queue:
    row = _waiting(
        completion_queue(user, status=CourseCompletion.Status.SUBMITTED),
        "submitted_at",
        confirmed=Count("pk", filter=Q(confirmed_by_provider_at__isnull=False)),
    )
    confirmed = row["confirmed"]
    return _queue(
        row,
        key="completions",
        name="Completion claims to verify",
        url=reverse("staff:completions"),
        description="waiting for verification",
        noun="completion claim",
        plural="completion claims",
        link_text="Open the completion claims",
        note=f"{confirmed:,} confirmed by the provider" if confirmed else "",
    )


def _portfolios() -> Queue:
    groups = round_queue()
    to_assign = groups[NEEDS_EVALUATORS] + groups[NEEDS_ADJUDICATOR]
    adjudicate = len(groups[NEEDS_ADJUDICATOR])
    in_review = len(groups[IN_REVIEW])
    notes = []
    if adjudicate:
        notes.append(f"{adjudicate:,} of them for a third evaluator")
    notes.append(f"{in_review:,} {_plural(in_review, 'round')} in review")
    return Queue(
        key="portfolios",
        name="Portfolios to assign",
        count=len(to_assign),
        oldest_at=min((entry.submission.submitted_at for entry in to_assign), default=None),
        url=reverse("staff:portfolios"),
        description="waiting for evaluators",
        noun="portfolio",
        plural="portfolios",
        link_text="Open the portfolios",
        note="; ".join(notes),
    )


def _overdue_evaluations(user) -> Queue:
    row = _waiting(
        assignments_visible_to(user).filter(
            status=Assignment.Status.ACCEPTED, due_on__lt=timezone.localdate()
        ),
        "due_on",
    )
    return _queue(
        row,
        key="overdue",
        name="Overdue evaluations",
        url=reverse("staff:portfolios"),
        description="accepted but not sent by the due date",
        noun="evaluation",
        plural="evaluations",
        link_text="Find the overdue rounds in the portfolio queue",
        age_label="longest overdue",
    )


def _decisions(user) -> Queue:
    row = _waiting(decisions_visible_to(user).filter(status=Decision.Status.DRAFT), "created_at")
    return _queue(
        row,
        key="decisions",
        name="Decisions to release",
        url=reverse("staff:decisions"),
        description="drafted and waiting for release",
        noun="decision",
        plural="decisions",
        link_text="Open the decisions",
    )


def _certificates(user) -> Queue:
    """Active candidacies whose achieved sets meet the rules in force
    (`ready_for_certification_queryset`). A candidacy has waited since its latest set was
    achieved."""
    achieved = SetProgress.Status.ACHIEVED
    ready = ready_for_certification_queryset(candidacies_visible_to(user).order_by()).values("pk")
    last_achieved = (
        SetProgress.objects.filter(candidacy=OuterRef("pk"), status=achieved)
        .order_by("-achieved_at")
        .values("achieved_at")[:1]
    )
    row = (
        Candidacy.objects.filter(pk__in=ready)
        .annotate(ready_since=Coalesce(Subquery(last_achieved), "admitted_at"))
        .aggregate(count=Count("pk"), oldest=Min("ready_since"))
    )
    return _queue(
        row,
        key="certificates",
        name="Certificates to issue",
        url=reverse("staff:certificates"),
        description="ready for certification",
        noun="candidate",
        plural="candidates",
        link_text="Open the certificates",
    )


def _renewals(user) -> Queue:
    row = _waiting(
        renewals_visible_to(user).filter(status=Renewal.Status.SUBMITTED), "submitted_at"
    )
    return _queue(
        row,
        key="renewals",
        name="Renewals to review",
        url=reverse("staff:renewals"),
        description="waiting for a decision",
        noun="renewal",
        plural="renewals",
        link_text="Open the renewals",
    )


def _appeals(user) -> Queue:
    row = _waiting(
        appeals_visible_to(user).filter(status__in=Appeal.OPEN_STATUSES),
        "notice_filed_at",
        grounds_awaited=Count("pk", filter=Q(status=Appeal.Status.NOTICE_FILED)),
    )
    awaited = row["grounds_awaited"]
    return _queue(
        row,
        key="appeals",
        name="Appeals",
        url=reverse("staff:appeals"),
        description="open",
        noun="appeal",
        plural="appeals",
        link_text="Open the appeals",
        note=f"{awaited:,} still waiting for the candidate's grounds" if awaited else "",
    )


def _evaluator_applications(user) -> Queue:
    """Applications to evaluate, waiting since the person last applied (someone declined
    may apply again on the same profile)."""
    applied = (
        EvaluatorStatusChange.objects.filter(
            evaluator=OuterRef("pk"), new_status=Evaluator.Status.APPLIED
        )
        .exclude(old_status=Evaluator.Status.APPLIED)
        .order_by("-at")
        .values("at")[:1]
    )
    row = (
        evaluators_visible_to(user)
        .order_by()
        .filter(status=Evaluator.Status.APPLIED)
        .annotate(waiting_since=Coalesce(Subquery(applied), "created_at"))
        .aggregate(count=Count("pk"), oldest=Min("waiting_since"))
    )
    return _queue(
        row,
        key="evaluators",
        name="Evaluator applications",
        url=f"{reverse('staff:evaluators')}?status={Evaluator.Status.APPLIED}",
        description="waiting for approval",
        noun="application to evaluate",
        plural="applications to evaluate",
        link_text="Open the evaluator applications",
    )


def staff_queues(user) -> list[Queue]:
    """Every queue of the program office, in the order work flows through the program,
    each with its count, the date its oldest item started waiting, and its page. For
    program staff (the views calling it are gated to them). A fixed number of queries
    (about sixteen) whatever is waiting."""
    decide, payments = _applications(user)
    return [
        decide,
        payments,
        _providers(user),
        _courses(user),
        _completions(user),
        _portfolios(),
        _overdue_evaluations(user),
        _decisions(user),
        _certificates(user),
        _renewals(user),
        _appeals(user),
        _evaluator_applications(user),
    ]
