from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from lssc.core.audit import audit_record
from lssc.core.errors import DomainError
from lssc.program.models import Competency, CompetencySet, FrameworkVersion, ProgramRules
from lssc.program.services import RULES_CHANGED, RULES_CREATED, framework_copy


def _in_effect(effective_from) -> bool:
    return effective_from <= timezone.localdate()


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 0
    fields = ["number", "statement"]


@admin.register(CompetencySet)
class CompetencySetAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "order", "framework"]
    list_filter = ["framework", "kind"]
    search_fields = ["name", "code", "competencies__statement"]
    inlines = [CompetencyInline]

    def has_change_permission(self, request, obj=None):
        # A framework version that has taken effect is history: copy it to make changes.
        if obj is not None and _in_effect(obj.framework.effective_from):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


class CompetencySetInline(admin.TabularInline):
    model = CompetencySet
    extra = 0
    fields = ["order", "code", "name", "kind"]
    show_change_link = True


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "in_effect"]
    inlines = [CompetencySetInline]
    actions = ["copy_as_new_version"]

    @admin.display(boolean=True, description="Has taken effect")
    def in_effect(self, obj):
        return _in_effect(obj.effective_from)

    def has_change_permission(self, request, obj=None):
        if obj is not None and _in_effect(obj.effective_from):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission

    @admin.action(description="Copy as a new version (starts in 30 days; edit it before then)")
    def copy_as_new_version(self, request, queryset):
        for source in queryset:
            start = timezone.localdate() + timedelta(days=30)
            try:
                copy = framework_copy(
                    source, name=f"{source.name} (draft {start:%Y-%m-%d})", effective_from=start
                )
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Created “{copy}”, starting {start:%-d %B %Y}.")


class ProgramRulesForm(forms.ModelForm):
    class Meta:
        model = ProgramRules
        fields = ["effective_from", "notes"]  # the admin adds the fields of its fieldsets

    def clean(self):
        data = super().clean()
        # Rules that have taken effect explain past decisions, so they are never edited;
        # "Save as new" (which arrives here as a new instance) starts the next version.
        if self.instance.pk and _in_effect(self.instance.effective_from):
            raise forms.ValidationError(
                "These rules have taken effect and are kept as history. Change the values, "
                "set a start date from today on, and use “Save as new” to add a new version."
            )
        start = data.get("effective_from")
        if start and start < timezone.localdate():
            self.add_error("effective_from", "A new version cannot start in the past.")
        return data


@admin.register(ProgramRules)
class ProgramRulesAdmin(admin.ModelAdmin):
    form = ProgramRulesForm
    list_display = ["__str__", "effective_from", "fee_standard", "fee_member", "in_effect"]
    save_as = True  # "Save as new" starts the next version from the current values
    fieldsets = [
        (None, {"fields": ["effective_from", "notes"]}),
        ("Eligibility", {"fields": ["eligibility_hours", "eligibility_window_years"]}),
        ("Fees", {"fields": ["currency", "fee_standard", "fee_member"]}),
        ("Candidacy", {"fields": ["candidacy_years", "required_sets", "electives_needed"]}),
        (
            "Certificate and renewal",
            {
                "fields": [
                    "certificate_years",
                    "renewal_window_months",
                    "renewal_grace_months",
                    "renewal_hours",
                    "renewal_technology_hours",
                    "semester_credit_hours",
                    "quarter_credit_hours",
                    "conference_day_hours",
                ]
            },
        ),
        (
            "Portfolios",
            {
                "fields": [
                    "evaluators_per_portfolio",
                    "pass_met_min_percent",
                    "pass_partial_max_percent",
                    "pass_not_met_max",
                    "resubmissions_allowed",
                ]
            },
        ),
        ("Courses", {"fields": ["course_approval_years", "course_retro_years"]}),
        ("Appeals", {"fields": ["appeal_notice_days", "appeal_grounds_days"]}),
    ]

    @admin.display(boolean=True, description="Has taken effect")
    def in_effect(self, obj):
        return _in_effect(obj.effective_from)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _in_effect(obj.effective_from):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The audit trail keeps each version's numbers: a new version ("Save as new") with
        # the values that differ from the version before it, an edit of a version that has
        # not started yet with the values it changed.
        if change:
            earlier = ProgramRules.objects.get(pk=obj.pk)
        else:
            earlier = (
                ProgramRules.objects.filter(effective_from__lt=obj.effective_from)
                .order_by("-effective_from")
                .first()
            )
        super().save_model(request, obj, form, change)
        names = [
            field.name
            for field in ProgramRules._meta.concrete_fields
            if field.name not in ("id", "created_at", "notes")
        ]
        differ = [n for n in names if earlier is None or getattr(earlier, n) != getattr(obj, n)]
        if change and not differ:
            return
        audit_record(
            actor=request.user,
            action=RULES_CHANGED if change else RULES_CREATED,
            obj=obj,
            before={n: getattr(earlier, n) for n in differ} if earlier else {},
            after={n: getattr(obj, n) for n in differ},
            note=obj.notes,
        )
