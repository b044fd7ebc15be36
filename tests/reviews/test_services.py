"""Portfolio evaluation through its services and selectors: the evaluator pool, conflicts of
interest, assignments, ratings, settling a round into a draft decision and its release."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates.models import SetProgress
from lssc.accounts.models import User
from lssc.accounts.roles import roles_of
from lssc.celery import app as celery_app
from lssc.core.errors import DomainError, TransitionNotAllowed
from lssc.core.models import EmailLog
from lssc.program.models import CompetencySet
from portfolios import services as portfolio_services
from portfolios.models import Portfolio
from reviews import selectors, services
from reviews.models import (
    Assignment,
    AssignmentStatusChange,
    ConflictOfInterest,
    Decision,
    Evaluator,
    Rating,
)
from reviews.tasks import release_stale_assignments_task
from tests.factories import (
    SMALL_PDF,
    ApplicationFactory,
    EvaluatorFactory,
    UserFactory,
    candidacy_with_progress,
    rate_all,
    submitted_portfolio,
)

pytestmark = pytest.mark.django_db

PROFILE = {
    "employer": "Oak Park Public Library",
    "state": "Illinois",
    "qualifications": "MLIS, 2009.",
    "experience": "Ten years in public services; I supervise four assistants.",
    "capacity_per_quarter": 3,
}


# --- Fixtures and helpers -----------------------------------------------------------------


def competency_set(code):
    return CompetencySet.objects.filter(code=code).latest("pk")


@pytest.fixture
def technology():
    return competency_set("technology")


@pytest.fixture
def foundations():
    return competency_set("foundations")


@pytest.fixture
def staff_member():
    return UserFactory(program_staff=True)


@pytest.fixture
def pool(technology):
    """Three approved evaluators for Technology, none in conflict with anybody (no shared
    employer or state with the candidates made here), approved in this order."""
    return [
        EvaluatorFactory(qualified_sets=[technology], employer=f"Library {i}", state="Ohio")
        for i in range(3)
    ]


def resume():
    return SimpleUploadedFile("cv.pdf", SMALL_PDF, content_type="application/pdf")


def fresh(user):
    """The user as a new request would load it (roles are cached per user object)."""
    return User.objects.get(pk=user.pk)


def round_of(portfolio, number=1):
    return portfolio.submissions.get(round=number)


def candidate_with_application(
    *,
    first_name="Robin",
    last_name="Reader",
    legal_name="Robin Reader",
    library="Springfield Public Library",
    state="Illinois",
):
    """A candidacy admitted from an application naming the candidate's library and state."""
    user = UserFactory(first_name=first_name, last_name=last_name)
    application = ApplicationFactory(
        user=user, legal_name=legal_name, library_name=library, state=state
    )
    return candidacy_with_progress(user=user, application=application)


def outside_evaluator(*sets, state="Ohio"):
    """An approved evaluator for `sets` working at a library no candidate here works at."""
    return EvaluatorFactory(
        qualified_sets=list(sets), employer="Riverside Regional Library", state=state
    )


def reasons_for(submission, evaluator):
    """Why `evaluator` may not take `submission` ([] when eligible)."""
    choices = selectors.eligible_evaluators(submission, include_ineligible=True)
    return next(c.reasons for c in choices if c.evaluator.pk == evaluator.pk)


def eligible_ids(submission):
    return [c.evaluator.pk for c in selectors.eligible_evaluators(submission)]


