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


# --- Courses and completions, made through the courses services ---------------------------
# Built here rather than with tests/factories.py's course builders, which were still being
# written when these tests were; the staff tests need only these few shapes.


def build_course(*, title: str = "Foundations", member=None, set_code: str = "foundations"):
    """`complete_course` for the provider of `member` (a new member by default)."""
    from tests.factories import ProviderMembershipFactory, complete_course

    member = member or ProviderMembershipFactory().user
    provider = member.provider_memberships.get().provider
    return complete_course(provider, by=member, set_code=set_code, title=title)


def build_submitted_course(*, days_ago: int = 0, **kwargs):
    """`build_course(...)` submitted, `days_ago` days ago."""
    from datetime import timedelta

    from django.utils import timezone

    from courses import services
    from courses.models import Course

    course = build_course(**kwargs)
    member = course.provider.memberships.first().user
    course = services.course_submit(course, by=member)
    if days_ago:
        Course.objects.filter(pk=course.pk).update(
            submitted_at=timezone.now() - timedelta(days=days_ago)
        )
    course.refresh_from_db()
    return course


def build_approved_course(*, reviewer=None, **kwargs):
    """`build_submitted_course(...)` approved today by program staff."""
    from courses import services
    from courses.models import CourseReview
    from tests.factories import UserFactory

    course = build_submitted_course(**kwargs)
    services.course_review(
        course,
        decision=CourseReview.Decision.APPROVE,
        scores={},
        reasons="",
        by=reviewer or UserFactory(program_staff=True),
    )
    course.refresh_from_db()
    return course


def build_claim(course, *, candidacy=None, completed_on=None, days_ago: int = 0):
    """A candidate's completion claim on `course` (approved), with a proof file, made through
    `completion_claim`. The candidacy gets the progress rows admission makes."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from candidates.models import SetProgress
    from courses import services
    from courses.models import CourseCompletion
    from lssc.program.selectors import competency_sets_in_force
    from tests.factories import CandidacyFactory

    if candidacy is None:
        candidacy = CandidacyFactory()
    if not candidacy.sets.exists():
        SetProgress.objects.bulk_create(
            SetProgress(candidacy=candidacy, competency_set=s, chosen=s.is_required)
            for s in competency_sets_in_force()
        )
    completion = services.completion_claim(
        candidacy,
        course=course,
        completed_on=completed_on or timezone.localdate(),
        proof=ContentFile(b"%PDF-1.4 certificate", name="certificate.pdf"),
        by=candidacy.user,
    )
    if days_ago:
        CourseCompletion.objects.filter(pk=completion.pk).update(
            submitted_at=timezone.now() - timedelta(days=days_ago)
        )
        completion.refresh_from_db()
    return completion
