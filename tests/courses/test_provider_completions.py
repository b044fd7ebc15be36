"""Provider members see the completion claims on their own courses and confirm them."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import CompletionStatusChange
from tests.factories import SMALL_PDF, approved_course, candidacy_with_progress

pytestmark = pytest.mark.django_db

URL = reverse("courses:completions")


def claim(course, **candidacy):
    candidacy = candidacy_with_progress(**candidacy)
    return services.completion_claim(
        candidacy,
        course=course,
        completed_on=timezone.localdate(),
        proof=ContentFile(SMALL_PDF, name="proof.pdf"),
        by=candidacy.user,
    )


@pytest.fixture
def course(provider_user):
    provider = provider_user.provider_memberships.get().provider
    return approved_course(provider, by=provider_user)


def test_member_sees_claims_on_their_courses_and_confirms_one(client, provider_user, course):
    completion = claim(course, user__email="reader@example.org")
    client.force_login(provider_user)

    html = client.get(URL).content.decode()
    assert "reader@example.org" in html
    assert course.title in html

    response = client.post(reverse("courses:completion_confirm", args=[completion.pk]))
    assert response.status_code == 302
    completion.refresh_from_db()
    assert completion.confirmed_by_provider_at is not None
    assert completion.status == "submitted"  # staff still verify
    note = CompletionStatusChange.objects.filter(completion=completion).last()
    assert (note.actor, note.note) == (provider_user, "Confirmed by the provider.")


def test_claims_on_another_providers_courses_are_not_shown_or_confirmable(client, course):
    completion = claim(course, user__email="reader@example.org")
    stranger = approved_course(title="Elsewhere").provider.memberships.get().user
    client.force_login(stranger)

    assert "reader@example.org" not in client.get(URL).content.decode()
    response = client.post(reverse("courses:completion_confirm", args=[completion.pk]))
    assert response.status_code == 404
    completion.refresh_from_db()
    assert completion.confirmed_by_provider_at is None


def test_confirm_is_post_only_and_other_roles_are_refused(client, course, candidate):
    completion = claim(course)
    client.force_login(course.provider.memberships.get().user)
    assert (
        client.get(reverse("courses:completion_confirm", args=[completion.pk])).status_code == 405
    )
    client.force_login(candidate)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_claims_page_query_count_does_not_grow(client, provider_user, course):
    claim(course)
    client.force_login(provider_user)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _ in range(6):
        claim(course)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(one)