def email_kinds(user):
    return list(
        EmailLog.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def history(obj):
    return list(obj.status_changes.order_by("pk").values_list("old_status", "new_status", "note"))


def accepted(assignment):
    return services.assignment_accept(assignment, by=assignment.evaluator.user)


def numbers(submission):
    return [item["number"] for item in submission.content]


def competency_id(submission, number):
    return next(i["competency_id"] for i in submission.content if i["number"] == number)


def progress_of(portfolio):
    return SetProgress.objects.get(
        candidacy=portfolio.candidacy, competency_set=portfolio.competency_set
    )


# --- Evaluator applications ---------------------------------------------------------------


def test_evaluator_apply_then_approve_grants_the_evaluator_role(technology, foundations):
    staff = UserFactory(program_staff=True)
    user = UserFactory()

    evaluator = services.evaluator_apply(
        user, fields=PROFILE, set_ids=[technology.pk], resume=resume()
    )

    assert evaluator.status == Evaluator.Status.APPLIED
    assert evaluator.employer == "Oak Park Public Library"
    assert evaluator.capacity_per_quarter == 3
    assert evaluator.resume.name.endswith(".pdf")
    assert roles_of(fresh(user)).is_evaluator is False

    approved = services.evaluator_approve(
        evaluator, set_ids=[technology.pk, foundations.pk], by=staff, note="Strong background."
    )

    assert approved.status == Evaluator.Status.APPROVED
    assert approved.approved_at is not None
    assert approved.decision_note == "Strong background."
    assert set(approved.qualified_sets.all()) == {technology, foundations}
    assert roles_of(fresh(user)).is_evaluator is True
    assert history(approved) == [
        ("", "applied", "Applied."),
        ("applied", "approved", "Strong background."),
    ]
    assert list(approved.status_changes.order_by("pk").values_list("actor", flat=True)) == [
        user.pk,
        staff.pk,
    ]
    assert email_kinds(user) == ["evaluator_applied", "evaluator_approved"]


def test_evaluator_apply_again_while_waiting_updates_the_application_without_email(technology):
    user = UserFactory()
    evaluator = services.evaluator_apply(
        user, fields=PROFILE, set_ids=[technology.pk], resume=resume()
    )

    updated = services.evaluator_apply(
        user, fields={**PROFILE, "capacity_per_quarter": 1}, set_ids=[technology.pk]
    )

    assert (updated.pk, updated.status, updated.capacity_per_quarter) == (
        evaluator.pk,
        Evaluator.Status.APPLIED,
        1,
    )
    assert history(updated) == [
        ("", "applied", "Applied."),
        ("applied", "applied", "Application updated."),
    ]
    assert email_kinds(user) == ["evaluator_applied"]


def test_evaluator_approve_twice_changes_nothing_and_a_declined_profile_cannot_be_approved(
    technology, foundations
):
    staff = UserFactory(program_staff=True)
    approved = services.evaluator_approve(
        services.evaluator_apply(
            UserFactory(), fields=PROFILE, set_ids=[technology.pk], resume=resume()
        ),
        set_ids=[technology.pk],
        by=staff,
    )
    declined = services.evaluator_decline(
        services.evaluator_apply(
            UserFactory(), fields=PROFILE, set_ids=[technology.pk], resume=resume()
        ),
        reason="Not enough experience yet.",
        by=staff,
    )

    again = services.evaluator_approve(approved, set_ids=[foundations.pk], by=staff)

    assert list(again.qualified_sets.all()) == [technology]
    assert [row[1] for row in history(again)] == ["applied", "approved"]
    assert email_kinds(approved.user) == ["evaluator_applied", "evaluator_approved"]
    with pytest.raises(DomainError, match="declined, so it cannot be approved"):
        services.evaluator_approve(declined, set_ids=[technology.pk], by=staff)
    declined.refresh_from_db()
    assert declined.status == Evaluator.Status.DECLINED


def test_evaluator_approve_needs_the_sets(technology):
    staff = UserFactory(program_staff=True)
    evaluator = services.evaluator_apply(
        UserFactory(), fields=PROFILE, set_ids=[technology.pk], resume=resume()
    )

    with pytest.raises(DomainError, match="Choose the sets"):
        services.evaluator_approve(evaluator, set_ids=[], by=staff)

    evaluator.refresh_from_db()
    assert evaluator.status == Evaluator.Status.APPLIED


def test_evaluator_apply_needs_a_set_and_a_resume(technology):
    user = UserFactory()

    with pytest.raises(DomainError, match="at least one competency set"):
        services.evaluator_apply(user, fields=PROFILE, set_ids=[], resume=resume())
    with pytest.raises(DomainError, match="Attach your résumé"):
        services.evaluator_apply(user, fields=PROFILE, set_ids=[technology.pk])

    assert not Evaluator.objects.filter(user=user).exists()


def test_evaluator_apply_refused_for_an_approved_evaluator(technology):
    evaluator = EvaluatorFactory(qualified_sets=[technology])

    with pytest.raises(DomainError, match="already an evaluator"):
        services.evaluator_apply(
            evaluator.user, fields=PROFILE, set_ids=[technology.pk], resume=resume()
        )


def test_evaluator_decline_needs_a_reason(technology):
    staff = UserFactory(program_staff=True)
    user = UserFactory()
    evaluator = services.evaluator_apply(
        user, fields=PROFILE, set_ids=[technology.pk], resume=resume()
    )

    with pytest.raises(DomainError, match="Give the reason"):
        services.evaluator_decline(evaluator, reason="   ", by=staff)

    evaluator.refresh_from_db()
    assert evaluator.status == Evaluator.Status.APPLIED
    assert email_kinds(user) == ["evaluator_applied"]


def test_evaluator_declined_may_apply_again(technology):
    staff = UserFactory(program_staff=True)
    user = UserFactory()
    evaluator = services.evaluator_apply(
        user, fields=PROFILE, set_ids=[technology.pk], resume=resume()
    )

    declined = services.evaluator_decline(
        evaluator, reason="Tell us more about assessing others' work.", by=staff
    )

    assert declined.status == Evaluator.Status.DECLINED
    assert declined.decision_note == "Tell us more about assessing others' work."
    assert roles_of(fresh(user)).is_evaluator is False

    again = services.evaluator_apply(
        user,
        fields={**PROFILE, "experience": "I also mark assignments for a library course."},
        set_ids=[technology.pk],
    )

    assert again.pk == evaluator.pk
    assert again.status == Evaluator.Status.APPLIED
    assert again.experience == "I also mark assignments for a library course."
    assert history(again) == [
        ("", "applied", "Applied."),
        ("applied", "declined", "Tell us more about assessing others' work."),
        ("declined", "applied", "Applied again."),
    ]
    assert email_kinds(user) == ["evaluator_applied", "evaluator_declined", "evaluator_applied"]


def test_evaluator_set_active_pauses_and_resumes(technology):
    staff = UserFactory(program_staff=True)
    evaluator = EvaluatorFactory(qualified_sets=[technology])

    paused = services.evaluator_set_active(evaluator, active=False, by=staff)

    assert paused.status == Evaluator.Status.INACTIVE
    # Paused means no new offers; the role stays so accepted reviews can be finished.
    assert roles_of(fresh(evaluator.user)).is_evaluator is True

    resumed = services.evaluator_set_active(evaluator, active=True, by=staff)

    assert resumed.status == Evaluator.Status.APPROVED
    assert roles_of(fresh(evaluator.user)).is_evaluator is True
    assert history(resumed) == [
        ("approved", "inactive", "Paused new offers."),
        ("inactive", "approved", "Taking offers again."),
    ]


def test_evaluator_set_active_refused_for_an_application(technology):
    staff = UserFactory(program_staff=True)
    evaluator = services.evaluator_apply(
        UserFactory(), fields=PROFILE, set_ids=[technology.pk], resume=resume()
    )

    with pytest.raises(TransitionNotAllowed):
        services.evaluator_set_active(evaluator, active=False, by=staff)


def test_conflict_add_and_remove_are_recorded_in_the_history():
    evaluator = EvaluatorFactory()
    user = evaluator.user

    conflict = services.conflict_add(
        evaluator, kind="person", name="  Robin   Reader ", note=" My sister-in-law ", by=user
    )

    assert (conflict.kind, conflict.name, conflict.note) == (
        "person",
        "Robin Reader",
        "My sister-in-law",
    )

    services.conflict_remove(conflict, by=user)

    assert not ConflictOfInterest.objects.filter(evaluator=evaluator).exists()
    assert history(evaluator) == [
        ("approved", "approved", "Conflict declared: A person: Robin Reader."),
        ("approved", "approved", "Conflict removed: A person: Robin Reader."),
    ]


def test_conflict_add_needs_a_name():
    evaluator = EvaluatorFactory()

    with pytest.raises(DomainError, match="Give the person's or library's name"):
        services.conflict_add(evaluator, kind="library", name="   ", by=evaluator.user)

    assert not evaluator.conflicts.exists()


# --- Eligibility and conflicts of interest ------------------------------------------------


def test_evaluator_not_qualified_for_the_set_is_not_eligible(technology, foundations):
    staff = UserFactory(program_staff=True)
    qualified = EvaluatorFactory(qualified_sets=[technology], state="Ohio")
    elsewhere = EvaluatorFactory(qualified_sets=[foundations], state="Ohio")
    submission = round_of(submitted_portfolio())

    assert eligible_ids(submission) == [qualified.pk]
    assert reasons_for(submission, elsewhere) == ["Not qualified for Technology."]
    with pytest.raises(DomainError, match="Not qualified for Technology"):
        services.assignment_offer(submission, elsewhere, by=staff)
    assert not Assignment.objects.exists()


def test_evaluator_at_the_candidates_library_is_in_conflict_whatever_the_spelling(technology):
    staff = UserFactory(program_staff=True)
    candidacy = candidate_with_application(library="Springfield Public-Library")
    colleague = EvaluatorFactory(
        qualified_sets=[technology], employer="  SPRINGFIELD public library. ", state="Ohio"
    )
    other = EvaluatorFactory(
        qualified_sets=[technology], employer="Springfield College Library", state="Ohio"
    )
    submission = round_of(submitted_portfolio(candidacy))

    assert selectors.conflicts_between(colleague, candidacy) == [
        "They work at the candidate's library."
    ]
    assert selectors.conflicts_between(other, candidacy) == []
    assert eligible_ids(submission) == [other.pk]
    with pytest.raises(DomainError, match="They work at the candidate's library"):
        services.assignment_offer(submission, colleague, by=staff)


def test_declared_person_conflict_matching_the_candidates_name_excludes_the_evaluator(
    technology,
):
    staff = UserFactory(program_staff=True)
    candidacy = candidate_with_application(legal_name="Roberta Q. Reader")
    by_account_name = outside_evaluator(technology)
    by_legal_name = outside_evaluator(technology)
    other_person = outside_evaluator(technology)
    services.conflict_add(by_account_name, kind="person", name="ROBIN reader", by=staff)
    services.conflict_add(by_legal_name, kind="person", name="Roberta Q Reader", by=staff)
    services.conflict_add(other_person, kind="person", name="Robin Readers", by=staff)
    submission = round_of(submitted_portfolio(candidacy))

    assert selectors.conflicts_between(by_account_name, candidacy) == [
        "They declared a conflict with the candidate."
    ]
    assert selectors.conflicts_between(by_legal_name, candidacy) == [
        "They declared a conflict with the candidate."
    ]
    assert eligible_ids(submission) == [other_person.pk]
    with pytest.raises(DomainError, match="declared a conflict with the candidate"):
        services.assignment_offer(submission, by_account_name, by=staff)


def test_declared_library_conflict_excludes_the_evaluator(technology):
    staff = UserFactory(program_staff=True)
    candidacy = candidate_with_application(library="Oak Park Public Library")
    declared = outside_evaluator(technology)
    services.conflict_add(declared, kind="library", name="oak park public library", by=staff)
    # A person conflict with the library's name is not a library conflict.
    as_person = outside_evaluator(technology)
    services.conflict_add(as_person, kind="person", name="Oak Park Public Library", by=staff)
    submission = round_of(submitted_portfolio(candidacy))

    assert selectors.conflicts_between(declared, candidacy) == [
        "They declared a conflict with the candidate's library."
    ]
    assert reasons_for(submission, declared) == [
        "They declared a conflict with the candidate's library."
    ]
    assert eligible_ids(submission) == [as_person.pk]


def test_same_state_is_a_conflict_only_when_the_setting_says_so(technology, settings):
    candidacy = candidate_with_application(state="Illinois")
    neighbour = outside_evaluator(technology, state="illinois")
    submission = round_of(submitted_portfolio(candidacy))

    settings.EVALUATOR_SAME_STATE_CONFLICT = False
    assert selectors.conflicts_between(neighbour, candidacy) == []
    assert eligible_ids(submission) == [neighbour.pk]

    settings.EVALUATOR_SAME_STATE_CONFLICT = True
    assert selectors.conflicts_between(neighbour, candidacy) == [
        "They work in the candidate's state."
    ]
    assert eligible_ids(submission) == []


def test_candidate_never_evaluates_their_own_portfolio(technology):
    staff = UserFactory(program_staff=True)
    candidacy = candidate_with_application()
    themselves = EvaluatorFactory(
        user=candidacy.user, qualified_sets=[technology], employer="Elsewhere", state="Ohio"
    )
    submission = round_of(submitted_portfolio(candidacy))

    assert reasons_for(submission, themselves) == ["It is their own portfolio."]
    with pytest.raises(DomainError, match="It is their own portfolio"):
        services.assignment_offer(submission, themselves, by=staff)


def test_candidate_without_application_has_only_the_own_profile_conflict(technology):
    portfolio = submitted_portfolio()
    evaluator = EvaluatorFactory(qualified_sets=[technology])

    assert portfolio.candidacy.application is None
    assert selectors.conflicts_between(evaluator, portfolio.candidacy) == []


def test_evaluator_at_capacity_is_not_eligible(technology):
    staff = UserFactory(program_staff=True)
    busy = EvaluatorFactory(qualified_sets=[technology], state="Ohio", capacity_per_quarter=1)
    services.assignment_offer(round_of(submitted_portfolio()), busy, by=staff)
    submission = round_of(submitted_portfolio())

    assert reasons_for(submission, busy) == ["At capacity (1 of 1 this quarter)."]
    assert eligible_ids(submission) == []
    with pytest.raises(DomainError, match="At capacity"):
        services.assignment_offer(submission, busy, by=staff)


def test_capacity_counts_only_live_assignments_of_the_last_quarter(technology):
    staff = UserFactory(program_staff=True)
    evaluator = EvaluatorFactory(qualified_sets=[technology], state="Ohio", capacity_per_quarter=1)
    old = services.assignment_offer(round_of(submitted_portfolio()), evaluator, by=staff)
    submission = round_of(submitted_portfolio())

    Assignment.objects.filter(pk=old.pk).update(offered_at=timezone.now() - timedelta(days=92))
    assert eligible_ids(submission) == [evaluator.pk]

    Assignment.objects.filter(pk=old.pk).update(offered_at=timezone.now())
    services.assignment_decline(old, by=evaluator.user)
    assert eligible_ids(submission) == [evaluator.pk]


def test_paused_evaluator_gets_no_offer(technology):
    staff = UserFactory(program_staff=True)
    paused = EvaluatorFactory(qualified_sets=[technology], state="Ohio")
    services.evaluator_set_active(paused, active=False, by=staff)
    submission = round_of(submitted_portfolio())

    assert selectors.eligible_evaluators(submission, include_ineligible=True) == []
    with pytest.raises(DomainError, match="not an active evaluator"):
        services.assignment_offer(submission, paused, by=staff)
    with pytest.raises(DomainError, match="No eligible evaluator"):
        services.assignment_auto_assign(submission, by=staff)


def test_ranking_puts_the_lighter_load_first(technology):
    staff = UserFactory(program_staff=True)
    busier = EvaluatorFactory(qualified_sets=[technology], state="Ohio", capacity_per_quarter=2)
    lighter = EvaluatorFactory(qualified_sets=[technology], state="Ohio", capacity_per_quarter=2)
    roomy = EvaluatorFactory(qualified_sets=[technology], state="Ohio", capacity_per_quarter=4)
    services.assignment_offer(round_of(submitted_portfolio()), busier, by=staff)
    services.assignment_offer(round_of(submitted_portfolio()), roomy, by=staff)
    submission = round_of(submitted_portfolio())

    choices = selectors.eligible_evaluators(submission)

    # Load against capacity: lighter 0/2, roomy 1/4, busier 1/2.
    assert [c.evaluator.pk for c in choices] == [lighter.pk, roomy.pk, busier.pk]
    assert [(c.load, c.capacity) for c in choices] == [(0, 2), (1, 4), (1, 2)]


def test_eligible_evaluators_query_count_does_not_grow_with_the_pool(technology):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first = outside_evaluator(technology)
    services.conflict_add(first, kind="person", name="Someone Else", by=staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            selectors.eligible_evaluators(round_of(submission.portfolio), include_ineligible=True)
        return len(captured)

    with_one = queries()
    for _ in range(5):
        busy = outside_evaluator(technology)
        services.conflict_add(busy, kind="library", name="Elsewhere Library", by=staff)
        services.assignment_offer(round_of(submitted_portfolio()), busy, by=staff)

    assert queries() == with_one


# --- Offers -------------------------------------------------------------------------------


def test_auto_assign_offers_the_first_and_second_roles_with_due_dates_and_emails(pool, settings):
    settings.EVALUATION_DUE_DAYS = 21
    staff = UserFactory(program_staff=True)
    portfolio = submitted_portfolio()
    submission = round_of(portfolio)

    offers = services.assignment_auto_assign(submission, by=staff)

    due = timezone.localdate() + timedelta(days=21)
    assert [(a.role, a.evaluator.pk, a.status, a.due_on, a.offered_by) for a in offers] == [
        ("first", pool[0].pk, "offered", due, staff),
        ("second", pool[1].pk, "offered", due, staff),
    ]
    assert all(a.portfolio == portfolio and a.submission == submission for a in offers)
    assert [list(a.scope.all()) for a in offers] == [[], []]
    assert list(
        EmailLog.objects.filter(kind="assignment_offered")
        .order_by("pk")
        .values_list("recipient", "subject")
    ) == [
        (pool[0].user.pk, "A Technology portfolio is waiting for your answer"),
        (pool[1].user.pk, "A Technology portfolio is waiting for your answer"),
    ]
    assert [history(a) for a in offers] == [
        [("", "offered", "Offered as first evaluator.")],
        [("", "offered", "Offered as second evaluator.")],
    ]
    # The offer does not start the review: the candidate's portfolio waits for an answer.
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED


def test_auto_assign_refused_once_both_roles_are_filled(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    services.assignment_auto_assign(submission, by=staff)

    with pytest.raises(DomainError, match="already has its evaluators"):
        services.assignment_auto_assign(submission, by=staff)
    with pytest.raises(DomainError, match="Already on this round"):
        services.assignment_offer(submission, pool[0], by=staff)
    with pytest.raises(DomainError, match="already has its evaluators"):
        services.assignment_offer(submission, pool[2], by=staff)
    assert Assignment.objects.count() == 2


def test_auto_assign_with_one_eligible_evaluator_fills_only_the_first_role(technology):
    staff = UserFactory(program_staff=True)
    only = EvaluatorFactory(qualified_sets=[technology], state="Ohio")
    submission = round_of(submitted_portfolio())

    offers = services.assignment_auto_assign(submission, by=staff)

    assert [(a.role, a.evaluator.pk) for a in offers] == [("first", only.pk)]


def test_assignment_offer_by_staff_takes_the_next_free_role(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())

    first = services.assignment_offer(submission, pool[2], by=staff)
    second = services.assignment_offer(submission, pool[0], by=staff)

    assert [(first.role, first.evaluator), (second.role, second.evaluator)] == [
        ("first", pool[2]),
        ("second", pool[0]),
    ]


def test_accept_moves_the_portfolio_and_its_set_under_review(pool):
    staff = UserFactory(program_staff=True)
    portfolio = submitted_portfolio()
    first, second = services.assignment_auto_assign(round_of(portfolio), by=staff)

    result = services.assignment_accept(first, by=first.evaluator.user)

    assert result.status == Assignment.Status.ACCEPTED
    assert result.responded_at is not None
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.UNDER_REVIEW
    assert progress_of(portfolio).status == SetProgress.Status.UNDER_REVIEW

    # The second acceptance and a repeated one change nothing more.
    services.assignment_accept(second, by=second.evaluator.user)
    services.assignment_accept(first, by=first.evaluator.user)
    assert history(first) == [
        ("", "offered", "Offered as first evaluator."),
        ("offered", "accepted", ""),
    ]
    assert list(portfolio.status_changes.values_list("new_status", flat=True)) == [
        "draft",
        "submitted",
        "under_review",
    ]


def test_only_the_offered_evaluator_may_accept(pool):
    staff = UserFactory(program_staff=True)
    first, second = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)

    with pytest.raises(DomainError, match="not yours"):
        services.assignment_accept(first, by=second.evaluator.user)

    first.refresh_from_db()
    assert first.status == Assignment.Status.OFFERED


def test_decline_returns_the_slot_and_the_decliner_is_not_offered_it_again(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, _ = services.assignment_auto_assign(submission, by=staff)

    declined = services.assignment_decline(first, reason="Away that month.", by=pool[0].user)

    assert declined.status == Assignment.Status.DECLINED
    assert declined.responded_at is not None
    assert history(declined)[-1] == ("offered", "declined", "Away that month.")
    assert email_kinds(staff) == ["assignment_returned"]
    assert reasons_for(submission, pool[0]) == ["Declined this round already."]
    with pytest.raises(DomainError, match="Declined this round already"):
        services.assignment_offer(submission, pool[0], by=staff)

    (replacement,) = services.assignment_auto_assign(submission, by=staff)

    assert (replacement.role, replacement.evaluator) == ("first", pool[2])
    assert list(
        submission.assignments.order_by("pk").values_list("evaluator", "role", "status")
    ) == [
        (pool[0].pk, "first", "declined"),
        (pool[1].pk, "second", "offered"),
        (pool[2].pk, "first", "offered"),
    ]


def test_decline_after_accepting_is_refused(pool):
    staff = UserFactory(program_staff=True)
    first, _ = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)
    accepted(first)

    with pytest.raises(DomainError, match="Only an offer can be declined"):
        services.assignment_decline(first, by=first.evaluator.user)

    first.refresh_from_db()
    assert first.status == Assignment.Status.ACCEPTED


def test_decline_after_withdrawal_is_refused(pool):
    staff = UserFactory(program_staff=True)
    first, _ = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)
    services.assignment_withdraw(first, reason="Changed the plan.", by=staff)

    with pytest.raises(DomainError, match="withdrawn"):
        services.assignment_decline(first, by=first.evaluator.user)

    first.refresh_from_db()
    assert first.status == Assignment.Status.WITHDRAWN


def test_withdraw_needs_a_reason(pool):
    staff = UserFactory(program_staff=True)
    first, _ = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)

    with pytest.raises(DomainError, match="Give the reason"):
        services.assignment_withdraw(first, reason="  ", by=staff)

    first.refresh_from_db()
    assert first.status == Assignment.Status.OFFERED


