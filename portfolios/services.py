"""Every write to portfolios: narratives, the evidence library, submission and its history.

`_portfolio_transition` is the only writer of Portfolio.status: it locks the row, refuses moves
outside the table, treats a repeat as a no-op and records a status-change row.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse

from candidates.models import Candidacy, SetProgress
from candidates.services import set_progress_transition
from lssc.core.errors import DomainError
from lssc.core.mail import notify
from lssc.core.transitions import move_status
from lssc.core.uploads import check_upload, clean_filename
from portfolios.models import (
    CompetencyResponse,
    Evidence,
    Portfolio,
    PortfolioStatusChange,
    PortfolioSubmission,
)

EVIDENCE_KINDS = ("pdf", "doc", "docx", "xlsx", "pptx", "odt", "ods", "odp", "png", "jpeg", "txt")
MB = 1024 * 1024


class DuplicateEvidence(DomainError):
    """The same file is already in the library; `existing` is offered for reuse."""

    def __init__(self, existing: Evidence):
        self.existing = existing
        super().__init__(
            f"You already uploaded this file as “{existing.title}”. Attach that one to the "
            "competency instead of uploading it again."
        )


def _lock(portfolio: Portfolio) -> Portfolio:
    return Portfolio.objects.select_for_update().get(pk=portfolio.pk)


def _lock_editable(portfolio: Portfolio) -> Portfolio:
    locked = _lock(portfolio)
    if not locked.is_editable:
        raise DomainError(
            f"This portfolio is {locked.get_status_display().lower()}, so it cannot be changed."
        )
    return locked


@transaction.atomic
def portfolio_start(candidacy: Candidacy, *, competency_set, by) -> Portfolio:
    """The candidate's portfolio for a set (created with an empty response per competency
    the first time). The set's route must be portfolio and the set not achieved."""
    progress = candidacy.sets.select_for_update().get(competency_set=competency_set)
    if progress.route != SetProgress.Route.PORTFOLIO:
        raise DomainError(f"Choose the portfolio route for {competency_set.name} first.")
    existing = Portfolio.objects.filter(candidacy=candidacy, competency_set=competency_set).first()
    if existing:
        return existing
    if progress.status == SetProgress.Status.ACHIEVED:
        raise DomainError(f"{competency_set.name} is already achieved.")
    portfolio = Portfolio.objects.create(candidacy=candidacy, competency_set=competency_set)
    CompetencyResponse.objects.bulk_create(
        CompetencyResponse(portfolio=portfolio, competency=competency)
        for competency in competency_set.competencies.all()
    )
    PortfolioStatusChange.objects.create(
        portfolio=portfolio, new_status=Portfolio.Status.DRAFT, actor=by, note="Portfolio started."
    )
    if progress.status == SetProgress.Status.NOT_STARTED:
        set_progress_transition(progress, SetProgress.Status.IN_PROGRESS, by=by)
    return portfolio


@transaction.atomic
def response_save(portfolio: Portfolio, *, competency_id: int, narrative: str, evidence_ids, by):
    """Save one competency's narrative and the evidence it cites (from this library only)."""
    locked = _lock_editable(portfolio)
    response = locked.responses.get(competency_id=competency_id)
    response.narrative = narrative
    response.save(update_fields=["narrative", "updated_at"])
    if evidence_ids is not None:
        response.evidence.set(locked.evidence.filter(pk__in=list(evidence_ids)))
    return response


@transaction.atomic
def learning_statement_save(portfolio: Portfolio, *, text: str, by) -> Portfolio:
    locked = _lock_editable(portfolio)
    locked.learning_statement = text
    locked.save(update_fields=["learning_statement", "updated_at"])
    return locked


def space_used(portfolio: Portfolio) -> int:
    return portfolio.evidence.aggregate(total=Sum("size"))["total"] or 0


def space_left(portfolio: Portfolio) -> int:
    return max(0, settings.PORTFOLIO_MAX_TOTAL_MB * MB - space_used(portfolio))


