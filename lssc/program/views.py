from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from lssc.program.eligibility import check_eligibility
from lssc.program.forms import EducationForm, JobFormSet
from lssc.program.models import CompetencySet
from lssc.program.selectors import (
    competency_set_with_competencies,
    competency_sets_in_force,
    rules_in_force,
)


def home(request):
    return render(
        request,
        "program/home.html",
        {"rules": rules_in_force(), "sets": competency_sets_in_force()},
    )


def faq(request):
    return render(
        request, "program/faq.html", {"rules": rules_in_force(), "sets": competency_sets_in_force()}
    )


def set_list(request):
    sets = list(competency_sets_in_force())
    return render(
        request,
        "program/set_list.html",
        {
            "rules": rules_in_force(),
            "required_sets": [s for s in sets if s.is_required],
            "elective_sets": [s for s in sets if not s.is_required],
        },
    )


def set_detail(request, code):
    try:
        competency_set = competency_set_with_competencies(code)
    except CompetencySet.DoesNotExist:
        raise Http404("No competency set with that code.") from None
    return render(
        request,
        "program/set_detail.html",
        {"set": competency_set, "rules": rules_in_force()},
    )


def eligibility_check(request):
    """The public self-check: education and library jobs in, hours and a verdict out.

    A POST with `add_job` only adds an empty row (for browsers without JavaScript); a POST with
    `check` validates and shows the verdict. Nothing is stored.
    """
    rules = rules_in_force()
    verdict = None
    if request.method == "POST":
        data = request.POST.copy()
        if "add_job" in data:
            # Add an empty row without complaining about rows that are still being filled in.
            education = EducationForm(data) if data.get("has_education") else EducationForm()
            rows = _rows_as_initial(JobFormSet(data, prefix="jobs"))
            jobs = JobFormSet(initial=rows, prefix="jobs")
            jobs.extra = len(rows)
        else:
            education = EducationForm(data)
            jobs = JobFormSet(data, prefix="jobs")
            if education.is_valid() and jobs.is_valid():
                verdict = check_eligibility(
                    jobs.jobs(),
                    has_education=education.cleaned_data["has_education"],
                    as_of=timezone.localdate(),
                    required_hours=rules.eligibility_hours,
                    window_years=rules.eligibility_window_years,
                )
    else:
        education = EducationForm()
        jobs = JobFormSet(prefix="jobs")
    return render(
        request,
        "program/eligibility.html",
        {
            "rules": rules,
            "education": education,
            "jobs": jobs,
            "verdict": verdict,
        },
    )


def _rows_as_initial(formset) -> list[dict]:
    """What was typed into each row, raw, so a new row can be added without losing it."""
    rows = []
    for form in formset.forms:
        rows.append({name: form[name].value() for name in form.fields})
    return rows
