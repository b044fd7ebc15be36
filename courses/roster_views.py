"""Roster upload at /provider/roster/: a member uploads a CSV of completions; matching claims
are confirmed and the rest are listed back (and downloadable) with the reason."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from courses.roster import MAX_BYTES, MAX_ROWS, parse_roster, roster_apply, template_csv
from courses.roster import unmatched_csv as build_unmatched_csv
from courses.selectors import providers_of_user
from lssc.accounts.permissions import provider_required

SESSION_KEY = "roster_result"


class RosterUploadForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=None, label="Organisation", empty_label=None)
    file = forms.FileField(
        label="Roster file (CSV)",
        help_text=f"Columns email, name, course and date; at most {MAX_ROWS:,} rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        providers = providers_of_user(user).order_by("name")
        self.fields["provider"].queryset = providers
        self.only_provider = providers[0] if len(providers) == 1 else None
        if self.only_provider:
            self.fields["provider"].initial = self.only_provider
            self.fields["provider"].widget = forms.HiddenInput()
            self.fields["provider"].required = False

    def clean_provider(self):
        # With one organisation there is nothing to choose; a forged id still fails above.
        return self.cleaned_data["provider"] or self.only_provider

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / (1024 * 1024):.1f} MB; the limit is 2 MB "
                f"(about {MAX_ROWS:,} rows). Split it into smaller files and upload each one."
            )
        return upload


def _as_dict(outcome) -> dict:
    row = outcome.row
    return {
        "line": row.line,
        "email": row.email,
        "name": row.name,
        "course": row.course,
        "date": row.completed_on.isoformat(),
        "reason": outcome.reason,
        "repeated_on": list(row.repeated_on),
    }


@provider_required
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    """The upload form; on POST, check the file and either list its errors (nothing is saved)
    or confirm the matching claims and show the result."""
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    errors = []
    if request.method == "POST" and form.is_valid():
        provider = form.cleaned_data["provider"]
        upload = form.cleaned_data["file"]
        # Never more than the limit in memory, whatever the upload claims its size is.
        rows, errors = parse_roster(upload.read(MAX_BYTES + 1))
        if not errors:
            result = roster_apply(provider, rows, by=request.user)
            request.session[SESSION_KEY] = {
                "provider": provider.name,
                "filename": upload.name[:100],
                "confirmed": [_as_dict(o) for o in result.confirmed],
                "already": [_as_dict(o) for o in result.already],
                "unmatched": [_as_dict(o) for o in result.unmatched],
            }
            return redirect("roster:result")
    return render(
        request,
        "courses/roster_errors.html" if errors else "courses/roster_upload.html",
        {"form": form, "errors": errors, "max_rows": MAX_ROWS},
        status=400 if errors else 200,
    )


@provider_required
@require_GET
def roster_result(request):
    """What the last upload did, kept in the session so a reload does not upload again."""
    result = request.session.get(SESSION_KEY)
    if result is None:
        return redirect("roster:upload")
    repeats = [
        (row["line"], line)
        for group in ("confirmed", "already", "unmatched")
        for row in result[group]
        for line in row["repeated_on"]
    ]
    return render(
        request, "courses/roster_result.html", {"result": result, "repeats": sorted(repeats)}
    )


@provider_required
@require_GET
def roster_unmatched_csv(request):
    """The unmatched rows of the last upload as CSV, formula-like cells escaped."""
    result = request.session.get(SESSION_KEY)
    if result is None:
        return redirect("roster:upload")
    return _csv_response(build_unmatched_csv(result["unmatched"]), "roster-unmatched.csv")


@provider_required
@require_GET
def roster_template_csv(request):
    """An example file with the expected columns."""
    return _csv_response(template_csv(), "roster-template.csv")


def _csv_response(text: str, filename: str) -> HttpResponse:
    # A BOM so spreadsheet programs open the file as UTF-8.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