def _checksum(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def evidence_add(portfolio: Portfolio, *, upload, title: str, kind: str, description: str, by):
    """Add a file to the library: checked by content, within the size limits, named safely,
    with its checksum. Raises DuplicateEvidence (offering the existing item) for a file
    already there, and DomainError/ValidationError with a message otherwise. On any failure
    nothing is left behind: no row, no stored file."""
    original_name = clean_filename(upload.name)
    check_upload(
        upload,
        allowed=EVIDENCE_KINDS,
        what="evidence",
        stem="evidence",
        max_bytes=settings.PORTFOLIO_MAX_FILE_MB * MB,
    )
    checksum = _checksum(upload)
    with transaction.atomic():
        locked = _lock_editable(portfolio)
        existing = locked.evidence.filter(checksum=checksum).first()
        if existing:
            raise DuplicateEvidence(existing)
        if upload.size > space_left(locked):
            raise DomainError(
                "This file would take the portfolio past its "
                f"{settings.PORTFOLIO_MAX_TOTAL_MB} MB of space. Remove evidence you no longer "
                "need first."
            )
        evidence = Evidence(
            portfolio=locked,
            original_name=original_name,
            file_type=upload.name.rsplit(".", 1)[-1],
            size=upload.size,
            checksum=checksum,
            title=title.strip() or original_name,
            kind=kind,
            description=description,
        )
        evidence.file.save(upload.name, upload, save=False)
        try:
            with transaction.atomic():
                evidence.save()
        except IntegrityError:
            # A twin upload won the race: keep theirs, leave no file of ours behind.
            evidence.file.delete(save=False)
            raise DuplicateEvidence(locked.evidence.get(checksum=checksum)) from None
        except BaseException:
            evidence.file.delete(save=False)
            raise
    return evidence


@transaction.atomic
def evidence_remove(evidence: Evidence, *, by) -> None:
    """Delete an evidence item and its file; items in a submitted round are kept."""
    _lock_editable(evidence.portfolio)
    if evidence.in_submission:
        raise DomainError(
            "This file is part of what you submitted, so it stays. You can stop citing it."
        )
    file = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: file.delete(save=False))


def portfolio_missing(portfolio: Portfolio) -> list[str]:
    """What stops submission, competency by competency, in plain words."""
    missing = []
    responses = portfolio.responses.select_related("competency").prefetch_related("evidence")
    for response in responses:
        number = response.competency.number
        if not response.narrative.strip():
            missing.append(f"Competency {number}: write how your work shows it.")
        if not response.evidence.all():
            missing.append(f"Competency {number}: attach at least one piece of evidence.")
    if not portfolio.learning_statement.strip():
        missing.append("Write your personal learning statement.")
    return missing


def _portfolio_transition(portfolio: Portfolio, new_status: str, *, by, note: str = ""):
    """The only writer of its status (see lssc.core.transitions.move_status)."""
    return move_status(
        portfolio,
        new_status,
        history=PortfolioStatusChange,
        link="portfolio",
        noun="A portfolio",
        by=by,
        note=note,
    )


