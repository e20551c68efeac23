"""Re-sync the roles once every model exists: the view permission on import jobs (kpi 0004) was
missing when migrations ran in an order that synced the roles before that model was created. See
strategy/roles.py."""

from django.db import migrations


def sync(apps, schema_editor):
    from strategy.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0005_roles_panel_drafts"),
        ("kpi", "0005_indicator_ordering"),
        ("verification", "0004_grading_and_drafts"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
