"""Appeals against released portfolio decisions: the candidate's notice and grounds, staff
review, and the outcome (decision upheld, or remanded for a new evaluation by new
evaluators). `_appeal_transition` is the only writer of Appeal.status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lssc.core.errors import DomainError
from lssc.core.mail import notify
from lssc.core.transitions import move_status
from lssc.program.selectors import rules_in_force
from portfolios.services import portfolio_remand
from reviews.models import Appeal, AppealStatusChange, Decision

CANDIDATE_REASON = "You received this email because you appealed an LSSC portfolio decision."


@dataclass(frozen=True)
class AppealDeadlines:
    released_on: date
    notice_by: date
    grounds_by: date


def appeal_deadlines(decision: Decision, rules=None) -> AppealDeadlines:
    """The last days to give notice and to send the grounds, counted in days from the day
    the decision was released (in the program's time zone), both days included."""
    released_on = timezone.localdate(decision.released_at)
    rules = rules or rules_in_force(released_on)
    return AppealDeadlines(
        released_on=released_on,
        notice_by=released_on + timedelta(days=rules.appeal_notice_days),
        grounds_by=released_on + timedelta(days=rules.appeal_grounds_days),
    )


def can_appeal(decision: Decision, today=None) -> bool:
    """A released "not demonstrated" decision (a request for more information is answered by
    resubmitting, not by appeal), inside the notice period, with no appeal yet."""
    if decision.status != Decision.Status.RELEASED:
        return False
    if decision.outcome != Decision.Outcome.NOT_DEMONSTRATED:
        return False
    if Appeal.objects.filter(decision=decision).exists():
        return False
    today = today or timezone.localdate()
    return today <= appeal_deadlines(decision).notice_by


def _appeal_transition(appeal: Appeal, new_status: str, *, by, note: str = ""):
    """The only writer of Appeal.status."""
    return move_status(
        appeal,
        new_status,
        history=AppealStatusChange,
        link="appeal",
        noun="An appeal",
        by=by,
        note=note,
    )


def _tell_candidate(appeal: Appeal, subject: str, lines: list[str]) -> None:
    portfolio = appeal.decision.portfolio
    notify(
        portfolio.candidacy.user,
        kind="appeal",
        subject=subject,
        lines=lines,
        action_url=reverse("appeals:detail", args=[appeal.pk]),
        action_label="See your appeal",
        reason=CANDIDATE_REASON,
    )


@transaction.atomic
def appeal_file_notice(decision: Decision, *, notice: str, by) -> Appeal:
    """The candidate gives notice of appeal against their released decision, within the
    notice period. Raises DomainError otherwise (one appeal per decision)."""
    decision = (
        Decision.objects.select_for_update()
        .select_related("portfolio__candidacy__user", "portfolio__competency_set")
        .get(pk=decision.pk)
    )
    if decision.portfolio.candidacy.user_id != by.pk:
        raise DomainError("Only the candidate can appeal this decision.")
    if decision.status != Decision.Status.RELEASED:
        raise DomainError("This decision has not been released.")
    if decision.outcome == Decision.Outcome.ACHIEVED:
        raise DomainError("The set was achieved, so there is nothing to appeal.")
    if decision.outcome == Decision.Outcome.INFO_REQUESTED:
        raise DomainError(
            "This decision asks for more information: edit your portfolio and resubmit it."
        )
    if Appeal.objects.filter(decision=decision).exists():
        raise DomainError("You have already appealed this decision.")
    deadlines = appeal_deadlines(decision)
    if timezone.localdate() > deadlines.notice_by:
        raise DomainError(
            f"The time to appeal ended on {deadlines.notice_by:%-d %B %Y}: notice must be given "
            f"within {(deadlines.notice_by - deadlines.released_on).days} days of the decision."
        )
    if not notice.strip():
        raise DomainError("Say briefly what you are appealing.")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                decision=decision, notice=notice.strip(), grounds_due_on=deadlines.grounds_by
            )
    except IntegrityError:
        raise DomainError("You have already appealed this decision.") from None
    AppealStatusChange.objects.create(
        appeal=appeal, new_status=appeal.status, actor=by, note="Notice of appeal filed."
    )
    _tell_candidate(
        appeal,
        "We received your notice of appeal",
        [
            f"Your appeal of the {decision.portfolio.competency_set.name} decision is recorded.",
            f"Send your full grounds by {deadlines.grounds_by:%-d %B %Y}: what you believe "
            "was judged wrongly and why, competency by competency if you can.",
        ],
    )
    return appeal


