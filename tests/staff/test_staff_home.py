"""The program staff's workspace at /staff/."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.certificate_selectors import candidacies_ready_for_certification
from candidates.models import Application, Candidacy, Payment, Renewal, SetProgress
from courses.models import Course, CourseCompletion, Provider
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio, PortfolioSubmission
from reviews import appeal_services
from reviews import services as review_services
from reviews.models import Appeal, Assignment, Decision, Evaluator, EvaluatorStatusChange
from tests.factories import (
    CandidacyFactory,
    EvaluatorFactory,
    ProviderFactory,
    UserFactory,
    issued_certificate,
    rate_all,
    ready_candidacy,
    submitted_application,
    submitted_portfolio,
)
from tests.staff.conftest import build_approved_course, build_claim, build_submitted_course

URL = "/staff/"


def test_staff_home_url_is_named_staff_home():
    assert reverse("staff:home") == URL


def test_staff_sees_counts_of_candidacies_providers_evaluators_and_users(client, staff):
    CandidacyFactory.create_batch(2)
    CandidacyFactory(status=Candidacy.Status.LAPSED)
    ProviderFactory()
    ProviderFactory.create_batch(2, verified_at=None)
    EvaluatorFactory()
    EvaluatorFactory(approved_at=None, status="applied")
    UserFactory(is_active=False)
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["candidacies"] == [
        {"status": "active", "label": "Active", "count": 2},
        {"status": "certified", "label": "Certified", "count": 0},
        {"status": "lapsed", "label": "Lapsed", "count": 1},
        {"status": "withdrawn", "label": "Withdrawn", "count": 0},
    ]
    assert response.context["candidacy_total"] == 3
    assert response.context["providers"] == {"verified": 1, "awaiting_verification": 2}
    assert response.context["evaluators"] == {"approved": 1, "awaiting_approval": 1}
    # staff + 3 candidates + 2 evaluators + the inactive account
    assert response.context["users"] == {"total": 7, "active": 6}
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert (
        '<tr><th scope="row" class="fw-normal">Lapsed</th><td class="text-end">1</td></tr>' in html
    )
    assert f'href="{URL}" aria-current="page">Staff</a>' in html


def test_staff_home_query_count_does_not_grow_with_the_number_of_rows(client, staff):
    client.force_login(staff)
    CandidacyFactory()
    ProviderFactory()
    EvaluatorFactory()
    with CaptureQueriesContext(connection) as with_few:
        client.get(URL)
    CandidacyFactory.create_batch(10, status=Candidacy.Status.CERTIFIED)
    ProviderFactory.create_batch(10, verified_at=None)
    EvaluatorFactory.create_batch(10)

    with CaptureQueriesContext(connection) as with_many:
        response = client.get(URL)

    assert response.context["candidacy_total"] == 11
    assert len(with_many) == len(with_few)


def test_program_rules_link_is_shown_only_to_django_admin_users(client, staff):
    rules_url = reverse("admin:program_programrules_changelist")
    client.force_login(staff)
    assert rules_url not in client.get(URL).content.decode()

    staff.is_staff = True
    staff.save()

    assert f'<a href="{rules_url}">Review the program rules</a>' in client.get(URL).content.decode()


def test_staff_home_sends_an_anonymous_visitor_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "provider_user"])
def test_staff_home_refuses_a_signed_in_user_who_is_not_program_staff(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]


def test_staff_home_refuses_a_django_admin_who_is_not_program_staff(client, db):
    # is_staff only opens the technical admin; the program office is a group.
    client.force_login(UserFactory(is_staff=True))

    assert client.get(URL).status_code == 404


# --- The work queues ----------------------------------------------------------------------

QUEUE_KEYS = [
    "applications",
    "payments",
    "providers",
    "courses",
    "completions",
    "portfolios",
    "overdue",
    "decisions",
    "certificates",
    "renewals",
    "appeals",
    "evaluators",
]

# How many days old the oldest item of each queue is made by `one_item_per_queue`.
AGES = {
    "applications": 12,
    "payments": 12,
    "providers": 5,
    "courses": 3,
    "completions": 4,
    "portfolios": 6,
    "overdue": 2,
    "decisions": 7,
    "certificates": 8,
    "renewals": 10,
    "appeals": 1,
    "evaluators": 9,
}


def days_ago(days: int) -> datetime:
    """Noon in the program's time zone `days` days before today, so the age in whole days
    is exact whatever the time the test runs."""
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def pool(db):
    technology = CompetencySet.objects.filter(code="technology").latest("pk")
    return [
        EvaluatorFactory(
            qualified_sets=[technology], employer=f"Library {i}", capacity_per_quarter=20
        )
        for i in range(4)
    ]


def rated_round(staff, value: str = "met"):
    """A submitted technology portfolio rated `value` throughout by two evaluators of the
    pool (the candidate's one resubmission already used), with its draft decision."""
    portfolio = submitted_portfolio()
    Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=1)
    submission = portfolio.submissions.get()
    for assignment in review_services.assignment_auto_assign(submission, by=staff):
        rate_all(assignment, value, comment="Read with care.")
    return Decision.objects.get(submission=submission)


