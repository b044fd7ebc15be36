"""Reads for the staff's people pages: the search across people, candidacies, certificates
and courses, and one person's whole record (every role, what they hold in each app, the
reminders and emails they were sent, and the history of their records merged into one).

Every read starts from the owning app's `*_visible_to(viewer)` selector, and each page costs
a fixed number of queries whatever the person holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404

from candidates.certificate_selectors import certificates_visible_to, renewals_visible_to
from candidates.models import (
    Application,
    ApplicationStatusChange,
    Candidacy,
    CandidacyStatusChange,
    Certificate,
    CertificateStatusChange,
    DeadlineExtension,
    Renewal,
    RenewalStatusChange,
    SetProgress,
    SetProgressStatusChange,
)
from candidates.selectors import applications_visible_to, candidacies_visible_to
from courses.models import CompletionStatusChange, CourseCompletion, ProviderMembership
from courses.staff_selectors import completions_visible_to, providers_visible_to
from courses.staff_selectors import courses_visible_to as staff_courses_visible_to
from lssc.accounts.roles import Roles, roles_of
from lssc.core.models import EmailLog, Reminder
from lssc.core.reminders import KINDS
from portfolios.models import Portfolio, PortfolioStatusChange, PortfolioSubmission
from portfolios.selectors import portfolios_visible_to
from reviews.models import (
    Appeal,
    AppealStatusChange,
    Assignment,
    AssignmentStatusChange,
    Decision,
    DecisionStatusChange,
    Evaluator,
    EvaluatorStatusChange,
)
from reviews.selectors import (
    appeals_visible_to,
    assignments_visible_to,
    decisions_visible_to,
    evaluators_visible_to,
)

SEARCH_MIN_LENGTH = 2
SEARCH_LIMIT = 20  # rows per group; one more is read to know there are more
RECENT_LIMIT = 20  # reminders and emails shown on a person's record


# --- Search -------------------------------------------------------------------------------


@dataclass
class SearchGroup:
    """One kind of result: up to SEARCH_LIMIT rows, and whether more matched."""

    key: str
    label: str
    rows: list
    more: bool = False


@dataclass
class SearchResults:
    query: str
    groups: list[SearchGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def _limited(queryset, key: str, label: str) -> SearchGroup:
    rows = list(queryset[: SEARCH_LIMIT + 1])
    return SearchGroup(key, label, rows[:SEARCH_LIMIT], more=len(rows) > SEARCH_LIMIT)


def clean_query(query: str) -> str:
    """The query with its spaces collapsed, or "" when it is too short to search for."""
    query = " ".join((query or "").split())[:200]
    return query if len(query) >= SEARCH_MIN_LENGTH else ""


def people_search(viewer, query: str) -> SearchResults:
    """What `query` finds, in four groups of at most SEARCH_LIMIT rows each: people (by
    email, first, last, preferred or full name, or the legal name on a submitted
    application), candidacies (by candidate number), certificates (by number or the name
    printed on them) and courses (by title). Four queries whatever matches; an empty or
    too-short query (see `clean_query`) finds nothing and costs none."""
    query = clean_query(query)
    results = SearchResults(query=query)
    if not query:
        return results
    named_in_application = applications_visible_to(viewer).filter(
        user=OuterRef("pk"), legal_name__icontains=query
    )
    people = (
        get_user_model()
        .objects.annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(
            Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(preferred_name__icontains=query)
            | Q(full_name__icontains=query)
            | Q(Exists(named_in_application))
        )
        .select_related("candidacy", "evaluator_profile")
        .order_by("email")
    )
    candidacies = (
        candidacies_visible_to(viewer)
        .filter(number__icontains=query)
        .select_related("user", "application")
        .order_by("number")
    )
    certificates = (
        certificates_visible_to(viewer)
        .filter(Q(number__icontains=query) | Q(holder_name__icontains=query))
        .select_related("candidacy")
        .order_by("-issued_on", "-pk")
    )
    courses = (
        staff_courses_visible_to(viewer)
        .filter(title__icontains=query)
        .select_related("provider", "competency_set")
        .order_by("title", "pk")
    )
    results.groups = [
        _limited(people, "people", "People"),
        _limited(candidacies, "candidacies", "Candidacies"),
        _limited(certificates, "certificates", "Certificates"),
        _limited(courses, "courses", "Courses"),
    ]
    return results


# --- One person's record ------------------------------------------------------------------


def person_for_staff(viewer, pk: int):
    """The user with this id, for program staff (the view is gated to them); 404 if there
    is none."""
    return get_object_or_404(get_user_model(), pk=pk)


def person_name(person, application: Application | None = None) -> str:
    """How staff know the person: the legal name on their application, else their full
    name, else their email address."""
    return (application.legal_name if application else "") or person.get_full_name() or person.email


def stage_label(stage: str) -> str:
    """A reminder stage in words: "12m" is "12 months before", "lapsed" is "Lapsed"."""
    match = re.fullmatch(r"(\d+)m", stage)
    if match:
        months = int(match.group(1))
        return f"{months} month{'s' if months != 1 else ''} before"
    return stage.replace("_", " ").capitalize()


@dataclass
class PersonRecord:
    """Everything the office holds about one person. Lists are empty (and `candidacy`,
    `evaluator` None) where the person has no such record."""

    person: object
    name: str
    roles: Roles
    mfa_enabled: bool
    applications: list[Application]
    candidacy: Candidacy | None
    progress: list[SetProgress]
    completions: list[CourseCompletion]
    portfolios: list[Portfolio]
    decisions: list[Decision]
    appeals: list[Appeal]
    certificates: list[Certificate]
    evaluator: Evaluator | None
    assignments: list[Assignment]
    memberships: list[ProviderMembership]
    reminders: list[Reminder]
    emails: list[EmailLog]
    history: list[dict]


def _status_label(model, value: str) -> str:
    try:
        return model.Status(value).label
    except ValueError:
        return value or "—"


def _move(model, change) -> str:
    """ "Submitted → Admitted", "Submitted" for a first status, or the note's first sentence
    for a row that records a note without a move."""
    if change.old_status == change.new_status:
        return (change.note.split(". ")[0].rstrip(".") if change.note else "Noted") or "Noted"
    new = _status_label(model, change.new_status)
    if not change.old_status:
        return new
    return f"{_status_label(model, change.old_status)} → {new}"


def _event(change, what: str, model, link: tuple[str, int] | None = None) -> dict:
    moved = change.old_status != change.new_status
    return {
        "at": change.at,
        "actor": change.actor,
        "what": what,
        "title": f"{what}: {_move(model, change)}",
        "note": change.note if moved else "",
        "link": link,
    }


def _actor_name(actor, viewer) -> str:
    if actor is None:
        return "LSSC (automatic)"
    if viewer is not None and actor.pk == viewer.pk:
        return "You"
    return actor.get_full_name() or actor.email


@dataclass(frozen=True)
class _Source:
    """One kind of status change in a person's history: the rows (actor and what `what`
    and `link` read already joined), the model whose statuses they name, what the record is
    called and the staff page it opens."""

    rows: object
    model: type
    what: Callable
    link: Callable


def _history_sources(person, viewer) -> list[_Source]:
    candidacies = candidacies_visible_to(viewer).filter(user=person)
    return [
        _Source(
            ApplicationStatusChange.objects.filter(
                application__in=applications_visible_to(viewer).filter(user=person)
            ),
            Application,
            lambda c: "Application",
            lambda c: ("staff:application_detail", c.application_id),
        ),
        _Source(
            CandidacyStatusChange.objects.filter(candidacy__in=candidacies),
            Candidacy,
            lambda c: "Candidacy",
            lambda c: ("staff:candidacy_detail", c.candidacy_id),
        ),
        _Source(
            SetProgressStatusChange.objects.filter(
                progress__candidacy__in=candidacies
            ).select_related("progress__competency_set"),
            SetProgress,
            lambda c: c.progress.competency_set.name,
            lambda c: ("staff:candidacy_detail", c.progress.candidacy_id),
        ),
        _Source(
            CompletionStatusChange.objects.filter(
                completion__in=completions_visible_to(viewer).filter(candidacy__user=person)
            ).select_related("completion__course"),
            CourseCompletion,
            lambda c: f"Completion claim for {c.completion.course.title}",
            lambda c: ("staff:completion_detail", c.completion_id),
        ),
        _Source(
            PortfolioStatusChange.objects.filter(
                portfolio__in=portfolios_visible_to(viewer).filter(candidacy__user=person)
            ).select_related("portfolio__competency_set"),
            Portfolio,
            lambda c: f"Portfolio for {c.portfolio.competency_set.name}",
            lambda c: ("staff:portfolio_assign", c.portfolio_id),
        ),
        _Source(
            DecisionStatusChange.objects.filter(
                decision__in=decisions_visible_to(viewer).filter(portfolio__candidacy__user=person)
            ).select_related("decision__portfolio__competency_set"),
            Decision,
            lambda c: f"Decision on {c.decision.portfolio.competency_set.name}",
            lambda c: ("staff:decision_detail", c.decision_id),
        ),
        _Source(
            AppealStatusChange.objects.filter(
                appeal__in=appeals_visible_to(viewer).filter(
                    decision__portfolio__candidacy__user=person
                )
            ).select_related("appeal__decision__portfolio__competency_set"),
            Appeal,
            lambda c: f"Appeal on {c.appeal.decision.portfolio.competency_set.name}",
            lambda c: ("staff:appeal_detail", c.appeal_id),
        ),
        _Source(
            CertificateStatusChange.objects.filter(
                certificate__in=certificates_visible_to(viewer).filter(candidacy__user=person)
            ).select_related("certificate"),
            Certificate,
            lambda c: f"Certificate {c.certificate.number}",
            lambda c: ("staff:certificate_detail", c.certificate_id),
        ),
        _Source(
            RenewalStatusChange.objects.filter(
                renewal__in=renewals_visible_to(viewer).filter(certificate__candidacy__user=person)
            ).select_related("renewal__certificate"),
            Renewal,
            lambda c: f"Renewal of certificate {c.renewal.certificate.number}",
            lambda c: ("staff:renewal_detail", c.renewal_id),
        ),
        _Source(
            EvaluatorStatusChange.objects.filter(
                evaluator__in=evaluators_visible_to(viewer).filter(user=person)
            ),
            Evaluator,
            lambda c: "Evaluator profile",
            lambda c: ("staff:evaluator_detail", c.evaluator_id),
        ),
        _Source(
            AssignmentStatusChange.objects.filter(
                assignment__in=assignments_visible_to(viewer).filter(evaluator__user=person)
            ).select_related("assignment__portfolio__competency_set"),
            Assignment,
            lambda c: f"Evaluation of a {c.assignment.portfolio.competency_set.name} portfolio",
            lambda c: ("staff:portfolio_assign", c.assignment.portfolio_id),
        ),
    ]


def person_history(person, *, viewer) -> list[dict]:
    """Every status change of the records about `person`, newest first: their applications,
    candidacy (with deadline extensions), set progress, completion claims, portfolios,
    decisions, appeals, certificates, renewals, evaluator profile and assignments. Each
    event has `at`, `actor`, `actor_name` (full names, since only program staff read this),
    `title`, `note` and `link` (a staff URL name and id, or None). Twelve queries whatever
    the person holds."""
    events = [
        _event(change, source.what(change), source.model, source.link(change))
        for source in _history_sources(person, viewer)
        for change in source.rows.select_related("actor")
    ]
    for extension in DeadlineExtension.objects.filter(
        candidacy__in=candidacies_visible_to(viewer).filter(user=person)
    ).select_related("actor"):
        events.append(
            {
                "at": extension.at,
                "actor": extension.actor,
                "what": "Candidacy",
                "title": f"Candidacy: deadline moved from {extension.old_deadline:%-d %B %Y} "
                f"to {extension.new_deadline:%-d %B %Y}",
                "note": extension.reason,
                "link": ("staff:candidacy_detail", extension.candidacy_id),
            }
        )
    events.sort(key=lambda event: event["at"], reverse=True)
    for event in events:
        event["actor_name"] = _actor_name(event["actor"], viewer)
    return events


def _latest_application(candidacy, applications) -> Application | None:
    if candidacy is not None and candidacy.application is not None:
        return candidacy.application
    return applications[0] if applications else None


def person_record(viewer, person) -> PersonRecord:
    """Everything about `person` that program staff need on one page, each list newest
    first (the ten sets in the framework's order). A fixed number of queries (about thirty)
    however many applications, portfolios, certificates, assignments, reminders or emails
    the person has."""
    applications = list(applications_visible_to(viewer).filter(user=person).order_by("-pk"))
    candidacy = (
        candidacies_visible_to(viewer).filter(user=person).select_related("application").first()
    )
    progress, completions = [], []
    if candidacy is not None:
        progress = list(
            candidacy.sets.select_related("competency_set").order_by("competency_set__order")
        )
        completions = list(
            completions_visible_to(viewer)
            .filter(candidacy=candidacy)
            .select_related("course__competency_set")
            .order_by("-submitted_at", "-pk")
        )
    portfolios = list(
        portfolios_visible_to(viewer)
        .filter(candidacy__user=person)
        .select_related("competency_set")
        .prefetch_related(
            Prefetch("submissions", queryset=PortfolioSubmission.objects.order_by("round"))
        )
        .order_by("-created_at", "-pk")
    )
    for portfolio in portfolios:
        portfolio.rounds = list(portfolio.submissions.all())
        portfolio.latest_round = portfolio.rounds[-1] if portfolio.rounds else None
    decisions = list(
        decisions_visible_to(viewer)
        .filter(portfolio__candidacy__user=person)
        .select_related("portfolio__competency_set", "submission")
        .order_by("-created_at", "-pk")
    )
    appeals = list(
        appeals_visible_to(viewer)
        .filter(decision__portfolio__candidacy__user=person)
        .select_related("decision__portfolio__competency_set")
        .order_by("-notice_filed_at", "-pk")
    )
    certificates = list(
        certificates_visible_to(viewer)
        .filter(candidacy__user=person)
        .select_related("renewal")
        .order_by("-issued_on", "-pk")
    )
    evaluator = (
        evaluators_visible_to(viewer).filter(user=person).prefetch_related("qualified_sets").first()
    )
    assignments = []
    if evaluator is not None:
        assignments = list(
            assignments_visible_to(viewer)
            .filter(evaluator=evaluator)
            .select_related("portfolio__competency_set", "portfolio__candidacy", "submission")
            .order_by("-offered_at", "-pk")
        )
    memberships = list(
        ProviderMembership.objects.filter(user=person, provider__in=providers_visible_to(viewer))
        .select_related("provider")
        .order_by("provider__name")
    )
    reminders = list(
        Reminder.objects.filter(recipient=person).order_by("-created_at", "-pk")[:RECENT_LIMIT]
    )
    for reminder in reminders:
        kind = KINDS.get(reminder.kind)
        reminder.kind_label = kind.label if kind else reminder.kind.replace("_", " ").capitalize()
        reminder.stage_label = stage_label(reminder.stage)
    emails = list(
        EmailLog.objects.filter(
            Q(recipient=person) | Q(recipient__isnull=True, to_email__iexact=person.email)
        )
        .only("subject", "kind", "to_email", "created_at", "sent_at", "last_error")
        .order_by("-created_at", "-pk")[:RECENT_LIMIT]
    )
    return PersonRecord(
        person=person,
        name=person_name(person, _latest_application(candidacy, applications)),
        roles=roles_of(person),
        mfa_enabled=is_mfa_enabled(person),
        applications=applications,
        candidacy=candidacy,
        progress=progress,
        completions=completions,
        portfolios=portfolios,
        decisions=decisions,
        appeals=appeals,
        certificates=certificates,
        evaluator=evaluator,
        assignments=assignments,
        memberships=memberships,
        reminders=reminders,
        emails=emails,
        history=person_history(person, viewer=viewer),
    )
