"""Re-sync the roles: panel members draft verdicts (PanelDraft); the secretariat edits the grading
policy. See strategy/roles.py."""

from django.db import migrations


def sync(apps, schema_editor):
    from strategy.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0004_roles"),
        ("verification", "0004_grading_and_drafts"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
