"""The period form of the program reports: `?from=YYYY-MM-DD&to=YYYY-MM-DD`, labelled for
what the report counts, with the report's default days filled in for the missing ends."""

from __future__ import annotations

from datetime import date

from staff.review_forms import ReportPeriodForm


class ProgramReportPeriodForm(ReportPeriodForm):
    """`ReportPeriodForm` for one report: `subject` names what the period selects
    ("Applications started"); `defaults` are the (first, last) days used when a field is
    left empty (None: the start of records, today); `max_years` bounds the period's length."""

    def __init__(
        self,
        *args,
        subject: str,
        defaults: tuple[date | None, date | None] = (None, None),
        max_years: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.defaults = defaults
        self.max_years = max_years
        start, end = defaults
        self.fields["from"].label = f"{subject} from"
        self.fields["to"].label = "to"
        if start:
            self.fields[
                "from"
            ].help_text = f"The first day, as YYYY-MM-DD. Leave empty for {start:%-d %B %Y}."
        if end:
            self.fields[
                "to"
            ].help_text = f"The last day, as YYYY-MM-DD. Leave empty for {end:%-d %B %Y}."

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = self.period()
        if start and end and start > end:
            # Only one end was given and it falls on the wrong side of the default other end.
            field = "from" if data.get("from") else "to"
            self.add_error(
                field,
                f"The first day must not be after the last day ({end:%-d %B %Y})."
                if field == "from"
                else f"The last day must not be before the first day ({start:%-d %B %Y}).",
            )
        elif start and end and self.max_years:
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            if months > self.max_years * 12:
                self.add_error("to", f"Choose a period of at most {self.max_years} years.")
        return data

    def period(self) -> tuple[date | None, date | None]:
        """(first day, last day) of a valid form, with the defaults for the empty fields."""
        start = self.cleaned_data.get("from") or self.defaults[0]
        end = self.cleaned_data.get("to") or self.defaults[1]
        return start, end
