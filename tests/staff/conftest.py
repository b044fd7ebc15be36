"""Builders for the staff pages' tests: applications made through the services, as an
applicant would make them, and private files kept in a temporary folder."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, submitted_application


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
