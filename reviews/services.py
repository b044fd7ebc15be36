"""Every write in portfolio evaluation: evaluator applications and conflicts, assignments,
ratings, reconciliation into a draft decision, and the decision's release.

Each status has one writer (`_evaluator_transition`, `_assignment_transition`,
`_decision_transition`, all through lssc.core.transitions.move_status). Settling a round
locks its PortfolioSubmission row, so two evaluators submitting at the same moment produce
one decision.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from candidates.models import SetProgress
from lssc.accounts.models import User
from lssc.accounts.roles import PROGRAM_STAFF_GROUP, forget_roles
from lssc.core.audit import audit_record
from lssc.core.errors import DomainError
from lssc.core.mail import notify
from lssc.core.templatetags.lssc import deadline
from lssc.core.transitions import move_status
from lssc.core.uploads import check_upload
from lssc.program.selectors import rules_in_force
from portfolios.models import Portfolio, PortfolioSubmission
from portfolios.services import portfolio_mark_under_review, portfolio_record_outcome
from reviews import scoring
from reviews.models import (
    Assignment,
    AssignmentStatusChange,
    ConflictOfInterest,
    Decision,
    DecisionStatusChange,
    Evaluator,
    EvaluatorStatusChange,
    Rating,
)
from reviews.selectors import (
    eligible_evaluators,
    settle_state,
)

MB = 1024 * 1024
RESUME_KINDS = ("pdf", "doc", "docx", "odt", "txt")
PROFILE_FIELDS = ("employer", "state", "qualifications", "experience", "capacity_per_quarter")
EVALUATOR_REASON = "You received this email because you volunteer as an LSSC portfolio evaluator."


# --- Evaluators ---------------------------------------------------------------------------


def _evaluator_transition(evaluator: Evaluator, new_status: str, *, by, note: str = ""):
    """The only writer of Evaluator.status."""
    locked, moved = move_status(
        evaluator,
        new_status,
        history=EvaluatorStatusChange,
        link="evaluator",
        noun="An evaluator profile",
        by=by,
        note=note,
    )
    forget_roles(locked.user)
    return locked, moved


def _save_with_resume(evaluator: Evaluator, upload) -> None:
    """Save the profile, storing a new résumé first when one was sent. The upload is checked
    by content before anything is written; if the row cannot be saved the new file is
    removed again, and the replaced file is deleted only once the change has committed."""
    if upload is None:
        evaluator.save()
        return
    check_upload(upload, allowed=RESUME_KINDS, what="résumé", stem="resume", max_bytes=10 * MB)
    old = evaluator.resume.name
    evaluator.resume.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            evaluator.save()
    except BaseException:
        evaluator.resume.delete(save=False)
        raise
    if old:
        storage = evaluator.resume.storage
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def evaluator_apply(user, *, fields: dict, set_ids, resume=None) -> Evaluator:
    """Apply (or apply again after a decline, or update an application still waiting) to
    evaluate portfolios. `fields` holds PROFILE_FIELDS; `set_ids` the sets offered. Emails
    the applicant. Raises DomainError for an approved or paused profile (use the profile page)
    and ValidationError for a bad résumé."""
    evaluator = Evaluator.objects.select_for_update().filter(user=user).first()
    if evaluator and evaluator.status in (Evaluator.Status.APPROVED, Evaluator.Status.INACTIVE):
        raise DomainError("You are already an evaluator; change your details on your profile.")
    if not set_ids:
        raise DomainError("Choose at least one competency set you could evaluate.")
    created = evaluator is None
    evaluator = evaluator or Evaluator(user=user)
    if resume is None and not evaluator.resume:
        raise DomainError("Attach your résumé.")
    for name in PROFILE_FIELDS:
        setattr(evaluator, name, fields[name])
    _save_with_resume(evaluator, resume)
    evaluator.qualified_sets.set(set_ids)
    if created:
        EvaluatorStatusChange.objects.create(
            evaluator=evaluator, new_status=evaluator.status, actor=user, note="Applied."
        )
    elif evaluator.status == Evaluator.Status.DECLINED:
        evaluator, _ = _evaluator_transition(
            evaluator, Evaluator.Status.APPLIED, by=user, note="Applied again."
        )
    else:
        # A waiting application was edited: staff see that in its history; no new email.
        EvaluatorStatusChange.objects.create(
            evaluator=evaluator,
            old_status=evaluator.status,
            new_status=evaluator.status,
            actor=user,
            note="Application updated.",
        )
        return evaluator
    notify(
        user,
        kind="evaluator_applied",
        subject="We received your application to evaluate portfolios",
        lines=[
            "Thank you for offering to evaluate LSSC portfolios. Program staff will "
            "review your application and email you their decision.",
        ],
        action_url=reverse("evaluators:apply"),
        action_label="See your application",
        reason="You received this email because you applied to evaluate LSSC portfolios.",
    )
    return evaluator


@transaction.atomic
def evaluator_update_profile(evaluator: Evaluator, *, fields: dict, resume=None, by) -> Evaluator:
    """An evaluator changes their employer, state, background or capacity. The sets they
    may rate are confirmed by staff and do not change here. A change made by someone other
    than the evaluator (staff) also gets an audit row with the fields before and after."""
    locked = Evaluator.objects.select_for_update().get(pk=evaluator.pk)
    previous = {name: getattr(locked, name) for name in PROFILE_FIELDS}
    changed = [name for name in PROFILE_FIELDS if previous[name] != fields[name]]
    for name in PROFILE_FIELDS:
        setattr(locked, name, fields[name])
    _save_with_resume(locked, resume)
    if resume is not None:
        changed.append("résumé")
    if changed:
        EvaluatorStatusChange.objects.create(
            evaluator=locked,
            old_status=locked.status,
            new_status=locked.status,
            actor=by,
            note="Profile updated: " + ", ".join(n.replace("_", " ") for n in changed) + ".",
        )
        if by is not None and by.pk != locked.user_id:
            # Staff edited someone else's profile: keep what changed (long texts cut short).
            def cut(value):
                return value[:77] + "…" if isinstance(value, str) and len(value) > 80 else value

            fields_changed = [name for name in changed if name in previous]
            audit_record(
                actor=by,
                action="evaluator_profile_edited",
                obj=locked,
                before={name: cut(previous[name]) for name in fields_changed},
                after={name: cut(getattr(locked, name)) for name in fields_changed}
                | ({"resume": "new file uploaded"} if resume is not None else {}),
            )
    return locked


@transaction.atomic
def evaluator_approve(evaluator: Evaluator, *, set_ids, by, note: str = "") -> Evaluator:
    """Approve an application for the sets staff confirm. Emails the evaluator, who must
    turn on two-factor authentication before opening any portfolio."""
    if not set_ids:
        raise DomainError("Choose the sets this evaluator may rate.")
    current = Evaluator.objects.select_for_update().get(pk=evaluator.pk)
    if current.status == Evaluator.Status.APPROVED:
        return current  # a repeated approval (double click, replayed form) changes nothing
    if current.status != Evaluator.Status.APPLIED:
        raise DomainError(
            f"This profile is {current.get_status_display().lower()}, so it cannot be approved."
        )
    locked, moved = _evaluator_transition(
        evaluator, Evaluator.Status.APPROVED, by=by, note=note or "Approved."
    )
    locked.qualified_sets.set(set_ids)
    if moved:
        locked.approved_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["approved_at", "decision_note", "updated_at"])
        notify(
            locked.user,
            kind="evaluator_approved",
            subject="You are now an LSSC portfolio evaluator",
            lines=[
                "Program staff approved your application. When a portfolio is offered "
                "to you, we will email you a link to accept or decline it.",
                "Before you can open a portfolio, turn on two-factor authentication: "
                "the evaluator pages will walk you through it.",
            ],
            action_url=reverse("reviews:home"),
            action_label="Open your evaluator home",
            reason=EVALUATOR_REASON,
        )
    return locked


@transaction.atomic
def evaluator_decline(evaluator: Evaluator, *, reason: str, by) -> Evaluator:
    """Decline an application with a reason the applicant reads."""
    if not reason.strip():
        raise DomainError("Give the reason; the applicant reads it.")
    locked, moved = _evaluator_transition(evaluator, Evaluator.Status.DECLINED, by=by, note=reason)
    if moved:
        locked.decision_note = reason
        locked.save(update_fields=["decision_note", "updated_at"])
        notify(
            locked.user,
            kind="evaluator_declined",
            subject="Your application to evaluate portfolios",
            lines=[
                "Thank you for offering to evaluate LSSC portfolios. Program staff could "
                "not approve your application this time, for this reason:",
                reason,
            ],
            action_url=reverse("evaluators:apply"),
            action_label="See your application",
            reason="You received this email because you applied to evaluate LSSC portfolios.",
        )
    return locked


@transaction.atomic
def evaluator_set_active(evaluator: Evaluator, *, active: bool, by) -> Evaluator:
    """Pause (no new offers) or resume an approved evaluator."""
    new = Evaluator.Status.APPROVED if active else Evaluator.Status.INACTIVE
    locked, _ = _evaluator_transition(
        evaluator, new, by=by, note="Taking offers again." if active else "Paused new offers."
    )
    return locked


@transaction.atomic
def conflict_add(evaluator: Evaluator, *, kind: str, name: str, note: str = "", by):
    """Declare a person or library the evaluator must not judge; recorded in the history."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Give the person's or library's name.")
    conflict = ConflictOfInterest.objects.create(
        evaluator=evaluator, kind=kind, name=name, note=note.strip()
    )
    EvaluatorStatusChange.objects.create(
        evaluator=evaluator,
        old_status=evaluator.status,
        new_status=evaluator.status,
        actor=by,
        note=f"Conflict declared: {conflict}.",
    )
    return conflict


