"""Corrections after publication (訂正): the Correction model, and the roles re-synced for its two
permissions (request: 担当課; apply, approve, reject: 事務局). See strategy/roles.py."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def sync(apps, schema_editor):
    from strategy.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("kpi", "0007_indicator_department"),
        ("strategy", "0008_roles_resync_organisations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Correction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "old_state",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("recorded", "実績あり"),
                            ("aggregating", "集計中"),
                            ("not_yet", "未集計"),
                        ],
                        help_text="空欄: 訂正前は実績が登録されていなかった。",
                        max_length=12,
                        verbose_name="訂正前の状態",
                    ),
                ),
                (
                    "old_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=18,
                        null=True,
                        verbose_name="訂正前の実績値",
                    ),
                ),
                (
                    "old_cumulative",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=18,
                        null=True,
                        verbose_name="訂正前の累計",
                    ),
                ),
                (
                    "old_note",
                    models.CharField(blank=True, max_length=100, verbose_name="訂正前の注記"),
                ),
                (
                    "new_state",
                    models.CharField(
                        choices=[
                            ("recorded", "実績あり"),
                            ("aggregating", "集計中"),
                            ("not_yet", "未集計"),
                        ],
                        max_length=12,
                        verbose_name="訂正後の状態",
                    ),
                ),
                (
                    "new_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=18,
                        null=True,
                        verbose_name="訂正後の実績値",
                    ),
                ),
                (
                    "new_cumulative",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=18,
                        null=True,
                        verbose_name="訂正後の累計",
                    ),
                ),
                (
                    "new_note",
                    models.CharField(blank=True, max_length=100, verbose_name="訂正後の注記"),
                ),
                (
                    "reason",
                    models.TextField(
                        help_text="公開ページの訂正履歴にそのまま表示されます。",
                        verbose_name="訂正理由",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("requested", "申請中"),
                            ("applied", "承認済"),
                            ("rejected", "却下"),
                        ],
                        default="requested",
                        max_length=10,
                        verbose_name="状態",
                    ),
                ),
                ("requested_at", models.DateTimeField(verbose_name="申請日時")),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="承認・却下の日時"),
                ),
                (
                    "decision_note",
                    models.CharField(blank=True, max_length=200, verbose_name="却下の理由"),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="承認・却下した人",
                    ),
                ),
                (
                    "fiscal_year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="strategy.fiscalyear",
                        verbose_name="年度",
                    ),
                ),
                (
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="corrections",
                        to="kpi.indicator",
                        verbose_name="指標",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="申請した人",
                    ),
                ),
            ],
            options={
                "verbose_name": "実績の訂正",
                "verbose_name_plural": "実績の訂正",
                "ordering": ["-requested_at", "-pk"],
                "permissions": [
                    ("request_correction", "公表済みの実績の訂正を申請できる"),
                    ("apply_correction", "公表済みの実績を訂正し、訂正の申請を承認・却下できる"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True),
                        name="correction_has_reason",
                        violation_error_code="reason_required",
                        violation_error_message="訂正理由を入力してください。",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["requested", "applied", "rejected"])),
                        name="correction_status_valid",
                        violation_error_code="invalid_status",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "requested"), ("decided_at__isnull", False), _connector="OR"
                        ),
                        name="correction_decided_has_date",
                        violation_error_code="decided_without_date",
                    ),
                ],
            },
        ),
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
