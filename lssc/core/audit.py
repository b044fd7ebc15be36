"""Recording staff actions that change no status (the audit trail's second source; the
first is every app's `…StatusChange` history)."""

from __future__ import annotations

from lssc.core.models import AuditEvent


def audit_record(*, actor, action: str, obj, before=None, after=None, note: str = "") -> AuditEvent:
    """Add one audit row for `obj` (any model instance). `before`/`after` hold the changed
    fields as plain JSON values (dates as ISO strings)."""
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:200],
        before=_plain(before or {}),
        after=_plain(after or {}),
        note=note,
    )


def _plain(values: dict) -> dict:
    return {
        key: value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        for key, value in values.items()
    }
