"""Seed the first program rules version, with every value at the model default."""

from datetime import date

from django.db import migrations

EFFECTIVE_FROM = date(2010, 1, 25)


def seed_rules(apps, schema_editor):
    ProgramRules = apps.get_model("program", "ProgramRules")
    ProgramRules.objects.get_or_create(
        effective_from=EFFECTIVE_FROM,
        defaults={"notes": "Defaults from the program's founding FAQ."},
    )


def unseed_rules(apps, schema_editor):
    ProgramRules = apps.get_model("program", "ProgramRules")
    ProgramRules.objects.filter(effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0002_seed_framework_2012"),
    ]

    operations = [
        migrations.RunPython(seed_rules, unseed_rules),
    ]