@transaction.atomic
def portfolio_submit(portfolio: Portfolio, *, by) -> Portfolio:
    """Submit a complete portfolio: freezes this round's content for the evaluators, locks
    the portfolio and its cited files, moves the set to Submitted and emails the candidate.
    A repeated submit (double click, replayed form) changes nothing."""
    locked = _lock(portfolio)
    if locked.status == Portfolio.Status.SUBMITTED:
        return locked
    if not locked.is_editable:
        raise DomainError(
            f"This portfolio is {locked.get_status_display().lower()}, so it cannot be submitted."
        )
    missing = portfolio_missing(locked)
    if missing:
        raise DomainError(" ".join(missing))
    resubmission = locked.status == Portfolio.Status.INFO_REQUESTED
    responses = list(locked.responses.select_related("competency").prefetch_related("evidence"))
    snapshot = PortfolioSubmission.objects.create(
        portfolio=locked,
        round=locked.submissions.count() + 1,
        submitted_by=by,
        learning_statement=locked.learning_statement,
        content=[
            {
                "competency_id": r.competency_id,
                "number": r.competency.number,
                "statement": r.competency.statement,
                "narrative": r.narrative,
                "evidence": [e.pk for e in r.evidence.all()],
            }
            for r in responses
        ],
    )
    cited = {e.pk for r in responses for e in r.evidence.all()}
    snapshot.evidence.set(cited)
    Evidence.objects.filter(pk__in=cited).update(in_submission=True)
    if resubmission:
        locked.resubmissions_used += 1
        locked.save(update_fields=["resubmissions_used", "updated_at"])
    locked, _ = _portfolio_transition(
        locked,
        Portfolio.Status.SUBMITTED,
        by=by,
        note="Resubmitted with more information." if resubmission else "",
    )
    progress = locked.candidacy.sets.get(competency_set=locked.competency_set)
    set_progress_transition(
        progress,
        SetProgress.Status.SUBMITTED,
        by=by,
        route="portfolio",
        note="Portfolio resubmitted." if resubmission else "Portfolio submitted.",
    )
    notify(
        locked.candidacy.user,
        kind="portfolio_submitted",
        subject=f"Your {locked.competency_set.name} portfolio was submitted",
        lines=[
            "Thank you. Your portfolio is now locked while two evaluators rate it, competency "
            "by competency. We will email you when the decision is released.",
        ],
        action_url=reverse("candidates:set_detail", args=[locked.competency_set.code]),
        action_label="See the set",
        reason="You received this email because you are an LSSC candidate.",
    )
    return locked


@transaction.atomic
def portfolio_mark_under_review(portfolio: Portfolio, *, by) -> Portfolio:
    """An evaluator accepted the submitted round: the portfolio and its set are now under
    review. A repeat does nothing."""
    locked = _lock(portfolio)
    if locked.status != Portfolio.Status.SUBMITTED:
        return locked
    locked, _ = _portfolio_transition(locked, Portfolio.Status.UNDER_REVIEW, by=by)
    progress = locked.candidacy.sets.get(competency_set=locked.competency_set)
    if progress.status == SetProgress.Status.SUBMITTED:
        set_progress_transition(progress, SetProgress.Status.UNDER_REVIEW, by=by)
    return locked


@transaction.atomic
def portfolio_record_outcome(portfolio: Portfolio, outcome: str, *, set_status: str, by, note: str):
    """A released decision's outcome (achieved, more information requested or not
    demonstrated) moves the portfolio and the candidate's set. Called by reviews only."""
    locked = _lock(portfolio)
    if locked.status == Portfolio.Status.SUBMITTED:
        locked, _ = _portfolio_transition(locked, Portfolio.Status.UNDER_REVIEW, by=by)
    locked, _ = _portfolio_transition(locked, outcome, by=by, note=note)
    progress = locked.candidacy.sets.get(competency_set=locked.competency_set)
    if progress.status == SetProgress.Status.SUBMITTED:
        progress = set_progress_transition(progress, SetProgress.Status.UNDER_REVIEW, by=by)
    set_progress_transition(
        progress,
        set_status,
        by=by,
        route="portfolio",
        note=note,
        achieved_through=f"Portfolio, round {locked.submissions.count()}",
    )
    return locked


@transaction.atomic
def portfolio_remand(portfolio: Portfolio, *, round_to_repeat: PortfolioSubmission, by, note: str):
    """An appeal was remanded: the same content is evaluated again, by new evaluators, as a
    new round that points back at the one repeated. The portfolio and its set go back to
    Submitted; the candidate's resubmission allowance is untouched. Returns the new round."""
    locked = _lock(portfolio)
    repeat = PortfolioSubmission.objects.create(
        portfolio=locked,
        round=locked.submissions.count() + 1,
        submitted_by=by,
        learning_statement=round_to_repeat.learning_statement,
        content=round_to_repeat.content,
        remanded_from=round_to_repeat,
    )
    repeat.evidence.set(round_to_repeat.evidence.all())
    locked, _ = _portfolio_transition(locked, Portfolio.Status.SUBMITTED, by=by, note=note)
    progress = locked.candidacy.sets.get(competency_set=locked.competency_set)
    set_progress_transition(
        progress, SetProgress.Status.SUBMITTED, by=by, route="portfolio", note=note
    )
    return repeat
