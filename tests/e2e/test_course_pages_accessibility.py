"""axe-core finds no serious or critical problem on the course pages (the public catalogue and
its alerts, a candidate's completion claims, the provider area and the staff pages for
providers, courses and completions), in their ordinary, empty and error states, and each page
has exactly one <h1>.

The data is made through the services and the factories' course helpers; the browser is signed
in with a session cookie (`sign_in`), as the login form is tested elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from courses import services
from courses.models import CourseAlert, Provider
from lssc.program.models import CompetencySet
from tests.e2e.conftest import labelled, sign_in
from tests.factories import (
    SMALL_PDF,
    ProviderFactory,
    ProviderMembershipFactory,
    UserFactory,
    approved_course,
    candidacy_with_progress,
    complete_course,
    course_draft,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


# --- The cast ---------------------------------------------------------------------------------


@dataclass
class Visitor:
    """Who is signed in (None: nobody), and the ids their pages' paths are filled in with."""

    user: object
    ids: dict = field(default_factory=dict)


def visitor() -> Visitor:
    """Someone not signed in, with one approved course and two alerts to look at."""
    course = approved_course(title="Cataloguing basics", set_code="cataloging-classification")
    competency_set = CompetencySet.objects.filter(code="cataloging-classification").latest("pk")
    waiting = services.alert_subscribe(
        email="new.reader@example.org", competency_set=competency_set
    )
    confirmed = CourseAlert.objects.create(
        email="old.reader@example.org", state="Illinois", confirmed_at=timezone.now()
    )
    return Visitor(
        None, {"course": course.pk, "waiting": waiting.token, "confirmed": confirmed.token}
    )


def candidate() -> Visitor:
    """A candidate with one course to claim and no claim yet."""
    course = approved_course(title="Cataloguing basics", set_code="cataloging-classification")
    candidacy = candidacy_with_progress(user__first_name="Casey")
    return Visitor(candidacy.user, {"course": course.pk})


def provider() -> Visitor:
    """A member of a verified provider with a draft course that has nothing filled in."""
    membership = ProviderMembershipFactory(user__first_name="Priya")
    course = course_draft(membership.provider, by=membership.user)
    return Visitor(membership.user, {"course": course.pk})


def invitee() -> Visitor:
    """Someone invited to join a provider, opening the emailed link."""
    membership = ProviderMembershipFactory(user__first_name="Priya")
    user = UserFactory(email="ivy.invitee@example.org", first_name="Ivy")
    invitation = services.invitation_create(
        membership.provider, email=user.email, by=membership.user
    )
    return Visitor(user, {"token": invitation.token})


def staff() -> Visitor:
    """Program staff with an unverified provider, a submitted course and a completion claim
    waiting."""
    member = UserFactory(email="sam.staff@example.org", first_name="Sam", program_staff=True)
    registrant = UserFactory(first_name="Rene")
    unverified = services.provider_register(
        by=registrant,
        name="Lakeside Library Consultants",
        type=Provider.Type.CONSULTANT,
        state="Wisconsin",
        contact_name="Rene Registrant",
        contact_email="rene@lakeside.example.org",
    )
    membership = ProviderMembershipFactory(provider=ProviderFactory())
    submitted = services.course_submit(
        complete_course(membership.provider, by=membership.user, title="Foundations online"),
        by=membership.user,
    )
    course = approved_course(
        membership.provider,
        by=membership.user,
        reviewer=member,
        title="Cataloguing basics",
        set_code="cataloging-classification",
    )
    candidacy = candidacy_with_progress(user__first_name="Casey")
    completion = services.completion_claim(
        candidacy,
        course=course,
        completed_on=timezone.localdate(),
        proof=ContentFile(SMALL_PDF, name="certificate.pdf"),
        by=candidacy.user,
    )
    return Visitor(
        member,
        {"provider": unverified.pk, "course": submitted.pk, "completion": completion.pk},
    )


# --- What is done on the page before it is scanned --------------------------------------------


def error_summary(page: Page, text: str) -> None:
    expect(page.locator("#error-summary")).to_contain_text(text)


def one_course_is_listed(page: Page) -> None:
    expect(page.get_by_role("heading", name="1 course", exact=True)).to_be_visible()


def nothing_matches(page: Page) -> None:
    expect(page.get_by_role("main")).to_contain_text("No approved course matches your search.")


def subscribe_without_an_address(page: Page) -> None:
    page.get_by_role("button", name="Send the confirmation email").click()
    error_summary(page, "Enter your email address.")


