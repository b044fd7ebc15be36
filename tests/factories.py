"""factory_boy factories for the rows most tests need.

Every user made here can log in: the email address is verified (as allauth requires) and the
password is `PASSWORD`. Roles come from relations, so a factory for a role row (candidacy,
evaluator profile, provider membership) makes its user too.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import Group
from django.utils import timezone

from candidates.models import Candidacy
from courses.models import Provider, ProviderMembership
from lssc.accounts.models import User
from lssc.accounts.roles import PROGRAM_STAFF_GROUP
from reviews.models import Evaluator

PASSWORD = "pass-for-tests-2026"
# Authenticator-app secret of users made with `mfa=True` (base32, as apps expect).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email address and the password `PASSWORD`.

    `UserFactory(verified_email=False)` leaves the address unverified;
    `UserFactory(program_staff=True)` puts the user in the program-staff group (with MFA on,
    as the policy requires); `UserFactory(mfa=True)` turns on an authenticator app with
    `TOTP_SECRET`.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    # Plain fixed names (no Faker): a name like O'Brien would make HTML assertions flaky.
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def program_staff(obj, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=PROGRAM_STAFF_GROUP)
            obj.groups.add(group)
            if not is_mfa_enabled(obj):
                TOTP.activate(obj, TOTP_SECRET)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        if create and extracted and not is_mfa_enabled(obj):
            TOTP.activate(obj, TOTP_SECRET)


class CandidacyFactory(factory.django.DjangoModelFactory):
    """An active candidacy admitted now, with the default four years to finish."""

    class Meta:
        model = Candidacy

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"LSSC-T{n:05d}")
    admitted_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: (o.admitted_at + timedelta(days=4 * 365)).date())
    status = Candidacy.Status.ACTIVE


class ProviderFactory(factory.django.DjangoModelFactory):
    """A verified provider."""

    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Prairie Library Cooperative {n}")
    type = Provider.Type.REGIONAL_COOPERATIVE
    state = "Illinois"
    contact_name = "Robin Provider"
    contact_email = factory.Sequence(lambda n: f"courses{n}@provider.example.org")
    verified_at = factory.LazyFunction(timezone.now)


class ProviderMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderMembership

    provider = factory.SubFactory(ProviderFactory)
    user = factory.SubFactory(UserFactory)


class EvaluatorFactory(factory.django.DjangoModelFactory):
    """An evaluator approved by program staff.

    `EvaluatorFactory(qualified_sets=[...])` sets the competency sets they may rate.
    """

    class Meta:
        model = Evaluator
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, mfa=True)
    employer = "Springfield Public Library"
    state = "Illinois"
    status = "approved"
    approved_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def qualified_sets(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.qualified_sets.set(extracted)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application with every section answered except the signature: add jobs with
    WorkExperienceFactory. `ApplicationFactory(signed=True)` also signs it."""

    class Meta:
        model = "candidates.Application"

    class Params:
        signed = factory.Trait(
            attestation_name=factory.SelfAttribute("legal_name"),
            attested_at=factory.LazyFunction(timezone.now),
        )

    user = factory.SubFactory(UserFactory)
    legal_name = factory.LazyAttribute(lambda o: f"{o.user.first_name} {o.user.last_name}")
    email = factory.SelfAttribute("user.email")
    phone = "312 555 0100"
    address_line1 = "12 Library Lane"
    city = "Springfield"
    state = "Illinois"
    postal_code = "62701"
    country = "United States"
    library_name = "Springfield Public Library"
    library_type = "public"
    job_title = "Library assistant"
    has_education = True
    education_year = 2005


class WorkExperienceFactory(factory.django.DjangoModelFactory):
    """A current paid job of 20 hours a week started three years ago: about 3,100 hours
    inside the window, enough on its own."""

    class Meta:
        model = "candidates.WorkExperience"

    application = factory.SubFactory(ApplicationFactory)
    library = "Springfield Public Library"
    library_type = "public"
    role = "Circulation assistant"
    paid = True
    start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3 * 365))
    end = None
    hours_per_week = 20


