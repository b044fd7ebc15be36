"""The audit trail as one list: every app's `…StatusChange` history and the `AuditEvent`
rows for staff actions that change no status, newest first.

The read is one `UNION ALL` of `.values()` querysets that share the same columns (a constant
object type, a label expression that spells the object as its `__str__` does, the id of the
staff page that shows it), filtered inside each branch and ordered and paginated by the
database: a page costs a count and a select whatever the number of rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.urls import reverse

from candidates.models import (
    ApplicationStatusChange,
    CandidacyStatusChange,
    CertificateStatusChange,
    RenewalStatusChange,
    SetProgressStatusChange,
)
from courses.models import CompletionStatusChange, CourseStatusChange
from lssc.core.models import AuditEvent
from portfolios.models import PortfolioStatusChange
from reviews.models import (
    AppealStatusChange,
    Assignment,
    AssignmentStatusChange,
    Decision,
    DecisionStatusChange,
    EvaluatorStatusChange,
)

# The columns every branch of the union selects, in this order. They are all annotations
# (no plain field names), so every branch puts them in the same order in its SELECT.
COLUMNS = (
    "row_at",
    "row_id",
    "row_actor",
    "actor_email",
    "actor_first_name",
    "actor_last_name",
    "actor_preferred_name",
    "object_kind",
    "object_ref",
    "object_name",
    "link_ref",
    "status_before",
    "status_after",
    "event_action",
    "event_before",
    "event_after",
    "row_note",
)

PAGE_SIZE = 50


def _text(*parts) -> Concat:
    """Concatenate strings and expressions (strings are literals, not field names)."""
    return Concat(
        *(Value(part) if isinstance(part, str) else part for part in parts),
        output_field=CharField(),
    )


def _choice_label(field: str, choices) -> Case:
    """The display label of a choices field, computed by the database."""
    return Case(
        *(When(**{field: value}, then=Value(label)) for value, label in choices),
        default=F(field),
        output_field=CharField(),
    )


def _id(field: str) -> Cast:
    return Cast(field, output_field=CharField())


def _portfolio_label(prefix: str) -> Concat:
    """`Portfolio.__str__` ("LSSC-2026-0001: Technology") reached through `prefix`."""
    return _text(F(f"{prefix}candidacy__number"), ": ", F(f"{prefix}competency_set__name"))


def _round_label(prefix: str) -> Concat:
    """`PortfolioSubmission.__str__` ("…: Technology, round 1") reached through `prefix`."""
    return _text(_portfolio_label(f"{prefix}portfolio__"), ", round ", _id(f"{prefix}round"))


def _decision_label(prefix: str) -> Concat:
    """`Decision.__str__` ("…, round 1: Achieved") reached through `prefix`."""
    return _text(
        _round_label(f"{prefix}submission__"),
        ": ",
        _choice_label(f"{prefix}outcome", Decision.Outcome.choices),
    )


@dataclass(frozen=True)
class HistorySource:
    """One `…StatusChange` table: its model, the object it records, how to name that object
    in SQL and which id opens its staff page."""

    model: type[models.Model]
    object_type: str  # the app label and model name of the object, as AuditEvent stores it
    link: str  # the history row's foreign key to the object
    label: object  # an expression equal to str(object)
    link_ref: str  # the field holding the pk of the staff page's object

    def rows(self) -> QuerySet:
        return self.model.objects.order_by().annotate(
            row_at=F("at"),
            row_id=F("pk"),
            row_actor=F("actor_id"),
            actor_email=F("actor__email"),
            actor_first_name=F("actor__first_name"),
            actor_last_name=F("actor__last_name"),
            actor_preferred_name=F("actor__preferred_name"),
            object_kind=Value(self.object_type, output_field=CharField()),
            object_ref=_id(f"{self.link}_id"),
            object_name=self.label,
            link_ref=_id(self.link_ref),
            status_before=F("old_status"),
            status_after=F("new_status"),
            event_action=Value(None, output_field=CharField()),
            # SQL NULLs: the union takes its JSON type from the audit events' branch.
            event_before=Value(None, output_field=CharField()),
            event_after=Value(None, output_field=CharField()),
            row_note=F("note"),
        )


HISTORY_SOURCES = (
    HistorySource(
        ApplicationStatusChange,
        "candidates.application",
        "application",
        _text(
            "Application ",
            _id("application_id"),
            " (",
            Coalesce(
                NullIf(F("application__legal_name"), Value("")),
                F("application__user__email"),
                output_field=CharField(),
            ),
            ")",
        ),
        "application_id",
    ),
    HistorySource(
        CandidacyStatusChange,
        "candidates.candidacy",
        "candidacy",
        _text(F("candidacy__number"), " (", F("candidacy__user__email"), ")"),
        "candidacy_id",
    ),
    HistorySource(
        SetProgressStatusChange,
        "candidates.setprogress",
        "progress",
        _text(F("progress__candidacy__number"), ": ", F("progress__competency_set__name")),
        "progress__candidacy_id",
    ),
    HistorySource(
        CertificateStatusChange,
        "candidates.certificate",
        "certificate",
        _text("Certificate ", F("certificate__number")),
        "certificate_id",
    ),
    HistorySource(
        RenewalStatusChange,
        "candidates.renewal",
        "renewal",
        _text("Renewal of Certificate ", F("renewal__certificate__number")),
        "renewal_id",
    ),
    HistorySource(
        CourseStatusChange,
        "courses.course",
        "course",
        F("course__title"),
        "course_id",
    ),
    HistorySource(
        CompletionStatusChange,
        "courses.coursecompletion",
        "completion",
        _text(F("completion__candidacy__number"), ": ", F("completion__course__title")),
        "completion_id",
    ),
    HistorySource(
        PortfolioStatusChange,
        "portfolios.portfolio",
        "portfolio",
        _portfolio_label("portfolio__"),
        "portfolio_id",
    ),
    HistorySource(
        EvaluatorStatusChange,
        "reviews.evaluator",
        "evaluator",
        _text("Evaluator ", F("evaluator__user__email")),
        "evaluator_id",
    ),
    HistorySource(
        AssignmentStatusChange,
        "reviews.assignment",
        "assignment",
        _text(
            _round_label("assignment__submission__"),
            " — ",
            _choice_label("assignment__role", Assignment.Role.choices),
        ),
        "assignment__portfolio_id",
    ),
    HistorySource(
        DecisionStatusChange,
        "reviews.decision",
        "decision",
        _decision_label("decision__"),
        "decision_id",
    ),
    HistorySource(
        AppealStatusChange,
        "reviews.appeal",
        "appeal",
        _text("Appeal of ", _decision_label("appeal__decision__")),
        "appeal_id",
    ),
)

# The staff page of each kind of object, and whether it takes the row's `link_ref`.
# History rows of set progress and assignments open their candidacy and portfolio.
STAFF_PAGES = {
    "candidates.application": "staff:application_detail",
    "candidates.candidacy": "staff:candidacy_detail",
    "candidates.setprogress": "staff:candidacy_detail",
    "candidates.certificate": "staff:certificate_detail",
    "candidates.renewal": "staff:renewal_detail",
    "courses.course": "staff:course_detail",
    "courses.coursecompletion": "staff:completion_detail",
    "portfolios.portfolio": "staff:portfolio_assign",
    "reviews.evaluator": "staff:evaluator_detail",
    "reviews.assignment": "staff:portfolio_assign",
    "reviews.decision": "staff:decision_detail",
    "reviews.appeal": "staff:appeal_detail",
}
# An audit event's object id is the page's own id only for these kinds.
AUDIT_EVENT_PAGES = {
    kind: name
    for kind, name in STAFF_PAGES.items()
    if kind not in ("candidates.setprogress", "reviews.assignment")
}
PAGES_WITHOUT_ID = {"program.programrules": "staff:rules"}

# What the type filter offers: every kind of object with a history, and those only audit
# events speak of.
AUDIT_ONLY_TYPES = ("program.programrules",)


def object_types() -> list[tuple[str, str]]:
    """(object type, its name) for the type filter, in alphabetical order of the names."""
    kinds = [source.object_type for source in HISTORY_SOURCES] + list(AUDIT_ONLY_TYPES)
    return sorted(((kind, type_name(kind)) for kind in kinds), key=lambda pair: pair[1])


@functools.cache
def type_name(object_type: str) -> str:
    """ "Course completion" for "courses.coursecompletion"; the raw value if unknown."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name).capitalize()


