"""Demo accounts for `manage.py seed_demo` (development and demonstrations only)."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from lssc.accounts.roles import PROGRAM_STAFF_GROUP

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published in the README on purpose


def demo_user(email: str, *, first_name: str, last_name: str):
    """A verified user with the demo password; created once, reset to the demo password after."""
    user, _ = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(log):
    staff = demo_user("staff@example.org", first_name="Sam", last_name="Rivera")
    staff.groups.add(Group.objects.get_or_create(name=PROGRAM_STAFF_GROUP)[0])
    log("staff@example.org — program staff")
    demo_user("applicant@example.org", first_name="Alex", last_name="Morgan")
    log("applicant@example.org — a new user who has not applied yet")
