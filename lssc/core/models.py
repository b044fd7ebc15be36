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
