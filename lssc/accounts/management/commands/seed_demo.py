from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = (
        "Create the demo accounts and sample data (safe to run again). Each app adds its part "
        "in a `demo.py` module with a `seed(log)` function, run in INSTALLED_APPS order."
    )

    def handle(self, *args, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError(
                "Demo data has a published password, so it is only created when DEBUG is on "
                "or ALLOW_DEMO_DATA=true is set."
            )
        # Demo actions queue emails like real ones; they are logged but not sent or printed.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Password for every account: see README.")
        )
