"""Staff pages for candidacies: the record, extending the deadline and the acceptance letter."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import Candidacy, CandidacyStatusChange, DeadlineExtension
from tests.factories import CandidacyFactory, submitted_application


def detail_url(candidacy):
    return reverse("staff:candidacy_detail", args=[candidacy.pk])


def extend_url(candidacy):
    return reverse("staff:candidacy_extend", args=[candidacy.pk])


def letter_url(candidacy):
    return reverse("staff:candidacy_letter_pdf", args=[candidacy.pk])


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


@pytest.fixture
def admitted(application, staff):
    """A candidacy made by admitting `application`, with its acceptance letter stored."""
    return services.application_admit(application, by=staff, override_reason="Fee waived.")


def test_candidacy_urls_have_their_names():
    assert reverse("staff:candidacy_detail", args=[3]) == "/staff/candidacies/3/"
    assert reverse("staff:candidacy_extend", args=[3]) == "/staff/candidacies/3/extend/"
    assert reverse("staff:candidacy_letter_pdf", args=[3]) == "/staff/candidacies/3/letter.pdf"


# --- The record ---------------------------------------------------------------------------


def test_detail_shows_the_candidate_deadline_sets_history_and_letter(staff_client, admitted):
    response = staff_client.get(detail_url(admitted))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f"Candidacy {admitted.number}" in html
    assert "Robin Reader (applicant@example.org)" in html
    assert '<span class="badge badge-status text-bg-primary">Active</span>' in html
    assert f"{admitted.deadline:%-d %B %Y}, 23:59 US Central (America/Chicago) (in " in html
    progress = response.context["progress"]
    assert len(progress) == admitted.sets.count() > 0
    assert progress[0].competency_set.name in html
    assert f'href="{letter_url(admitted)}"' in html
    assert f'href="{extend_url(admitted)}"' in html
    assert f'href="{reverse("staff:application_detail", args=[admitted.application_id])}"' in html
    titles = [event["title"] for event in response.context["timeline"]]
    assert "Candidacy active" in titles
    assert "Application admitted" in titles


def test_detail_of_a_candidacy_without_an_application_or_letter(staff_client, candidate):
    candidacy = candidate.candidacy

    html = staff_client.get(detail_url(candidacy)).content.decode()

    assert "None stored" in html
    assert letter_url(candidacy) not in html


def test_detail_of_a_withdrawn_candidacy_offers_no_extension(staff_client, candidate):
    candidacy = candidate.candidacy
    services.candidacy_withdraw(candidacy, by=candidate, reason="Moving abroad.")

    html = staff_client.get(detail_url(candidacy)).content.decode()

    assert extend_url(candidacy) not in html
    assert "so its deadline can no longer change" in html


# --- The acceptance letter ----------------------------------------------------------------


def test_staff_download_the_acceptance_letter_as_an_attachment(staff_client, admitted):
    response = staff_client.get(letter_url(admitted))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="acceptance-letter-{admitted.number}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_candidacy_without_a_letter_has_no_letter_to_download(staff_client, candidate):
    assert staff_client.get(letter_url(candidate.candidacy)).status_code == 404


def test_a_letter_whose_file_is_gone_is_not_found(staff_client, candidate):
    candidacy = candidate.candidacy
    candidacy.acceptance_letter.save("letter.pdf", ContentFile(b"%PDF-1.7"), save=True)
    candidacy.acceptance_letter.storage.delete(candidacy.acceptance_letter.name)

    assert staff_client.get(letter_url(candidacy)).status_code == 404


# --- Extending the deadline ---------------------------------------------------------------


def test_extend_page_says_what_will_happen(staff_client, candidate):
    candidacy = candidate.candidacy

    html = staff_client.get(extend_url(candidacy)).content.decode()

    assert f"This moves the deadline from {candidacy.deadline:%-d %B %Y}" in html
    assert "The candidate is emailed the new date and your reason at candidate@example.org" in html


def test_extending_the_deadline_records_it_and_emails_the_candidate(
    staff_client, staff, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    candidacy = candidate.candidacy
    old_deadline = candidacy.deadline
    new_deadline = old_deadline + timedelta(days=180)
    page = staff_client.get(extend_url(candidacy))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            extend_url(candidacy),
            {
                "submission": token_of(page),
                "new_deadline": new_deadline.isoformat(),
                "reason": "Medical leave.",
            },
        )

    assert response.status_code == 302
    assert response.url == detail_url(candidacy)
    assert list(
        DeadlineExtension.objects.filter(candidacy=candidacy).values_list(
            "old_deadline", "new_deadline", "reason", "actor"
        )
    ) == [(old_deadline, new_deadline, "Medical leave.", staff.pk)]
    candidacy.refresh_from_db()
    assert candidacy.deadline == new_deadline
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["candidate@example.org"], "Your LSSC deadline was extended")
    ]
    detail = staff_client.get(response.url)
    assert (
        f"The deadline was extended to {new_deadline:%-d %B %Y}; the candidate was emailed."
        in detail.content.decode()
    )
    assert detail.context["timeline"][0]["title"] == (
        f"Deadline extended to {new_deadline:%-d %B %Y}"
    )
    assert detail.context["timeline"][0]["note"] == "Medical leave."


def test_a_deadline_that_is_not_later_is_refused_with_the_input_kept(staff_client, candidate):
    candidacy = candidate.candidacy
    earlier = candidacy.deadline - timedelta(days=1)

    response = staff_client.post(
        extend_url(candidacy),
        {
            "submission": token_of(staff_client.get(extend_url(candidacy))),
            "new_deadline": earlier.isoformat(),
            "reason": "Typed carefully.",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_deadline": [
            f"The new deadline must be after the current one ({candidacy.deadline:%-d %B %Y})."
        ]
    }
    assert DeadlineExtension.objects.count() == 0
    html = response.content.decode()
    assert f'value="{earlier.isoformat()}"' in html
    assert "Typed carefully.</textarea>" in html


def test_extending_a_lapsed_candidacy_makes_it_active_again(staff_client, staff, db):
    candidacy = CandidacyFactory(
        status=Candidacy.Status.LAPSED, deadline=timezone.localdate() - timedelta(days=3)
    )
    new_deadline = timezone.localdate() + timedelta(days=90)

    staff_client.post(
        extend_url(candidacy),
        {
            "submission": token_of(staff_client.get(extend_url(candidacy))),
            "new_deadline": new_deadline.isoformat(),
            "reason": "Late extension approved by the board.",
        },
    )

    candidacy.refresh_from_db()
    assert (candidacy.status, candidacy.deadline) == (Candidacy.Status.ACTIVE, new_deadline)
    assert list(
        CandidacyStatusChange.objects.filter(candidacy=candidacy).values_list(
            "old_status", "new_status", "actor"
        )
    ) == [("lapsed", "active", staff.pk)]


def test_extending_a_withdrawn_candidacy_is_refused_with_a_message(staff_client, candidate):
    candidacy = candidate.candidacy
    page = staff_client.get(extend_url(candidacy))
    services.candidacy_withdraw(candidacy, by=candidate, reason="Moving abroad.")

    response = staff_client.post(
        extend_url(candidacy),
        {
            "submission": token_of(page),
            "new_deadline": (candidacy.deadline + timedelta(days=30)).isoformat(),
            "reason": "Asked nicely.",
        },
    )

    assert response.context["form"].non_field_errors() == [
        "The deadline of a withdrawn candidacy cannot change."
    ]
    assert DeadlineExtension.objects.count() == 0
    assert "The deadline of a withdrawn candidacy cannot change." in (
        staff_client.get(extend_url(candidacy)).content.decode()
    )


def test_a_double_click_extends_the_deadline_once(
    staff_client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    candidacy = candidate.candidacy
    data = {
        "submission": token_of(staff_client.get(extend_url(candidacy))),
        "new_deadline": (candidacy.deadline + timedelta(days=30)).isoformat(),
        "reason": "Family emergency.",
    }

    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(extend_url(candidacy), data)
        second = staff_client.post(extend_url(candidacy), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert DeadlineExtension.objects.filter(candidacy=candidacy).count() == 1
    assert len(mailoutbox) == 1


# --- Who may open these pages ------------------------------------------------------------


def candidacy_urls(candidacy):
    return [detail_url(candidacy), extend_url(candidacy), letter_url(candidacy)]


def test_anonymous_visitors_are_sent_to_log_in(client, admitted):
    for url in candidacy_urls(admitted):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('account_login')}?next={url}"
    assert client.post(extend_url(admitted)).status_code == 302


@pytest.mark.parametrize(
    "persona", ["applicant", "other_candidate", "evaluator", "provider_user", "outsider"]
)
def test_people_who_are_not_program_staff_are_refused(client, request, admitted, persona):
    # `applicant` is the owner: admitted, so now a candidate, yet not staff.
    client.force_login(request.getfixturevalue(persona))

    for url in candidacy_urls(admitted):
        assert client.get(url).status_code == 404, url
    response = client.post(
        extend_url(admitted),
        {"new_deadline": "2099-01-01", "reason": "x", "submission": "0" * 32},
    )
    assert response.status_code == 404
    assert DeadlineExtension.objects.count() == 0


def test_an_unknown_candidacy_is_not_found(staff_client):
    for url in candidacy_urls(Candidacy(pk=999999)):
        assert staff_client.get(url).status_code == 404, url


def test_pages_answer_only_the_methods_they_use(staff_client, candidate):
    candidacy = candidate.candidacy
    assert staff_client.post(detail_url(candidacy)).status_code == 405
    assert staff_client.post(letter_url(candidacy)).status_code == 405
    assert staff_client.delete(extend_url(candidacy)).status_code == 405


def test_an_admitted_application_would_show_in_the_queue_as_admitted(staff_client, staff):
    application = submitted_application()
    services.application_admit(application, by=staff, override_reason="Waived.")

    response = staff_client.get(reverse("staff:applications"), {"status": "admitted"})

    assert [row.pk for row in response.context["rows"]] == [application.pk]
