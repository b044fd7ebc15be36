"""The one way a status moves (HOUSE_STYLE "State changes"): lock the row, refuse moves its
model's TRANSITIONS table does not allow, treat a move to the current status as a no-op, and
write the history row. Each app's `_…_transition` wrapper names its model and history."""

from __future__ import annotations

from lssc.core.errors import TransitionNotAllowed


def move_status(obj, new_status: str, *, history, link: str, noun: str, by, note: str = ""):
    """Move `obj` (a model with `status`, `Status` and `TRANSITIONS`) to `new_status` and
    record it in `history` (whose foreign key to the model is `link`). `noun` starts the
    refusal message, e.g. "An application". Returns (locked row, whether it moved); raises
    TransitionNotAllowed. Call inside a transaction."""
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.status == new_status:
        return locked, False
    if new_status not in model.TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(
            f"{noun} that is {locked.get_status_display().lower()} cannot become "
            f"{model.Status(new_status).label.lower()}."
        )
    history.objects.create(
        **{link: locked}, old_status=locked.status, new_status=new_status, actor=by, note=note
    )
    locked.status = new_status
    fields = ["status", "updated_at"] if hasattr(locked, "updated_at") else ["status"]
    locked.save(update_fields=fields)
    return locked, True
