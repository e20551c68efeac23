"""Re-sync the roles for the yearly data call: the secretariat opens calls and accepts or returns
submissions (manage_datacall), departments submit (submit_datacall); the submissions, their log
and the reminders are read by the secretariat and the departments only. See strategy/roles.py."""

from django.db import migrations


def sync(apps, schema_editor):
    from strategy.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0006_data_call"),
        ("strategy", "0008_roles_resync_organisations"),
        ("kpi", "0007_indicator_department"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
