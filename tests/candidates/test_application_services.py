"""Application services: submission, payments, information requests, decline, admission."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from candidates import services
from candidates.models import (
    Application,
    ApplicationStatusChange,
    Candidacy,
    CandidacyStatusChange,
    Payment,
    SetProgress,
)
from lssc.core.errors import DomainError, TransitionNotAllowed
from lssc.core.models import EmailLog
from lssc.program.selectors import rules_in_force
from tests.factories import UserFactory, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(db):
    return UserFactory(email="applicant@example.org")


@pytest.fixture
def submitted(applicant):
    return services.application_submit(complete_application(applicant), by=applicant)


def test_start_prefills_from_the_account_and_reuses_the_open_draft(applicant):
    first = services.application_start(applicant)
    second = services.application_start(applicant)
    assert first.pk == second.pk
    assert first.email == "applicant@example.org"
    assert list(first.status_changes.values_list("new_status", flat=True)) == ["draft"]


def test_a_candidate_cannot_start_an_application(candidate):
    with pytest.raises(DomainError, match="already a candidate"):
        services.application_start(candidate)


def test_submit_fixes_the_rules_the_standard_fee_and_the_counted_hours(
    applicant, mailoutbox, django_capture_on_commit_callbacks
):
    application = complete_application(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(application, by=applicant)
    assert application.status == Application.Status.SUBMITTED
    assert application.rules == rules_in_force()
    assert application.fee_due == Decimal("350.00")
    assert application.counted_hours == Decimal("6262.9")  # 1,096 days (both ends) at 40 h a week
    assert [m.subject for m in mailoutbox] == ["We received your LSSC application"]


def test_a_member_number_gives_the_member_fee(applicant):
    application = complete_application(applicant, member_number="ALA-12345")
    assert services.application_submit(application, by=applicant).fee_due == Decimal("325.00")


def test_submitting_twice_records_one_submission_and_sends_one_email(
    applicant, mailoutbox, django_capture_on_commit_callbacks
):
    application = complete_application(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application, by=applicant)
        services.application_submit(application, by=applicant)
    assert application.status_changes.filter(new_status="submitted").count() == 1
    assert len(mailoutbox) == 1


def test_an_ineligible_application_cannot_be_submitted_and_says_why(applicant):
    application = complete_application(applicant, hours_per_week=Decimal(5))
    with pytest.raises(DomainError, match=r"more hours of library work"):
        services.application_submit(application, by=applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None


def test_missing_lists_each_incomplete_section(applicant):
    application = services.application_start(applicant)
    sections = [section for section, _ in services.application_missing(application)]
    assert sections[0] == "personal"
    assert {"position", "education", "work", "review"} <= set(sections)


def test_payments_add_up_and_overpayment_is_refused(submitted, staff):
    services.payment_record(
        submitted, amount=Decimal("100"), method="card", received_on=timezone.localdate(), by=staff
    )
    services.payment_record(
        submitted,
        amount=Decimal("200"),
        method="cheque",
        reference="CHQ 17",
        received_on=timezone.localdate(),
        by=staff,
    )
    with pytest.raises(DomainError, match=r"more than the 50\.00 still due"):
        services.payment_record(
            submitted,
            amount=Decimal("60"),
            method="card",
            received_on=timezone.localdate(),
            by=staff,
        )
    assert services.amount_paid(submitted) == Decimal("300.00")
    assert Payment.objects.count() == 2


def test_no_payment_on_a_declined_application(submitted, staff):
    services.application_decline(submitted, by=staff, reason="Not library work.")
    with pytest.raises(DomainError, match="declined"):
        services.payment_record(
            submitted,
            amount=Decimal("10"),
            method="card",
            received_on=timezone.localdate(),
            by=staff,
        )
    assert Payment.objects.count() == 0


def test_request_info_then_resubmit_keeps_the_fee_and_records_both_moves(
    submitted, staff, applicant
):
    services.application_request_info(
        submitted, by=staff, message="Please add your volunteer work."
    )
    submitted.refresh_from_db()
    assert submitted.is_editable
    services.application_submit(submitted, by=applicant)
    moves = list(submitted.status_changes.values_list("old_status", "new_status", "note"))
    assert moves[-2:] == [
        ("submitted", "info_requested", "Please add your volunteer work."),
        ("info_requested", "submitted", "Resubmitted with more information."),
    ]
    assert Application.objects.get(pk=submitted.pk).fee_due == Decimal("350.00")


def test_decline_needs_a_reason_and_ends_the_application(submitted, staff):
    with pytest.raises(DomainError):
        services.application_decline(submitted, by=staff, reason="  ")
    services.application_decline(submitted, by=staff, reason="Fewer than the hours needed.")
    with pytest.raises(TransitionNotAllowed):
        services.application_request_info(submitted, by=staff, message="More?")


def test_admit_is_refused_until_paid_in_full(submitted, staff):
    with pytest.raises(DomainError, match=r"350\.00 of the fee is still unpaid"):
        services.application_admit(submitted, by=staff)
    assert Candidacy.objects.count() == 0


def test_admit_creates_the_candidacy_sets_and_letter(
    submitted, staff, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    services.payment_record(
        submitted,
        amount=Decimal("350"),
        method="purchase_order",
        received_on=timezone.localdate(),
        by=staff,
    )
    with django_capture_on_commit_callbacks(execute=True):
        candidacy = services.application_admit(submitted, by=staff)
    today = timezone.localdate()
    assert candidacy.number == f"LSSC-{today:%Y}-{candidacy.pk:05d}"
    assert candidacy.deadline == today.replace(year=today.year + 4)
    assert candidacy.acceptance_letter.read(5) == b"%PDF-"
    assert candidacy.sets.count() == 10
    assert candidacy.sets.filter(chosen=True, competency_set__kind="required").count() == 3
    assert candidacy.sets.filter(status=SetProgress.Status.NOT_STARTED).count() == 10
    assert Application.objects.get(pk=submitted.pk).status == "admitted"
    change = CandidacyStatusChange.objects.get(candidacy=candidacy)
    assert (change.new_status, change.actor) == ("active", staff)
    assert mailoutbox[-1].subject == "Welcome to LSSC: you are now a candidate"
    assert EmailLog.objects.filter(recipient=applicant, kind="application_admitted").count() == 1


def test_admit_with_an_override_records_what_was_overridden(submitted, staff):
    candidacy = services.application_admit(
        submitted, by=staff, override_reason="Employer pays by purchase order next week."
    )
    change = ApplicationStatusChange.objects.filter(application=submitted).last()
    assert change.new_status == "admitted"
    assert "350.00 of the fee is still unpaid" in change.note
    assert "Employer pays by purchase order next week." in change.note
    assert candidacy.status == Candidacy.Status.ACTIVE


def test_admitting_twice_creates_one_candidacy(submitted, staff):
    services.application_admit(submitted, by=staff, override_reason="Award pending.")
    with pytest.raises(DomainError):
        services.application_admit(submitted, by=staff, override_reason="Award pending.")
    assert Candidacy.objects.count() == 1


def test_extension_moves_the_deadline_later_only_with_a_reason(submitted, staff):
    candidacy = services.application_admit(submitted, by=staff, override_reason="Test.")
    old = candidacy.deadline
    with pytest.raises(DomainError, match="after the current one"):
        services.candidacy_extend_deadline(candidacy, new_deadline=old, reason="x", by=staff)
    extension = services.candidacy_extend_deadline(
        candidacy, new_deadline=old + timedelta(days=180), reason="Illness.", by=staff
    )
    candidacy.refresh_from_db()
    assert candidacy.deadline == old + timedelta(days=180)
    assert (extension.old_deadline, extension.actor, extension.reason) == (old, staff, "Illness.")


def test_declining_twice_sends_one_email(
    submitted, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decline(submitted, by=staff, reason="Not eligible.")
        services.application_decline(submitted, by=staff, reason="Not eligible.")
    assert [m.subject for m in mailoutbox] == ["Your LSSC application was not accepted"]
    assert submitted.status_changes.filter(new_status="declined").count() == 1


def test_the_education_year_is_needed_when_the_answer_is_yes(applicant):
    application = complete_application(applicant)
    services.application_update(
        application, section="education", fields={"education_year": None}, by=applicant
    )
    application.refresh_from_db()
    assert services.application_missing(application) == [
        ("education", "Give the year you finished your education.")
    ]
    with pytest.raises(DomainError, match=r"Give the year you finished your education\."):
        services.application_submit(application, by=applicant)