@transaction.atomic
def conflict_remove(conflict: ConflictOfInterest, *, by) -> None:
    evaluator = conflict.evaluator
    EvaluatorStatusChange.objects.create(
        evaluator=evaluator,
        old_status=evaluator.status,
        new_status=evaluator.status,
        actor=by,
        note=f"Conflict removed: {conflict}.",
    )
    conflict.delete()


# --- Assignments --------------------------------------------------------------------------


def _assignment_transition(assignment: Assignment, new_status: str, *, by, note: str = ""):
    """The only writer of Assignment.status."""
    return move_status(
        assignment,
        new_status,
        history=AssignmentStatusChange,
        link="assignment",
        noun="An assignment",
        by=by,
        note=note,
    )


def _lock_submission(submission: PortfolioSubmission) -> PortfolioSubmission:
    return (
        PortfolioSubmission.objects.select_for_update(of=("self",))
        .select_related("portfolio__competency_set", "portfolio__candidacy")
        .get(pk=submission.pk)
    )


def _due_on():
    return timezone.localdate() + timedelta(days=settings.EVALUATION_DUE_DAYS)


def _open_roles(submission: PortfolioSubmission, rules) -> list[str]:
    """The first/second slots of a round still without a live assignment."""
    taken = set(
        submission.assignments.filter(status__in=Assignment.LIVE_STATUSES).values_list(
            "role", flat=True
        )
    )
    wanted = [Assignment.Role.FIRST, Assignment.Role.SECOND][
        : max(1, rules.evaluators_per_portfolio)
    ]
    return [role for role in wanted if role not in taken]


