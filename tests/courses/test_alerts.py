"""Email alerts for newly approved courses: double opt-in, one email per matching course,
and unsubscribing from a confirm page."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import CourseAlert
from courses.services import alerts_send_for_course
from lssc.program.models import CompetencySet
from tests.courses.test_catalogue import make_course
from tests.factories import ProviderFactory, approved_course

URL = "/courses/alerts/"


def confirmed_alert(email, *, set_code=None, state=""):
    return CourseAlert.objects.create(
        email=email,
        competency_set=CompetencySet.objects.get(code=set_code) if set_code else None,
        state=state,
        confirmed_at=timezone.now(),
    )


def send_alerts(course, capture) -> int:
    with capture(execute=True):
        return alerts_send_for_course(course.pk)


def test_subscribing_sends_only_a_confirm_email(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {"email": "Reader@Example.org", "competency_set": "foundations", "state": ""}
        )

    assert response.status_code == 302
    assert response["Location"] == "/courses/alerts/sent/"
    alert = CourseAlert.objects.get()
    assert (alert.email, alert.competency_set.code, alert.state) == (
        "reader@example.org",
        "foundations",
        "",
    )
    assert alert.confirmed_at is None
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]
    assert f"/courses/alerts/{alert.token}/confirm/" in mailoutbox[0].body
    assert "Check your inbox" in client.get(response["Location"]).content.decode()


def test_an_unconfirmed_subscription_gets_no_course_alerts(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"email": "reader@example.org", "competency_set": "foundations"})
    mailoutbox.clear()

    sent = send_alerts(make_course(set_code="foundations"), django_capture_on_commit_callbacks)

    assert sent == 0
    assert mailoutbox == []


def test_subscribing_needs_a_set_or_a_state_and_keeps_the_input(client, db, mailoutbox):
    response = client.post(URL, {"email": "reader@example.org", "competency_set": "", "state": ""})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"competency_set": ["Choose a competency set, a state, or both."]}
    assert 'value="reader@example.org"' in response.content.decode()
    assert CourseAlert.objects.count() == 0
    assert mailoutbox == []


def test_subscribing_with_a_bad_address_shows_the_error_at_the_field(client, db):
    response = client.post(URL, {"email": "not-an-address", "state": "Ohio"})

    assert response.context["form"].errors == {
        "email": ["Enter an email address like name@example.org."]
    }
    html = response.content.decode()
    assert 'href="#id_email"' in html
    assert 'value="Ohio"' in html


def test_opening_the_confirm_link_does_not_confirm(client, db):
    alert = CourseAlert.objects.create(email="reader@example.org", state="Ohio")

    response = client.get(f"/courses/alerts/{alert.token}/confirm/")

    assert response.status_code == 200
    assert "Confirm my course alerts" in response.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None


def test_pressing_confirm_starts_the_alerts(client, db):
    alert = CourseAlert.objects.create(email="reader@example.org", state="Ohio")

    response = client.post(f"/courses/alerts/{alert.token}/confirm/", follow=True)

    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    assert response.redirect_chain == [(f"/courses/alerts/{alert.token}/confirm/", 302)]
    html = response.content.decode()
    assert "Your course alerts are on" in html
    assert f'href="/courses/alerts/{alert.token}/unsubscribe/"' in html


@pytest.mark.parametrize("action", ["confirm", "unsubscribe"])
def test_an_unknown_token_is_404(client, db, action):
    assert client.get(f"/courses/alerts/{uuid.uuid4()}/{action}/").status_code == 404
    assert client.post(f"/courses/alerts/{uuid.uuid4()}/{action}/").status_code == 404


def test_each_matching_subscriber_gets_exactly_one_email_per_course(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_alert("set@example.org", set_code="foundations")
    confirmed_alert("state@example.org", state="ohio")
    confirmed_alert("both@example.org", set_code="foundations", state="Ohio")
    confirmed_alert("other-set@example.org", set_code="youth-services")
    confirmed_alert("other-state@example.org", state="Texas")
    confirmed_alert("wrong-pair@example.org", set_code="foundations", state="Texas")
    CourseAlert.objects.create(email="unconfirmed@example.org", state="Ohio")
    course = make_course(
        ProviderFactory(name="Buckeye Cooperative"),
        title="Foundations in Ohio",
        set_code="foundations",
        state="Ohio",
    )

    first = send_alerts(course, django_capture_on_commit_callbacks)
    again = send_alerts(course, django_capture_on_commit_callbacks)

    assert (first, again) == (3, 0)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "both@example.org",
        "set@example.org",
        "state@example.org",
    ]
    message = next(m for m in mailoutbox if m.to == ["set@example.org"])
    assert "Foundations in Ohio" in message.body
    assert f"/courses/{course.pk}/" in message.body
    alert = CourseAlert.objects.get(email="set@example.org")
    assert f"/courses/alerts/{alert.token}/unsubscribe/" in message.body


def test_approving_a_course_sends_the_alerts_once(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_alert("reader@example.org", set_code="foundations")
    confirmed_alert("youth@example.org", set_code="youth-services")

    with django_capture_on_commit_callbacks(execute=True):
        course = approved_course(title="Foundations for all", set_code="foundations")
    resent = send_alerts(course, django_capture_on_commit_callbacks)

    subscribers = {"reader@example.org", "youth@example.org"}
    alert_mail = [m for m in mailoutbox if m.to[0] in subscribers]
    assert [m.to for m in alert_mail] == [["reader@example.org"]]
    assert resent == 0


def test_a_course_that_is_not_approved_sends_no_alerts(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_alert("reader@example.org", set_code="foundations")
    course = make_course(set_code="foundations", status="submitted")

    assert send_alerts(course, django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_opening_the_unsubscribe_link_does_not_unsubscribe(client, db):
    alert = confirmed_alert("reader@example.org", state="Ohio")

    response = client.get(f"/courses/alerts/{alert.token}/unsubscribe/")

    assert response.status_code == 200
    assert "Stop these alerts" in response.content.decode()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is None


def test_unsubscribing_stops_the_alerts(client, db, mailoutbox, django_capture_on_commit_callbacks):
    alert = confirmed_alert("reader@example.org", state="Ohio")

    response = client.post(f"/courses/alerts/{alert.token}/unsubscribe/", follow=True)
    sent = send_alerts(make_course(state="Ohio"), django_capture_on_commit_callbacks)

    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
    assert "You are unsubscribed" in response.content.decode()
    assert sent == 0
    assert mailoutbox == []


def test_confirming_after_unsubscribing_does_not_restart_the_alerts(client, db):
    alert = confirmed_alert("reader@example.org", state="Ohio")
    alert.unsubscribed_at = timezone.now() - timedelta(minutes=1)
    alert.save()

    response = client.post(f"/courses/alerts/{alert.token}/confirm/", follow=True)

    assert "These alerts were stopped" in response.content.decode()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
