"""`manage.py seed_demo`: the five documented demo accounts, created only when allowed."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client

from lssc.accounts.roles import roles_of

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "staff@example.org": {"program_staff"},
    "evaluator@example.org": {"evaluator"},
    "provider@example.org": {"provider"},
    "candidate@example.org": {"candidate"},
    "applicant@example.org": set(),
}


def test_seed_demo_creates_verified_accounts_with_their_roles(settings, django_user_model):
    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for email, roles in DEMO_ROLES.items():
        user = django_user_model.objects.get(email=email)
        assert set(roles_of(user).names) == roles, email
        assert user.check_password("demo-pass-2026")
        assert EmailAddress.objects.get(user=user).verified is True


def test_seed_demo_is_idempotent(settings, django_user_model):
    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = django_user_model.objects.count(), EmailAddress.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (django_user_model.objects.count(), EmailAddress.objects.count()) == counts
    # The five documented accounts, four applicants whose applications are in each state,
    # the member of a second course provider and a certificate holder renewing.
    assert counts == (13, 13)


def test_seed_demo_adds_applications_in_each_state_and_a_candidate_with_mixed_progress(settings):
    from candidates.models import Application, Candidacy

    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(Application.objects.values_list("status", flat=True)) == [
        "admitted",
        "admitted",  # certified@example.org, the certificate holder
        "declined",
        "draft",
        "info_requested",
        "submitted",
    ]
    candidacy = Candidacy.objects.get(user__email="candidate@example.org")
    statuses = sorted(candidacy.sets.values_list("status", flat=True))
    assert statuses.count("achieved") == 2
    assert "under_review" in statuses  # the Technology portfolio, being rated
    assert "in_progress" in statuses  # the Communication and Teamwork draft
    assert candidacy.sets.filter(chosen=True).count() == 6
    assert candidacy.acceptance_letter.name.endswith(".pdf")


@pytest.mark.parametrize("email", sorted(DEMO_ROLES))
def test_each_demo_account_can_log_in_through_the_login_form(settings, email):
    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": "demo-pass-2026"})
    assert response.status_code == 302
    assert client.get("/").context["user"].email == email


def test_seed_demo_refuses_when_demo_data_is_not_allowed(settings, django_user_model):
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("seed_demo")
    assert django_user_model.objects.count() == 0


def test_seed_demo_gives_the_candidate_a_submitted_and_a_draft_portfolio(settings):
    from portfolios.models import Portfolio

    settings.ALLOW_DEMO_DATA = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    portfolios = Portfolio.objects.filter(candidacy__user__email="candidate@example.org")
    assert sorted(portfolios.values_list("competency_set__code", "status")) == [
        ("communication-teamwork", "draft"),
        ("technology", "under_review"),
    ]
    assert portfolios.get(status="under_review").submissions.count() == 1