def _offer(submission, evaluator, *, role, scope=(), by) -> Assignment:
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                portfolio=submission.portfolio,
                submission=submission,
                evaluator=evaluator,
                role=role,
                due_on=_due_on(),
                offered_by=by,
            )
    except IntegrityError:
        raise DomainError(
            "That evaluator or that role already has an assignment for this round."
        ) from None
    if scope:
        assignment.scope.set(scope)
    AssignmentStatusChange.objects.create(
        assignment=assignment,
        new_status=assignment.status,
        actor=by,
        note=f"Offered as {assignment.get_role_display().lower()}.",
    )
    portfolio_set = submission.portfolio.competency_set.name
    notify(
        evaluator.user,
        kind="assignment_offered",
        subject=f"A {portfolio_set} portfolio is waiting for your answer",
        lines=[
            f"We would like you to rate a {portfolio_set} portfolio"
            + (" (only the competencies the first two evaluators disagreed on)" if scope else "")
            + f", due {deadline(assignment.due_on)}.",
            "Open the link to accept or decline. Nothing happens until you choose.",
        ],
        action_url=reverse("reviews:assignment", args=[assignment.pk]),
        action_label="Accept or decline",
        reason=EVALUATOR_REASON,
    )
    return assignment


@transaction.atomic
def assignment_offer(submission: PortfolioSubmission, evaluator: Evaluator, *, by) -> Assignment:
    """Offer a round to an evaluator chosen by staff, in the first free role (an adjudicator
    when the round is waiting for one). Refused when the evaluator is not eligible: not
    active, not qualified for the set, in conflict, or at capacity."""
    submission = _lock_submission(submission)
    state = settle_state(submission)
    candidates = {
        c.evaluator.pk: c for c in eligible_evaluators(submission, include_ineligible=True)
    }
    choice = candidates.get(evaluator.pk)
    if choice is None or not choice.eligible:
        raise DomainError(
            "This evaluator cannot take this portfolio: "
            + (choice.why_not if choice else "they are not an active evaluator for this set.")
        )
    if state.needs_adjudicator:
        if state.adjudicator_live:
            raise DomainError("A third evaluator is already at work on this round.")
        return _offer(
            submission,
            choice.evaluator,
            role=Assignment.Role.ADJUDICATOR,
            scope=state.disputed,
            by=by,
        )
    roles = _open_roles(submission, rules_in_force())
    if not roles or state.decided:
        raise DomainError("This round already has its evaluators.")
    return _offer(submission, choice.evaluator, role=roles[0], by=by)


