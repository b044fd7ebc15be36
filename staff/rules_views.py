"""Staff pages for the program rules and the competency framework: /staff/rules/ (the rules
in force, their past and upcoming versions, the framework in force and its versions) and
/staff/rules/new/ (a new rules version: edit, preview the changes, confirm).

Rules are never edited in place: a new version is added with the day it takes effect, through
`lssc.program.services.rules_create_version`, which records who made it and why. Framework
versions are made in the Django admin (copy, then edit before the start day); this page only
shows them and what changed between them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from lssc.accounts.permissions import program_staff_required
from lssc.core.errors import DomainError
from lssc.program import services
from lssc.program.models import Competency, CompetencySet, FrameworkVersion, ProgramRules
from lssc.program.selectors import framework_in_force, rules_in_force
from staff.confirm import already_sent, claim_submission, release_submission, say_already_sent
from staff.rules_forms import RULES_SECTIONS, RulesVersionForm, rule_help, rule_label

# The versions of the rules and of the framework are a handful of public rows, read whole;
# these reads would sit in lssc/program/selectors.py, which another change is editing.


def _rules_versions() -> list[ProgramRules]:
    """Every rules version, newest start first (one query)."""
    return list(ProgramRules.objects.order_by("-effective_from"))


def _framework_versions() -> list[FrameworkVersion]:
    """Every framework version, newest start first (one query)."""
    return list(FrameworkVersion.objects.order_by("-effective_from"))


def _sets_with_competencies(framework: FrameworkVersion) -> list[CompetencySet]:
    """The framework's sets in order, each with its competencies in order (two queries)."""
    return list(
        CompetencySet.objects.filter(framework=framework)
        .order_by("order")
        .prefetch_related(Prefetch("competencies", queryset=Competency.objects.order_by("number")))
    )


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _shown(value, currency: str) -> str:
    """A rule's value as the page shows it: amounts with their currency, counts with commas."""
    if isinstance(value, Decimal):
        return f"{currency} {value}"
    if isinstance(value, int):
        return intcomma(value)
    return str(value)


def _older(versions: list, version):
    """The version just before `version` in a newest-first list (None for the first)."""
    index = versions.index(version)
    return versions[index + 1] if index + 1 < len(versions) else None


# --- The rules page -------------------------------------------------------------------------


def _rules_sections(rules: ProgramRules, changes: dict) -> list[dict]:
    """The rules of `rules` in the model's groups; a rule in `changes` ({field: (old, new)})
    also carries its value in the version before."""
    previous_currency = changes.get("currency", (rules.currency,))[0]
    return [
        {
            "title": title,
            "rows": [
                {
                    "name": name,
                    "label": rule_label(name),
                    "help": rule_help(name),
                    "value": _shown(getattr(rules, name), rules.currency),
                    "was": _shown(changes[name][0], previous_currency) if name in changes else None,
                }
                for name in names
            ],
        }
        for title, names in RULES_SECTIONS
    ]


def _framework_changes(older: FrameworkVersion, newer: FrameworkVersion) -> dict:
    """What `newer` adds, removes and rewords compared with `older`: sets matched by code,
    competencies by set code and number (four queries)."""
    old_sets = {s.code: s for s in _sets_with_competencies(older)}
    new_sets = {s.code: s for s in _sets_with_competencies(newer)}
    sets_changed = []
    for code in new_sets.keys() & old_sets.keys():
        old, new = old_sets[code], new_sets[code]
        fields = [
            label
            for label, attribute in [("name", "name"), ("kind", "kind"), ("summary", "summary")]
            if getattr(old, attribute) != getattr(new, attribute)
        ]
        if fields:
            sets_changed.append({"set": new, "fields": fields})
    old_competencies = {
        (s.code, c.number): c for s in old_sets.values() for c in s.competencies.all()
    }
    new_competencies = {
        (s.code, c.number): c for s in new_sets.values() for c in s.competencies.all()
    }

    def rows(keys, describe):
        """One row per (set code, number) in set order, with what `describe` says of it."""
        in_order = sorted(keys, key=lambda key: (_set_of(key[0]).order, key[1]))
        return [
            {"set": _set_of(key[0]).name, "number": key[1], **describe(key)} for key in in_order
        ]

    def _set_of(code: str) -> CompetencySet:
        return new_sets.get(code) or old_sets[code]

    return {
        "sets_added": [new_sets[c] for c in sorted(new_sets.keys() - old_sets.keys())],
        "sets_removed": [old_sets[c] for c in sorted(old_sets.keys() - new_sets.keys())],
        "sets_changed": sorted(sets_changed, key=lambda row: row["set"].order),
        "added": rows(
            new_competencies.keys() - old_competencies.keys(),
            lambda key: {"statement": new_competencies[key].statement},
        ),
        "removed": rows(
            old_competencies.keys() - new_competencies.keys(),
            lambda key: {"statement": old_competencies[key].statement},
        ),
        "reworded": rows(
            {
                key
                for key in new_competencies.keys() & old_competencies.keys()
                if new_competencies[key].statement != old_competencies[key].statement
            },
            lambda key: {
                "was": old_competencies[key].statement,
                "statement": new_competencies[key].statement,
            },
        ),
    }


def _pick(versions: list, raw: str | None, default):
    """The version whose pk is `raw` (a query parameter), `default` without one; 404 for an
    unknown or malformed pk."""
    if raw is None:
        return default
    for version in versions:
        if str(version.pk) == raw:
            return version
    raise Http404("No such version.")