@functools.cache
def _status_labels(object_type: str) -> dict[str, str]:
    try:
        field = apps.get_model(object_type)._meta.get_field("status")
    except (LookupError, ValueError, FieldDoesNotExist):
        return {}
    return {str(value): str(label) for value, label in field.flatchoices}


def status_label(object_type: str, status: str) -> str:
    """The display name of a status of that kind of object ("More information requested")."""
    return _status_labels(object_type).get(status, status.replace("_", " ").capitalize())


def _audit_event_rows() -> QuerySet:
    return AuditEvent.objects.order_by().annotate(
        row_at=F("at"),
        row_id=F("pk"),
        row_actor=F("actor_id"),
        actor_email=F("actor__email"),
        actor_first_name=F("actor__first_name"),
        actor_last_name=F("actor__last_name"),
        actor_preferred_name=F("actor__preferred_name"),
        object_kind=F("object_type"),
        object_ref=F("object_id"),
        object_name=F("object_label"),
        link_ref=F("object_id"),
        status_before=Value(None, output_field=CharField()),
        status_after=Value(None, output_field=CharField()),
        event_action=F("action"),
        event_before=F("before"),
        event_after=F("after"),
        row_note=F("note"),
    )


def _filtered(
    rows: QuerySet,
    *,
    q: str,
    actor: str,
    date_from: date | None,
    date_to: date | None,
) -> QuerySet:
    if q:
        rows = rows.filter(
            Q(note__icontains=q) | Q(object_name__icontains=q) | Q(actor__email__icontains=q)
        )
    if actor:
        rows = rows.filter(actor__email__iexact=actor)
    if date_from:
        rows = rows.filter(at__date__gte=date_from)
    if date_to:
        rows = rows.filter(at__date__lte=date_to)
    return rows


