"""Staff reports: the evaluator report (workload, timeliness and agreement) as a page and as
a CSV download. The figures come from `reviews.reports`; these views only read the period
and lay the figures out."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from lssc.accounts.permissions import program_staff_required
from reviews import reports
from reviews.reports import AgreementRow, EvaluatorReport
from staff.review_forms import ReportPeriodForm

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> object:
    """A value safe to put in a CSV cell: text that a spreadsheet would run as a formula is
    prefixed with a single quote; None becomes an empty cell; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _period(request) -> tuple[ReportPeriodForm, tuple]:
    """The period form read from the query string, and the valid (from, to) it gives;
    (None, None) when the dates are missing or wrong."""
    form = ReportPeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.period()
    return form, (None, None)


@require_safe
@program_staff_required
def evaluator_report(request):
    """Each evaluator's workload and timeliness, and how often paired evaluators agree,
    over rounds submitted in an optional period. A fixed number of queries."""
    form, (date_from, date_to) = _period(request)
    report = reports.evaluator_report(date_from=date_from, date_to=date_to)
    return render(
        request,
        "staff/evaluator_report.html",
        {
            "form": form,
            "report": report,
            "totals": report.totals,
            "bad_period": form.is_bound and bool(form.errors),
            "csv_query": request.GET.urlencode() if not form.errors else "",
        },
    )


def _agreement_cells(row: AgreementRow | None) -> list:
    if row is None:
        return [0, 0, None, None]
    return [row.rounds, row.agreement.pairs, row.agreement.percent, row.agreement.kappa]


AGREEMENT_HEADER = ["Rounds", "Rating pairs", "Percent agreement", "Cohen's kappa"]


def report_sections(report: EvaluatorReport) -> list[tuple[str, list[str], list[list]]]:
    """The report as (title, header, rows) tables, in the order the CSV lists them."""
    workload = [
        [
            line.workload.name,
            line.workload.capacity,
            line.workload.offered,
            line.workload.accepted,
            line.workload.declined,
            line.workload.withdrawn,
            line.workload.submitted,
            line.workload.in_progress,
            line.workload.on_time_percent,
            line.workload.median_days,
        ]
        for line in report.lines
    ]
    agreement = report.agreement
    return [
        (
            "Workload and timeliness",
            [
                "Evaluator",
                "Capacity per quarter",
                "Offered",
                "Accepted",
                "Declined",
                "Withdrawn",
                "Submitted",
                "In progress",
                "On time (%)",
                "Median days from offer to submission",
            ],
            workload,
        ),
        (
            "Agreement overall",
            ["Scope", *AGREEMENT_HEADER],
            [[agreement.overall.label, *_agreement_cells(agreement.overall)]],
        ),
        (
            "Agreement by competency set",
            ["Competency set", *AGREEMENT_HEADER],
            [[row.label, *_agreement_cells(row)] for row in agreement.by_set],
        ),
        (
            "Agreement by evaluator",
            ["Evaluator", *AGREEMENT_HEADER],
            [
                [line.workload.name, *_agreement_cells(line.agreement)]
                for line in report.lines
                if line.agreement is not None
            ],
        ),
    ]


@require_safe
@program_staff_required
def evaluator_report_csv(request):
    """The evaluator report as a CSV file, one section per table, for the same period.
    Wrong dates send the reader back to the page, where the errors are shown."""
    form, (date_from, date_to) = _period(request)
    if form.is_bound and form.errors:
        return redirect(reverse("staff:evaluator_report") + "?" + request.GET.urlencode())
    report = reports.evaluator_report(date_from=date_from, date_to=date_to)
    period = (
        f"{date_from.isoformat() if date_from else 'start'}-to-"
        f"{date_to.isoformat() if date_to else timezone.localdate().isoformat()}"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evaluator-report-{period}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Evaluator report",
            f"Portfolios submitted from {date_from.isoformat() if date_from else 'the start'} "
            f"to {date_to.isoformat() if date_to else 'today'}",
        ]
    )
    for title, header, rows in report_sections(report):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
    return response
