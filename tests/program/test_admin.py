"""Program rules and framework versions in the admin: new versions are added, old ones kept."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lssc.program.models import Competency, CompetencySet, FrameworkVersion, ProgramRules
from lssc.program.selectors import framework_in_force, rules_in_force
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def rules_form_data(rules, **changes):
    fields = [
        f.name
        for f in ProgramRules._meta.get_fields()
        if f.concrete and f.name not in {"id", "created_at"}
    ]
    data = {name: getattr(rules, name) for name in fields}
    data["effective_from"] = rules.effective_from.isoformat()
    data.update(changes)
    return data


def test_rules_in_effect_cannot_be_edited_in_place(admin_client):
    rules = rules_in_force()
    url = reverse("admin:program_programrules_change", args=[rules.pk])
    response = admin_client.post(url, rules_form_data(rules, fee_standard="400.00"))
    assert response.status_code == 200
    assert "have taken effect and are kept as history" in response.content.decode()
    rules.refresh_from_db()
    assert str(rules.fee_standard) == "350.00"


def test_save_as_new_adds_a_version_and_keeps_the_old_one(admin_client):
    old = rules_in_force()
    start = timezone.localdate() + timedelta(days=10)
    url = reverse("admin:program_programrules_change", args=[old.pk])
    data = rules_form_data(old, fee_standard="375.00", effective_from=start.isoformat())
    data["_saveasnew"] = "Save as new"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert ProgramRules.objects.count() == 2
    assert rules_in_force().pk == old.pk  # the new version has not started yet
    assert str(rules_in_force(start).fee_standard) == "375.00"
    old.refresh_from_db()
    assert str(old.fee_standard) == "350.00"


def test_a_new_rules_version_cannot_start_in_the_past(admin_client):
    old = rules_in_force()
    url = reverse("admin:program_programrules_change", args=[old.pk])
    data = rules_form_data(
        old, effective_from=(timezone.localdate() - timedelta(days=1)).isoformat()
    )
    data["_saveasnew"] = "Save as new"
    response = admin_client.post(url, data)
    assert "A new version cannot start in the past." in response.content.decode()
    assert ProgramRules.objects.count() == 1


def test_copying_a_framework_version_copies_every_set_and_competency(admin_client):
    current = framework_in_force()
    response = admin_client.post(
        reverse("admin:program_frameworkversion_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [current.pk]},
    )
    assert response.status_code == 302
    copy = FrameworkVersion.objects.exclude(pk=current.pk).get()
    assert copy.effective_from == timezone.localdate() + timedelta(days=30)
    assert CompetencySet.objects.filter(framework=copy).count() == 10
    assert (
        Competency.objects.filter(competency_set__framework=copy).count()
        == Competency.objects.filter(competency_set__framework=current).count()
    )
    # The old version is untouched and still in force today.
    assert framework_in_force() == current


def test_sets_of_a_framework_in_effect_are_read_only(admin_client):
    competency_set = framework_in_force().sets.first()
    url = reverse("admin:program_competencyset_change", args=[competency_set.pk])
    response = admin_client.post(url, {"name": "Renamed"})
    assert response.status_code == 403
    competency_set.refresh_from_db()
    assert competency_set.name != "Renamed"
