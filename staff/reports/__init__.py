"""The program reports of the staff workspace (/staff/reports/): each a page with a chart,
its figures as a table, a period filter and a CSV download. `REPORTS` lists them in the
order of the index; each module computes its figures in a few queries whatever the amount
of data. The evaluator report lives apart (`reviews.reports`, `staff.report_views`)."""

from __future__ import annotations

from staff.reports import candidates, certificates, funnel, pass_rates, time_to_decision
from staff.reports.base import ReportResult, ReportSpec

__all__ = ["REPORTS", "ReportResult", "ReportSpec"]

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            name="funnel",
            title="Application funnel",
            description="Of the applications started, how many were submitted, admitted and "
            "certified, with the conversion at each step.",
            period_subject="Applications started",
            build=funnel.build,
            template="staff/reports/funnel.html",
            empty_text="No application was started in this period.",
        ),
        ReportSpec(
            name="candidates",
            title="Candidates by state and status",
            description="Candidates admitted, by the state on their application and by "
            "status: active, certified, lapsed or withdrawn.",
            period_subject="Candidates admitted",
            build=candidates.build,
            template="staff/reports/candidates.html",
            empty_text="No candidate was admitted in this period.",
        ),
        ReportSpec(
            name="pass-rates",
            title="Pass rates",
            description="Achieved against not achieved, per competency set and route "
            "(approved course or portfolio).",
            period_subject="Outcomes decided",
            build=pass_rates.build,
            template="staff/reports/pass_rates.html",
            empty_text="No portfolio decision was released and no course completion was "
            "verified or rejected in this period.",
        ),
        ReportSpec(
            name="time-to-decision",
            title="Time to decision",
            description="Median and 90th-percentile days from submission to decision for "
            "applications, courses and portfolios.",
            period_subject="Decisions made",
            build=time_to_decision.build,
            template="staff/reports/time_to_decision.html",
            empty_text="No application, course or portfolio was decided in this period.",
        ),
        ReportSpec(
            name="certificates",
            title="Certificates by month",
            description="Certificates issued, renewed and expiring, month by month: the last "
            "12 months and the next 12.",
            period_subject="Issue and expiry dates",
            build=certificates.build,
            template="staff/reports/certificates.html",
            default_period=certificates.default_period,
            max_years=certificates.MAX_YEARS,
            empty_text="No certificate was issued, renewed or due to expire in this period.",
        ),
    )
}