@transaction.atomic
def assignment_auto_assign(submission: PortfolioSubmission, *, by) -> list[Assignment]:
    """Fill the round's open roles with the best-ranked eligible evaluators (the round's
    previous evaluators first, for a resubmission). Returns the new offers; raises
    DomainError when there is nothing to fill or nobody eligible."""
    submission = _lock_submission(submission)
    state = settle_state(submission)
    if state.decided:
        raise DomainError("This round already has a decision.")
    ranked = [c for c in eligible_evaluators(submission) if c.eligible]
    if state.needs_adjudicator:
        if state.adjudicator_live:
            raise DomainError("A third evaluator is already at work on this round.")
        if not ranked:
            raise DomainError("No eligible evaluator is free to adjudicate; widen the pool.")
        return [
            _offer(
                submission,
                ranked[0].evaluator,
                role=Assignment.Role.ADJUDICATOR,
                scope=state.disputed,
                by=by,
            )
        ]
    roles = _open_roles(submission, rules_in_force())
    if not roles:
        raise DomainError("This round already has its evaluators.")
    if not ranked:
        raise DomainError("No eligible evaluator is free for this set; widen the pool.")
    previous_roles = dict(state.previous_roles)
    offers = []
    for role in roles:
        # A resubmission goes back to the evaluator who held this role, when available.
        pick = next((c for c in ranked if previous_roles.get(c.evaluator.pk) == role), None)
        pick = pick or next((c for c in ranked if c.evaluator.pk not in previous_roles), None)
        pick = pick or ranked[0]
        ranked.remove(pick)
        offers.append(_offer(submission, pick.evaluator, role=role, by=by))
        if not ranked:
            break
    return offers


def _lock_own(assignment: Assignment, evaluator_user) -> Assignment:
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("evaluator")
        .get(pk=assignment.pk)
    )
    if locked.evaluator.user_id != evaluator_user.pk:
        raise DomainError("This assignment is not yours.")
    return locked


def _require_live(assignment: Assignment, *, accepted: bool = False) -> None:
    if assignment.status == Assignment.Status.WITHDRAWN:
        raise DomainError("This assignment was withdrawn, so it can no longer be changed.")
    if assignment.status == Assignment.Status.DECLINED:
        raise DomainError("You declined this assignment.")
    if assignment.status == Assignment.Status.SUBMITTED:
        raise DomainError("You already submitted this review; it can no longer change.")
    if accepted and assignment.status != Assignment.Status.ACCEPTED:
        raise DomainError("Accept the assignment first.")


@transaction.atomic
def assignment_accept(assignment: Assignment, *, by) -> Assignment:
    """The evaluator accepts; the portfolio and its set move to Under review."""
    locked = _lock_own(assignment, by)
    if locked.status == Assignment.Status.ACCEPTED:
        return locked
    _require_live(locked)
    locked, _ = _assignment_transition(locked, Assignment.Status.ACCEPTED, by=by)
    locked.responded_at = timezone.now()
    locked.save(update_fields=["responded_at", "updated_at"])
    portfolio_mark_under_review(locked.portfolio, by=by)
    return locked