def complete_application(
    user=None,
    *,
    legal_name: str = "Robin Reader",
    state: str = "Illinois",
    member_number: str = "",
    hours_per_week: Decimal = Decimal(40),
    years: int = 3,
):
    """A signed, eligible draft made through the services, as an applicant would make it:
    one current job of `hours_per_week` that started `years` ago."""
    from candidates import services
    from candidates.models import Application

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
                "start": timezone.localdate() - timedelta(days=years * 365),
                "end": None,
                "hours_per_week": hours_per_week,
            }
        ],
        by=user,
    )
    return services.application_update(
        application,
        section=Application.Section.REVIEW,
        fields={"attestation_name": legal_name, "attested_at": timezone.now()},
        by=user,
    )


def submitted_application(user=None, *, submitted_days_ago: int = 0, **details):
    """`complete_application(user, **details)`, submitted `submitted_days_ago` days ago."""
    from candidates import services
    from candidates.models import Application

    application = complete_application(user, **details)
    application = services.application_submit(application, by=application.user)
    if submitted_days_ago:
        # Arrange the age directly: nothing else reads submitted_at in these tests.
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - timedelta(days=submitted_days_ago)
        )
        application.refresh_from_db()
    return application


# --- Courses made through the services (roster and course-service tests) ------------------

SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def complete_course(provider, *, by, set_code: str = "foundations", title: str = "Foundations"):
    """A draft course with everything submission needs (details, syllabus, one instructor,
    every competency mapped), made as a provider member would make it."""
    from django.core.files.base import ContentFile

    from courses import services
    from lssc.program.selectors import competency_set_with_competencies

    course = services.course_create(
        provider, competency_set=competency_set_with_competencies(set_code), title=title, by=by
    )
    course = services.course_update(
        course,
        fields={
            "description": "An introduction for library support staff.",
            "objectives": "Explain the library's role in its community.",
            "delivery": "online",
            "timing": "asynchronous",
            "self_paced": True,
            "duration": "8 weeks",
            "instructional_methods": "Readings and discussion forums.",
            "assessment_methods": "Weekly assignments and a final project.",
            "syllabus": ContentFile(SMALL_PDF, name="syllabus.pdf"),
        },
        by=by,
    )
    services.instructor_add(course, name="Jordan Teacher", qualifications="MLIS", by=by)
    return services.course_coverage_update(
        course,
        entries={
            pk: {"content": "Covered in week 1."}
            for pk in course.coverage.values_list("pk", flat=True)
        },
        by=by,
    )


def approved_course(provider=None, *, by=None, reviewer=None, **details):
    """`complete_course(...)` submitted and approved today by program staff."""
    from courses import services
    from courses.models import CourseReview

    provider = provider or ProviderFactory()
    by = by or ProviderMembershipFactory(provider=provider).user
    reviewer = reviewer or UserFactory(program_staff=True)
    course = services.course_submit(complete_course(provider, by=by, **details), by=by)
    services.course_review(
        course, decision=CourseReview.Decision.APPROVE, scores={}, reasons="", by=reviewer
    )
    course.refresh_from_db()
    return course


def candidacy_with_progress(**kwargs):
    """`CandidacyFactory(**kwargs)` with the progress rows admission makes."""
    from candidates.models import SetProgress
    from lssc.program.selectors import competency_sets_in_force

    candidacy = CandidacyFactory(**kwargs)
    SetProgress.objects.bulk_create(
        SetProgress(candidacy=candidacy, competency_set=s, chosen=s.is_required)
        for s in competency_sets_in_force()
    )
    return candidacy