def audit_trail(
    *,
    q: str = "",
    object_type: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Every recorded change, newest first, as dicts with the keys of `COLUMNS`: the
    history rows of every app and the audit events, optionally only those whose note,
    object label or actor email contains `q`, about one `object_type` ("courses.course"),
    by the actor with the email `actor`, or on days from `date_from` to `date_to` (in the
    site's time zone). Lazy: slice it (or page it) and the database does the rest."""
    filters = {"q": q.strip(), "actor": actor.strip(), "date_from": date_from, "date_to": date_to}
    events = _audit_event_rows()
    if object_type:
        events = events.filter(object_type=object_type)
    # The audit events come first: their columns fix the union's types (JSON, text) for
    # PostgreSQL, which would otherwise type the history rows' empty JSON columns as text.
    branches = [_filtered(events, **filters)] + [
        _filtered(source.rows(), **filters)
        for source in HISTORY_SOURCES
        if not object_type or source.object_type == object_type
    ]
    branches = [branch.values(*COLUMNS) for branch in branches]
    return branches[0].union(*branches[1:], all=True).order_by("-row_at", "-row_id")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit page."""

    at: datetime
    actor: str  # "Sam Staff (sam@example.org)" or "System"
    actor_email: str
    object_type: str
    object_id: str
    type_name: str
    label: str
    url: str
    status_before: str
    status_after: str
    action: str
    changes: list[tuple[str, object, object]]  # (field, before, after) of an audit event
    note: str

    @property
    def is_status_change(self) -> bool:
        return not self.action


def _actor(row: dict) -> tuple[str, str]:
    email = row["actor_email"]
    if not row["row_actor"] or not email:
        return "System", ""
    name = (
        row["actor_preferred_name"]
        or " ".join(
            part for part in (row["actor_first_name"], row["actor_last_name"]) if part
        ).strip()
    )
    return (f"{name} ({email})" if name else email), email


def _url(row: dict, *, is_event: bool) -> str:
    kind = row["object_kind"]
    if kind in PAGES_WITHOUT_ID:
        return reverse(PAGES_WITHOUT_ID[kind])
    name = (AUDIT_EVENT_PAGES if is_event else STAFF_PAGES).get(kind)
    ref = row["link_ref"] or ""
    if not name or not str(ref).isdigit():
        return ""
    return reverse(name, args=[int(ref)])


def _changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    before, after = before or {}, after or {}
    fields = list(dict.fromkeys([*before, *after]))
    return [(field.replace("_", " "), before.get(field), after.get(field)) for field in fields]


def audit_entry(row: dict) -> AuditEntry:
    """A row of `audit_trail()` made ready to show: names, status labels and a link."""
    is_event = bool(row["event_action"])
    actor, actor_email = _actor(row)
    kind = row["object_kind"]
    return AuditEntry(
        at=row["row_at"],
        actor=actor,
        actor_email=actor_email,
        object_type=kind,
        object_id=row["object_ref"] or "",
        type_name=type_name(kind),
        label=row["object_name"] or "",
        url=_url(row, is_event=is_event),
        status_before=status_label(kind, row["status_before"]) if row["status_before"] else "",
        status_after=status_label(kind, row["status_after"]) if row["status_after"] else "",
        action=(row["event_action"] or "").replace("_", " ").capitalize(),
        changes=_changes(row["event_before"], row["event_after"]) if is_event else [],
        note=row["row_note"] or "",
    )
