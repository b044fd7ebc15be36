from django.utils import timezone

from lssc.accounts.demo import demo_user
from lssc.program.selectors import competency_sets_in_force
from reviews.models import Evaluator


def seed(log):
    user = demo_user("evaluator@example.org", first_name="Jordan", last_name="Ellis")
    evaluator, created = Evaluator.objects.get_or_create(
        user=user,
        defaults={
            "employer": "Lakeside Community College Library",
            "state": "Wisconsin",
            "approved_at": timezone.now(),
            "status": Evaluator.Status.APPROVED,
        },
    )
    if created:
        evaluator.qualified_sets.set(
            competency_sets_in_force().filter(code__in=["technology", "reference-information"])
        )
    log("evaluator@example.org — an approved portfolio evaluator")
