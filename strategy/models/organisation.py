"""Who works on a municipality's data: its departments (担当課) and its members, each with one role
there. A role is held *in a municipality*; a department member's rows are those its departments
own (strategy.access decides, in one place, what each member sees and changes)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategy.roles import Role

from .core import Municipality


class Department(models.Model):
    """A 担当課 of a municipality. The seeds name no departments: they are entered by the
    secretariat, who then assigns measures (and, where they differ, indicators or project
    listings) to them."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("地方公共団体"),
    )
    name = models.CharField(_("課名"), max_length=100)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    scope_path = "municipality"

    history = HistoricalRecords(verbose_name=_("担当課の変更履歴"))

    class Meta:
        verbose_name = _("担当課")
        verbose_name_plural = _("担当課")
        ordering = ["municipality", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="department_unique_name",
                violation_error_code="department_name_taken",
                violation_error_message=_("同じ名前の担当課が既にあります。"),
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's one role in one municipality (and, for 担当課, the departments they work in)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("ユーザー"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("地方公共団体"),
    )
    role = models.CharField(_("役割"), max_length=10, choices=Role.choices)
    departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="members",
        verbose_name=_("所属する担当課"),
        help_text=_("担当課の職員が入力できるのは、所属する担当課の指標と事業だけです。"),
    )

    scope_path = "municipality"

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属（団体ごとの役割）")
        ordering = ["municipality", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                name="membership_one_role_per_municipality",
                violation_error_code="membership_exists",
                violation_error_message=_("このユーザーはこの団体に既に所属しています。"),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in Role]),
                name="membership_known_role",
                violation_error_code="membership_unknown_role",
                violation_error_message=_("役割は事務局・担当課・有識者のいずれかです。"),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.municipality}（{self.get_role_display()}）"

    def clean(self):
        super().clean()
        if self.role not in Role.values:
            raise ValidationError({"role": _("役割を選んでください。")}, code="role_required")
