"""The program staff's workspace at /staff/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidacy
from tests.factories import (
    CandidacyFactory,
    EvaluatorFactory,
    ProviderFactory,
    UserFactory,
)

URL = "/staff/"


def test_staff_home_url_is_named_staff_home():
    assert reverse("staff:home") == URL


def test_staff_sees_counts_of_candidacies_providers_evaluators_and_users(client, staff):
    CandidacyFactory.create_batch(2)
    CandidacyFactory(status=Candidacy.Status.LAPSED)
    ProviderFactory()
    ProviderFactory.create_batch(2, verified_at=None)
    EvaluatorFactory()
    EvaluatorFactory(approved_at=None, status="applied")
    UserFactory(is_active=False)
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["candidacies"] == [
        {"status": "active", "label": "Active", "count": 2},
        {"status": "certified", "label": "Certified", "count": 0},
        {"status": "lapsed", "label": "Lapsed", "count": 1},
        {"status": "withdrawn", "label": "Withdrawn", "count": 0},
    ]
    assert response.context["candidacy_total"] == 3
    assert response.context["providers"] == {"verified": 1, "awaiting_verification": 2}
    assert response.context["evaluators"] == {"approved": 1, "awaiting_approval": 1}
    # staff + 3 candidates + 2 evaluators + the inactive account
    assert response.context["users"] == {"total": 7, "active": 6}
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert (
        '<tr><th scope="row" class="fw-normal">Lapsed</th><td class="text-end">1</td></tr>' in html
    )
    assert f'href="{URL}" aria-current="page">Staff</a>' in html


def test_staff_home_query_count_does_not_grow_with_the_number_of_rows(client, staff):
    client.force_login(staff)
    CandidacyFactory()
    ProviderFactory()
    EvaluatorFactory()
    with CaptureQueriesContext(connection) as with_few:
        client.get(URL)
    CandidacyFactory.create_batch(10, status=Candidacy.Status.CERTIFIED)
    ProviderFactory.create_batch(10, verified_at=None)
    EvaluatorFactory.create_batch(10)

    with CaptureQueriesContext(connection) as with_many:
        response = client.get(URL)

    assert response.context["candidacy_total"] == 11
    assert len(with_many) == len(with_few)


def test_program_rules_link_is_shown_only_to_django_admin_users(client, staff):
    rules_url = reverse("admin:program_programrules_changelist")
    client.force_login(staff)
    assert rules_url not in client.get(URL).content.decode()

    staff.is_staff = True
    staff.save()

    assert f'<a href="{rules_url}">Review the program rules</a>' in client.get(URL).content.decode()


def test_staff_home_sends_an_anonymous_visitor_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("persona", ["outsider", "candidate", "evaluator", "provider_user"])
def test_staff_home_refuses_a_signed_in_user_who_is_not_program_staff(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_staff_home_refuses_a_django_admin_who_is_not_program_staff(client, db):
    # is_staff only opens the technical admin; the program office is a group.
    client.force_login(UserFactory(is_staff=True))

    assert client.get(URL).status_code == 403
