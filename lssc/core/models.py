from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EmailLog(models.Model):
    """Every email the site sends, kept so that nothing is sent twice and failures are retried.

    Personal data: `to_email`, and the rendered `subject`, `body_text` and `body_html`.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    to_email = models.EmailField()
    kind = models.CharField(max_length=80, help_text="Which template produced this email.")
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A sender claims a message by moving `claimed_until` forward; only the claimer sends.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="emaillog_unsent_idx")]

    def __str__(self):
        return f"{self.kind} to {self.to_email}"


class StatusChange(models.Model):
    """One move of a status: from, to, who, when and why."""

    old_status = models.CharField(max_length=30, blank=True)
    new_status = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.old_status or 'new'} → {self.new_status}"


class Reminder(models.Model):
    """One reminder, recorded once: the unique (kind, subject, stage) row is the claim a
    sweep takes before it queues the email, in the same transaction. A re-run, an
    overlapping run or a run after a killed worker finds the row and sends nothing; a run
    that died before committing left no row, so the next one sends it.

    `subject_id` is the row the reminder is about (its kind says which model) and `anchor`
    the date it counts from (a deadline, an expiry), so a moved deadline starts its
    reminders afresh.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    kind = models.CharField(max_length=40)
    subject_id = models.PositiveBigIntegerField()
    anchor = models.DateField()
    stage = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    email = models.ForeignKey(
        EmailLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suppressed = models.BooleanField(
        default=False, help_text="Not emailed: the person turned this kind of reminder off."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "anchor", "stage", "recipient"],
                name="reminder_once",
            )
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="reminder_recipient_idx")]

    def __str__(self):
        return f"{self.kind} {self.stage} for {self.subject_id} ({self.anchor})"


class NotificationOptOut(models.Model):
    """A person turned off one optional kind of reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_once")
        ]

    def __str__(self):
        return f"{self.user} opted out of {self.kind}"


class AuditEvent(models.Model):
    """A staff action that changes no status (a deadline extension, an edit of the program
    rules, a payment recorded, a letter edited…): who, when, on what, before and after.
    Status moves are audited by each app's `…StatusChange` rows; the audit page reads both.
    Rows are only ever added."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, help_text="e.g. candidates.candidacy")
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=200)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.action} on {self.object_label}"
