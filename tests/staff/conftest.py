"""Builders for the staff pages' tests: applications made through the services, as an
applicant would make them, and private files kept in a temporary folder."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from candidates import services
from candidates.models import Application
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Acceptance letters written by admission go to a throwaway folder, not var/private."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


def submitted_application(
    user=None,
    *,
    legal_name: str = "Robin Reader",
    state: str = "Illinois",
    member_number: str = "",
    hours_per_week: Decimal = Decimal(40),
    submitted_days_ago: int = 0,
) -> Application:
    """A complete, eligible application submitted by `user` (a new user by default), with
    one current full-time job that started three years ago."""
    user = user or UserFactory()
    application = services.application_start(user)
    sections = [
        (
            Application.Section.PERSONAL,
            {
                "legal_name": legal_name,
                "phone": "555-0100",
                "address_line1": "1 Library Lane",
                "city": "Springfield",
                "state": state,
                "postal_code": "62701",
                "country": "United States",
            },
        ),
        (
            Application.Section.POSITION,
            {"library_name": "Springfield PL", "library_type": "public", "job_title": "Clerk"},
        ),
        (Application.Section.EDUCATION, {"has_education": True, "education_year": 2001}),
        (Application.Section.MEMBERSHIP, {"ala_member_number": member_number}),
    ]
    for section, fields in sections:
        services.application_update(application, section=section, fields=fields, by=user)
    services.application_replace_jobs(
        application,
        jobs=[
            {
                "library": "Springfield PL",
                "library_type": "public",
                "role": "Circulation clerk",
                "paid": True,
                "start": timezone.localdate() - timedelta(days=3 * 365),
                "end": None,
                "hours_per_week": hours_per_week,
            }
        ],
        by=user,
    )
    services.application_update(
        application,
        section=Application.Section.REVIEW,
        fields={"attestation_name": legal_name, "attested_at": timezone.now()},
        by=user,
    )
    application = services.application_submit(application, by=user)
    if submitted_days_ago:
        # Arrange the age directly: nothing else reads submitted_at in these tests.
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - timedelta(days=submitted_days_ago)
        )
        application.refresh_from_db()
    return application


@pytest.fixture
def applicant(db):
    """A signed-up person with no role yet: the owner of `application`."""
    return UserFactory(email="applicant@example.org", first_name="Robin")


@pytest.fixture
def application(applicant):
    """A submitted, eligible, unpaid application (fee 350.00) from `applicant`."""
    return submitted_application(applicant)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
