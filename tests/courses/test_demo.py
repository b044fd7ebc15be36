"""`seed_demo`'s course providers and courses."""

from django.core.management import call_command
from django.utils import timezone

from candidates.models import SetProgress
from courses.models import (
    CompetencyCoverage,
    Course,
    CourseReview,
    CourseStatusChange,
    Instructor,
    Provider,
    ProviderMembership,
)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Provider,
            ProviderMembership,
            Course,
            CourseReview,
            CourseStatusChange,
            Instructor,
            CompetencyCoverage,
            SetProgress,
        )
    }


def test_seed_demo_makes_courses_in_every_state_and_adds_nothing_the_second_time(db, settings):
    settings.ALLOW_DEMO_DATA = True

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _counts() == first
    prairie = Provider.objects.get(name="Prairie State Library Association")
    assert prairie.verified_at is not None
    assert list(prairie.memberships.values_list("user__email", flat=True)) == [
        "provider@example.org"
    ]
    courses = {
        c.title: (c.status, c.state, c.competency_set.code, c.renewal_requested_at is not None)
        for c in Course.objects.select_related("competency_set")
    }
    assert courses == {
        "Foundations of Library Service (online)": ("approved", "Illinois", "foundations", False),
        "Reference Essentials": ("approved", "Iowa", "reference-information", False),
        "Library Technology in Practice": ("submitted", "Illinois", "technology", False),
        "Serving Children and Teens": ("draft", "Illinois", "youth-services", False),
        "Collection Management Basics": (
            "expired",
            "Illinois",
            "collection-management",
            False,
        ),
        "Cataloging and Classification Workshop": (
            "approved",
            "Illinois",
            "cataloging-classification",
            True,
        ),
        "Communication and Teamwork for Library Staff": (
            "approved",
            "Michigan",
            "communication-teamwork",
            False,
        ),
    }
    for course in Course.objects.exclude(status=Course.Status.DRAFT):
        assert course.syllabus.read(5) == b"%PDF-"
        assert course.instructors.count() == 1
        assert all(row.is_mapped for row in course.coverage.all())
    lapsed = Course.objects.get(title="Collection Management Basics")
    assert lapsed.approval_expires_on < timezone.localdate()
    assert [r.reviewer.email for r in CourseReview.objects.all()] == ["staff@example.org"] * 5