def test_withdraw_takes_an_accepted_assignment_back_and_frees_the_role(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, _ = services.assignment_auto_assign(submission, by=staff)
    accepted(first)

    withdrawn = services.assignment_withdraw(first, reason="Conflict found late.", by=staff)

    assert withdrawn.status == Assignment.Status.WITHDRAWN
    assert history(withdrawn)[-1] == ("accepted", "withdrawn", "Conflict found late.")
    assert email_kinds(pool[0].user) == ["assignment_offered", "assignment_withdrawn"]
    assert reasons_for(submission, pool[0]) == ["Withdrawn this round already."]
    (replacement,) = services.assignment_auto_assign(submission, by=staff)
    assert (replacement.role, replacement.evaluator) == ("first", pool[2])


def test_withdraw_of_a_submitted_review_is_refused(pool):
    staff = UserFactory(program_staff=True)
    first, _ = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)
    rate_all(first)

    with pytest.raises(TransitionNotAllowed):
        services.assignment_withdraw(first, reason="Too late.", by=staff)


def test_release_stale_withdraws_old_offers_and_long_overdue_reviews_once(pool, settings):
    settings.EVALUATION_OFFER_DAYS = 7
    settings.EVALUATION_OVERDUE_GRACE_DAYS = 5
    staff = UserFactory(program_staff=True)
    today = timezone.localdate()
    unanswered, fresh_offer = services.assignment_auto_assign(
        round_of(submitted_portfolio()), by=staff
    )
    overdue, in_grace = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)
    Assignment.objects.filter(pk=unanswered.pk).update(
        offered_at=timezone.now() - timedelta(days=7, hours=1)
    )
    Assignment.objects.filter(pk=fresh_offer.pk).update(
        offered_at=timezone.now() - timedelta(days=6, hours=23)
    )
    accepted(overdue)
    accepted(in_grace)
    Assignment.objects.filter(pk=overdue.pk).update(due_on=today - timedelta(days=6))
    Assignment.objects.filter(pk=in_grace.pk).update(due_on=today - timedelta(days=5))
    EmailLog.objects.all().delete()

    assert services.assignments_release_stale() == 2
    assert services.assignments_release_stale() == 0

    statuses = dict(
        Assignment.objects.filter(
            pk__in=[unanswered.pk, fresh_offer.pk, overdue.pk, in_grace.pk]
        ).values_list("pk", "status")
    )
    assert statuses == {
        unanswered.pk: "withdrawn",
        fresh_offer.pk: "offered",
        overdue.pk: "withdrawn",
        in_grace.pk: "accepted",
    }
    assert list(
        AssignmentStatusChange.objects.filter(new_status="withdrawn")
        .order_by("assignment_id")
        .values_list("assignment_id", "actor", "note")
    ) == sorted(
        [
            (unanswered.pk, None, "The offer was not answered in time."),
            (overdue.pk, None, "The review is overdue."),
        ]
    )
    assert sorted(EmailLog.objects.values_list("kind", "recipient")) == sorted(
        [
            ("assignment_withdrawn", unanswered.evaluator.user.pk),
            ("assignment_withdrawn", overdue.evaluator.user.pk),
            ("assignment_returned", staff.pk),
            ("assignment_returned", staff.pk),
        ]
    )


