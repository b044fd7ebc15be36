"""The public course catalogue at /courses/, a course's page and the Atom feed."""

from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from courses.models import CompetencyCoverage, Course, Provider
from lssc.program.models import CompetencySet
from tests.factories import ProviderFactory

URL = "/courses/"
ATOM = "{http://www.w3.org/2005/Atom}"


def make_course(provider=None, *, set_code="foundations", approved_days_ago=10, **fields):
    """A catalogue course arranged directly (cheap; approval is covered by the service
    tests): approved `approved_days_ago` days ago, for a year from today. Any Course field
    can be given, e.g. `status=Course.Status.DRAFT`, `state="Ohio"`."""
    today = timezone.localdate()
    values = {
        "title": "Library basics",
        "status": Course.Status.APPROVED,
        "delivery": Course.Delivery.ONLINE,
        "approved_on": today - timedelta(days=approved_days_ago),
        "approval_expires_on": today + timedelta(days=365),
        **fields,
    }
    return Course.objects.create(
        provider=provider or ProviderFactory(),
        competency_set=CompetencySet.objects.get(code=set_code),
        **values,
    )


def parse_feed(content: bytes):
    # Our own feed, generated in this test process: not untrusted XML.
    return ElementTree.fromstring(content)  # noqa: S314


def listed_titles(response) -> list[str]:
    return [course.title for course in response.context["page"]]


def test_catalogue_urls_are_named():
    assert reverse("catalogue:course_list") == URL
    assert reverse("catalogue:course_detail", args=[7]) == "/courses/7/"
    assert reverse("catalogue:feed") == "/courses/feed/"
    assert reverse("catalogue:alert_subscribe") == "/courses/alerts/"


def test_catalogue_lists_only_approved_courses_in_force(client, db):
    make_course(title="Approved course")
    make_course(title="Draft course", status=Course.Status.DRAFT)
    make_course(title="Submitted course", status=Course.Status.SUBMITTED)
    make_course(title="Expired course", status=Course.Status.EXPIRED)
    # Approved, but the approval ran out yesterday and the expiry job has not run yet.
    make_course(title="Lapsed course", approval_expires_on=timezone.localdate() - timedelta(days=1))

    response = client.get(URL)

    assert response.status_code == 200
    assert listed_titles(response) == ["Approved course"]


def test_each_result_shows_provider_set_delivery_schedule_cost_and_approval_end(client, db):
    provider = ProviderFactory(name="Prairie Cooperative")
    make_course(
        provider,
        title="Cataloging online",
        set_code="cataloging-classification",
        self_paced=True,
        cost=Decimal("0"),
        approval_expires_on=timezone.localdate().replace(year=2040, month=3, day=12),
    )

    html = client.get(URL).content.decode()

    assert "Cataloging online" in html
    assert "Prairie Cooperative" in html
    assert "Cataloging and Classification" in html
    assert "Online" in html
    assert "Self-paced" in html
    assert "Free" in html
    assert "12 March 2040" in html


def test_filters_each_narrow_the_results(client, db):
    state_library = ProviderFactory(name="State Library of Ohio", type=Provider.Type.STATE_LIBRARY)
    college = ProviderFactory(name="Lakeside College", type=Provider.Type.UNIVERSITY)
    make_course(
        state_library,
        title="Reference desk",
        set_code="reference-information",
        delivery=Course.Delivery.FACE_TO_FACE,
        state="Ohio",
    )
    make_course(
        college,
        title="Cataloging online",
        set_code="cataloging-classification",
        delivery=Course.Delivery.ONLINE,
        description="MARC records and subject headings.",
    )
    make_course(
        college,
        title="Reference online",
        set_code="reference-information",
        delivery=Course.Delivery.ONLINE,
        state="Illinois",
    )

    def titles(query: dict) -> list[str]:
        return sorted(listed_titles(client.get(URL, query)))

    assert titles({"set": "reference-information"}) == ["Reference desk", "Reference online"]
    assert titles({"delivery": "face_to_face"}) == ["Reference desk"]
    assert titles({"state": "Illinois"}) == ["Reference online"]
    assert titles({"provider_type": "state_library"}) == ["Reference desk"]
    assert titles({"q": "marc"}) == ["Cataloging online"]  # description
    assert titles({"q": "lakeside"}) == ["Cataloging online", "Reference online"]  # provider
    assert titles({"q": "desk"}) == ["Reference desk"]  # title


def test_filters_combine_and_keep_their_values(client, db):
    college = ProviderFactory(name="Lakeside College", type=Provider.Type.UNIVERSITY)
    make_course(college, title="Reference online", set_code="reference-information")
    make_course(college, title="Cataloging online", set_code="cataloging-classification")
    make_course(title="Reference elsewhere", set_code="reference-information")

    response = client.get(URL, {"set": "reference-information", "q": "lakeside"})

    assert listed_titles(response) == ["Reference online"]
    html = response.content.decode()
    assert '<option value="reference-information" selected>' in html
    assert 'value="lakeside"' in html


def test_state_choices_are_the_states_of_listed_courses(client, db):
    make_course(state="Ohio")
    make_course(state="Illinois")
    make_course(state="Texas", status=Course.Status.DRAFT)

    response = client.get(URL)

    assert response.context["filter"].form.fields["state"].choices == [
        ("", "Any state"),
        ("Illinois", "Illinois"),
        ("Ohio", "Ohio"),
    ]


def test_a_state_no_longer_offered_matches_nothing(client, db):
    make_course(state="Ohio")

    response = client.get(URL, {"state": "Texas"})

    assert listed_titles(response) == []
    assert "No approved course matches your search" in response.content.decode()


