"""Demo providers and courses in every state of approval, made through the services.

Idempotent: a provider is found by name and a course by provider and title, so running
`seed_demo` again adds nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape

from courses import services
from courses.models import (
    CompetencyCoverage,
    Course,
    CourseReview,
    Instructor,
    Provider,
    ProviderMembership,
)
from lssc.accounts.demo import demo_user
from lssc.core.dates import add_years
from lssc.program.selectors import competency_set_with_competencies

STAFF_EMAIL = "staff@example.org"

COMMON = {
    "description": "A practical course for library support staff, built around everyday work "
    "at the desk and behind the scenes.",
    "instructional_methods": "Short readings, recorded talks, discussion with colleagues and "
    "a project in your own library.",
    "assessment_methods": "Weekly assignments marked by the instructor and a final project.",
}

PRAIRIE_COURSES = [
    # (title, set code, what the demo does with it, details)
    (
        "Foundations of Library Service (online)",
        "foundations",
        "approved",
        {
            "delivery": Course.Delivery.ONLINE,
            "timing": Course.Timing.ASYNCHRONOUS,
            "self_paced": True,
            "duration": "10 weeks, about 45 hours",
            "cost": Decimal("275.00"),
        },
    ),
    (
        "Reference Essentials",
        "reference-information",
        "approved",
        {
            "delivery": Course.Delivery.FACE_TO_FACE,
            "timing": Course.Timing.SYNCHRONOUS,
            "location": "Des Moines Public Library, 1000 Grand Avenue",
            "state": "Iowa",
            "schedule": "Saturdays, 7 March to 25 April",
            "duration": "8 sessions of 4 hours",
            "cost": Decimal("320.00"),
        },
    ),
    (
        "Library Technology in Practice",
        "technology",
        "submitted",
        {
            "delivery": Course.Delivery.HYBRID,
            "timing": Course.Timing.SYNCHRONOUS,
            "location": "Springfield, Lincoln Library training room",
            "schedule": "Tuesday evenings, online, and two Saturdays in person",
            "duration": "6 weeks",
            "cost": Decimal("240.00"),
        },
    ),
    (
        "Serving Children and Teens",
        "youth-services",
        "draft",
        {"delivery": Course.Delivery.ONLINE, "duration": "8 weeks"},
    ),
    (
        "Collection Management Basics",
        "collection-management",
        "lapsed",
        {
            "delivery": Course.Delivery.ONLINE,
            "timing": Course.Timing.ASYNCHRONOUS,
            "self_paced": True,
            "duration": "6 weeks",
            "cost": Decimal("199.00"),
        },
    ),
    (
        "Cataloging and Classification Workshop",
        "cataloging-classification",
        "renewal",
        {
            "delivery": Course.Delivery.ONLINE,
            "timing": Course.Timing.SYNCHRONOUS,
            "schedule": "Mondays and Wednesdays, 6–8 pm Central",
            "duration": "8 weeks",
            "cost": Decimal("295.00"),
        },
    ),
]

COLLEGE_COURSES = [
    (
        "Communication and Teamwork for Library Staff",
        "communication-teamwork",
        "approved",
        {
            "delivery": Course.Delivery.FACE_TO_FACE,
            "timing": Course.Timing.SYNCHRONOUS,
            "location": "Lakeshore Community College, Room B204, Traverse City",
            "schedule": "Thursdays, 10 September to 29 October",
            "duration": "8 weeks, 3 credit hours",
            "cost": Decimal("410.00"),
        },
    ),
]


def syllabus_pdf(course: Course) -> bytes:
    """A one-page syllabus naming the course and listing its competencies."""
    from weasyprint import HTML

    items = "".join(
        f"<li>{escape(row.competency.statement)}</li>"
        for row in course.coverage.select_related("competency")
    )
    return HTML(
        string=f"<h1>{escape(course.title)}</h1><p>{escape(course.provider.name)}</p>"
        f"<h2>Competencies covered</h2><ol>{items}</ol>"
    ).write_pdf()


def _short(statement: str) -> str:
    first = statement.strip().rstrip(".").split(". ")[0]
    return first[0].lower() + first[1:] if first else first


def _complete(course: Course, *, details: dict, by) -> Course:
    course = services.course_update(
        course,
        fields={
            **COMMON,
            "objectives": f"By the end of “{course.title}” participants can apply the "
            f"{course.competency_set.name} competencies in their own library.",
            "enrolment_url": "https://learn.example.org/courses",
            **details,
        },
        by=by,
    )
    services.course_update(
        course,
        fields={"syllabus": ContentFile(syllabus_pdf(course), name="syllabus.pdf")},
        by=by,
    )
    # Instructors and the map are entered through forms; the demo writes them directly.
    Instructor.objects.create(
        course=course,
        name="Dr. Morgan Ellis",
        qualifications="MLIS; twelve years as a branch manager; has taught support staff "
        "courses since 2015.",
    )
    for number, row in enumerate(
        CompetencyCoverage.objects.filter(course=course).select_related("competency"), start=1
    ):
        row.content = f"Unit {number}: how to {_short(row.competency.statement)}."
        row.readings = f"Chapter {number} of the course reader."
        row.assignments = f"A short case study applying unit {number} at your library."
        row.assessment = "Marked by the instructor against a published rubric."
        row.save()
    return course


def _approve(course: Course, staff) -> Course:
    services.course_review(
        course,
        decision=CourseReview.Decision.APPROVE,
        scores={
            key: {"score": 4, "comment": "Clear and complete."} for key, _ in CourseReview.CRITERIA
        },
        reasons="",
        by=staff,
    )
    course.refresh_from_db()
    return course


def _course(provider, *, title, set_code, state, details, member, staff):
    if Course.objects.filter(provider=provider, title=title).exists():
        return
    course = services.course_create(
        provider,
        competency_set=competency_set_with_competencies(set_code),
        title=title,
        by=member,
    )
    if state == "draft":
        services.course_update(course, fields={**COMMON, **details}, by=member)
        return
    course = services.course_submit(_complete(course, details=details, by=member), by=member)
    if state == "submitted":
        return
    course = _approve(course, staff)
    today = timezone.localdate()
    if state == "lapsed":
        # Demo only: pretend it was approved five years ago, then let the approval run out.
        approved_on = add_years(today, -5)
        Course.objects.filter(pk=course.pk).update(
            approved_on=approved_on,
            approval_expires_on=add_years(approved_on, 4),
            submitted_at=F("submitted_at") - timedelta(days=5 * 365),
        )
        services.course_expire(course, by=None)
    elif state == "renewal":
        # Demo only: approved nearly four years ago, so it is due for renewal.
        expires_on = today + timedelta(days=60)
        Course.objects.filter(pk=course.pk).update(
            approved_on=add_years(expires_on, -4), approval_expires_on=expires_on
        )
        services.course_request_renewal(course, by=member)


def _provider(*, name, member, **fields):
    provider = Provider.objects.filter(name=name).first()
    if provider is None:
        provider = services.provider_register(by=member, name=name, **fields)
    else:
        ProviderMembership.objects.get_or_create(provider=provider, user=member)
    return provider


def seed(log):
    staff = get_user_model().objects.get(email=STAFF_EMAIL)

    user = demo_user("provider@example.org", first_name="Pat", last_name="Okafor")
    provider = _provider(
        name="Prairie State Library Association",
        member=user,
        type=Provider.Type.STATE_ASSOCIATION,
        state="Illinois",
        website="https://prairie-library-association.example.org",
        contact_name="Pat Okafor",
        contact_email="provider@example.org",
    )
    services.provider_verify(provider, by=staff)
    for title, set_code, state, details in PRAIRIE_COURSES:
        _course(
            provider,
            title=title,
            set_code=set_code,
            state=state,
            details=details,
            member=user,
            staff=staff,
        )
    log(
        "provider@example.org — a member of a verified course provider with approved, "
        "pending, draft, lapsed and renewal-requested courses"
    )

    college_user = demo_user("college.provider@example.org", first_name="Jo", last_name="Lind")
    college = _provider(
        name="Lakeshore Community College",
        member=college_user,
        type=Provider.Type.COMMUNITY_COLLEGE,
        state="Michigan",
        website="https://lakeshore-college.example.edu",
        contact_name="Jo Lind",
        contact_email="college.provider@example.org",
    )
    services.provider_verify(college, by=staff)
    for title, set_code, state, details in COLLEGE_COURSES:
        _course(
            college,
            title=title,
            set_code=set_code,
            state=state,
            details={"state": "Michigan", **details},
            member=college_user,
            staff=staff,
        )
    log("college.provider@example.org — a second provider (Michigan) with an approved course")
