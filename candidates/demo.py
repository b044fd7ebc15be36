from datetime import timedelta

from django.utils import timezone

from candidates.models import Candidacy
from lssc.accounts.demo import demo_user
from lssc.core.dates import add_years
from lssc.program.selectors import rules_in_force


def seed(log):
    user = demo_user("candidate@example.org", first_name="Casey", last_name="Nguyen")
    admitted = timezone.now() - timedelta(days=200)
    Candidacy.objects.get_or_create(
        user=user,
        defaults={
            "number": "LSSC-DEMO-0001",
            "admitted_at": admitted,
            "deadline": add_years(timezone.localdate(admitted), rules_in_force().candidacy_years),
        },
    )
    log("candidate@example.org — an admitted candidate")
