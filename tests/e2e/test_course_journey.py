"""A course from registration to a candidate's achieved set, through the real pages: a provider
registers an organisation, staff verify it, the provider drafts a course, maps it and names
its instructor, staff score it and approve it, a visitor finds it in the catalogue, and a
candidate claims it, has the claim verified and sees the set achieved.

Each person has their own browser context, signed in with a session cookie (`sign_in`): the
login form and its authenticator code are tested in the other journeys.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from courses.models import Course, CourseAlert, Provider
from lssc.core.models import EmailLog
from lssc.program.models import CompetencySet
from tests.e2e.conftest import TIMEOUT_MS, labelled, sign_in
from tests.factories import SMALL_PDF, UserFactory, candidacy_with_progress

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SET_CODE = "cataloging-classification"
SET_NAME = "Cataloging and Classification"
ORGANISATION = "Prairie Cataloguing Cooperative"
TITLE = "Cataloguing for everyone"
ALERT_EMAIL = "alerts.reader@example.org"
CRITERIA = [
    "Clear learning objectives",
    "Covers every competency of the set",
    "Instructional methods",
    "Assessment of learning",
    "Instructor qualifications",
]


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def main(page: Page):
    return page.get_by_role("main")


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": SMALL_PDF}


def signed_in_page(new_context, live_server, user) -> Page:
    context = new_context()
    sign_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


@contextmanager
def autosave_carrying(page: Page, value: str):
    """Wait, after the block, for the background save whose form data includes `value` (the
    last thing typed), so pressing a Save button afterwards does not race it."""

    def is_it(response) -> bool:
        request = response.request
        return (
            request.method == "POST"
            and request.headers.get("x-requested-with") == "XMLHttpRequest"
            and value in (request.post_data or "")
        )

    with page.expect_response(is_it) as answer:
        yield
    assert answer.value.json()["saved"] is True


def test_provider_course_is_approved_found_claimed_and_achieves_the_candidates_elective(
    live_server, page: Page, new_context
):
    competency_set = CompetencySet.objects.filter(code=SET_CODE).latest("pk")
    statements = list(
        competency_set.competencies.order_by("number").values_list("statement", flat=True)
    )
    assert len(statements) == 8
    staff = UserFactory(email="sam.office@example.org", first_name="Sam", program_staff=True)
    provider_user = UserFactory(email="priya.provider@example.org", first_name="Priya")
    candidacy = candidacy_with_progress(
        user__email="casey.candidate@example.org", user__first_name="Casey"
    )
    CourseAlert.objects.create(
        email=ALERT_EMAIL, competency_set=competency_set, confirmed_at=timezone.now()
    )
    today = timezone.localdate()

    # --- The provider registers an organisation ----------------------------------------------
    sign_in(page.context, live_server, provider_user)
    page.goto(f"{live_server.url}/provider/register/")
    expect(heading(page)).to_have_text("Register an organisation to offer courses")
    labelled(page, "Name of the organisation").fill(ORGANISATION)
    labelled(page, "Type of organisation").select_option(label="Regional library cooperative")
    labelled(page, "State").fill("Illinois")
    labelled(page, "Contact person").fill("Priya Provider")
    labelled(page, "Contact email").fill("courses@prairie.example.org")
    page.get_by_role("button", name="Register the organisation").click()
    expect(page).to_have_url(f"{live_server.url}/provider/")
    expect(main(page)).to_contain_text(f"{ORGANISATION} is registered.")
    organisation = page.get_by_role("region", name=ORGANISATION)
    expect(organisation).to_contain_text("Awaiting verification")

    # --- Staff verify it on the confirm page ---------------------------------------------------
    staff_page = signed_in_page(new_context, live_server, staff)
    staff_page.goto(f"{live_server.url}/staff/providers/")
    expect(heading(staff_page)).to_have_text("Course providers")
    staff_page.get_by_role("link", name=f"Verify… {ORGANISATION}").click()
    expect(heading(staff_page)).to_have_text(f"Verify {ORGANISATION}")
    staff_page.get_by_role("button", name=f"Verify {ORGANISATION}").click()
    expect(staff_page).to_have_url(f"{live_server.url}/staff/providers/")
    expect(main(staff_page)).to_contain_text(
        f"{ORGANISATION} is verified; its members were emailed."
    )
    assert Provider.objects.get(name=ORGANISATION).verified_by == staff

    # --- The provider drafts the course: details, map, instructor, submit ---------------------
    page.reload()
    expect(organisation).to_contain_text("Verified")
    page.get_by_role("link", name="Start a course application").click()
    expect(heading(page)).to_have_text("Start a course application")
    labelled(page, "Competency set").select_option(label=f"{SET_NAME} (8 competencies)")
    labelled(page, "Course title").fill(TITLE)
    page.get_by_role("button", name="Start the draft").click()

    expect(heading(page)).to_have_text("Details")
    expect(main(page)).to_contain_text("Draft started. It is saved as you type.")
    labelled(page, "Description").fill("Describing and organising a small library's collection.")
    labelled(page, "Learning objectives").fill("Create a catalog record.\nAssign a call number.")
    labelled(page, "Assessment methods").fill("A record created in each module.")
    page.get_by_role("radio", name="Online").check()
    page.get_by_role("radio", name="Asynchronous (at your own pace)").check()
    labelled(page, "Self-paced (no fixed dates)").check()
    labelled(page, "Duration").fill("6 weeks")
    labelled(page, "Cost (US dollars)").fill("0")
    with autosave_carrying(page, "prairie.example.org/cataloguing"):
        labelled(page, "Enrolment link").fill("https://prairie.example.org/cataloguing")
    expect(page.locator('[data-section-status="details"]')).to_have_text("To do")  # no syllabus
    # The file goes with the ordinary save, which cancels the autosave its choice schedules.
    labelled(page, "Syllabus").set_input_files(pdf("syllabus.pdf"))
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Competency map")
    expect(main(page)).to_contain_text("Details: saved.")
    for number in range(1, 8):
        labelled(
            page.get_by_role("group", name=f"Competency {number}"), "Content (sessions, modules)"
        ).fill(f"Module {number}")
    with autosave_carrying(page, "Module 8"):
        labelled(
            page.get_by_role("group", name="Competency 8"), "Content (sessions, modules)"
        ).fill("Module 8")
    expect(page.locator('[data-section-status="map"]')).to_have_text("Complete")
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Instructors")
    expect(main(page)).to_contain_text("Competency map: saved.")
    labelled(page, "Name").fill("Jordan Teacher")
    labelled(page, "Qualifications").fill("MLIS; twelve years in technical services.")
    labelled(page, "Résumé").set_input_files(pdf("jordan-resume.pdf"))
    page.get_by_role("button", name="Add the instructor").click()
    expect(main(page)).to_contain_text("Jordan Teacher added.")
    expect(page.get_by_role("link", name="Download the résumé of Jordan Teacher")).to_be_visible()
    page.get_by_role("link", name="Continue to review and submit").click()

    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_role("region", name="Review and submit")).to_contain_text(
        "Everything needed is there."
    )
    page.get_by_role("button", name="Submit for approval").click()
    expect(main(page)).to_contain_text(
        "Submitted. Program staff will review the course and email you."
    )
    course = Course.objects.get(title=TITLE)
    assert course.status == Course.Status.SUBMITTED
    assert course.syllabus.read() == SMALL_PDF
    [instructor] = course.instructors.all()
    assert (instructor.name, instructor.resume.read()) == ("Jordan Teacher", SMALL_PDF)

    # --- Staff score it 4 on every criterion and approve it ---------------------------------
    staff_page.goto(f"{live_server.url}/staff/courses/")
    expect(heading(staff_page)).to_have_text("Course reviews")
    staff_page.get_by_role("table").get_by_role("link", name=TITLE).click()
    expect(heading(staff_page)).to_have_text(TITLE)
    staff_page.get_by_role("link", name="Review the course…").click()
    expect(heading(staff_page)).to_have_text("Review the course")
    rubric = staff_page.locator("form.course-rubric")
    for criterion in CRITERIA:
        rubric.locator("fieldset", has=staff_page.get_by_text(criterion, exact=True)).get_by_role(
            "radio", name="4 – fully met"
        ).check()
    staff_page.get_by_role("radio", name="Approve").check()
    staff_page.get_by_role("button", name="Record the review").click()

    course.refresh_from_db()
    assert course.status == Course.Status.APPROVED
    expect(heading(staff_page)).to_have_text(TITLE)
    expect(main(staff_page)).to_contain_text(
        f"“{TITLE}” is approved until {course.approval_expires_on.day} "
        f"{course.approval_expires_on:%B %Y}; the provider was emailed."
    )
    alerts = list(EmailLog.objects.filter(kind="course_alert").values_list("to_email", flat=True))
    assert alerts == [ALERT_EMAIL]
    [review] = course.reviews.all()
    assert {key: value["score"] for key, value in review.scores.items()} == {
        "objectives": 4,
        "coverage": 4,
        "methods": 4,
        "assessment": 4,
        "instructors": 4,
    }

    # --- A visitor finds it by its set and reads its competency map ---------------------------
    visitor = new_context().new_page()
    visitor.set_default_timeout(TIMEOUT_MS)
    visitor.goto(f"{live_server.url}/courses/")
    expect(heading(visitor)).to_have_text("Approved courses")
    labelled(visitor, "Competency set").select_option(label=SET_NAME)
    visitor.get_by_role("button", name="Show courses").click()
    expect(visitor).to_have_url(re.compile(rf"/courses/\?.*\bset={SET_CODE}\b"))
    expect(visitor.get_by_role("heading", name="1 course matches your search")).to_be_visible()
    visitor.get_by_role("link", name=TITLE).click()
    expect(heading(visitor)).to_have_text(TITLE)
    expect(visitor.get_by_role("main")).to_contain_text(
        f"For {SET_NAME} · offered by {ORGANISATION}"
    )
    competency_map = visitor.get_by_role("region", name=f"How the course covers {SET_NAME}")
    rows = competency_map.get_by_role("row")
    expect(rows).to_have_count(1 + len(statements))
    for number, statement in enumerate(statements, start=1):
        row = rows.nth(number)
        expect(row.get_by_role("rowheader")).to_have_text(f"{number}. {statement}")
        expect(row.get_by_role("cell").first).to_have_text(f"Module {number}")

    # --- The candidate chooses the set as an elective and claims the course ------------------
    candidate = signed_in_page(new_context, live_server, candidacy.user)
    candidate.goto(f"{live_server.url}/dashboard/")
    expect(heading(candidate)).to_have_text("Your candidacy")
    chooser = candidate.get_by_role("group", name="Choose your 3 electives")
    chooser.get_by_label(SET_NAME, exact=True).check()
    candidate.get_by_role("button", name="Save my electives").click()
    expect(candidate.get_by_role("main")).to_contain_text(f"Your electives are saved: {SET_NAME}.")

    candidate.goto(f"{live_server.url}/courses/{course.pk}/")
    candidate.get_by_role("link", name="Claim completion").click()
    expect(heading(candidate)).to_have_text("Claim a completed course")
    expect(labelled(candidate, "Course")).to_have_value(str(course.pk))
    labelled(candidate, "Completion date").fill(today.isoformat())
    labelled(candidate, "Proof of completion").set_input_files(pdf("certificate.pdf"))
    candidate.get_by_role("button", name="Send the claim").click()
    expect(candidate).to_have_url(f"{live_server.url}/completions/")
    expect(candidate.get_by_role("main")).to_contain_text(
        f"Your completion of “{TITLE}” is sent. Program staff will check it and email you."
    )
    expect(candidate.get_by_role("table").get_by_role("row").nth(1)).to_contain_text("Submitted")

    # --- Staff verify the claim -----------------------------------------------------------------
    staff_page.goto(f"{live_server.url}/staff/completions/")
    expect(heading(staff_page)).to_have_text("Course completions")
    staff_page.get_by_role("table").get_by_role("link", name=candidacy.user.get_full_name()).click()
    expect(heading(staff_page)).to_have_text(f"Completion claim: {TITLE}")
    staff_page.get_by_role("link", name="Verify…").click()
    expect(heading(staff_page)).to_have_text("Verify the completion")
    staff_page.get_by_role("button", name="Verify the completion").click()
    expect(main(staff_page)).to_contain_text(
        f"The claim is verified: {SET_NAME} is achieved for {candidacy.number}, who was emailed."
    )

    # --- The candidate's dashboard shows the elective achieved --------------------------------
    candidate.goto(f"{live_server.url}/dashboard/")
    row = candidate.get_by_role("table", name="Elective sets").locator(f'tr[data-set="{SET_CODE}"]')
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("Chosen")
    expect(cells.nth(1)).to_have_text("Approved course")
    expect(cells.nth(2)).to_have_text("Achieved")
