"""Re-sync the roles for the organisations: the secretariat manages departments and memberships;
who may read a model at all follows roles.READABLE_BY (the panel's drafts are not read by
department staff). See strategy/roles.py."""

from django.db import migrations


def sync(apps, schema_editor):
    from strategy.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0007_organisations"),
        ("kpi", "0005_indicator_ordering"),
        ("verification", "0004_grading_and_drafts"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