def test_release_stale_task_is_scheduled_and_returns_the_count(pool, settings):
    settings.EVALUATION_OFFER_DAYS = 7
    staff = UserFactory(program_staff=True)
    first, _ = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)
    Assignment.objects.filter(pk=first.pk).update(offered_at=timezone.now() - timedelta(days=8))

    assert release_stale_assignments_task.delay().get() == 1
    assert release_stale_assignments_task.delay().get() == 0
    first.refresh_from_db()
    assert first.status == Assignment.Status.WITHDRAWN
    assert "reviews.tasks.release_stale_assignments_task" in [
        entry["task"] for entry in celery_app.conf.beat_schedule.values()
    ]


# --- Ratings ------------------------------------------------------------------------------


@pytest.fixture
def first_accepted(pool):
    staff = UserFactory(program_staff=True)
    first, _ = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)
    return accepted(first)


def test_rating_save_requires_a_comment_unless_met(first_accepted):
    user = first_accepted.evaluator.user
    c1 = competency_id(first_accepted.submission, 1)
    c2 = competency_id(first_accepted.submission, 2)

    for value in ("partial", "not_met"):
        with pytest.raises(DomainError, match="a comment is required unless it is Met"):
            services.rating_save(
                first_accepted, competency_id=c1, value=value, comment=" ", by=user
            )
    met = services.rating_save(first_accepted, competency_id=c1, value="met", comment="", by=user)
    partial = services.rating_save(
        first_accepted, competency_id=c2, value="partial", comment=" Only one example. ", by=user
    )

    assert list(
        first_accepted.ratings.order_by("competency__number").values_list(
            "competency", "value", "comment"
        )
    ) == [(c1, "met", ""), (c2, "partial", "Only one example.")]
    assert (met.value, partial.comment) == ("met", "Only one example.")


