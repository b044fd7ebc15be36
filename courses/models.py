from django.conf import settings
from django.db import models


class Provider(models.Model):
    """An organisation (or consultant) that offers courses for approval.

    Personal data: `contact_name`, `contact_email`.
    """

    class Type(models.TextChoices):
        STATE_ASSOCIATION = "state_association", "State library association"
        STATE_LIBRARY = "state_library", "State library"
        REGIONAL_COOPERATIVE = "regional_cooperative", "Regional library cooperative"
        COMMUNITY_COLLEGE = "community_college", "Community college"
        UNIVERSITY = "university", "College or university"
        ALA_UNIT = "ala_unit", "ALA division or round table"
        CONSULTANT = "consultant", "Individual consultant"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=Type.choices)
    state = models.CharField(max_length=100, blank=True, help_text="State or province.")
    country = models.CharField(max_length=100, default="United States")
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderMembership(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="courses_membership_unique")
        ]

    def __str__(self):
        return f"{self.user} at {self.provider}"
