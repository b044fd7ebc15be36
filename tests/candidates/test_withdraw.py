"""Withdrawing from the program at /dashboard/withdraw/: a confirm page, a reason, an email."""

from django.urls import reverse

from candidates.models import Candidacy, CandidacyStatusChange
from lssc.core.models import EmailLog

URL = "/dashboard/withdraw/"


def status_of(user) -> str:
    return Candidacy.objects.get(user=user).status


def test_the_confirm_page_says_what_will_happen(client, candidate):
    client.force_login(candidate)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Withdraw from the program</h1>" in html
    assert "This cannot be undone" in html
    assert "Your records stay" in html
    assert "email the program office" in html
    assert '<textarea name="reason"' in html
    assert '<button type="submit" class="btn btn-danger">Withdraw from the program</button>' in html
    assert f'href="{reverse("candidates:dashboard")}">Keep my candidacy</a>' in html
    assert status_of(candidate) == "active"


def test_withdrawing_with_a_reason_records_it_emails_and_says_so(
    client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(candidate)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"reason": "  I am moving abroad.  "})

    assert response.status_code == 302
    assert response.url == reverse("candidates:dashboard")
    assert status_of(candidate) == "withdrawn"
    change = CandidacyStatusChange.objects.get(candidacy=candidate.candidacy)
    assert (change.old_status, change.new_status, change.actor, change.note) == (
        "active",
        "withdrawn",
        candidate,
        "I am moving abroad.",
    )
    assert [m.subject for m in mailoutbox] == ["You have withdrawn from LSSC"]
    assert mailoutbox[0].to == ["candidate@example.org"]
    assert candidate.candidacy.number in mailoutbox[0].body
    assert EmailLog.objects.get(recipient=candidate).kind == "candidacy_withdrawn"
    html = client.get(response.url).content.decode()
    assert "You have withdrawn from the program. We have emailed you a confirmation" in html
    assert '<span class="badge badge-status text-bg-secondary">Withdrawn</span>' in html
    assert URL not in html


def test_withdrawing_without_a_reason_is_refused_next_to_the_field(
    client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(candidate)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"reason": "   "})

    assert response.status_code == 200
    html = response.content.decode()
    assert "You have not withdrawn" in html
    assert '<a href="#id_reason">Tell us why you are withdrawing.</a>' in html
    assert 'id="error_1_id_reason"' in html
    assert status_of(candidate) == "active"
    assert not CandidacyStatusChange.objects.filter(candidacy=candidate.candidacy).exists()
    assert mailoutbox == []


def test_a_second_withdrawal_changes_nothing_and_says_where_things_stand(
    client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(candidate)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"reason": "Moving abroad."})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"reason": "Again."}, follow=True)

    assert response.redirect_chain == [(reverse("candidates:dashboard"), 302)]
    assert "Your candidacy is withdrawn, so there is nothing to withdraw from." in (
        response.content.decode()
    )
    assert CandidacyStatusChange.objects.filter(candidacy=candidate.candidacy).count() == 1
    assert len(mailoutbox) == 1


def test_a_lapsed_candidacy_cannot_be_withdrawn(client, candidate):
    Candidacy.objects.filter(user=candidate).update(status=Candidacy.Status.LAPSED)
    client.force_login(candidate)

    response = client.post(URL, {"reason": "Out of time."})

    assert response.status_code == 302
    assert status_of(candidate) == "lapsed"


def test_a_candidate_withdraws_only_their_own_candidacy(client, candidate, other_candidate):
    client.force_login(other_candidate)

    client.post(URL, {"reason": "Changed jobs."})

    assert status_of(other_candidate) == "withdrawn"
    assert status_of(candidate) == "active"


def test_withdraw_accepts_only_get_and_post(client, candidate):
    client.force_login(candidate)

    assert client.put(URL).status_code == 405
    assert status_of(candidate) == "active"
