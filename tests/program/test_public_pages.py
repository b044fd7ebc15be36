"""The public program pages: home, questions and answers, and the competency sets."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lssc.program.models import CompetencySet

FAQ_QUESTION_IDS = [
    "what-is-lssc",
    "principles",
    "who-is-support-staff",
    "who-runs",
    "who-developed",
    "state-programs",
    "eligibility",
    "when-to-apply",
    "membership",
    "requirements",
    "competency-sets",
    "ways-to-achieve",
    "past-courses",
    "work-experience",
    "portfolio-help",
    "who-offers-courses",
    "local-courses",
    "finding-courses",
    "time-limit",
    "certificate-length",
    "fee",
    "total-cost",
    "more-information",
]


def page_text(response) -> str:
    return response.content.decode()


def answer(page: str, question_id: str) -> str:
    """The markup from one question's heading up to the next question's heading."""
    start = page.index(f'id="{question_id}"')
    end = page.find("<h3", start)
    return page[start : end if end != -1 else None]


def visible_words(markup: str) -> str:
    """Tags removed, entities decoded and whitespace collapsed, to compare running text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.mark.django_db
def test_home_explains_the_steps_with_figures_from_the_rules(client, rules):
    response = client.get(reverse("program:home"))

    page = page_text(response)
    text = visible_words(page)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert f'class="btn btn-primary btn-lg" href="{reverse("program:eligibility")}"' in page
    assert "at least 1,820 hours of paid or volunteer library work in the last 5 years" in text
    assert "The fee is USD 350 (USD 325 for members" in text
    assert "Achieve all 3 required sets and 3 elective sets of your choice within 4 years" in text
    assert "valid for 5 years" in text
    assert f'href="{reverse("program:set_list")}"' in page
    assert f'href="{reverse("program:faq")}"' in page


@pytest.mark.django_db
def test_faq_answers_every_question_with_an_anchor_listed_in_the_contents(client):
    response = client.get(reverse("program:faq"))

    page = page_text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert re.findall(r'<h3 id="([a-z-]+)"', page) == FAQ_QUESTION_IDS
    assert re.findall(r'<li><a href="#([a-z-]+)">', page) == FAQ_QUESTION_IDS
    for question_id in FAQ_QUESTION_IDS:
        assert "<p" in answer(page, question_id) or "<ul" in answer(page, question_id)


@pytest.mark.django_db
def test_faq_lists_required_and_elective_sets_from_the_framework(client):
    response = client.get(reverse("program:faq"))

    text = visible_words(answer(page_text(response), "competency-sets"))
    for competency_set in CompetencySet.objects.all():
        kind = "required" if competency_set.is_required else "elective"
        assert f"{competency_set.name} ({kind})" in text


@pytest.mark.django_db
def test_faq_fee_answer_follows_the_rules_in_force(client, rules):
    rules.fee_standard = 400
    rules.save()

    response = client.get(reverse("program:faq"))

    fee_answer = visible_words(answer(page_text(response), "fee"))
    assert "The application fee is USD 400, or USD 325 for members" in fee_answer
    assert "350" not in fee_answer
    assert "350" not in page_text(response)


@pytest.mark.django_db
def test_faq_eligibility_and_time_figures_follow_the_rules_in_force(client, rules):
    rules.eligibility_hours = 2000
    rules.eligibility_window_years = 6
    rules.candidacy_years = 3
    rules.save()

    page = page_text(client.get(reverse("program:faq")))

    assert (
        "at least 2,000 hours of paid or volunteer work in any type of library during the 6 years"
        in (visible_words(answer(page, "eligibility")))
    )
    assert "You have 3 years from the date you are admitted to achieve all 6 sets." in (
        visible_words(answer(page, "time-limit"))
    )


@pytest.mark.django_db
def test_set_list_shows_required_and_elective_sets_in_their_own_sections(client):
    response = client.get(reverse("program:set_list"))

    page = page_text(response)
    required_part, elective_part = page.split('id="elective-sets"')
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert re.findall(r'<h3 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', required_part) == [
        "Foundations of Library Services",
        "Technology",
        "Communication and Teamwork",
    ]
    assert [
        html.unescape(name)
        for name in re.findall(
            r'<h3 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', elective_part
        )
    ] == [
        "Access Services",
        "Adult Readers' Advisory Services",
        "Cataloging and Classification",
        "Collection Management",
        "Reference and Information Services",
        "Supervision and Management",
        "Youth Services",
    ]
    assert "Elective set · 16 competencies" in elective_part
    assert f'href="{reverse("program:set_detail", args=["supervision-management"])}"' in page
    assert "you achieve 6 sets: all 3 required sets and any 3 elective sets" in visible_words(page)


@pytest.mark.django_db
def test_set_list_makes_the_same_number_of_queries_however_many_sets(client, add_elective_sets):
    url = reverse("program:set_list")
    with CaptureQueriesContext(connection) as with_ten_sets:
        client.get(url)

    add_elective_sets(5)
    with CaptureQueriesContext(connection) as with_fifteen_sets:
        response = client.get(url)

    assert "Extra set 5" in page_text(response)
    assert len(with_fifteen_sets) == len(with_ten_sets)


@pytest.mark.django_db
def test_set_detail_lists_every_competency_in_order(client):
    competency_set = CompetencySet.objects.get(code="supervision-management")
    expected = list(
        competency_set.competencies.order_by("number").values_list("number", "statement")
    )

    response = client.get(reverse("program:set_detail", args=["supervision-management"]))

    page = page_text(response)
    shown = [
        (int(number), html.unescape(statement))
        for number, statement in re.findall(r'<li value="(\d+)" class="mb-2">([^<]+)</li>', page)
    ]
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert shown == expected
    assert len(shown) == 16


@pytest.mark.django_db
def test_set_detail_shows_kind_summary_breadcrumb_and_routes(client):
    competency_set = CompetencySet.objects.get(code="foundations")

    response = client.get(competency_set.get_absolute_url())

    page = page_text(response)
    text = visible_words(page)
    assert '<span class="badge text-bg-primary">Required set</span>' in page
    assert html.unescape(competency_set.summary) in text
    breadcrumb = visible_words(
        page[
            page.index('aria-label="Breadcrumb"') : page.index(
                "</nav>", page.index('aria-label="Breadcrumb"')
            )
        ]
    )
    assert breadcrumb.endswith("Home Competency sets Foundations of Library Services")
    assert "Complete an approved course" in text
    assert (
        "at least 70% of the competencies are met, no more than 30% are partially met, "
        "and none are rated not met" in text
    )


@pytest.mark.django_db
def test_elective_set_detail_says_it_is_elective_in_words(client):
    response = client.get(reverse("program:set_detail", args=["youth-services"]))

    page = page_text(response)
    assert '<span class="badge text-bg-secondary">Elective set</span>' in page
    assert "you need 3" in visible_words(page)


@pytest.mark.django_db
def test_unknown_set_code_returns_404(client):
    response = client.get(reverse("program:set_detail", args=["underwater-basket-weaving"]))

    assert response.status_code == 404