def test_rating_twice_updates_the_one_rating(first_accepted):
    user = first_accepted.evaluator.user
    c1 = competency_id(first_accepted.submission, 1)

    services.rating_save(first_accepted, competency_id=c1, value="met", comment="", by=user)
    services.rating_save(
        first_accepted, competency_id=c1, value="not_met", comment="No evidence.", by=user
    )

    assert list(Rating.objects.values_list("assignment", "competency", "value", "comment")) == [
        (first_accepted.pk, c1, "not_met", "No evidence.")
    ]


def test_rating_an_unknown_value_is_refused(first_accepted):
    c1 = competency_id(first_accepted.submission, 1)

    with pytest.raises(DomainError, match="Choose Met, Partially met or Not met"):
        services.rating_save(
            first_accepted,
            competency_id=c1,
            value="excellent",
            comment="Great.",
            by=first_accepted.evaluator.user,
        )

    assert not Rating.objects.exists()


def test_rating_a_competency_outside_the_review_is_refused(first_accepted, foundations):
    outside = foundations.competencies.first()

    with pytest.raises(DomainError, match="not part of this review"):
        services.rating_save(
            first_accepted,
            competency_id=outside.pk,
            value="met",
            comment="",
            by=first_accepted.evaluator.user,
        )

    assert not Rating.objects.exists()