def claim_a_day_outside_the_window(page: Page) -> None:
    labelled(page, "Completion date").fill(
        (timezone.localdate() - timedelta(days=10 * 365)).isoformat()
    )
    labelled(page, "Proof of completion").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}
    )
    page.get_by_role("button", name="Send the claim").click()
    error_summary(page, "is outside that window.")


def register_with_nothing_filled_in(page: Page) -> None:
    page.get_by_role("button", name="Register the organisation").click()
    error_summary(page, "Name of the organisation: This field is required.")


def missing_list_is_shown(page: Page) -> None:
    expect(page.locator("#refused")).to_contain_text("Before you can submit, complete these:")


def upload_a_bad_roster(page: Page) -> None:
    labelled(page, "Roster file (CSV)").set_input_files(
        {
            "name": "roster.csv",
            "mimeType": "text/csv",
            "buffer": b"email,name,course,date\nnot-an-address,Casey,Nothing,yesterday\n",
        }
    )
    page.get_by_role("button", name="Upload and confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The roster was not uploaded")
    expect(page.locator("#roster-errors li").first).to_be_visible()


def record_an_empty_review(page: Page) -> None:
    page.get_by_role("button", name="Record the review").click()
    error_summary(page, "Choose a decision.")


PAGES = [
    pytest.param(visitor, "/courses/", one_course_is_listed, id="catalogue"),
    pytest.param(
        visitor, "/courses/?q=no+such+course+anywhere", nothing_matches, id="catalogue-no-results"
    ),
    pytest.param(visitor, "/courses/{course}/", None, id="catalogue-course"),
    pytest.param(visitor, "/courses/alerts/", None, id="alerts"),
    pytest.param(visitor, "/courses/alerts/", subscribe_without_an_address, id="alerts-error"),
    pytest.param(visitor, "/courses/alerts/{waiting}/confirm/", None, id="alert-confirm"),
    pytest.param(visitor, "/courses/alerts/{confirmed}/unsubscribe/", None, id="alert-unsubscribe"),
    pytest.param(candidate, "/completions/", None, id="completions"),
    pytest.param(
        candidate,
        "/completions/new/?course={course}",
        claim_a_day_outside_the_window,
        id="completion-new-error",
    ),
    pytest.param(provider, "/provider/", None, id="provider-home"),
    pytest.param(
        provider, "/provider/register/", register_with_nothing_filled_in, id="provider-register"
    ),
    pytest.param(provider, "/provider/courses/new/", None, id="provider-course-new"),
    pytest.param(provider, "/provider/courses/{course}/details/", None, id="provider-details"),
    pytest.param(provider, "/provider/courses/{course}/map/", None, id="provider-map"),
    pytest.param(
        provider, "/provider/courses/{course}/instructors/", None, id="provider-instructors"
    ),
    pytest.param(
        provider, "/provider/courses/{course}/", missing_list_is_shown, id="provider-course"
    ),
    pytest.param(invitee, "/provider/invitations/{token}/", None, id="provider-invitation"),
    pytest.param(provider, "/provider/completions/", None, id="provider-completions"),
    pytest.param(provider, "/provider/roster/", None, id="roster-upload"),
    pytest.param(provider, "/provider/roster/", upload_a_bad_roster, id="roster-errors"),
    pytest.param(staff, "/staff/providers/", None, id="staff-providers"),
    pytest.param(staff, "/staff/providers/{provider}/verify/", None, id="staff-provider-verify"),
    pytest.param(staff, "/staff/courses/", None, id="staff-courses"),
    pytest.param(staff, "/staff/courses/{course}/", None, id="staff-course"),
    pytest.param(
        staff, "/staff/courses/{course}/review/", record_an_empty_review, id="staff-review-error"
    ),
    pytest.param(staff, "/staff/completions/", None, id="staff-completions"),
    pytest.param(staff, "/staff/completions/{completion}/", None, id="staff-completion"),
    pytest.param(
        staff, "/staff/completions/{completion}/reject/", None, id="staff-completion-reject"
    ),
]


@pytest.mark.parametrize(("who", "path", "then"), PAGES)
def test_course_page_has_one_h1_and_no_serious_accessibility_problem(
    live_server, page: Page, assert_accessible, who, path, then
):
    person = who()
    if person.user is not None:
        sign_in(page.context, live_server, person.user)
    url = f"{live_server.url}{path.format(**person.ids)}"

    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    expect(page).to_have_url(url)  # not sent to log in or to set up two-factor authentication
    if then:
        then(page)

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
