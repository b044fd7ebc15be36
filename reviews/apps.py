from django.apps import AppConfig
from django.db.models import OuterRef


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Portfolio evaluation"

    def ready(self):
        from lssc.accounts.roles import EVALUATOR, register_role

        from .models import Evaluator

        register_role(
            EVALUATOR,
            lambda: Evaluator.objects.filter(
                user=OuterRef("pk"), status__in=Evaluator.ROLE_STATUSES
            ),
        )

        from reviews import reminders  # noqa: F401  (registers its reminder kinds)