def one_item_per_queue(staff) -> None:
    """One item waiting in each queue, its age set to AGES (`pool` must exist)."""
    # Applications to decide and payments outstanding: one submitted, unpaid application.
    application = submitted_application()
    Application.objects.filter(pk=application.pk).update(
        submitted_at=days_ago(AGES["applications"])
    )
    # A provider to verify.
    provider = ProviderFactory(verified_at=None)
    Provider.objects.filter(pk=provider.pk).update(created_at=days_ago(AGES["providers"]))
    # A course to review.
    course = build_submitted_course(title="Waiting course")
    Course.objects.filter(pk=course.pk).update(submitted_at=days_ago(AGES["courses"]))
    # A completion claim to verify.
    claim = build_claim(build_approved_course(title="Approved course"))
    CourseCompletion.objects.filter(pk=claim.pk).update(submitted_at=days_ago(AGES["completions"]))
    # A portfolio waiting for evaluators.
    waiting = submitted_portfolio().submissions.get()
    PortfolioSubmission.objects.filter(pk=waiting.pk).update(
        submitted_at=days_ago(AGES["portfolios"])
    )
    # An accepted evaluation past its due date (its round is in review).
    in_review = submitted_portfolio().submissions.get()
    accepted, _offered = review_services.assignment_auto_assign(in_review, by=staff)
    review_services.assignment_accept(accepted, by=accepted.evaluator.user)
    Assignment.objects.filter(pk=accepted.pk).update(
        due_on=timezone.localdate() - timedelta(days=AGES["overdue"])
    )
    # A decision drafted and waiting for release.
    draft = rated_round(staff)
    Decision.objects.filter(pk=draft.pk).update(created_at=days_ago(AGES["decisions"]))
    # An open appeal against a released decision.
    released = review_services.decision_release(rated_round(staff, "not_met"), by=staff)
    appeal = appeal_services.appeal_file_notice(
        released, notice="The evidence was missed.", by=released.portfolio.candidacy.user
    )
    Appeal.objects.filter(pk=appeal.pk).update(notice_filed_at=days_ago(AGES["appeals"]))
    # A candidate ready for the certificate, since their last set was achieved.
    ready = ready_candidacy()
    ready.sets.filter(status=SetProgress.Status.ACHIEVED).update(
        achieved_at=days_ago(AGES["certificates"])
    )
    # A renewal waiting for a decision.
    certificate = issued_certificate(by=staff)
    Renewal.objects.create(
        certificate=certificate,
        status=Renewal.Status.SUBMITTED,
        submitted_at=days_ago(AGES["renewals"]),
    )
    # An application to evaluate.
    applicant = EvaluatorFactory(status=Evaluator.Status.APPLIED, approved_at=None)
    Evaluator.objects.filter(pk=applicant.pk).update(created_at=days_ago(AGES["evaluators"]))


def queues_of(response) -> dict:
    return {queue.key: queue for queue in response.context["queues"]}


def test_staff_home_lists_every_queue_in_the_order_work_flows(client, staff):
    client.force_login(staff)

    response = client.get(URL)

    assert [queue.key for queue in response.context["queues"]] == QUEUE_KEYS
    assert {queue.key: queue.count for queue in response.context["queues"]} == dict.fromkeys(
        QUEUE_KEYS, 0
    )
    assert response.context["queues"][0].age_text == ""
    assert "Nothing waiting" in response.content.decode()


