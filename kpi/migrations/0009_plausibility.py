"""Plausibility (issue 11 item 6): bounds on each indicator (0–100 for the existing indicators in
%), and 累計 never below this year's 実績 in the database."""

from decimal import Decimal

from django.db import migrations, models

#: The default rule (kpi.plausibility.SHARE_UNITS, copied: a migration keeps its own): an
#: indicator whose unit is a share is bounded 0–100, unless someone has set bounds already.
SHARE_UNITS = ("%", "％")


def bound_shares(apps, schema_editor):
    Indicator = apps.get_model("kpi", "Indicator")
    Indicator.objects.filter(
        unit__in=SHARE_UNITS, minimum__isnull=True, maximum__isnull=True
    ).update(minimum=Decimal(0), maximum=Decimal(100))


class Migration(migrations.Migration):
    dependencies = [
        ("kpi", "0008_correction"),
        ("strategy", "0008_roles_resync_organisations"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalindicator",
            name="maximum",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="実績値・累計としてありうる最大の値（割合なら 100）。これを上回る入力は保存できません。空欄なら上限なし。",
                max_digits=18,
                null=True,
                verbose_name="入力できる上限",
            ),
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="minimum",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="実績値・累計としてありうる最小の値。これを下回る入力は保存できません。空欄なら下限なし。",
                max_digits=18,
                null=True,
                verbose_name="入力できる下限",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="maximum",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="実績値・累計としてありうる最大の値（割合なら 100）。これを上回る入力は保存できません。空欄なら上限なし。",
                max_digits=18,
                null=True,
                verbose_name="入力できる上限",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="minimum",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="実績値・累計としてありうる最小の値。これを下回る入力は保存できません。空欄なら下限なし。",
                max_digits=18,
                null=True,
                verbose_name="入力できる下限",
            ),
        ),
        migrations.RunPython(bound_shares, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="achievement",
            constraint=models.CheckConstraint(
                condition=models.Q(("cumulative__lt", models.F("value")), _negated=True),
                name="achievement_cumulative_not_below_value",
                violation_error_code="cumulative_below_value",
                violation_error_message="累計は今年度の実績値以上にしてください。",
            ),
        ),
    ]