def _back_to_pool_notice(assignment: Assignment, why: str) -> None:
    """Tell the staff member who made the offer that a round needs another evaluator; for an
    offer the system made itself (an adjudicator), tell every program staff member."""
    if assignment.offered_by_id is not None:
        recipients = [assignment.offered_by]
    else:
        recipients = list(
            User.objects.filter(groups__name=PROGRAM_STAFF_GROUP, is_active=True).order_by("pk")
        )
    for recipient in recipients:
        notify(
            recipient,
            kind="assignment_returned",
            subject=(
                f"A {assignment.portfolio.competency_set.name} portfolio needs another evaluator"
            ),
            lines=[why],
            action_url=reverse("staff:portfolio_assign", args=[assignment.portfolio_id]),
            action_label="Assign an evaluator",
            reason="You received this email because you are LSSC program staff.",
        )


@transaction.atomic
def assignment_decline(assignment: Assignment, *, reason: str = "", by) -> Assignment:
    """The evaluator declines an offer; the round goes back to the pool."""
    locked = _lock_own(assignment, by)
    if locked.status == Assignment.Status.DECLINED:
        return locked
    if locked.status == Assignment.Status.WITHDRAWN:
        _require_live(locked)
    if locked.status != Assignment.Status.OFFERED:
        raise DomainError("Only an offer can be declined; ask program staff to withdraw you.")
    locked, _ = _assignment_transition(
        locked, Assignment.Status.DECLINED, by=by, note=reason.strip() or "Declined."
    )
    locked.responded_at = timezone.now()
    locked.save(update_fields=["responded_at", "updated_at"])
    _back_to_pool_notice(locked, "The evaluator you offered it to declined.")
    return locked


@transaction.atomic
def assignment_withdraw(assignment: Assignment, *, reason: str, by) -> Assignment:
    """Take an offered or accepted assignment back (staff, or the overdue sweep). Ratings
    already saved are kept in the record; the round goes back to the pool."""
    if not reason.strip():
        raise DomainError("Give the reason for withdrawing the assignment.")
    locked, moved = _assignment_transition(
        assignment, Assignment.Status.WITHDRAWN, by=by, note=reason
    )
    if moved:
        evaluator_user = locked.evaluator.user
        notify(
            evaluator_user,
            kind="assignment_withdrawn",
            subject=f"A {locked.portfolio.competency_set.name} portfolio was taken off your list",
            lines=[
                "Program staff withdrew this assignment, so you no longer need to rate "
                "it. Thank you for your time.",
                f"Reason: {reason}",
            ],
            action_url=reverse("reviews:home"),
            action_label="Open your evaluator home",
            reason=EVALUATOR_REASON,
        )
    return locked


