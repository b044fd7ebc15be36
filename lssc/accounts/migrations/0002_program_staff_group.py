"""Create the group whose members are program staff (see PROGRAM_STAFF_GROUP in roles.py)."""

from django.db import migrations

# A copy of lssc.accounts.roles.PROGRAM_STAFF_GROUP: migrations never import app code.
PROGRAM_STAFF_GROUP = "Program staff"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=PROGRAM_STAFF_GROUP)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=PROGRAM_STAFF_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_group, delete_group),
    ]