@require_safe
@program_staff_required
def rules(request):
    """The program rules in force (or the version in `?version=`) with every rule and its
    help, what that version changed, the upcoming and past versions; then the competency
    framework in force (or `?framework=`) with its sets and competencies, what it changed
    from the version before, and the other framework versions. A fixed number of queries
    whatever the number of sets, competencies and versions."""
    today = timezone.localdate()
    versions = _rules_versions()
    in_force = rules_in_force()
    shown = _pick(versions, request.GET.get("version"), in_force)
    previous = _older(versions, shown)
    changes = (
        services.rules_changes(
            previous, {name: getattr(shown, name) for name in services.RULE_FIELDS}
        )
        if previous
        else {}
    )

    frameworks = _framework_versions()
    framework_now = framework_in_force()
    framework = _pick(frameworks, request.GET.get("framework"), framework_now)
    framework_before = _older(frameworks, framework)
    return render(
        request,
        "staff/rules_detail.html",
        {
            "in_force": in_force,
            "shown": shown,
            "shown_state": _state(shown, in_force, today),
            "sections": _rules_sections(shown, changes),
            "changed_count": len(changes),
            "previous": previous,
            "upcoming": sorted(
                (v for v in versions if v.effective_from > today), key=lambda v: v.effective_from
            ),
            "past": [v for v in versions if v.effective_from < in_force.effective_from],
            "framework": framework,
            "framework_state": _state(framework, framework_now, today),
            "framework_now": framework_now,
            "sets": _sets_with_competencies(framework),
            "framework_before": framework_before,
            "framework_changes": (
                _framework_changes(framework_before, framework) if framework_before else None
            ),
            "other_frameworks": [
                {"version": f, "state": _state(f, framework_now, today)}
                for f in frameworks
                if f != framework
            ],
            "admin_frameworks_url": reverse("admin:program_frameworkversion_changelist"),
        },
    )


def _state(version, in_force, today: date) -> str:
    if version == in_force:
        return "in force"
    return "upcoming" if version.effective_from > today else "past"


# --- A new rules version --------------------------------------------------------------------


def _takes_effect(day: date) -> str:
    today = timezone.localdate()
    if day == today:
        return "today"
    days = (day - today).days
    return f"on {_long_date(day)} (in {intcomma(days)} day{'s' if days != 1 else ''})"


@require_http_methods(["GET", "HEAD", "POST"])
@program_staff_required
def rules_new(request):
    """A new rules version in three steps, all on this address: the form, filled in with the
    newest version's rules (GET, or POST with action=edit to go back); the preview of what
    changes (POST action=preview); and the confirmation (POST action=create), which adds the
    version once whatever the number of presses, then opens the rules page."""
    versions = _rules_versions()
    newest = versions[0] if versions else rules_in_force()
    done_url = reverse("staff:rules")
    action = request.POST.get("action", "preview") if request.method == "POST" else "edit"
    if request.method == "POST" and action == "create" and already_sent(request):
        return say_already_sent(request, done_url)

    if request.method == "POST":
        form = RulesVersionForm(request.POST)
    else:
        form = RulesVersionForm(
            initial={name: getattr(newest, name) for name in services.RULE_FIELDS}
        )
    context = {
        "form": form,
        "newest": newest,
        "in_force": rules_in_force(),
        "upcoming": sorted(
            (v for v in versions if v.effective_from > timezone.localdate()),
            key=lambda v: v.effective_from,
        ),
    }
    if action == "edit" or not form.is_valid():
        return render(request, "staff/rules_new.html", context)

    effective_from = form.cleaned_data["effective_from"]
    base = services.rules_replaced_on(effective_from)
    changes = services.rules_changes(base, form.rules_values())
    if not changes:
        form.add_error(
            None,
            f"Nothing changes: every value is the same as in the rules from "
            f"{_long_date(base.effective_from)}. Change at least one value, or cancel.",
        )
        return render(request, "staff/rules_new.html", context)

    if action == "create":
        token = form.cleaned_data["submission"]
        if not claim_submission(request, token):  # the twin request won the race
            return say_already_sent(request, done_url)
        try:
            new = services.rules_create_version(
                form.rules_values(), effective_from, form.cleaned_data["note"], by=request.user
            )
        except DomainError as error:
            release_submission(request, token)
            form.add_error(None, str(error))
            return render(request, "staff/rules_new.html", context)
        message = f"The new program rules take effect {_takes_effect(new.effective_from)}."
        if new.effective_from > timezone.localdate():
            message += f" Until then the rules from {_long_date(base.effective_from)} apply."
        messages.success(request, message)
        return redirect(done_url)

    later = next(
        (v for v in reversed(versions) if v.effective_from > effective_from), None
    )  # the next version after the new one, which still takes over on its own day
    return render(
        request,
        "staff/rules_preview.html",
        {
            **context,
            "base": base,
            "effective_from": effective_from,
            "takes_effect": _takes_effect(effective_from),
            "later": later,
            "changes": [
                {
                    "name": name,
                    "label": rule_label(name),
                    "old": _shown(old, base.currency),
                    "new": _shown(new, form.cleaned_data["currency"]),
                }
                for name, (old, new) in changes.items()
            ],
        },
    )
