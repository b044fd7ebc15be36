"""Eligibility of an application, from its rows, through the program's pure rule."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from candidates.models import Application
from lssc.program.eligibility import Job, Verdict, check_eligibility
from lssc.program.models import ProgramRules
from lssc.program.selectors import rules_in_force


def application_verdict(
    application: Application, *, jobs=None, rules: ProgramRules | None = None
) -> Verdict:
    """Hours inside the window before the submission date (today for a draft) and the
    education attestation. Pass `jobs` when they are already loaded."""
    as_of: date = (
        timezone.localdate(application.submitted_at)
        if application.submitted_at
        else timezone.localdate()
    )
    rules = rules or application.rules or rules_in_force(as_of)
    rows = application.jobs.all() if jobs is None else jobs
    return check_eligibility(
        [
            Job(
                start=row.start, end=row.end, hours_per_week=row.hours_per_week, library=row.library
            )
            for row in rows
        ],
        has_education=bool(application.has_education),
        as_of=as_of,
        required_hours=rules.eligibility_hours,
        window_years=rules.eligibility_window_years,
    )