def test_rating_before_accepting_is_refused(pool):
    staff = UserFactory(program_staff=True)
    first, _ = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)

    with pytest.raises(DomainError, match="Accept the assignment first"):
        services.rating_save(
            first,
            competency_id=competency_id(first.submission, 1),
            value="met",
            comment="",
            by=first.evaluator.user,
        )


def test_rating_after_withdrawal_is_refused(first_accepted):
    staff = UserFactory(program_staff=True)
    user = first_accepted.evaluator.user
    c1 = competency_id(first_accepted.submission, 1)
    services.rating_save(first_accepted, competency_id=c1, value="met", comment="", by=user)
    services.assignment_withdraw(first_accepted, reason="Overdue.", by=staff)

    with pytest.raises(DomainError, match="withdrawn"):
        services.rating_save(
            first_accepted, competency_id=c1, value="not_met", comment="Changed.", by=user
        )
    with pytest.raises(DomainError, match="withdrawn"):
        services.assignment_save_overall(first_accepted, comment="Late.", by=user)

    # The rating saved before the withdrawal is kept as it was.
    assert list(Rating.objects.values_list("value", flat=True)) == ["met"]


def test_rating_by_another_evaluator_is_refused(first_accepted, pool):
    with pytest.raises(DomainError, match="not yours"):
        services.rating_save(
            first_accepted,
            competency_id=competency_id(first_accepted.submission, 1),
            value="met",
            comment="",
            by=pool[2].user,
        )

    assert not Rating.objects.exists()


def test_overall_comment_is_saved_trimmed(first_accepted):
    services.assignment_save_overall(
        first_accepted, comment="  A well organised portfolio.  ", by=first_accepted.evaluator.user
    )

    first_accepted.refresh_from_db()
    assert first_accepted.overall_comment == "A well organised portfolio."


def test_submit_with_a_rating_missing_is_refused_naming_the_competency(first_accepted):
    user = first_accepted.evaluator.user
    submission = first_accepted.submission
    for number in numbers(submission):
        if number != 2:
            services.rating_save(
                first_accepted,
                competency_id=competency_id(submission, number),
                value="met",
                comment="",
                by=user,
            )

    assert services.assignment_missing(first_accepted) == ["Competency 2: choose a rating."]
    with pytest.raises(DomainError) as refused:
        services.assignment_submit(first_accepted, by=user)

    assert str(refused.value) == "Competency 2: choose a rating."
    first_accepted.refresh_from_db()
    assert first_accepted.status == Assignment.Status.ACCEPTED
    assert first_accepted.submitted_at is None


def test_assignment_missing_names_a_rating_without_its_comment(first_accepted):
    user = first_accepted.evaluator.user
    submission = first_accepted.submission
    for number in numbers(submission):
        services.rating_save(
            first_accepted,
            competency_id=competency_id(submission, number),
            value="partial" if number == 3 else "met",
            comment="Thin." if number == 3 else "",
            by=user,
        )
    Rating.objects.filter(value="partial").update(comment="")

    assert services.assignment_missing(first_accepted) == ["Competency 3: add a comment."]


def test_submitted_review_can_no_longer_change(first_accepted):
    user = first_accepted.evaluator.user
    submitted = rate_all(first_accepted)

    assert submitted.status == Assignment.Status.SUBMITTED
    assert submitted.submitted_at is not None
    with pytest.raises(DomainError, match="already submitted"):
        services.rating_save(
            first_accepted,
            competency_id=competency_id(first_accepted.submission, 1),
            value="not_met",
            comment="Changed my mind.",
            by=user,
        )
    # A replayed submit is a no-op.
    assert services.assignment_submit(first_accepted, by=user).status == "submitted"
    assert [row[1] for row in history(first_accepted)].count("submitted") == 1


# --- Settling a round ---------------------------------------------------------------------


def test_no_decision_until_both_evaluators_have_submitted(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=staff)

    rate_all(first)

    assert not Decision.objects.exists()
    assert services.settle_round(submission, by=staff) is None
    assert selectors.settle_state(submission).complete_pair is False

    rate_all(second)

    decision = Decision.objects.get()
    assert (decision.submission, decision.status, decision.outcome) == (
        submission,
        Decision.Status.DRAFT,
        Decision.Outcome.ACHIEVED,
    )
    assert [r["result"] for r in decision.results] == ["met"] * len(submission.content)
    assert [r["number"] for r in decision.results] == numbers(submission)
    assert history(decision) == [("", "draft", "Drafted from the reconciled ratings.")]
    # Settling again never makes a second decision.
    assert services.settle_round(submission, by=staff) is None
    assert Decision.objects.count() == 1


