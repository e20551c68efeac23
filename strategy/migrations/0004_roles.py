"""The three staff roles (事務局・担当課・有識者) and their permissions: strategy/roles.py."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from strategy.roles import sync_roles

    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from strategy.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy", "0003_history_and_publication"),
        ("kpi", "0003_history_and_publication"),
        ("verification", "0003_panel_draft_permission"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
