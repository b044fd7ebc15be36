from django.apps import AppConfig
from django.db.models import OuterRef


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Providers and courses"

    def ready(self):
        from lssc.accounts.roles import PROVIDER, register_role

        from .models import ProviderMembership

        register_role(PROVIDER, lambda: ProviderMembership.objects.filter(user=OuterRef("pk")))

        from courses import reminders  # noqa: F401  (registers its reminder kinds)
