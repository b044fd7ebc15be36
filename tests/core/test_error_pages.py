"""The friendly error pages say what happened and where to go next."""

import pytest
from django.test import RequestFactory

from lssc.core.views import page_not_found, permission_denied, server_error

pytestmark = pytest.mark.django_db


def test_unknown_address_gets_the_friendly_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (page_not_found, 404, "We can’t find that page"),
        (permission_denied, 403, "You can’t do that from this account"),
        (server_error, 500, "Something went wrong on our side"),
    ],
)
def test_error_views_render_their_page(view, status, heading, outsider):
    request = RequestFactory().get("/somewhere/")
    request.user = outsider
    response = view(request) if view is server_error else view(request, Exception())
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert html.count("<h1") == 1
