"""Technical views of the candidate records. Statuses are read-only here: they change only
through the staff pages, which keep the history and send the emails."""

from django.contrib import admin

from candidates.models import (
    Application,
    ApplicationStatusChange,
    Candidacy,
    CandidacyStatusChange,
    DeadlineExtension,
    Payment,
    SetProgress,
    WorkExperience,
)
from lssc.core.admin import ReadOnlyAdminMixin


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class WorkExperienceInline(admin.TabularInline):
    model = WorkExperience
    extra = 0


class PaymentInline(ReadOnlyInline):
    model = Payment


class ApplicationStatusChangeInline(ReadOnlyInline):
    model = ApplicationStatusChange


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["pk", "legal_name", "email", "state", "status", "submitted_at"]
    list_filter = ["status", "library_type"]
    search_fields = ["legal_name", "email", "user__email"]
    readonly_fields = ["status", "submitted_at", "rules", "fee_due", "counted_hours"]
    raw_id_fields = ["user"]
    inlines = [WorkExperienceInline, PaymentInline, ApplicationStatusChangeInline]


class SetProgressInline(ReadOnlyInline):
    model = SetProgress
    fields = ["competency_set", "route", "status", "chosen", "achieved_at"]


class CandidacyStatusChangeInline(ReadOnlyInline):
    model = CandidacyStatusChange


class DeadlineExtensionInline(ReadOnlyInline):
    model = DeadlineExtension


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ["number", "user", "status", "admitted_at", "deadline"]
    list_filter = ["status"]
    search_fields = ["number", "user__email"]
    readonly_fields = ["status", "deadline", "number", "admitted_at", "application"]
    raw_id_fields = ["user"]
    inlines = [SetProgressInline, CandidacyStatusChangeInline, DeadlineExtensionInline]