def test_each_queue_counts_its_one_waiting_item_and_its_age(client, staff, pool):
    one_item_per_queue(staff)
    client.force_login(staff)

    response = client.get(URL)

    queues = queues_of(response)
    assert {key: queue.count for key, queue in queues.items()} == dict.fromkeys(QUEUE_KEYS, 1)
    assert {key: queue.oldest_days for key, queue in queues.items()} == AGES
    assert queues["applications"].age_text == "oldest: 12 days"
    assert queues["overdue"].age_text == "longest overdue: 2 days"
    assert queues["appeals"].age_text == "oldest: 1 day"
    assert response.context["certificates_to_issue"] == 1
    assert len(candidacies_ready_for_certification()) == 1
    html = response.content.decode()
    assert "<strong>1</strong> application waiting for a decision." in html
    assert "<strong>1</strong> portfolio waiting for evaluators; 1 round in review." in html
    assert (
        "<strong>1</strong> appeal open; 1 still waiting for the candidate&#x27;s grounds." in html
    )
    assert "oldest: 12 days" in html


def test_each_queue_links_to_the_page_where_its_items_are_handled(client, staff):
    client.force_login(staff)

    html = client.get(URL).content.decode()

    for url, text in [
        ("/staff/applications/?status=submitted", "Open the applications queue"),
        ("/staff/applications/", "Open the applications to record payments"),
        (reverse("staff:providers"), "Open the providers"),
        (reverse("staff:courses"), "Open the course reviews"),
        (reverse("staff:completions"), "Open the completion claims"),
        (reverse("staff:portfolios"), "Open the portfolios"),
        (reverse("staff:portfolios"), "Find the overdue rounds in the portfolio queue"),
        (reverse("staff:decisions"), "Open the decisions"),
        (reverse("staff:certificates"), "Open the certificates"),
        (reverse("staff:renewals"), "Open the renewals"),
        (reverse("staff:appeals"), "Open the appeals"),
        ("/staff/evaluators/?status=applied", "Open the evaluator applications"),
    ]:
        assert f'href="{url}">{text}</a>' in html, text
    for name in ("staff:reports", "staff:audit", "staff:rules"):
        assert f'href="{reverse(name)}"' in html, name
    assert f'action="{reverse("staff:search")}"' in html
    assert 'name="q"' in html


def test_payments_outstanding_counts_only_applications_not_paid_in_full(client, staff):
    unpaid = submitted_application()
    partly = submitted_application()
    paid = submitted_application()
    for application, amount in [(partly, Decimal("100.00")), (paid, paid.fee_due)]:
        services.payment_record(
            application,
            amount=amount,
            method=Payment.Method.CHEQUE,
            received_on=timezone.localdate(),
            by=staff,
        )
    Application.objects.filter(pk=unpaid.pk).update(submitted_at=days_ago(3))
    client.force_login(staff)

    queues = queues_of(client.get(URL))

    assert queues["applications"].count == 3
    assert queues["payments"].count == 2
    assert queues["payments"].oldest_days == 3


def test_a_decided_or_paid_item_leaves_its_queue(client, staff):
    application = submitted_application()
    services.payment_record(
        application,
        amount=application.fee_due,
        method=Payment.Method.CHEQUE,
        received_on=timezone.localdate(),
        by=staff,
    )
    services.application_admit(application, by=staff)
    client.force_login(staff)

    queues = queues_of(client.get(URL))

    assert queues["applications"].count == 0
    assert queues["payments"].count == 0
    assert queues["applications"].oldest_at is None


def test_an_evaluator_who_applies_again_waits_from_the_new_application(client, staff):
    applicant = EvaluatorFactory(status=Evaluator.Status.APPLIED, approved_at=None)
    Evaluator.objects.filter(pk=applicant.pk).update(created_at=days_ago(40))
    EvaluatorStatusChange.objects.create(
        evaluator=applicant, old_status="declined", new_status="applied", note="Applied again."
    )
    EvaluatorStatusChange.objects.filter(evaluator=applicant).update(at=days_ago(2))
    client.force_login(staff)

    assert queues_of(client.get(URL))["evaluators"].oldest_days == 2


def test_staff_home_query_count_is_the_same_with_one_or_several_items_per_queue(
    client, staff, pool
):
    client.force_login(staff)
    one_item_per_queue(staff)
    client.get(URL)  # warm the caches (program rules, content types)
    with CaptureQueriesContext(connection) as with_one:
        client.get(URL)
    one_item_per_queue(staff)
    one_item_per_queue(staff)

    with CaptureQueriesContext(connection) as with_several:
        response = client.get(URL)

    assert {q.key: q.count for q in response.context["queues"]} == dict.fromkeys(QUEUE_KEYS, 3)
    assert len(with_several) == len(with_one)
