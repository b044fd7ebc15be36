"""Renewal arithmetic with no database: contact hours from continuing-education entries,
progress toward the hours the rules ask for, and the renewal window around an expiry date.
Numbers come from `ProgramRules` (passed in), never from literals here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lssc.core.dates import add_months

SEMESTER, QUARTER, WORKSHOP, SELF_DIRECTED, CONFERENCE = (
    "semester",
    "quarter",
    "workshop",
    "self_directed",
    "conference",
)


def contact_hours(kind: str, amount, rules) -> Decimal:
    """Contact hours for one activity: credits and conference days converted by the rules,
    workshop and self-directed hours counted as they are."""
    amount = Decimal(amount)
    factor = {
        SEMESTER: rules.semester_credit_hours,
        QUARTER: rules.quarter_credit_hours,
        CONFERENCE: rules.conference_day_hours,
        WORKSHOP: 1,
        SELF_DIRECTED: 1,
    }.get(kind)
    if factor is None:
        raise ValueError(f"Unknown kind of continuing education: {kind!r}")
    return amount * Decimal(factor)


@dataclass(frozen=True)
class HoursProgress:
    total: Decimal
    technology: Decimal
    needed: int
    technology_needed: int

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), Decimal(self.needed) - self.total)

    @property
    def technology_missing(self) -> Decimal:
        return max(Decimal(0), Decimal(self.technology_needed) - self.technology)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.technology_missing

    @property
    def percent(self) -> int:
        if not self.needed:
            return 100
        return min(100, int(100 * self.total / self.needed))


def hours_progress(entries: Iterable, rules) -> HoursProgress:
    """Total and technology hours of entries with `kind`, `amount` and `technology`."""
    total = Decimal(0)
    technology = Decimal(0)
    for entry in entries:
        hours = contact_hours(entry.kind, entry.amount, rules)
        total += hours
        if entry.technology:
            technology += hours
    return HoursProgress(
        total=total,
        technology=technology,
        needed=rules.renewal_hours,
        technology_needed=rules.renewal_technology_hours,
    )


@dataclass(frozen=True)
class RenewalWindow:
    opens: date
    expires: date
    closes: date

    def is_open(self, today: date) -> bool:
        return self.opens <= today <= self.closes

    def stage(self, today: date) -> str:
        """ "not_yet", "open", "grace" (expired but still renewable) or "closed"."""
        if today < self.opens:
            return "not_yet"
        if today <= self.expires:
            return "open"
        if today <= self.closes:
            return "grace"
        return "closed"


def renewal_window(expires_on: date, rules) -> RenewalWindow:
    """Renewal opens `renewal_window_months` before expiry and closes `renewal_grace_months`
    after it."""
    return RenewalWindow(
        opens=add_months(expires_on, -rules.renewal_window_months),
        expires=expires_on,
        closes=add_months(expires_on, rules.renewal_grace_months),
    )
