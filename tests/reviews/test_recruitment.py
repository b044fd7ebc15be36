"""Recruiting evaluators: the public page (/evaluators/), the application form
(/evaluators/apply/) and the evaluator's own profile (/reviews/profile/)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lssc.core.models import EmailLog
from lssc.program.selectors import competency_sets_in_force
from reviews import services
from reviews.models import ConflictOfInterest, Evaluator
from tests.factories import SMALL_PDF, EvaluatorFactory, UserFactory

JOIN = "/evaluators/"
APPLY = "/evaluators/apply/"
PROFILE = "/reviews/profile/"
AVAILABILITY = "/reviews/profile/availability/"
CONFLICTS = "/reviews/profile/conflicts/"


def sets(*codes):
    return list(competency_sets_in_force().filter(code__in=codes).order_by("order"))


def application_data(**overrides):
    data = {
        "employer": "Lakeside Public Library",
        "state": "Wisconsin",
        "qualifications": "MLIS, 2009.",
        "experience": "Fifteen years in technical services; I train new staff.",
        "sets": [s.pk for s in sets("technology", "foundations")],
        "capacity_per_quarter": "3",
        "resume": SimpleUploadedFile("My CV.pdf", SMALL_PDF),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def history(evaluator):
    return list(
        evaluator.status_changes.order_by("at", "pk").values_list(
            "old_status", "new_status", "note"
        )
    )


def applied_evaluator(user=None, **fields):
    """An application made through the service, as the form would make it."""
    user = user or UserFactory()
    return services.evaluator_apply(
        user,
        fields={
            "employer": "Lakeside Public Library",
            "state": "Wisconsin",
            "qualifications": "MLIS",
            "experience": "Years of it.",
            "capacity_per_quarter": 2,
            **fields,
        },
        set_ids=[s.pk for s in sets("technology")],
        resume=ContentFile(SMALL_PDF, name="cv.pdf"),
    )


# --- The public page ----------------------------------------------------------------------


def test_join_page_explains_the_role_to_an_anonymous_visitor(client, db):
    response = client.get(JOIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Become a portfolio evaluator" in html
    assert "competency by competency" in html
    assert "Two-factor authentication" in html
    assert "Conflicts of interest" in html
    assert f'href="{APPLY}">Apply to evaluate</a>' in html
    assert "log in or create a free account first" in html


def test_join_page_is_linked_from_the_footer_of_every_page(client, db):
    assert f'href="{JOIN}">Become an evaluator</a>' in client.get("/").content.decode()


def test_join_page_points_an_applicant_to_their_application(client, db):
    applicant = applied_evaluator()
    client.force_login(applicant.user)

    html = client.get(JOIN).content.decode()

    assert f'href="{APPLY}">See your application</a>' in html
    assert "waiting for program staff" in html


def test_join_page_points_an_evaluator_to_their_evaluations(client, evaluator):
    client.force_login(evaluator)

    html = client.get(JOIN).content.decode()

    assert 'href="/reviews/">Go to your evaluations</a>' in html
    assert f'href="{PROFILE}">Open your evaluator profile</a>' in html


def test_join_page_refuses_a_post(client, db):
    assert client.post(JOIN).status_code == 405


# --- Applying -----------------------------------------------------------------------------


def test_apply_sends_an_anonymous_visitor_to_log_in_and_back(client, db):
    response = client.get(APPLY)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={APPLY}"


def test_apply_form_shows_every_set_in_force_with_labels_and_help(client, outsider):
    client.force_login(outsider)

    response = client.get(APPLY)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Apply to evaluate portfolios" in html
    assert list(response.context["form"].fields["sets"].queryset) == list(
        competency_sets_in_force()
    )
    for label in ["Employer library", "State or province", "Qualifications", "Résumé"]:
        assert label in html
    assert "How many portfolios you could rate in three months" in html


def test_applying_creates_an_application_with_sets_and_resume_and_emails_the_applicant(
    client, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY, application_data())

    assert response.status_code == 302
    assert response.url == APPLY
    evaluator = Evaluator.objects.get(user=outsider)
    assert evaluator.status == Evaluator.Status.APPLIED
    assert (evaluator.employer, evaluator.state, evaluator.capacity_per_quarter) == (
        "Lakeside Public Library",
        "Wisconsin",
        3,
    )
    assert sorted(evaluator.qualified_sets.values_list("code", flat=True)) == [
        "foundations",
        "technology",
    ]
    assert evaluator.resume.name.endswith(".pdf")
    assert evaluator.resume.read() == SMALL_PDF
    assert history(evaluator) == [("", "applied", "Applied.")]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["outsider@example.org"], "We received your application to evaluate portfolios")
    ]
    page = client.get(response.url).content.decode()
    assert "Thank you: your application is sent." in page
    assert "Waiting for approval" in page
    assert "Update your application" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("cv.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff"),
            "This file is not a PDF, Word, OpenDocument text or plain text file",
        ),
        (SimpleUploadedFile("cv.pdf", b""), "The submitted file is empty."),
    ],
    ids=["exe-named-pdf", "empty-file"],
)
def test_a_bad_resume_is_refused_at_the_field_and_keeps_what_was_typed(
    client, outsider, upload, message
):
    client.force_login(outsider)

    response = client.post(APPLY, application_data(resume=upload))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["resume"]
    assert message in form.errors["resume"][0]
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Lakeside Public Library" in html
    assert "Fifteen years in technical services" in html
    assert not Evaluator.objects.filter(user=outsider).exists()
    assert not EmailLog.objects.exists()


def test_applying_without_sets_asks_for_one_and_creates_nothing(client, outsider):
    client.force_login(outsider)

    response = client.post(APPLY, application_data(sets=None))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "sets": ["Choose at least one competency set you could evaluate."]
    }
    assert "Lakeside Public Library" in response.content.decode()
    assert not Evaluator.objects.filter(user=outsider).exists()


def test_applying_without_a_resume_asks_for_one(client, outsider):
    client.force_login(outsider)

    response = client.post(APPLY, application_data(resume=None))

    assert response.context["form"].errors == {"resume": ["Attach your résumé."]}
    assert not Evaluator.objects.filter(user=outsider).exists()


def test_a_waiting_application_can_be_updated_without_sending_the_resume_again(client, db):
    evaluator = applied_evaluator()
    client.force_login(evaluator.user)
    page = client.get(APPLY)
    assert page.context["form"].initial["employer"] == "Lakeside Public Library"
    assert page.context["form"].initial["sets"] == [s.pk for s in sets("technology")]
    resume = evaluator.resume.name

    response = client.post(APPLY, application_data(resume=None, employer="Harbor College Library"))

    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.status == Evaluator.Status.APPLIED
    assert evaluator.employer == "Harbor College Library"
    assert evaluator.resume.name == resume
    assert sorted(evaluator.qualified_sets.values_list("code", flat=True)) == [
        "foundations",
        "technology",
    ]


def test_a_declined_applicant_reads_the_reason_and_applies_again(client, staff, db):
    evaluator = applied_evaluator()
    services.evaluator_decline(evaluator, reason="Tell us more about assessing.", by=staff)
    client.force_login(evaluator.user)

    page = client.get(APPLY).content.decode()
    assert "Declined" in page
    assert "Tell us more about assessing." in page
    assert "Apply again" in page

    response = client.post(APPLY, application_data(resume=None))

    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.status == Evaluator.Status.APPLIED
    assert history(evaluator)[-1] == ("declined", "applied", "Applied again.")


def test_an_approved_evaluator_is_sent_to_the_profile(client, evaluator):
    client.force_login(evaluator)

    response = client.get(APPLY)

    assert response.status_code == 302
    assert response.url == PROFILE
    assert client.post(APPLY, application_data()).url == PROFILE


def test_apply_checks_the_csrf_token_itself(db, outsider):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)

    response = client.post(APPLY, application_data())

    assert response.status_code == 403
    assert not Evaluator.objects.filter(user=outsider).exists()


# --- The profile --------------------------------------------------------------------------


def test_profile_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={PROFILE}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "staff"])
def test_profile_refuses_a_person_who_is_not_an_evaluator(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(PROFILE).status_code == 403
    assert client.post(CONFLICTS, {"kind": "person", "name": "A B"}).status_code == 403


def test_profile_refuses_an_applicant_still_waiting(client, db):
    applicant = applied_evaluator()
    client.force_login(applicant.user)

    assert client.get(PROFILE).status_code == 403


def test_profile_shows_details_sets_read_only_and_conflicts(client, evaluator):
    profile = evaluator.evaluator_profile
    profile.qualified_sets.set(sets("technology"))
    ConflictOfInterest.objects.create(evaluator=profile, kind="person", name="Jo Reader")
    client.force_login(evaluator)

    response = client.get(PROFILE)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert response.context["form"].initial["employer"] == "Springfield Public Library"
    assert "sets" not in response.context["form"].fields
    assert [s.code for s in response.context["qualified_sets"]] == ["technology"]
    assert "Program staff confirm the sets you rate" in html
    assert "Jo Reader" in html
    assert "Pause new offers" in html


def test_editing_the_profile_saves_it_and_records_the_change(client, evaluator):
    client.force_login(evaluator)

    response = client.post(
        PROFILE,
        {
            "employer": "Harbor College Library",
            "state": "Illinois",
            "qualifications": "MLIS",
            "experience": "Reference work.",
            "capacity_per_quarter": "4",
            "resume": SimpleUploadedFile("cv.docx", SMALL_PDF),
        },
    )

    assert response.status_code == 302
    assert response.url == PROFILE
    profile = Evaluator.objects.get(user=evaluator)
    assert (profile.employer, profile.capacity_per_quarter) == ("Harbor College Library", 4)
    assert profile.resume.name.endswith(".pdf")  # stored by what it is, not what it is called
    assert history(profile)[-1] == (
        "approved",
        "approved",
        "Profile updated: employer, qualifications, experience, capacity per quarter, résumé.",
    )


def test_a_bad_profile_edit_keeps_the_input_and_changes_nothing(client, evaluator):
    client.force_login(evaluator)

    response = client.post(
        PROFILE,
        {
            "employer": "Harbor College Library",
            "state": "",
            "qualifications": "MLIS",
            "experience": "Reference work.",
            "capacity_per_quarter": "40",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "state": ["Enter the state or province where you work."],
        "capacity_per_quarter": ["Enter 12 or fewer."],
    }
    assert "Harbor College Library" in response.content.decode()
    assert Evaluator.objects.get(user=evaluator).employer == "Springfield Public Library"


# --- Conflicts ----------------------------------------------------------------------------


def test_adding_a_conflict_records_it_and_its_history(client, evaluator):
    client.force_login(evaluator)

    response = client.post(
        CONFLICTS, {"kind": "library", "name": "  Harbor   College Library ", "note": "Former job"}
    )

    assert response.status_code == 302
    profile = evaluator.evaluator_profile
    assert list(profile.conflicts.values_list("kind", "name", "note")) == [
        ("library", "Harbor College Library", "Former job")
    ]
    assert history(profile)[-1][2] == "Conflict declared: A library: Harbor College Library."
    assert "Conflict recorded" in client.get(PROFILE).content.decode()


def test_a_conflict_without_a_name_is_refused_at_the_field_with_the_input_kept(client, evaluator):
    client.force_login(evaluator)

    response = client.post(CONFLICTS, {"kind": "person", "name": "  ", "note": "My cousin"})

    assert response.status_code == 200
    assert response.context["conflict_form"].errors == {
        "name": ["Enter the person's or library's name."]
    }
    assert "My cousin" in response.content.decode()
    assert not ConflictOfInterest.objects.exists()


def test_removing_a_conflict_deletes_it_and_records_it(client, evaluator):
    profile = evaluator.evaluator_profile
    conflict = services.conflict_add(profile, kind="person", name="Jo Reader", by=evaluator)
    client.force_login(evaluator)

    response = client.post(f"/reviews/profile/conflicts/{conflict.pk}/remove/")

    assert response.status_code == 302
    assert not ConflictOfInterest.objects.exists()
    assert history(profile)[-1][2] == "Conflict removed: A person: Jo Reader."


def test_another_evaluators_conflict_cannot_be_removed(client, evaluator, other_evaluator):
    theirs = services.conflict_add(
        other_evaluator.evaluator_profile, kind="person", name="Jo Reader", by=other_evaluator
    )
    client.force_login(evaluator)

    response = client.post(f"/reviews/profile/conflicts/{theirs.pk}/remove/")

    assert response.status_code == 404
    assert ConflictOfInterest.objects.filter(pk=theirs.pk).exists()


# --- Pausing and resuming -----------------------------------------------------------------


def test_pausing_and_resuming_new_offers(client, evaluator):
    client.force_login(evaluator)
    profile = evaluator.evaluator_profile

    response = client.post(AVAILABILITY, {"action": "pause"})

    assert response.url == PROFILE
    profile.refresh_from_db()
    assert profile.status == Evaluator.Status.INACTIVE
    page = client.get(PROFILE)  # a paused evaluator still reaches the page, to resume
    assert page.status_code == 200
    assert "Resume new offers" in page.content.decode()

    client.post(AVAILABILITY, {"action": "resume"})

    profile.refresh_from_db()
    assert profile.status == Evaluator.Status.APPROVED
    assert [row[:2] for row in history(profile)] == [
        ("approved", "inactive"),
        ("inactive", "approved"),
    ]


def test_a_paused_evaluator_without_two_factor_is_sent_to_set_it_up(client, db):
    profile = EvaluatorFactory(status="inactive", user__mfa=False)
    client.force_login(profile.user)

    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("url", [AVAILABILITY, CONFLICTS, "/reviews/profile/conflicts/1/remove/"])
def test_post_only_profile_actions_refuse_get(client, evaluator, url):
    client.force_login(evaluator)

    assert client.get(url).status_code == 405