def assignments_release_stale(*, today=None) -> int:
    """Withdraw offers left unanswered for EVALUATION_OFFER_DAYS and accepted assignments
    more than EVALUATION_OVERDUE_GRACE_DAYS past due, so their rounds go back to the pool.
    Each is claimed under a row lock, so overlapping runs withdraw it once. Returns how
    many were withdrawn."""
    today = today or timezone.localdate()
    offer_cutoff = timezone.now() - timedelta(days=settings.EVALUATION_OFFER_DAYS)
    due_cutoff = today - timedelta(days=settings.EVALUATION_OVERDUE_GRACE_DAYS)
    stale = list(
        Assignment.objects.filter(
            Q(status=Assignment.Status.OFFERED, offered_at__lt=offer_cutoff)
            | Q(status=Assignment.Status.ACCEPTED, due_on__lt=due_cutoff)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    released = 0
    for pk in stale:
        with transaction.atomic():
            assignment = Assignment.objects.select_for_update().filter(pk=pk).first()
            if assignment is None or assignment.status not in (
                Assignment.Status.OFFERED,
                Assignment.Status.ACCEPTED,
            ):
                continue
            why = (
                "The offer was not answered in time."
                if assignment.status == Assignment.Status.OFFERED
                else "The review is overdue."
            )
            assignment_withdraw(assignment, reason=why, by=None)
            _back_to_pool_notice(assignment, why)
            released += 1
    return released


# --- Ratings ------------------------------------------------------------------------------


def _in_scope(assignment: Assignment, competency_id: int) -> bool:
    scope = set(assignment.scope.values_list("pk", flat=True))
    rated = {item["competency_id"] for item in assignment.submission.content}
    return competency_id in (scope or rated)


@transaction.atomic
def rating_save(assignment: Assignment, *, competency_id: int, value: str, comment: str, by):
    """Save (or change) the evaluator's rating of one competency in a draft review. A
    comment is required unless the rating is Met. Raises DomainError with a message."""
    locked = _lock_own(assignment, by)
    _require_live(locked, accepted=True)
    if not _in_scope(locked, competency_id):
        raise DomainError("That competency is not part of this review.")
    if value not in Rating.Value.values:
        raise DomainError("Choose Met, Partially met or Not met.")
    comment = comment.strip()
    if value != Rating.Value.MET and not comment:
        raise DomainError("Explain what is missing: a comment is required unless it is Met.")
    rating, _ = Rating.objects.update_or_create(
        assignment=locked,
        competency_id=competency_id,
        defaults={"value": value, "comment": comment},
    )
    return rating


@transaction.atomic
def assignment_save_overall(assignment: Assignment, *, comment: str, by) -> Assignment:
    locked = _lock_own(assignment, by)
    _require_live(locked, accepted=True)
    locked.overall_comment = comment.strip()
    locked.save(update_fields=["overall_comment", "updated_at"])
    return locked


def assignment_missing(assignment: Assignment) -> list[str]:
    """What stops the evaluator submitting, in plain words."""
    content = assignment.submission.content
    scope = set(assignment.scope.values_list("pk", flat=True))
    ratings = {r.competency_id: r for r in assignment.ratings.all()}
    missing = []
    for item in content:
        if scope and item["competency_id"] not in scope:
            continue
        rating = ratings.get(item["competency_id"])
        if rating is None:
            missing.append(f"Competency {item['number']}: choose a rating.")
        elif rating.value != Rating.Value.MET and not rating.comment:
            missing.append(f"Competency {item['number']}: add a comment.")
    return missing


@transaction.atomic
def assignment_submit(assignment: Assignment, *, by) -> Assignment:
    """Lock the evaluator's ratings and settle the round: once both evaluators have
    submitted, their ratings are reconciled; a dispute brings in an adjudicator, otherwise
    (or once the adjudicator submits) a draft decision is made for staff."""
    locked = _lock_own(assignment, by)
    # Lock the round first, then recheck: a concurrent submit waits here.
    _lock_submission(locked.submission)
    locked = Assignment.objects.get(pk=locked.pk)
    if locked.status == Assignment.Status.SUBMITTED:
        return locked
    _require_live(locked, accepted=True)
    missing = assignment_missing(locked)
    if missing:
        raise DomainError(" ".join(missing))
    locked, _ = _assignment_transition(locked, Assignment.Status.SUBMITTED, by=by)
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at", "updated_at"])
    settle_round(locked.submission, by=by)
    return locked


@transaction.atomic
def settle_round(submission: PortfolioSubmission, *, by) -> Decision | None:
    """Move a round as far as its ratings allow: an adjudicator offer for disputed
    competencies, or a draft decision. Safe to call any number of times."""
    submission = _lock_submission(submission)
    state = settle_state(submission)
    if state.decided or not state.complete_pair:
        return None
    if state.needs_adjudicator:
        if not state.adjudicator_live:
            ranked = [c for c in eligible_evaluators(submission) if c.eligible]
            if ranked:
                _offer(
                    submission,
                    ranked[0].evaluator,
                    role=Assignment.Role.ADJUDICATOR,
                    scope=state.disputed,
                    by=None,
                )
        return None
    return _draft_decision(submission, state)


def _draft_decision(submission: PortfolioSubmission, state) -> Decision:
    portfolio = submission.portfolio
    rules = rules_in_force()
    reconciled = state.reconciled
    if scoring.passes(reconciled.values(), scoring.PassRule.from_rules(rules)):
        outcome = Decision.Outcome.ACHIEVED
    elif portfolio.resubmissions_used < rules.resubmissions_allowed:
        outcome = Decision.Outcome.INFO_REQUESTED
    else:
        outcome = Decision.Outcome.NOT_DEMONSTRATED
    comments = state.comments
    results = [
        {
            "competency_id": item["competency_id"],
            "number": item["number"],
            "statement": item["statement"],
            "result": reconciled[item["competency_id"]],
            "comments": comments.get(item["competency_id"], []),
        }
        for item in submission.content
    ]
    labels = dict(Rating.Value.choices)
    letter = render_to_string(
        "reviews/decision_letter.txt",
        {
            "portfolio": portfolio,
            "submission": submission,
            "outcome": outcome,
            "outcome_label": Decision.Outcome(outcome).label,
            "results": [dict(r, result_label=labels[r["result"]]) for r in results],
            "overall_comments": state.overall_comments,
            "evaluators_phrase": (
                "Two expert evaluators, and a third on the competencies where they disagreed,"
                if state.disputed
                else "Two expert evaluators"
            ),
            "rules": rules,
        },
    ).strip()
    decision = Decision.objects.create(
        portfolio=portfolio, submission=submission, outcome=outcome, results=results, letter=letter
    )
    DecisionStatusChange.objects.create(
        decision=decision, new_status=decision.status, note="Drafted from the reconciled ratings."
    )
    return decision


# --- Decisions ----------------------------------------------------------------------------


def _decision_transition(decision: Decision, new_status: str, *, by, note: str = ""):
    """The only writer of Decision.status."""
    return move_status(
        decision,
        new_status,
        history=DecisionStatusChange,
        link="decision",
        noun="A decision",
        by=by,
        note=note,
    )


@transaction.atomic
def decision_update_letter(decision: Decision, *, letter: str, by) -> Decision:
    """Edit a draft decision's letter before release; an audit row keeps the length and
    opening words of the letter before and after."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.status != Decision.Status.DRAFT:
        raise DomainError("This decision was released; its letter can no longer change.")
    if not letter.strip():
        raise DomainError("The letter cannot be empty.")
    if letter != locked.letter:
        # The audit row keeps the lengths and openings of both versions, not whole letters.
        audit_record(
            actor=by,
            action="decision_letter_edited",
            obj=locked,
            before={"letter_length": len(locked.letter), "letter_start": locked.letter[:60]},
            after={"letter_length": len(letter), "letter_start": letter[:60]},
        )
        locked.letter = letter
        locked.save(update_fields=["letter", "updated_at"])
        DecisionStatusChange.objects.create(
            decision=locked,
            old_status=locked.status,
            new_status=locked.status,
            actor=by,
            note="Letter edited.",
        )
    return locked


OUTCOME_TO_SET = {
    Decision.Outcome.ACHIEVED: SetProgress.Status.ACHIEVED,
    Decision.Outcome.INFO_REQUESTED: SetProgress.Status.INFO_REQUESTED,
    Decision.Outcome.NOT_DEMONSTRATED: SetProgress.Status.NOT_DEMONSTRATED,
}


@transaction.atomic
def decision_release(decision: Decision, *, by) -> Decision:
    """Release a draft decision: the portfolio and its set take the outcome, the candidate
    is emailed and can read the letter. A repeat release changes nothing."""
    locked, moved = _decision_transition(decision, Decision.Status.RELEASED, by=by)
    if not moved:
        return locked
    locked.released_at = timezone.now()
    locked.released_by = by
    locked.save(update_fields=["released_at", "released_by", "updated_at"])
    portfolio = Portfolio.objects.select_related("candidacy__user", "competency_set").get(
        pk=locked.portfolio_id
    )
    portfolio_record_outcome(
        portfolio,
        locked.outcome,
        by=by,
        set_status=OUTCOME_TO_SET[locked.outcome],
        note=f"Decision released: {locked.get_outcome_display().lower()}.",
    )
    set_name = portfolio.competency_set.name
    lines = {
        Decision.Outcome.ACHIEVED: [
            f"Congratulations: your {set_name} portfolio demonstrates the set, so it is achieved.",
        ],
        Decision.Outcome.INFO_REQUESTED: [
            f"The evaluators need more information on some competencies of your {set_name} "
            "portfolio. The letter says which and why. You can edit your portfolio and "
            "resubmit it once.",
        ],
        Decision.Outcome.NOT_DEMONSTRATED: [
            f"Your {set_name} portfolio did not demonstrate the set this time. The letter "
            "explains why. You can still earn the set by completing an approved course.",
        ],
    }[locked.outcome]
    notify(
        portfolio.candidacy.user,
        kind="portfolio_decision",
        subject=f"The decision on your {set_name} portfolio is ready",
        lines=lines,
        action_url=reverse("portfolios:decision", args=[portfolio.pk]),
        action_label="Read the decision letter",
        reason="You received this email because you are an LSSC candidate.",
    )
    return locked
