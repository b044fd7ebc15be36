from django.utils import timezone

from courses.models import Provider, ProviderMembership
from lssc.accounts.demo import demo_user


def seed(log):
    user = demo_user("provider@example.org", first_name="Pat", last_name="Okafor")
    provider, _ = Provider.objects.get_or_create(
        name="Prairie State Library Association",
        defaults={
            "type": Provider.Type.STATE_ASSOCIATION,
            "state": "Illinois",
            "website": "https://prairie-library-association.example.org",
            "contact_name": "Pat Okafor",
            "contact_email": "provider@example.org",
            "verified_at": timezone.now(),
        },
    )
    ProviderMembership.objects.get_or_create(provider=provider, user=user)
    log("provider@example.org — a member of a verified course provider")