def test_met_and_partial_reconcile_to_met_and_pass(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=staff)

    rate_all(first, "met")
    rate_all(second, "partial", comment="Could say more.")

    decision = Decision.objects.get()
    assert decision.outcome == Decision.Outcome.ACHIEVED
    assert decision.shortfall == []


def test_first_round_shortfall_drafts_a_request_for_more_information(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=staff)
    accepted(first)
    services.assignment_save_overall(first, comment="Strong on most points.", by=pool[0].user)

    rate_all(first, "met", values={1: "not_met"}, comment="No example of troubleshooting.")
    rate_all(second, "met", values={1: "partial"}, comment="Only a passing mention.")

    decision = Decision.objects.get()
    assert decision.outcome == Decision.Outcome.INFO_REQUESTED
    assert [(r["number"], r["result"], r["comments"]) for r in decision.shortfall] == [
        (1, "not_met", ["No example of troubleshooting.", "Only a passing mention."])
    ]
    assert "Outcome: More information requested" in decision.letter
    assert "Evaluator comment: No example of troubleshooting." in decision.letter
    assert "- Strong on most points." in decision.letter


def test_resubmission_goes_back_to_the_same_evaluators_and_a_second_shortfall_is_not_demonstrated(
    pool,
):
    staff = UserFactory(program_staff=True)
    portfolio = submitted_portfolio()
    candidate = portfolio.candidacy.user
    first, second = services.assignment_auto_assign(round_of(portfolio), by=staff)
    rate_all(first, "met", values={1: "not_met"}, comment="No example.")
    rate_all(second, "met", values={1: "not_met"}, comment="Missing.")
    services.decision_release(Decision.objects.get(), by=staff)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.INFO_REQUESTED
    assert progress_of(portfolio).status == SetProgress.Status.INFO_REQUESTED

    round_one = round_of(portfolio)
    c1 = competency_id(round_one, 1)
    portfolio_services.response_save(
        portfolio,
        competency_id=c1,
        narrative="I now describe the printer outage I fixed.",
        evidence_ids=None,
        by=candidate,
    )
    portfolio_services.portfolio_submit(portfolio, by=candidate)
    portfolio.refresh_from_db()
    round_two = round_of(portfolio, 2)
    assert portfolio.resubmissions_used == 1
    assert progress_of(portfolio).status == SetProgress.Status.SUBMITTED

    # pool[2] has no load at all, yet the round's previous evaluators come first.
    assert [c.evaluator.pk for c in selectors.eligible_evaluators(round_two)] == [
        pool[0].pk,
        pool[1].pk,
        pool[2].pk,
    ]
    again_first, again_second = services.assignment_auto_assign(round_two, by=staff)

    assert [(a.role, a.evaluator) for a in (again_first, again_second)] == [
        ("first", pool[0]),
        ("second", pool[1]),
    ]
    rate_all(again_first, "met", values={1: "partial"}, comment="Better, still thin.")
    rate_all(again_second, "met", values={1: "not_met"}, comment="Still no example.")

    decision = Decision.objects.get(submission=round_two)
    assert decision.outcome == Decision.Outcome.NOT_DEMONSTRATED
    assert [(r["number"], r["result"]) for r in decision.shortfall] == [(1, "not_met")]

    services.decision_release(decision, by=staff)

    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.NOT_DEMONSTRATED
    assert progress_of(portfolio).status == SetProgress.Status.NOT_DEMONSTRATED
    assert Decision.objects.filter(portfolio=portfolio).count() == 2


def test_disputed_competencies_go_to_an_adjudicator_who_settles_them(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=staff)
    rate_all(first, "met")

    rate_all(second, "met", values={1: "not_met", 2: "not_met"}, comment="Not shown.")

    adjudicator = Assignment.objects.get(role=Assignment.Role.ADJUDICATOR)
    assert (adjudicator.evaluator, adjudicator.status, adjudicator.offered_by) == (
        pool[2],
        Assignment.Status.OFFERED,
        None,
    )
    assert sorted(c.number for c in adjudicator.scope.all()) == [1, 2]
    assert email_kinds(pool[2].user) == ["assignment_offered"]
    assert not Decision.objects.exists()
    state = selectors.settle_state(submission)
    assert (state.needs_adjudicator, state.adjudicator_live) == (True, True)
    assert sorted(state.disputed) == sorted(
        [competency_id(submission, 1), competency_id(submission, 2)]
    )

    accepted(adjudicator)
    with pytest.raises(DomainError, match="not part of this review"):
        services.rating_save(
            adjudicator,
            competency_id=competency_id(submission, 3),
            value="met",
            comment="",
            by=pool[2].user,
        )
    assert services.assignment_missing(adjudicator) == [
        "Competency 1: choose a rating.",
        "Competency 2: choose a rating.",
    ]
    rate_all(adjudicator, "met", values={2: "not_met"}, comment="Agree it is missing.")

    decision = Decision.objects.get()
    results = {r["number"]: r["result"] for r in decision.results}
    assert results == {n: ("not_met" if n == 2 else "met") for n in numbers(submission)}
    assert decision.outcome == Decision.Outcome.INFO_REQUESTED


def test_no_second_adjudicator_while_one_is_at_work(pool, technology):
    staff = UserFactory(program_staff=True)
    spare = outside_evaluator(technology)
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=staff)
    rate_all(first, "met")
    rate_all(second, "met", values={1: "not_met"}, comment="Not shown.")
    assert Assignment.objects.filter(role="adjudicator").count() == 1

    with pytest.raises(DomainError, match="third evaluator is already at work"):
        services.assignment_auto_assign(submission, by=staff)
    with pytest.raises(DomainError, match="third evaluator is already at work"):
        services.assignment_offer(submission, spare, by=staff)
    assert Assignment.objects.filter(role="adjudicator").count() == 1


