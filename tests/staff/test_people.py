"""The staff's search (/staff/search/) and the record of one person (/staff/people/<id>/)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.certificate_services import certificate_issue
from candidates.models import Certificate, Payment, SetProgress
from courses.models import Course
from lssc.core.models import EmailLog, Reminder
from lssc.program.models import CompetencySet
from portfolios.models import Portfolio
from reviews import appeal_services
from reviews import services as review_services
from reviews.models import Decision
from staff.people import SEARCH_LIMIT, stage_label
from tests.factories import (
    EvaluatorFactory,
    ProviderMembershipFactory,
    UserFactory,
    candidacy_with_progress,
    issued_certificate,
    rate_all,
    submitted_application,
    submitted_portfolio,
)
from tests.staff.conftest import build_submitted_course

pytestmark = pytest.mark.django_db

SEARCH = "/staff/search/"
PORTFOLIO_SET = "youth-services"


def person_url(user) -> str:
    return reverse("staff:person", args=[user.pk])


def achieve_enough(candidacy, *, keep: tuple[str, ...] = (PORTFOLIO_SET,)) -> None:
    """Mark every required set and three chosen electives (none of `keep`) achieved, as an
    approved course would: the candidacy is then ready for its certificate."""
    rows = list(candidacy.sets.select_related("competency_set").order_by("competency_set__order"))
    required = [p for p in rows if p.competency_set.is_required]
    electives = [
        p for p in rows if not p.competency_set.is_required and p.competency_set.code not in keep
    ][:3]
    for progress in required + electives:
        progress.status = SetProgress.Status.ACHIEVED
        progress.route = SetProgress.Route.COURSE
        progress.chosen = True
        progress.achieved_at = timezone.now()
        progress.save()


@pytest.fixture
def pool(db):
    sets = list(CompetencySet.objects.filter(code__in=[PORTFOLIO_SET, "technology"]))
    return [
        EvaluatorFactory(qualified_sets=sets, employer=f"Library {i}", capacity_per_quarter=20)
        for i in range(3)
    ]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def many_roles(staff, pool):
    """A person who applied, was admitted, had a portfolio not demonstrated and appealed it,
    earned the certificate by courses, also evaluates portfolios (one offered) and belongs
    to a course provider; one reminder sent."""
    user = UserFactory(email="sam.many@example.org", first_name="Sam", last_name="Many", mfa=True)
    application = submitted_application(user, legal_name="Samantha Many-Roles")
    services.payment_record(
        application,
        amount=application.fee_due,
        method=Payment.Method.CHEQUE,
        received_on=timezone.localdate(),
        by=staff,
    )
    candidacy = services.application_admit(application, by=staff)
    portfolio = submitted_portfolio(candidacy, set_code=PORTFOLIO_SET)
    Portfolio.objects.filter(pk=portfolio.pk).update(resubmissions_used=1)
    submission = portfolio.submissions.get()
    for assignment in review_services.assignment_auto_assign(submission, by=staff):
        rate_all(assignment, "not_met", comment="Not shown.")
    decision = review_services.decision_release(
        Decision.objects.get(submission=submission), by=staff
    )
    appeal = appeal_services.appeal_file_notice(decision, notice="Evidence missed.", by=user)
    achieve_enough(candidacy)
    certificate = certificate_issue(candidacy, by=staff)
    evaluator = EvaluatorFactory(
        user=user,
        qualified_sets=list(CompetencySet.objects.filter(code="technology")),
        employer="Lakeside Library",
    )
    rated = submitted_portfolio()
    offer = review_services.assignment_offer(rated.submissions.get(), evaluator, by=staff)
    membership = ProviderMembershipFactory(user=user, provider__name="Riverside Cooperative")
    Reminder.objects.create(
        recipient=user,
        kind="candidacy_deadline",
        subject_id=candidacy.pk,
        anchor=candidacy.deadline,
        stage="12m",
    )
    return {
        "user": user,
        "application": application,
        "candidacy": candidacy,
        "portfolio": portfolio,
        "decision": decision,
        "appeal": appeal,
        "certificate": certificate,
        "evaluator": evaluator,
        "offer": offer,
        "membership": membership,
    }


# --- Authorization ------------------------------------------------------------------------


def test_people_urls_have_their_names():
    assert reverse("staff:search") == SEARCH
    assert reverse("staff:person", args=[7]) == "/staff/people/7/"


def test_anonymous_visitor_is_sent_to_log_in(client, candidate):
    for url in (f"{SEARCH}?q=pat", person_url(candidate)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "provider_user"])
def test_people_who_are_not_program_staff_get_404(client, request, persona, candidate):
    client.force_login(request.getfixturevalue(persona))

    for url in (f"{SEARCH}?q=pat", person_url(candidate)):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "errors/404.html" in [t.name for t in response.templates]


def test_a_candidate_gets_404_on_their_own_record_too(client, candidate):
    client.force_login(candidate)

    assert client.get(person_url(candidate)).status_code == 404


def test_unknown_person_is_404(staff_client):
    assert staff_client.get("/staff/people/999999/").status_code == 404


def test_people_pages_are_read_only(staff_client, candidate):
    assert staff_client.post(f"{SEARCH}?q=pat").status_code == 405
    assert staff_client.post(person_url(candidate)).status_code == 405


# --- Search -------------------------------------------------------------------------------


def result_pks(response, key: str) -> list[int]:
    groups = {group.key: group for group in response.context["results"].groups}
    return [row.pk for row in groups[key].rows]


def test_empty_search_says_what_to_type(staff_client):
    response = staff_client.get(SEARCH)

    assert response.status_code == 200
    assert response.context["results"].groups == []
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert (
        "Type at least 2 characters of an email address, a name, a candidate or certificate "
        "number, or a course title, then choose Search." in html
    )


def test_a_one_letter_search_says_it_is_too_short(staff_client):
    response = staff_client.get(SEARCH, {"q": " s "})

    assert response.context["results"].groups == []
    assert "Type at least 2 characters to search; “s” is too short." in response.content.decode()


def test_search_finds_people_by_email_name_and_the_legal_name_on_their_application(
    staff_client, db
):
    by_email = UserFactory(email="robin.q@example.org")
    by_name = UserFactory(first_name="Quincy")
    by_full_name = UserFactory(first_name="Ada", last_name="Quillfeather")
    by_legal_name = submitted_application(legal_name="Quentin Applicant").user
    UserFactory(first_name="Nobody")

    assert result_pks(staff_client.get(SEARCH, {"q": "robin.q@"}), "people") == [by_email.pk]
    assert result_pks(staff_client.get(SEARCH, {"q": "quincy"}), "people") == [by_name.pk]
    assert result_pks(staff_client.get(SEARCH, {"q": "Ada Quill"}), "people") == [by_full_name.pk]
    response = staff_client.get(SEARCH, {"q": "quentin"})
    assert result_pks(response, "people") == [by_legal_name.pk]
    assert f'href="{person_url(by_legal_name)}"' in response.content.decode()


def test_search_ignores_what_only_a_private_draft_says(staff_client, db):
    from tests.factories import complete_application

    complete_application(legal_name="Drafty Private")

    assert result_pks(staff_client.get(SEARCH, {"q": "drafty"}), "people") == []


def test_search_finds_a_candidacy_by_number_and_links_to_the_person(staff_client, db):
    candidacy = candidacy_with_progress(number="LSSC-2026-04242")
    candidacy_with_progress(number="LSSC-2026-01111")

    response = staff_client.get(SEARCH, {"q": "4242"})

    assert result_pks(response, "candidacies") == [candidacy.pk]
    assert f'href="{person_url(candidacy.user)}">LSSC-2026-04242</a>' in response.content.decode()


def test_search_finds_a_certificate_by_number(staff_client, staff):
    certificate = issued_certificate(by=staff)
    issued_certificate(by=staff)

    response = staff_client.get(SEARCH, {"q": certificate.number})

    assert result_pks(response, "certificates") == [certificate.pk]
    url = reverse("staff:certificate_detail", args=[certificate.pk])
    assert f'href="{url}">Certificate {certificate.number}</a>' in response.content.decode()


def test_search_finds_a_course_by_title_but_not_a_draft_never_sent(staff_client, db):
    course = build_submitted_course(title="Storytime for toddlers")
    draft = build_submitted_course(title="Storytime draft")
    Course.objects.filter(pk=draft.pk).update(status=Course.Status.DRAFT, submitted_at=None)

    response = staff_client.get(SEARCH, {"q": "storytime"})

    assert result_pks(response, "courses") == [course.pk]
    url = reverse("staff:course_detail", args=[course.pk])
    assert f'href="{url}">Storytime for toddlers</a>' in response.content.decode()


def test_search_with_no_match_says_what_to_try(staff_client, db):
    html = staff_client.get(SEARCH, {"q": "zzqx"}).content.decode()

    assert "Nothing matches “zzqx”." in html


def test_search_shows_at_most_the_limit_of_each_kind_and_says_there_are_more(staff_client, db):
    UserFactory.create_batch(SEARCH_LIMIT + 2, last_name="Samesurname")

    response = staff_client.get(SEARCH, {"q": "samesurname"})

    groups = {group.key: group for group in response.context["results"].groups}
    assert len(groups["people"].rows) == SEARCH_LIMIT
    assert groups["people"].more is True
    assert f"Only the first {SEARCH_LIMIT} are shown" in response.content.decode()


def test_search_query_count_does_not_grow_with_the_matches(staff_client, staff):
    UserFactory(last_name="Countme")
    staff_client.get(SEARCH, {"q": "countme"})
    with CaptureQueriesContext(connection) as with_one:
        staff_client.get(SEARCH, {"q": "countme"})
    for _ in range(4):
        candidacy = candidacy_with_progress(user__last_name="Countme")
        EvaluatorFactory(user=candidacy.user)
    UserFactory.create_batch(SEARCH_LIMIT, last_name="Countme")

    with CaptureQueriesContext(connection) as with_many:
        response = staff_client.get(SEARCH, {"q": "countme"})

    assert len(result_pks(response, "people")) == SEARCH_LIMIT
    assert len(with_many) == len(with_one)


# --- One person's record ------------------------------------------------------------------


def test_person_page_shows_every_role_and_record(staff_client, many_roles):
    user = many_roles["user"]

    response = staff_client.get(person_url(user))

    assert response.status_code == 200
    record = response.context["record"]
    assert record.name == "Samantha Many-Roles"
    assert record.roles.names == {"candidate", "evaluator", "provider"}
    assert record.mfa_enabled is True
    assert [a.pk for a in record.applications] == [many_roles["application"].pk]
    assert record.candidacy == many_roles["candidacy"]
    assert len(record.progress) == 10
    assert [p.pk for p in record.portfolios] == [many_roles["portfolio"].pk]
    assert [len(p.rounds) for p in record.portfolios] == [1]
    assert [d.pk for d in record.decisions] == [many_roles["decision"].pk]
    assert [a.pk for a in record.appeals] == [many_roles["appeal"].pk]
    assert [c.pk for c in record.certificates] == [many_roles["certificate"].pk]
    assert record.evaluator == many_roles["evaluator"]
    assert [a.pk for a in record.assignments] == [many_roles["offer"].pk]
    assert [m.pk for m in record.memberships] == [many_roles["membership"].pk]
    assert [(r.kind_label, r.stage_label) for r in record.reminders] == [
        ("Candidacy deadline", "12 months before")
    ]
    assert [e.subject for e in record.emails] == list(
        EmailLog.objects.filter(recipient=user)
        .order_by("-created_at", "-pk")[:20]
        .values_list("subject", flat=True)
    )
    html = response.content.decode()
    assert html.count("<h1") == 1
    for name, pk in [
        ("staff:application_detail", many_roles["application"].pk),
        ("staff:candidacy_detail", many_roles["candidacy"].pk),
        ("staff:portfolio_assign", many_roles["portfolio"].pk),
        ("staff:decision_detail", many_roles["decision"].pk),
        ("staff:appeal_detail", many_roles["appeal"].pk),
        ("staff:certificate_detail", many_roles["certificate"].pk),
        ("staff:evaluator_detail", many_roles["evaluator"].pk),
        ("staff:portfolio_assign", many_roles["offer"].portfolio_id),
    ]:
        assert f'href="{reverse(name, args=[pk])}"' in html, name
    for text in [
        "Candidate</span>",
        "Evaluator</span>",
        "Course provider</span>",
        "Two-factor authentication</dt>",
        many_roles["candidacy"].number,
        "Member of Riverside Cooperative",
        "Candidacy deadline",
        "We received your LSSC application",
        f"Certificate {many_roles['certificate'].number}",
    ]:
        assert text in html, text


def test_person_history_merges_every_record_newest_first_with_actor_names(
    staff_client, staff, many_roles
):
    user = many_roles["user"]

    response = staff_client.get(person_url(user))

    history = response.context["record"].history
    assert [event["at"] for event in history] == sorted(
        (event["at"] for event in history), reverse=True
    )
    titles = [event["title"] for event in history]
    for title in [
        "Application: Draft → Submitted",
        "Application: Submitted → Admitted",
        "Candidacy: Active",
        "Candidacy: Active → Certified",
        "Youth Services: Not started → In progress",
        "Portfolio for Youth Services: Draft → Submitted",
        "Decision on Youth Services: Draft → Released",
        "Appeal on Youth Services: Notice of appeal filed",
        f"Certificate {many_roles['certificate'].number}: Valid",
        "Evaluation of a Technology portfolio: Offered",
    ]:
        assert title in titles, title
    by_title = {event["title"]: event for event in history}
    assert by_title["Application: Submitted → Admitted"]["actor_name"] == "You"
    assert by_title["Application: Draft → Submitted"]["actor_name"] == "Sam Many"
    assert by_title["Decision on Youth Services: Draft"]["actor_name"] == "LSSC (automatic)"
    html = response.content.decode()
    assert "by Sam Many" in html
    assert "by You" in html


def test_person_page_for_someone_with_no_role_says_so(staff_client, outsider):
    response = staff_client.get(person_url(outsider))

    html = response.content.decode()
    assert "None yet (a signed-up account)" in html
    assert "No submitted application." in html
    assert "Not admitted as a candidate." in html
    assert "No reminder has been sent to this person." in html
    assert "Nothing has happened on this person's records yet." in html


def test_stage_labels_read_as_words():
    assert stage_label("1m") == "1 month before"
    assert stage_label("6m") == "6 months before"
    assert stage_label("lapsed") == "Lapsed"


def candidate_with(staff, *, portfolios: int, certificates: int, reminders: int):
    """A candidate with `portfolios` submitted portfolios, `certificates` certificates (the
    first issued, later ones as renewals would make them) and `reminders` reminders."""
    electives = ["youth-services", "supervision-management", "reference-information"]
    candidacy = candidacy_with_progress()
    for code in electives[:portfolios]:
        submitted_portfolio(candidacy, set_code=code)
    achieve_enough(candidacy, keep=tuple(electives))
    certificate = issued_certificate(candidacy, by=staff)
    for n in range(1, certificates):
        certificate = Certificate.objects.create(
            candidacy=candidacy,
            number=f"LSSC-R{candidacy.pk}-{n}",
            holder_name=certificate.holder_name,
            issued_on=certificate.issued_on,
            expires_on=certificate.expires_on + timedelta(days=365 * n),
            supersedes=certificate,
        )
    for n in range(reminders):
        Reminder.objects.create(
            recipient=candidacy.user,
            kind="candidacy_deadline",
            subject_id=candidacy.pk,
            anchor=candidacy.deadline,
            stage=f"{12 - n}m",
        )
    return candidacy.user


def test_person_page_query_count_does_not_grow_with_the_records(staff_client, staff):
    few = candidate_with(staff, portfolios=1, certificates=1, reminders=1)
    many = candidate_with(staff, portfolios=3, certificates=3, reminders=4)
    staff_client.get(person_url(few))
    with CaptureQueriesContext(connection) as with_few:
        staff_client.get(person_url(few))

    with CaptureQueriesContext(connection) as with_many:
        response = staff_client.get(person_url(many))

    record = response.context["record"]
    assert (len(record.portfolios), len(record.certificates), len(record.reminders)) == (3, 3, 4)
    assert len(with_many) == len(with_few)


def test_person_history_includes_a_deadline_extension_with_its_reason(staff_client, staff):
    candidacy = candidacy_with_progress()
    new_deadline = candidacy.deadline + timedelta(days=90)
    services.candidacy_extend_deadline(
        candidacy, new_deadline=new_deadline, reason="Medical leave.", by=staff
    )

    history = staff_client.get(person_url(candidacy.user)).context["record"].history

    assert [(e["title"], e["note"], e["actor_name"]) for e in history][:1] == [
        (
            f"Candidacy: deadline moved from {candidacy.deadline:%-d %B %Y} "
            f"to {new_deadline:%-d %B %Y}",
            "Medical leave.",
            "You",
        )
    ]