def test_empty_catalogue_says_what_to_do_next(client, db):
    html = client.get(URL).content.decode()

    assert "No courses are approved yet" in html
    assert 'href="/courses/alerts/"' in html


def test_catalogue_is_paginated_20_to_a_page_keeping_the_filters(client, db):
    provider = ProviderFactory()
    for number in range(25):
        make_course(provider, title=f"Course {number:02d}", approved_days_ago=number)

    first = client.get(URL, {"delivery": "online"})
    second = client.get(URL, {"delivery": "online", "page": 2})

    assert len(first.context["page"]) == 20
    assert listed_titles(second) == [f"Course {n:02d}" for n in range(20, 25)]
    assert 'href="?delivery=online&amp;page=2"' in first.content.decode()


def _bulk_courses(count: int) -> None:
    sets = list(CompetencySet.objects.order_by("order"))
    types = [value for value, _ in Provider.Type.choices]
    providers = Provider.objects.bulk_create(
        Provider(name=f"Provider {n}", type=types[n % len(types)], state="Ohio")
        for n in range(count)
    )
    today = timezone.localdate()
    Course.objects.bulk_create(
        Course(
            provider=providers[n],
            competency_set=sets[n % len(sets)],
            title=f"Course {n}",
            status=Course.Status.APPROVED,
            delivery=Course.Delivery.HYBRID,
            state=f"State {n % 7}",
            approved_on=today - timedelta(days=n),
            approval_expires_on=today + timedelta(days=400),
        )
        for n in range(count)
    )


def _queries_for(client, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"set": "foundations", "q": "course", "state": "State 0"}])
def test_catalogue_query_count_does_not_grow_with_courses(client, db, query):
    _bulk_courses(1)
    with_one = _queries_for(client, query)

    _bulk_courses(199)
    with_many = _queries_for(client, query)

    assert with_many == with_one


def test_course_page_shows_provider_details_map_and_approval(client, db):
    provider = ProviderFactory(
        name="Lakeside College", type=Provider.Type.UNIVERSITY, website="https://lakeside.example"
    )
    course = make_course(
        provider,
        title="Foundations online",
        description="An introduction.",
        objectives="Explain the library's role.",
        location="Main campus",
        state="Ohio",
        delivery=Course.Delivery.HYBRID,
        schedule="Tuesdays in March",
        duration="8 weeks",
        cost=Decimal("120.00"),
        enrolment_url="https://lakeside.example/enrol",
    )
    competencies = list(course.competency_set.competencies.order_by("number"))
    CompetencyCoverage.objects.bulk_create(
        CompetencyCoverage(course=course, competency=c, content=f"Week {c.number} lecture")
        for c in competencies
    )

    response = client.get(f"/courses/{course.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for text in [
        "Lakeside College",
        "College or university",
        '<a href="https://lakeside.example">',
        "An introduction.",
        "Explain the library&#x27;s role.",
        "Hybrid",
        "Main campus, Ohio",
        "Tuesdays in March",
        "8 weeks",
        "$120.00",
        '<a href="https://lakeside.example/enrol">',
        '<a href="/competencies/foundations/">Foundations of Library Services</a>',
        f"{course.approval_expires_on.day} {course.approval_expires_on:%B %Y}",
    ]:
        assert text in html, text
    assert [row.competency for row in response.context["course"].coverage.all()] == competencies
    assert escape(competencies[0].statement) in html
    assert "Week 1 lecture" in html
    assert "Claim completion" not in html


def test_course_page_offers_a_candidate_the_claim_link(client, candidate):
    course = make_course()
    client.force_login(candidate)

    html = client.get(f"/courses/{course.pk}/").content.decode()

    assert f'href="/completions/new/?course={course.pk}">Claim completion</a>' in html


@pytest.mark.parametrize(
    "status", [Course.Status.DRAFT, Course.Status.SUBMITTED, Course.Status.EXPIRED]
)
def test_course_page_is_404_for_a_course_not_in_the_catalogue(client, db, status):
    course = make_course(status=status)

    assert client.get(f"/courses/{course.pk}/").status_code == 404


def test_catalogue_pages_refuse_post(client, db):
    course = make_course()

    assert client.post(URL).status_code == 405
    assert client.post(f"/courses/{course.pk}/").status_code == 405


def test_courses_link_is_in_the_public_navigation_and_on_a_set_page(client, db):
    html = client.get("/competencies/foundations/").content.decode()

    assert '<a class="nav-link" href="/courses/">Courses</a>' in html
    assert 'href="/courses/?set=foundations"' in html


def test_feed_is_atom_with_the_newest_approval_first(client, db):
    older = make_course(title="Older course", approved_days_ago=30)
    newer = make_course(title="Newer course", approved_days_ago=2)
    make_course(title="Draft course", status=Course.Status.DRAFT)

    response = client.get("/courses/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_feed(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Newer course", "Older course"]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href").endswith(f"/courses/{newer.pk}/")
    assert first.findtext(f"{ATOM}updated").startswith(newer.approved_on.isoformat())
    assert "Foundations of Library Services" in first.findtext(f"{ATOM}summary")
    assert entries[1].find(f"{ATOM}link").get("href").endswith(f"/courses/{older.pk}/")


def test_feed_holds_the_30_most_recent_approvals(client, db):
    provider = ProviderFactory()
    for number in range(32):
        make_course(provider, title=f"Course {number:02d}", approved_days_ago=number)

    root = parse_feed(client.get("/courses/feed/").content)

    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == [f"Course {n:02d}" for n in range(30)]