def test_system_adjudicator_offer_declined_tells_every_staff_member(pool):
    assigner = UserFactory(program_staff=True)
    colleague = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=assigner)
    rate_all(first, "met")
    rate_all(second, "met", values={1: "not_met"}, comment="Not shown.")
    adjudicator = Assignment.objects.get(role="adjudicator")
    EmailLog.objects.all().delete()

    services.assignment_decline(adjudicator, by=adjudicator.evaluator.user)

    assert sorted(EmailLog.objects.values_list("kind", "recipient")) == sorted(
        [("assignment_returned", assigner.pk), ("assignment_returned", colleague.pk)]
    )
    # Staff can then bring in another adjudicator, who is not the decliner.
    assert selectors.settle_state(submission).adjudicator_live is False


def test_dispute_with_nobody_free_waits_for_staff_to_assign_an_adjudicator(technology):
    staff = UserFactory(program_staff=True)
    a = EvaluatorFactory(qualified_sets=[technology], state="Ohio")
    b = EvaluatorFactory(qualified_sets=[technology], state="Ohio")
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=staff)
    rate_all(first, "met")
    rate_all(second, "met", values={3: "not_met"}, comment="Not shown.")
    assert not Assignment.objects.filter(role="adjudicator").exists()
    assert not Decision.objects.exists()

    c = EvaluatorFactory(qualified_sets=[technology], state="Ohio")
    (adjudicator,) = services.assignment_auto_assign(submission, by=staff)

    assert (adjudicator.role, adjudicator.evaluator, adjudicator.offered_by) == (
        "adjudicator",
        c,
        staff,
    )
    assert [x.number for x in adjudicator.scope.all()] == [3]
    assert {a.pk, b.pk} == {first.evaluator_id, second.evaluator_id}
    rate_all(adjudicator, "met")
    assert Decision.objects.get().outcome == Decision.Outcome.ACHIEVED


def test_auto_assign_refused_once_the_round_is_decided(pool):
    staff = UserFactory(program_staff=True)
    submission = round_of(submitted_portfolio())
    first, second = services.assignment_auto_assign(submission, by=staff)
    rate_all(first)
    rate_all(second)

    with pytest.raises(DomainError, match="already has a decision"):
        services.assignment_auto_assign(submission, by=staff)


# --- Decisions ----------------------------------------------------------------------------


@pytest.fixture
def draft_decision(pool):
    staff = UserFactory(program_staff=True)
    portfolio = submitted_portfolio()
    first, second = services.assignment_auto_assign(round_of(portfolio), by=staff)
    rate_all(first)
    rate_all(second)
    return Decision.objects.get()


def test_decision_update_letter_edits_a_draft(draft_decision):
    staff = UserFactory(program_staff=True)

    updated = services.decision_update_letter(
        draft_decision, letter="Dear Robin, well done.", by=staff
    )

    assert updated.letter == "Dear Robin, well done."
    assert history(updated)[-1] == ("draft", "draft", "Letter edited.")
    with pytest.raises(DomainError, match="cannot be empty"):
        services.decision_update_letter(draft_decision, letter="  ", by=staff)


def test_decision_update_letter_refused_once_released(draft_decision):
    staff = UserFactory(program_staff=True)
    services.decision_release(draft_decision, by=staff)

    with pytest.raises(DomainError, match="was released"):
        services.decision_update_letter(draft_decision, letter="Changed afterwards.", by=staff)

    draft_decision.refresh_from_db()
    assert draft_decision.letter != "Changed afterwards."


def test_decision_release_moves_portfolio_and_set_and_emails_the_candidate_once(
    draft_decision,
):
    staff = UserFactory(program_staff=True)
    portfolio = draft_decision.portfolio
    candidate = portfolio.candidacy.user
    EmailLog.objects.all().delete()

    released = services.decision_release(draft_decision, by=staff)

    assert (released.status, released.released_by) == (Decision.Status.RELEASED, staff)
    assert released.released_at is not None
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.ACHIEVED
    progress = progress_of(portfolio)
    assert progress.status == SetProgress.Status.ACHIEVED
    assert progress.achieved_through == "Portfolio, round 1"
    assert list(EmailLog.objects.values_list("kind", "recipient", "subject")) == [
        ("portfolio_decision", candidate.pk, "The decision on your Technology portfolio is ready")
    ]

    again = services.decision_release(draft_decision, by=UserFactory(program_staff=True))

    assert (again.released_at, again.released_by) == (released.released_at, staff)
    assert EmailLog.objects.count() == 1
    assert history(again) == [
        ("", "draft", "Drafted from the reconciled ratings."),
        ("draft", "released", ""),
    ]


# --- Who sees what ------------------------------------------------------------------------


def test_decisions_are_hidden_from_the_candidate_until_released(draft_decision, pool):
    staff = UserFactory(program_staff=True)
    candidate = draft_decision.portfolio.candidacy.user
    someone_else = candidacy_with_progress().user

    assert list(selectors.decisions_visible_to(fresh(candidate))) == []
    assert list(selectors.decisions_visible_to(staff)) == [draft_decision]

    services.decision_release(draft_decision, by=staff)

    assert list(selectors.decisions_visible_to(fresh(candidate))) == [draft_decision]
    assert list(selectors.decisions_visible_to(someone_else)) == []
    assert list(selectors.decisions_visible_to(pool[0].user)) == []


def test_assignments_visible_to_hides_declined_and_withdrawn_ones_from_their_evaluator(pool):
    staff = UserFactory(program_staff=True)
    first, second = services.assignment_auto_assign(round_of(submitted_portfolio()), by=staff)
    kept = services.assignment_offer(round_of(submitted_portfolio()), pool[0], by=staff)
    # pool[0] holds `first` and `kept`; pool[1] holds `second`.
    assert (first.evaluator, second.evaluator) == (pool[0], pool[1])

    assert set(selectors.assignments_visible_to(pool[0].user)) == {first, kept}

    services.assignment_decline(first, by=pool[0].user)
    services.assignment_withdraw(second, reason="Conflict.", by=staff)

    assert list(selectors.assignments_visible_to(fresh(pool[0].user))) == [kept]
    # A paused evaluator still sees what they hold, to finish it.
    services.evaluator_set_active(pool[0], active=False, by=staff)
    assert list(selectors.assignments_visible_to(fresh(pool[0].user))) == [kept]
    assert list(selectors.assignments_visible_to(fresh(pool[1].user))) == []
    assert set(selectors.assignments_visible_to(staff)) == set(Assignment.objects.all())
    assert Assignment.objects.count() == 3
    assert list(selectors.assignments_visible_to(UserFactory())) == []