@transaction.atomic
def appeal_file_grounds(appeal: Appeal, *, grounds: str, by) -> Appeal:
    """The candidate sends the full grounds, by the grounds deadline."""
    locked = (
        Appeal.objects.select_for_update()
        .select_related("decision__portfolio__candidacy")
        .get(pk=appeal.pk)
    )
    if locked.decision.portfolio.candidacy.user_id != by.pk:
        raise DomainError("Only the candidate can send the grounds.")
    if locked.status != Appeal.Status.NOTICE_FILED:
        raise DomainError("The grounds of this appeal were already sent.")
    if timezone.localdate() > locked.grounds_due_on:
        raise DomainError(f"The grounds were due by {locked.grounds_due_on:%-d %B %Y}.")
    if not grounds.strip():
        raise DomainError("Write your grounds for the appeal.")
    locked, _ = _appeal_transition(locked, Appeal.Status.GROUNDS_FILED, by=by)
    locked.grounds = grounds.strip()
    locked.grounds_filed_at = timezone.now()
    locked.save(update_fields=["grounds", "grounds_filed_at", "updated_at"])
    _tell_candidate(
        locked,
        "We received the grounds of your appeal",
        ["Program staff will review your appeal and email you the outcome."],
    )
    return locked


@transaction.atomic
def appeal_start_review(appeal: Appeal, *, by) -> Appeal:
    """Staff take the appeal up."""
    locked, _ = _appeal_transition(appeal, Appeal.Status.UNDER_REVIEW, by=by)
    return locked


def _decide(appeal: Appeal, status: str, *, note: str, by) -> tuple[Appeal, bool]:
    if not note.strip():
        raise DomainError("Give the reasons; the candidate reads them.")
    locked, moved = _appeal_transition(appeal, status, by=by, note=note.strip())
    if moved:
        locked.outcome_note = note.strip()
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["outcome_note", "decided_at", "decided_by", "updated_at"])
    return locked, moved


@transaction.atomic
def appeal_uphold(appeal: Appeal, *, note: str, by) -> Appeal:
    """The decision stands; the candidate is told why."""
    locked, moved = _decide(appeal, Appeal.Status.UPHELD, note=note, by=by)
    if moved:
        _tell_candidate(
            locked,
            "The outcome of your appeal",
            ["After review, the decision stands.", f"Reasons: {locked.outcome_note}"],
        )
    return locked


@transaction.atomic
def appeal_remand(appeal: Appeal, *, note: str, by) -> Appeal:
    """The evaluation reopens: the appealed round goes, as a new round, to new evaluators
    (nobody who rated this portfolio before). Staff assign them from the portfolio queue."""
    locked, moved = _decide(appeal, Appeal.Status.REMANDED, note=note, by=by)
    if moved:
        decision = locked.decision
        portfolio_remand(
            decision.portfolio,
            round_to_repeat=decision.submission,
            by=by,
            note="Appeal remanded: a new evaluation by new evaluators.",
        )
        _tell_candidate(
            locked,
            "Your appeal: your portfolio will be evaluated again",
            [
                "After review, your portfolio goes back for a new evaluation by evaluators "
                "who have not rated it before. We will email you the new decision.",
                f"Reasons: {locked.outcome_note}",
            ],
        )
    return locked
