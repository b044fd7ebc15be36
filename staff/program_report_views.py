"""The program reports (/staff/reports/): the index, each report as a page (chart, table,
period filter) and as a CSV download. The figures come from `staff.reports`; these views
read the period, pick the report and lay the figures out."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from lssc.accounts.permissions import program_staff_required
from staff.report_views import csv_cell
from staff.reports import REPORTS, ReportSpec
from staff.reports.base import period_text
from staff.reports.forms import ProgramReportPeriodForm


def _spec(name: str) -> ReportSpec:
    try:
        return REPORTS[name]
    except KeyError:
        raise Http404("There is no report with that name.") from None


def _period(request, spec: ReportSpec):
    """The period form read from the query string and the (from, to) to report on: what
    was asked for, the report's defaults for what was left empty, or the defaults alone
    when the dates are wrong (the form then holds the errors)."""
    defaults = spec.default_period(timezone.localdate())
    form = ProgramReportPeriodForm(
        request.GET or None,
        subject=spec.period_subject,
        defaults=defaults,
        max_years=spec.max_years,
    )
    if form.is_bound and form.is_valid():
        return form, form.period()
    return form, defaults


@require_safe
@program_staff_required
def report_index(request):
    """The list of reports, each with a one-line description."""
    return render(request, "staff/reports/index.html", {"reports": list(REPORTS.values())})


@require_safe
@program_staff_required
def report(request, name: str):
    """One report over the period in the query string. Wrong dates are shown as errors
    next to the fields and the report covers its default period. A fixed number of
    queries whatever the amount of data."""
    spec = _spec(name)
    form, (date_from, date_to) = _period(request, spec)
    result = spec.build(date_from, date_to)
    bad_period = form.is_bound and bool(form.errors)
    return render(
        request,
        spec.template,
        {
            "spec": spec,
            "form": form,
            "result": result,
            "period": period_text(spec.period_subject, date_from, date_to),
            "bad_period": bad_period,
            "csv_query": "" if bad_period else request.GET.urlencode(),
        },
    )


@require_safe
@program_staff_required
def report_csv(request, name: str):
    """The report as a CSV file, one section per table, for the same period. Cells a
    spreadsheet would run as formulas are escaped. Wrong dates send the reader back to the
    page, where the errors are shown."""
    spec = _spec(name)
    form, (date_from, date_to) = _period(request, spec)
    if form.is_bound and form.errors:
        return redirect(reverse("staff:report", args=[name]) + "?" + request.GET.urlencode())
    result = spec.build(date_from, date_to)
    first = date_from.isoformat() if date_from else "start"
    last = (date_to or timezone.localdate()).isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-report-{first}-to-{last}.csv"'
    writer = csv.writer(response)
    writer.writerow([spec.title, period_text(spec.period_subject, date_from, date_to)])
    for table in result.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow([csv_cell(label) for label in table.header])
        for row in [*table.rows, *([table.footer] if table.footer is not None else [])]:
            writer.writerow([csv_cell(value) for value in row])
    return response
