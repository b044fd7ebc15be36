"""Staff pages for applications: the queue, the detail page and the confirm pages for
payments, information requests, declining and admitting."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import Application, ApplicationStatusChange, Candidacy, Payment
from tests.factories import UserFactory, submitted_application

QUEUE = "/staff/applications/"


def detail_url(application):
    return reverse("staff:application_detail", args=[application.pk])


def action_url(application, action):
    return reverse(f"staff:application_{action}", args=[application.pk])


def token_of(response) -> str:
    return response.context["form"]["submission"].value()


def payment_data(response, **overrides):
    """The payment form as a person would fill it in, with the token the page gave."""
    data = {
        "submission": token_of(response),
        "amount": "100.00",
        "method": "cheque",
        "reference": "Cheque 1042",
        "received_on": timezone.localdate().isoformat(),
    }
    return {**data, **overrides}


def history(application):
    return list(
        ApplicationStatusChange.objects.filter(application=application)
        .order_by("pk")
        .values_list("old_status", "new_status", "actor__email", "note")
    )


# --- URLs ---------------------------------------------------------------------------------


def test_application_urls_have_their_names():
    assert reverse("staff:applications") == QUEUE
    assert reverse("staff:application_detail", args=[7]) == "/staff/applications/7/"
    assert reverse("staff:application_payment", args=[7]) == "/staff/applications/7/payment/"
    assert (
        reverse("staff:application_request_info", args=[7]) == "/staff/applications/7/request-info/"
    )
    assert reverse("staff:application_decline", args=[7]) == "/staff/applications/7/decline/"
    assert reverse("staff:application_admit", args=[7]) == "/staff/applications/7/admit/"


# --- The queue ----------------------------------------------------------------------------


def test_queue_lists_submitted_applications_oldest_first_with_fee_paid_and_hours(
    staff_client, staff
):
    newer = submitted_application(legal_name="Nia Newer", state="Ohio", submitted_days_ago=2)
    older = submitted_application(legal_name="Olga Older", submitted_days_ago=20)
    services.payment_record(
        older, amount=Decimal("100"), method="card", received_on=timezone.localdate(), by=staff
    )
    draft = services.application_start(UserFactory())

    response = staff_client.get(QUEUE)

    assert response.status_code == 200
    assert [row.pk for row in response.context["rows"]] == [older.pk, newer.pk]
    assert draft.pk not in [row.pk for row in response.context["rows"]]
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'<a href="{detail_url(older)}">Olga Older</a>' in html
    assert older.email in html
    submitted_on = timezone.localdate(older.submitted_at)
    assert f"{submitted_on:%-d %B %Y}" in html
    assert "20 days ago" in html
    assert '<span class="badge badge-status text-bg-primary">Submitted</span>' in html
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    assert '<td class="text-end">350.00</td>' in first_row
    assert '<td class="text-end">100.00</td>' in first_row
    assert f'<td class="text-end">{older.counted_hours:,.0f}</td>' in first_row


def test_queue_shows_a_count_for_each_status(staff_client, staff):
    submitted_application()
    submitted_application()
    services.application_decline(submitted_application(), by=staff, reason="Duplicate.")
    services.application_request_info(submitted_application(), by=staff, message="Proof?")

    response = staff_client.get(QUEUE)

    assert [(tab["label"], tab["count"]) for tab in response.context["tabs"]] == [
        ("All", 4),
        ("Submitted", 2),
        ("More information requested", 1),
        ("Declined", 1),
        ("Admitted", 0),
    ]


def test_queue_filters_by_status(staff_client, staff):
    waiting = submitted_application()
    services.application_decline(submitted_application(), by=staff, reason="Duplicate.")

    response = staff_client.get(QUEUE, {"status": "submitted"})

    assert [row.pk for row in response.context["rows"]] == [waiting.pk]
    assert response.context["current_status"] == "submitted"


def test_queue_filters_by_state_without_regard_to_capitals(staff_client):
    ohio = submitted_application(state="Ohio")
    also_ohio = submitted_application(state="ohio")
    submitted_application(state="Illinois")

    response = staff_client.get(QUEUE, {"state": "Ohio"})

    assert [row.pk for row in response.context["rows"]] == [ohio.pk, also_ohio.pk]
    # The select offers each state present once.
    assert response.context["form"].fields["state"].choices == [
        ("", "Any state"),
        ("Illinois", "Illinois"),
        ("Ohio", "Ohio"),
    ]


@pytest.mark.parametrize(
    ("days", "expected"), [("7", ["older", "old"]), ("14", ["older"]), ("30", ["older"])]
)
def test_queue_filters_by_age_oldest_first(staff_client, days, expected):
    made = {
        "new": submitted_application(submitted_days_ago=1),
        "old": submitted_application(submitted_days_ago=10),
        "older": submitted_application(submitted_days_ago=40),
    }

    response = staff_client.get(QUEUE, {"older_than_days": days})

    assert [row.pk for row in response.context["rows"]] == [made[name].pk for name in expected]


def test_queue_reports_an_unknown_filter_value_and_ignores_it(staff_client):
    application = submitted_application()

    response = staff_client.get(QUEUE, {"status": "bogus"})

    assert [row.pk for row in response.context["rows"]] == [application.pk]
    assert response.context["form"].errors["status"] == [
        "Select a valid choice. bogus is not one of the available choices."
    ]


def test_queue_says_what_it_is_for_when_nothing_was_submitted(staff_client):
    services.application_start(UserFactory())  # a draft is not listed

    html = staff_client.get(QUEUE).content.decode()

    assert "No applications have been submitted yet." in html
    assert "<table" not in html


def test_queue_says_when_no_application_matches_the_filters(staff_client):
    submitted_application()

    html = staff_client.get(QUEUE, {"status": "admitted"}).content.decode()

    assert "No applications match these filters." in html
    assert f'<a href="{QUEUE}">Clear the filters</a>' in html


def test_queue_shows_25_applications_a_page(staff_client):
    made = [submitted_application(submitted_days_ago=30 - n) for n in range(27)]

    first = staff_client.get(QUEUE)
    second = staff_client.get(QUEUE, {"page": "2"})

    assert [row.pk for row in first.context["rows"]] == [a.pk for a in made[:25]]
    assert [row.pk for row in second.context["rows"]] == [a.pk for a in made[25:]]
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2">Next</a>' in first.content.decode()


def test_queue_query_count_is_the_same_at_1_and_at_50_applications(staff_client, staff):
    first = submitted_application()
    services.payment_record(
        first, amount=Decimal("350"), method="card", received_on=timezone.localdate(), by=staff
    )
    staff_client.get(QUEUE)  # warm up anything cached per process
    with CaptureQueriesContext(connection) as with_one:
        response = staff_client.get(QUEUE)
    assert len(response.context["rows"]) == 1
    for n in range(49):
        application = submitted_application(state=f"State {n % 5}")
        if n % 2:
            services.payment_record(
                application,
                amount=Decimal("50"),
                method="cheque",
                received_on=timezone.localdate(),
                by=staff,
            )
    services.application_request_info(application, by=staff, message="More, please.")

    with CaptureQueriesContext(connection) as with_fifty:
        response = staff_client.get(QUEUE)

    assert response.context["page"].paginator.count == 50
    assert len(response.context["rows"]) == 25
    assert len(with_fifty) == len(with_one)


# --- The detail page ----------------------------------------------------------------------


def test_detail_shows_the_sections_eligibility_fee_history_and_actions(
    staff_client, application, staff
):
    services.payment_record(
        application,
        amount=Decimal("150"),
        method="purchase_order",
        reference="PO-77",
        received_on=timezone.localdate(),
        by=staff,
    )

    response = staff_client.get(detail_url(application))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Application from Robin Reader" in html
    for text in ["555-0100", "1 Library Lane", "Springfield PL", "Clerk", "Not a member"]:
        assert text in html
    # Eligibility: one row per job with what was counted, and the verdict.
    verdict = response.context["verdict"]
    assert verdict.eligible is True
    job, hours = response.context["job_rows"][0]
    assert (job.library, job.role, hours.hours) == (
        "Springfield PL",
        "Circulation clerk",
        application.counted_hours,
    )
    assert "<td>Public</td>" in html
    assert "<td>Paid</td>" in html
    assert '<span class="badge badge-status text-bg-success">Eligible</span>' in html
    # The fee with the payment, total and balance.
    assert (response.context["paid"], response.context["balance"]) == (
        Decimal("150.00"),
        Decimal("200.00"),
    )
    assert "<td>Purchase order</td>" in html
    assert "Still due: <strong>USD 200.00</strong>" in html
    # History, newest first: the payment after the submission.
    titles = [event["title"] for event in response.context["timeline"]]
    assert titles == [
        "Payment recorded: 150.00 (Purchase order)",
        "Draft → Submitted",
        "Draft",
    ]
    assert response.context["actions"] == {
        "payment": True,
        "request_info": True,
        "decline": True,
        "admit": True,
    }
    for action in ["admit", "payment", "request_info", "decline"]:
        assert f'href="{action_url(application, action)}"' in html


def test_detail_of_a_declined_application_offers_no_action(staff_client, application, staff):
    services.application_decline(application, by=staff, reason="Not a library worker.")

    response = staff_client.get(detail_url(application))

    assert response.context["actions"] == {
        "payment": False,
        "request_info": False,
        "decline": False,
        "admit": False,
    }
    assert "there is nothing left to decide" in response.content.decode()


def test_detail_of_an_application_waiting_for_information_cannot_ask_again(
    staff_client, application, staff
):
    services.application_request_info(application, by=staff, message="Proof of hours?")

    response = staff_client.get(detail_url(application))

    assert response.context["actions"] == {
        "payment": True,
        "request_info": False,
        "decline": True,
        "admit": True,
    }


def test_detail_of_an_admitted_application_links_the_candidacy(staff_client, application, staff):
    candidacy = services.application_admit(application, by=staff, override_reason="Fee waived.")

    html = staff_client.get(detail_url(application)).content.decode()

    assert (
        f'<a href="{reverse("staff:candidacy_detail", args=[candidacy.pk])}">'
        f"{candidacy.number}</a>" in html
    )


# --- Recording a payment -----------------------------------------------------------------


def test_payment_page_says_what_will_happen(staff_client, application):
    html = staff_client.get(action_url(application, "payment")).content.decode()

    assert "USD 350.00 is still due, so you can record up to that amount" in html
    assert "The applicant is emailed a receipt" in html


def test_recording_a_payment_saves_it_emails_the_applicant_and_returns_to_the_application(
    staff_client, staff, application, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(application, "payment")
    form = staff_client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, payment_data(form))

    assert response.status_code == 302
    assert response.url == detail_url(application)
    assert list(
        Payment.objects.filter(application=application).values_list(
            "amount", "method", "reference", "received_on", "recorded_by"
        )
    ) == [(Decimal("100.00"), "cheque", "Cheque 1042", timezone.localdate(), staff.pk)]
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["applicant@example.org"], "We received your payment")
    ]
    page = staff_client.get(response.url).content.decode()
    assert (
        "Payment of USD 100.00 recorded. USD 250.00 is still due. Robin Reader was emailed a "
        "receipt." in page
    )


def test_partial_payments_add_up_to_the_fee(staff_client, application):
    url = action_url(application, "payment")
    staff_client.post(url, payment_data(staff_client.get(url), amount="200"))
    staff_client.post(url, payment_data(staff_client.get(url), amount="150", method="card"))

    response = staff_client.get(detail_url(application))

    assert response.context["paid"] == Decimal("350.00")
    assert response.context["balance"] == Decimal("0.00")
    assert response.context["actions"]["payment"] is False
    assert "Paid in full" in response.content.decode()


def test_overpayment_is_refused_at_the_amount_with_the_input_kept(staff_client, application):
    url = action_url(application, "payment")

    response = staff_client.post(url, payment_data(staff_client.get(url), amount="400"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "amount": ["That is more than the 350.00 still due; record at most 350.00."]
    }
    assert Payment.objects.count() == 0
    html = response.content.decode()
    assert 'value="400"' in html
    assert 'value="Cheque 1042"' in html
    assert 'href="#id_amount"' in html  # the error summary links to the field


def test_an_empty_payment_form_lists_each_error_linking_to_its_field(staff_client, application):
    url = action_url(application, "payment")
    token = token_of(staff_client.get(url))

    response = staff_client.post(url, {"submission": token, "reference": "Kept"})

    assert response.context["form"].errors == {
        "amount": ["Enter the amount received."],
        "method": ["Choose how the money was paid."],
        "received_on": ["Enter the date the money arrived."],
    }
    html = response.content.decode()
    assert '<a href="#id_amount">' in html
    assert '<a href="#id_method_0">' in html  # radio buttons: the first one
    assert '<a href="#id_received_on">' in html
    assert 'value="Kept"' in html


def test_a_payment_on_a_declined_application_is_refused_with_the_input_kept(
    staff_client, staff, application
):
    url = action_url(application, "payment")
    form = staff_client.get(url)
    services.application_decline(application, by=staff, reason="Not eligible.")

    response = staff_client.post(url, payment_data(form))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Payments cannot be recorded on an application that is declined."
    ]
    assert Payment.objects.count() == 0
    html = response.content.decode()
    assert "This could not be done" in html
    assert 'value="Cheque 1042"' in html


def test_payment_page_of_a_declined_application_explains_instead_of_showing_a_form(
    staff_client, staff, application
):
    services.application_decline(application, by=staff, reason="Not eligible.")

    response = staff_client.get(action_url(application, "payment"))

    html = response.content.decode()
    assert "Payments cannot be recorded on an application that is declined." in html
    assert '<form method="post"' not in html


def test_a_double_click_records_the_payment_once(
    staff_client, application, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(application, "payment")
    data = payment_data(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(url, data)
        second = staff_client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url == detail_url(application)
    assert Payment.objects.filter(application=application).count() == 1
    assert len(mailoutbox) == 1
    page = staff_client.get(second.url).content.decode()
    assert "That form was already sent, so nothing was done a second time." in page


def test_a_refused_payment_can_be_corrected_and_sent_again(staff_client, application):
    url = action_url(application, "payment")
    data = payment_data(staff_client.get(url), amount="0")
    refused = staff_client.post(url, data)
    assert refused.context["form"].errors == {"amount": ["Enter an amount above zero."]}

    response = staff_client.post(url, {**data, "amount": "350"})

    assert response.status_code == 302
    assert Payment.objects.get(application=application).amount == Decimal("350.00")


# --- Requesting more information ---------------------------------------------------------


def test_requesting_information_records_the_message_and_emails_the_applicant(
    staff_client, staff, application, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(application, "request_info")
    token = token_of(staff_client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"submission": token, "message": "Please add your volunteer hours."}
        )

    assert response.status_code == 302
    assert response.url == detail_url(application)
    application.refresh_from_db()
    assert application.status == Application.Status.INFO_REQUESTED
    assert history(application)[-1] == (
        "submitted",
        "info_requested",
        "staff@example.org",
        "Please add your volunteer hours.",
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["applicant@example.org"], "Your LSSC application needs more information")
    ]
    assert "Please add your volunteer hours." in mailoutbox[0].body


def test_the_applicant_resubmits_and_the_application_is_back_in_the_queue(
    staff_client, staff, application, applicant
):
    services.application_request_info(application, by=staff, message="Add your phone.")
    services.application_update(
        application,
        section=Application.Section.PERSONAL,
        fields={"phone": "555-0199"},
        by=applicant,
    )
    services.application_submit(application, by=applicant)

    response = staff_client.get(QUEUE, {"status": "submitted"})

    assert [row.pk for row in response.context["rows"]] == [application.pk]
    titles = [e["title"] for e in staff_client.get(detail_url(application)).context["timeline"]]
    assert titles[:2] == [
        "More information requested → Submitted",
        "Submitted → More information requested",
    ]


def test_a_request_without_a_message_is_refused_at_the_field(staff_client, application):
    url = action_url(application, "request_info")

    response = staff_client.post(
        url, {"submission": token_of(staff_client.get(url)), "message": " "}
    )

    assert response.context["form"].errors == {"message": ["Say what information you need."]}
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_double_click_requests_information_once(
    staff_client, application, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(application, "request_info")
    data = {"submission": token_of(staff_client.get(url)), "message": "Proof of education?"}

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, data)
        staff_client.post(url, data)

    assert [row[1] for row in history(application)] == ["draft", "submitted", "info_requested"]
    assert len(mailoutbox) == 1


# --- Declining ---------------------------------------------------------------------------


def test_declining_records_the_reason_and_emails_the_applicant(
    staff_client, staff, application, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(application, "decline")
    page = staff_client.get(url)
    assert "This cannot be undone." in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"submission": token_of(page), "reason": "No library work in the window."}
        )

    assert response.url == detail_url(application)
    assert history(application)[-1] == (
        "submitted",
        "declined",
        "staff@example.org",
        "No library work in the window.",
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["applicant@example.org"], "Your LSSC application was not accepted")
    ]


def test_declining_twice_declines_once(
    staff_client, application, mailoutbox, django_capture_on_commit_callbacks
):
    url = action_url(application, "decline")
    data = {"submission": token_of(staff_client.get(url)), "reason": "Duplicate."}

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, data)
        staff_client.post(url, data)

    assert [row[1] for row in history(application)].count("declined") == 1
    assert len(mailoutbox) == 1


def test_declining_an_admitted_application_is_refused(staff_client, staff, application):
    url = action_url(application, "decline")
    token = token_of(staff_client.get(url))
    services.application_admit(application, by=staff, override_reason="Fee waived.")

    response = staff_client.post(url, {"submission": token, "reason": "Changed my mind."})

    assert response.context["form"].non_field_errors() == [
        "An application that is admitted cannot become declined."
    ]
    assert "Changed my mind.</textarea>" in response.content.decode()


# --- Admitting ---------------------------------------------------------------------------


def pay_in_full(application, staff):
    services.payment_record(
        application,
        amount=application.fee_due,
        method="card",
        received_on=timezone.localdate(),
        by=staff,
    )


def test_admitting_a_paid_eligible_application_creates_the_candidacy_and_emails(
    staff_client, staff, application, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    pay_in_full(application, staff)
    url = action_url(application, "admit")
    page = staff_client.get(url)
    assert page.context["problems"] == []
    assert "override_reason" not in page.context["form"].fields

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"submission": token_of(page)})

    assert response.status_code == 302
    assert response.url == detail_url(application)
    candidacy = Candidacy.objects.get(user=applicant)
    assert candidacy.application == application
    assert candidacy.number == f"LSSC-{timezone.now():%Y}-{candidacy.pk:05d}"
    assert candidacy.deadline == page.context["deadline"]
    assert history(application)[-1] == ("submitted", "admitted", "staff@example.org", "Admitted.")
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["applicant@example.org"], "Welcome to LSSC: you are now a candidate")
    ]
    detail = staff_client.get(response.url).content.decode()
    assert f"Robin Reader was admitted as candidate {candidacy.number}" in detail


def test_admit_page_of_an_unpaid_application_requires_an_override_reason(staff_client, application):
    url = action_url(application, "admit")
    page = staff_client.get(url)
    html = page.content.decode()
    assert page.context["problems"] == ["USD 350.00 of the fee is still unpaid."]
    assert "only with a written reason for the override" in html
    assert 'name="override_reason"' in html

    response = staff_client.post(url, {"submission": token_of(page), "override_reason": ""})

    assert response.context["form"].errors == {
        "override_reason": ["Give the reason for admitting although the checks are not met."]
    }
    assert not Candidacy.objects.filter(application=application).exists()


def test_an_unpaid_application_is_admitted_with_an_override_reason_kept_in_the_history(
    staff_client, application
):
    url = action_url(application, "admit")

    response = staff_client.post(
        url,
        {
            "submission": token_of(staff_client.get(url)),
            "override_reason": "Fee covered by the state library grant.",
        },
    )

    assert response.status_code == 302
    assert Candidacy.objects.filter(application=application).count() == 1
    note = history(application)[-1][3]
    assert note == (
        "Admitted despite: USD 350.00 of the fee is still unpaid. "
        "Reason: Fee covered by the state library grant."
    )


def test_an_ineligible_application_needs_an_override_to_be_admitted(
    staff_client, staff, application, applicant
):
    pay_in_full(application, staff)
    services.application_request_info(application, by=staff, message="Check your hours.")
    # The applicant corrects their hours, which leaves them short of the requirement.
    job = application.jobs.get()
    services.application_replace_jobs(
        application,
        jobs=[
            {
                "library": job.library,
                "library_type": job.library_type,
                "role": job.role,
                "paid": False,
                "start": job.start,
                "end": None,
                "hours_per_week": Decimal(2),
            }
        ],
        by=applicant,
    )
    url = action_url(application, "admit")
    page = staff_client.get(url)
    assert page.context["verdict"].eligible is False
    assert len(page.context["problems"]) == 1
    assert "more hours of library work" in page.context["problems"][0]

    refused = staff_client.post(url, {"submission": token_of(page)})
    assert list(refused.context["form"].errors) == ["override_reason"]
    assert not Candidacy.objects.filter(application=application).exists()

    staff_client.post(
        url, {"submission": token_of(page), "override_reason": "Hours verified by phone."}
    )

    assert Candidacy.objects.filter(application=application).count() == 1
    assert history(application)[-1][3].endswith("Reason: Hours verified by phone.")


def test_a_double_click_on_admit_makes_one_candidacy(
    staff_client, staff, application, mailoutbox, django_capture_on_commit_callbacks
):
    pay_in_full(application, staff)
    url = action_url(application, "admit")
    data = {"submission": token_of(staff_client.get(url))}

    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(url, data)
        second = staff_client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Candidacy.objects.filter(application=application).count() == 1
    assert [m.subject for m in mailoutbox] == ["Welcome to LSSC: you are now a candidate"]


def test_admitting_again_from_a_second_tab_is_refused_with_a_message(
    staff_client, staff, application
):
    pay_in_full(application, staff)
    url = action_url(application, "admit")
    first_tab, second_tab = staff_client.get(url), staff_client.get(url)
    staff_client.post(url, {"submission": token_of(first_tab)})

    response = staff_client.post(url, {"submission": token_of(second_tab)})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["This person is already a candidate."]
    assert Candidacy.objects.filter(application=application).count() == 1


# --- Who may open these pages ------------------------------------------------------------

ACTIONS = ["payment", "request_info", "decline", "admit"]


def application_urls(application):
    return [QUEUE, detail_url(application)] + [action_url(application, a) for a in ACTIONS]


def test_anonymous_visitors_are_sent_to_log_in(client, application):
    urls = application_urls(application)
    requests = [(client.get, url) for url in urls] + [(client.post, url) for url in urls[2:]]

    for method, url in requests:
        response = method(url)
        assert response.status_code == 302, url
        assert response.url == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize(
    "persona",
    ["applicant", "candidate", "other_candidate", "evaluator", "provider_user", "outsider"],
)
def test_people_who_are_not_program_staff_are_refused(client, request, application, persona):
    # The applicant owns the application but is not staff: 403, as for every other role.
    client.force_login(request.getfixturevalue(persona))

    for url in application_urls(application):
        assert client.get(url).status_code == 404, url
    for url in application_urls(application)[2:]:
        assert client.post(url, {"reason": "x", "message": "x"}).status_code == 404, url
    assert application.status_changes.count() == 2  # started, submitted: nothing more


def test_a_draft_is_not_found_for_staff(staff_client):
    draft = services.application_start(UserFactory())

    for url in application_urls(draft)[1:]:
        assert staff_client.get(url).status_code == 404, url
    for url in application_urls(draft)[2:]:
        assert staff_client.post(url, {"reason": "x"}).status_code == 404, url
    assert Application.objects.get(pk=draft.pk).status == Application.Status.DRAFT


def test_an_unknown_application_is_not_found(staff_client):
    for url in application_urls(Application(pk=999999))[1:]:
        assert staff_client.get(url).status_code == 404, url


def test_pages_answer_only_the_methods_they_use(staff_client, application):
    assert staff_client.post(QUEUE).status_code == 405
    assert staff_client.post(detail_url(application)).status_code == 405
    for action in ACTIONS:
        assert staff_client.delete(action_url(application, action)).status_code == 405


def test_staff_home_links_to_the_queue_with_the_number_waiting(staff_client, staff):
    submitted_application()
    submitted_application()
    services.application_request_info(submitted_application(), by=staff, message="?")

    html = staff_client.get(reverse("staff:home")).content.decode()

    assert "<strong>2</strong> applications waiting for a decision" in html
    assert "1 waiting for the applicant to send more information" in html
    assert f'href="{QUEUE}?status=submitted">Open the applications queue</a>' in html


def test_an_old_submission_shows_its_age(staff_client):
    application = submitted_application(submitted_days_ago=15)

    html = staff_client.get(QUEUE).content.decode()

    assert f"{timezone.localdate(application.submitted_at):%-d %B %Y}" in html
    assert "15 days ago" in html
