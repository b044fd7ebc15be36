from django.conf import settings
from django.db import models


class Candidacy(models.Model):
    """A person admitted to the program, with four years (by default) to finish six sets.

    Personal data: the link to `user`.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CERTIFIED = "certified", "Certified"
        LAPSED = "lapsed", "Lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidacy"
    )
    number = models.CharField(max_length=20, unique=True)
    admitted_at = models.DateTimeField()
    deadline = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["-admitted_at"]
        verbose_name_plural = "candidacies"

    def __str__(self):
        return f"{self.number} ({self.user})"
