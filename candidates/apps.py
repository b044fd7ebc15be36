from django.apps import AppConfig
from django.db.models import OuterRef


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = "Candidates"

    def ready(self):
        from lssc.accounts.roles import CANDIDATE, register_role

        from .models import Candidacy

        register_role(CANDIDATE, lambda: Candidacy.objects.filter(user=OuterRef("pk")))

        from candidates import reminders  # noqa: F401  (registers its reminder kinds)
