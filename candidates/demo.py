"""Demo applications in each state, an admitted candidate with mixed progress, and a
certificate holder part-way through renewal."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from candidates import certificate_services, services
from candidates.models import Application, Candidacy, Certificate, SetProgress
from candidates.renewal_rules import hours_progress, renewal_window
from lssc.accounts.demo import demo_user
from lssc.core.dates import add_months, add_years
from lssc.program.selectors import rules_in_force

STAFF_EMAIL = "staff@example.org"


def _filled_application(user, *, legal_name, state, hours_per_week=Decimal(25), member=""):
    application = services.application_start(user)
    services.application_update(
        application,
        section=Application.Section.PERSONAL,
        fields={
            "legal_name": legal_name,
            "phone": "555-0142",
            "address_line1": "200 Elm Street",
            "city": "Springfield",
            "state": state,
            "postal_code": "62701",
            "country": "United States",
        },
        by=user,
    )
    services.application_update(
        application,
        section=Application.Section.POSITION,
        fields={
            "library_name": f"{state} Public Library",
            "library_type": "public",
            "job_title": "Library assistant",
            "has_education": True,
            "education_year": 2005,
        },
        by=user,
    )
    services.application_replace_jobs(
        application,
        jobs=[
            {
                "library": f"{state} Public Library",
                "library_type": "public",
                "role": "Library assistant",
                "paid": True,
                "start": timezone.localdate() - timedelta(days=3 * 365),
                "end": None,
                "hours_per_week": hours_per_week,
            },
            {
                "library": "Riverside School Library",
                "library_type": "school",
                "role": "Volunteer shelver",
                "paid": False,
                "start": timezone.localdate() - timedelta(days=7 * 365),
                "end": timezone.localdate() - timedelta(days=4 * 365),
                "hours_per_week": Decimal(4),
            },
        ],
        by=user,
    )
    return services.application_update(
        application,
        section=Application.Section.REVIEW,
        fields={
            "ala_member_number": member,
            "attestation_name": legal_name,
            "attested_at": timezone.now(),
        },
        by=user,
    )


def _applicant(email, first, last):
    user = demo_user(email, first_name=first, last_name=last)
    return user, Application.objects.filter(user=user).exists()


def seed(log):
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    today = timezone.localdate()

    user, exists = _applicant("draft.applicant@example.org", "Dana", "Lopez")
    if not exists:
        application = services.application_start(user)
        services.application_update(
            application,
            section=Application.Section.POSITION,
            fields={"legal_name": "Dana Lopez", "state": "Ohio"},
            by=user,
        )
    log("draft.applicant@example.org — an application still in draft")

    user, exists = _applicant("submitted.applicant@example.org", "Sam", "Okoro")
    if not exists:
        application = _filled_application(
            user, legal_name="Sam Okoro", state="Iowa", member="ALA-20417"
        )
        application = services.application_submit(application, by=user)
        services.payment_record(
            application, amount=Decimal(100), method="card", received_on=today, by=staff
        )
    log("submitted.applicant@example.org — submitted, fee partly paid")

    user, exists = _applicant("info.applicant@example.org", "Lee", "Park")
    if not exists:
        application = services.application_submit(
            _filled_application(user, legal_name="Lee Park", state="Texas"), by=user
        )
        services.application_request_info(
            application,
            by=staff,
            message="Please add the dates of your volunteer work at the branch library.",
        )
    log("info.applicant@example.org — more information requested")

    user, exists = _applicant("declined.applicant@example.org", "Mo", "Ibrahim")
    if not exists:
        application = services.application_submit(
            _filled_application(user, legal_name="Mo Ibrahim", state="Maine"), by=user
        )
        services.application_decline(
            application,
            by=staff,
            reason="The position described requires a library degree, so it is not a support "
            "staff position.",
        )
    log("declined.applicant@example.org — declined with a reason")

    user = demo_user("candidate@example.org", first_name="Casey", last_name="Nguyen")
    if not Candidacy.objects.filter(user=user).exists():
        application = services.application_submit(
            _filled_application(user, legal_name="Casey Nguyen", state="Illinois"), by=user
        )
        services.payment_record(
            application,
            amount=rules_in_force().fee_standard,
            method="cheque",
            reference="Cheque 1042",
            received_on=today,
            by=staff,
        )
        candidacy = services.application_admit(application, by=staff)
        _mixed_progress(candidacy, user, staff)
    log("candidate@example.org — an admitted candidate with some sets done")

    _certified_holder(staff, log)


def _mixed_progress(candidacy, user, staff):
    sets = {p.competency_set.code: p for p in candidacy.sets.select_related("competency_set")}
    achieved = SetProgress.Status.ACHIEVED
    foundations = services.set_progress_choose_route(sets["foundations"], route="course", by=user)
    services.set_progress_transition(
        foundations,
        achieved,
        by=staff,
        route="course",
        note="Course completion verified.",
        achieved_through="Approved course: Foundations of Library Service (online)",
    )
    # Technology and Communication and Teamwork go by portfolio: portfolios/demo.py builds
    # a submitted one and a draft.
    services.set_progress_choose_route(sets["technology"], route="portfolio", by=user)
    services.set_progress_choose_route(sets["communication-teamwork"], route="portfolio", by=user)
    electives = ["reference-information", "youth-services", "access-services"]
    services.set_progress_choose_electives(
        candidacy, set_ids=[sets[code].competency_set_id for code in electives], by=user
    )
    services.set_progress_transition(
        services.set_progress_choose_route(sets["reference-information"], route="course", by=user),
        achieved,
        by=staff,
        route="course",
        note="Course completion verified.",
        achieved_through="Approved course: Reference Essentials",
    )


def _certified_holder(staff, log):
    """certified@example.org: six sets achieved, a certificate issued about four years and a
    month ago (back-dated so that its renewal window opened a month ago, whatever the rules'
    numbers) and a renewal log not yet long enough."""
    rules = rules_in_force()
    today = timezone.localdate()
    user = demo_user("certified@example.org", first_name="Jordan", last_name="Ellis")
    if not Candidacy.objects.filter(user=user).exists():
        application = services.application_submit(
            _filled_application(user, legal_name="Jordan Ellis", state="Oregon"), by=user
        )
        services.payment_record(
            application,
            amount=rules.fee_standard,
            method="card",
            received_on=today,
            by=staff,
        )
        candidacy = services.application_admit(application, by=staff)
        _six_sets(candidacy, user, staff, rules)
        certificate = certificate_services.certificate_issue(candidacy, by=staff)
        expires_on = add_months(today, rules.renewal_window_months - 1)
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=add_years(expires_on, -rules.certificate_years), expires_on=expires_on
        )
        certificate.refresh_from_db()
        renewal = certificate_services.renewal_start(certificate, by=user)
        for activity, provider, months_ago, kind, amount, technology in [
            (
                "Introduction to Archives (LIS 210)",
                "Lane Community College",
                30,
                "semester",
                1,
                False,
            ),
            (
                "Managing the integrated library system",
                "Oregon Library Association",
                14,
                "workshop",
                6,
                True,
            ),
            ("Pacific Northwest Library Association conference", "PNLA", 5, "conference", 1, False),
        ]:
            certificate_services.ce_add(
                renewal,
                fields={
                    "activity": activity,
                    "provider": provider,
                    "completed_on": add_months(today, -months_ago),
                    "kind": kind,
                    "amount": Decimal(amount),
                    "technology": technology,
                },
                by=user,
            )
    certificate = Certificate.objects.filter(candidacy__user=user).order_by("-pk").first()
    window = renewal_window(certificate.expires_on, rules)
    progress = hours_progress(certificate.renewal.entries.all(), rules)
    log(
        f"certified@example.org — certificate {certificate.number} expires "
        f"{certificate.expires_on:%-d %B %Y}; renewal window {window.stage(today).replace('_', ' ')} "
        f"(opened {window.opens:%-d %B %Y}), draft log with {progress.total.normalize():f} of "
        f"{progress.needed} hours"
    )


def _six_sets(candidacy, user, staff, rules):
    """Every required set and enough chosen electives achieved through approved courses."""
    sets = list(candidacy.sets.select_related("competency_set").order_by("competency_set__order"))
    electives = [p for p in sets if not p.competency_set.is_required][: rules.electives_needed]
    services.set_progress_choose_electives(
        candidacy, set_ids=[p.competency_set_id for p in electives], by=user
    )
    for progress in [p for p in sets if p.competency_set.is_required] + electives:
        services.set_progress_transition(
            services.set_progress_choose_route(progress, route="course", by=user),
            SetProgress.Status.ACHIEVED,
            by=staff,
            route="course",
            note="Course completion verified.",
            achieved_through=f"Approved course: {progress.competency_set.name} essentials",
        )