def course_draft(provider=None, *, set_code: str = "cataloging-classification", by=None, **fields):
    """A draft course (through `course_create`, so its map rows exist) for the set with
    `set_code`; `fields` are saved on it as they are."""
    from courses import services
    from courses.models import Course
    from lssc.program.models import CompetencySet

    provider = provider or ProviderFactory()
    competency_set = CompetencySet.objects.filter(code=set_code).latest("pk")
    course = services.course_create(
        provider,
        competency_set=competency_set,
        title=fields.pop("title", "Cataloguing basics"),
        by=by,
    )
    if fields:
        Course.objects.filter(pk=course.pk).update(**fields)
        course.refresh_from_db()
    return course


def submitted_portfolio(candidacy=None, *, set_code: str = "technology", **candidacy_fields):
    """A portfolio for the set with `set_code`, fully documented (one PDF cited by every
    competency, a learning statement) and submitted: its round 1 is ready to assign.
    The candidacy is made with `candidacy_with_progress(**candidacy_fields)` if not given."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from candidates import services as candidate_services
    from portfolios import services
    from portfolios.models import Evidence

    candidacy = candidacy or candidacy_with_progress(**candidacy_fields)
    user = candidacy.user
    progress = candidacy.sets.select_related("competency_set").get(competency_set__code=set_code)
    candidate_services.set_progress_choose_route(progress, route="portfolio", by=user)
    portfolio = services.portfolio_start(candidacy, competency_set=progress.competency_set, by=user)
    evidence = services.evidence_add(
        portfolio,
        upload=SimpleUploadedFile("work-log.pdf", SMALL_PDF),
        title="Work log",
        kind=Evidence.Kind.PRIMARY,
        description="A month of my work.",
        by=user,
    )
    for response in portfolio.responses.all():
        services.response_save(
            portfolio,
            competency_id=response.competency_id,
            narrative=f"How my work shows competency {response.competency.number}.",
            evidence_ids=[evidence.pk],
            by=user,
        )
    services.learning_statement_save(portfolio, text="What I learned.", by=user)
    return services.portfolio_submit(portfolio, by=user)


def rate_all(assignment, value="met", *, values=None, comment="Clear evidence."):
    """Accept (if offered), rate every competency in scope (`values` maps competency number
    to a rating, others get `value`) and submit, as the assignment's evaluator."""
    from reviews import services
    from reviews.models import Assignment

    user = assignment.evaluator.user
    if assignment.status == Assignment.Status.OFFERED:
        assignment = services.assignment_accept(assignment, by=user)
    scope = set(assignment.scope.values_list("pk", flat=True))
    for item in assignment.submission.content:
        if scope and item["competency_id"] not in scope:
            continue
        chosen = (values or {}).get(item["number"], value)
        services.rating_save(
            assignment, competency_id=item["competency_id"], value=chosen, comment=comment, by=user
        )
    return services.assignment_submit(assignment, by=user)


def ready_candidacy(**kwargs):
    """A candidacy (made by `candidacy_with_progress(**kwargs)`) with every required set and
    three chosen electives achieved: ready for the certificate."""
    from candidates.models import SetProgress

    candidacy = candidacy_with_progress(**kwargs)
    rows = list(candidacy.sets.select_related("competency_set").order_by("competency_set__order"))
    required = [p for p in rows if p.competency_set.is_required]
    electives = [p for p in rows if not p.competency_set.is_required][:3]
    for progress in required + electives:
        progress.status = SetProgress.Status.ACHIEVED
        progress.route = SetProgress.Route.COURSE
        progress.chosen = True
        progress.achieved_at = timezone.now()
        progress.achieved_through = "Approved course: Test course"
        progress.save()
    return candidacy


def issued_certificate(candidacy=None, *, by=None, **kwargs):
    """A certificate issued through the service to a ready candidacy."""
    from candidates.certificate_services import certificate_issue

    candidacy = candidacy or ready_candidacy(**kwargs)
    return certificate_issue(candidacy, by=by or UserFactory(program_staff=True))
