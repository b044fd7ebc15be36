"""Technical views of the core records. History and audit rows are only ever added by the
code; the admin shows them and offers nothing to add, change or delete."""

from django.contrib import admin

from lssc.core.models import AuditEvent


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline of records that are written only by the services (the
    `…StatusChange` history, the audit events): viewable, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_label", "note", "actor__email"]
    date_hierarchy = "at"
    list_select_related = ["actor"]
