"""The strategy's tree: 基本目標 → 具体的な施策 (ア)(イ)(ウ) → 施策の基本的方向 ①②…"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import Strategy
from .revisioned import RevisionedNode, RevisionedQuerySet

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(number: int) -> str:
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"


class BasicGoal(RevisionedNode):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="goals", verbose_name=_("総合戦略")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("基本目標"), max_length=200)
    package = models.CharField(
        _("政策パッケージ"), max_length=50, blank=True, help_text=_("例: 子育て支援")
    )
    notes = models.TextField(_("注記"), blank=True, help_text=_("基本目標に付された ※ 注記。"))

    objects = RevisionedQuerySet.as_manager()

    tree_rank = 0
    label_related = ()

    scope_path = "strategy__municipality"

    history = HistoricalRecords(verbose_name=_("基本目標の変更履歴"))

    class Meta:
        verbose_name = _("基本目標")
        verbose_name_plural = _("基本目標")
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="goal_unique_number"),
        ]

    @classmethod
    def tree_ordering(cls) -> list:
        return ["number"]

    def __str__(self):
        return f"基本目標{self.number}"

    @property
    def label(self) -> str:
        return f"基本目標-{self.number}"


class GoalDirection(RevisionedNode):
    """One bullet of a goal's 《基本的な方向》."""

    goal = models.ForeignKey(
        BasicGoal, on_delete=models.CASCADE, related_name="directions", verbose_name=_("基本目標")
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    text = models.TextField(_("基本的な方向"))

    objects = RevisionedQuerySet.as_manager()

    tree_rank = 10
    label_related = ("goal",)

    scope_path = "goal__strategy__municipality"

    history = HistoricalRecords(verbose_name=_("基本的な方向の変更履歴"))

    class Meta:
        verbose_name = _("基本的な方向")
        verbose_name_plural = _("基本的な方向")
        ordering = ["goal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "position"], name="direction_unique_position"),
        ]

    @classmethod
    def tree_ordering(cls) -> list:
        return ["goal__number", "position"]

    def __str__(self):
        return f"{self.goal} 方向{self.position}"


class Policy(RevisionedNode):
    """具体的な施策 (ア)(イ)(ウ) under a goal."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="policies", verbose_name=_("総合戦略")
    )
    goal = models.ForeignKey(
        BasicGoal, on_delete=models.CASCADE, related_name="policies", verbose_name=_("基本目標")
    )
    code = models.CharField(_("コード"), max_length=20, help_text=_("例: 3ウ"))
    letter = models.CharField(_("記号"), max_length=4, help_text=_("ア・イ・ウ…"))
    position = models.PositiveSmallIntegerField(_("順序"))
    name = models.CharField(_("具体的な施策"), max_length=200)

    objects = RevisionedQuerySet.as_manager()

    tree_rank = 20
    label_related = ()

    scope_path = "strategy__municipality"

    history = HistoricalRecords(verbose_name=_("具体的な施策の変更履歴"))

    class Meta:
        verbose_name = _("具体的な施策")
        verbose_name_plural = _("具体的な施策")
        ordering = ["strategy", "goal__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="policy_unique_code"),
        ]

    @classmethod
    def tree_ordering(cls) -> list:
        return ["goal__number", "position"]

    def __str__(self):
        return f"({self.letter}) {self.name}"

    def clean(self):
        super().clean()
        if self.goal_id and self.strategy_id and self.goal.strategy_id != self.strategy_id:
            raise ValidationError(
                {"goal": _("別の総合戦略の基本目標です。")}, code="other_strategy"
            )


class Measure(RevisionedNode):
    """施策の基本的方向 ①②… — KPIs, projects and internal verdicts hang here."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="measures", verbose_name=_("総合戦略")
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="measures", verbose_name=_("具体的な施策")
    )
    code = models.CharField(_("コード"), max_length=20, help_text=_("例: 3ウ①"))
    number = models.PositiveSmallIntegerField(_("番号"))
    name = models.CharField(_("施策の基本的方向"), max_length=200)
    description = models.TextField(_("説明"), blank=True)
    department = models.ForeignKey(
        "strategy.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("担当課"),
        help_text=_("この施策のKPIと事業を入力する担当課。空欄は未割当（事務局が入力）。"),
    )

    objects = RevisionedQuerySet.as_manager()

    scope_path = "strategy__municipality"

    tree_rank = 30
    label_related = ()

    history = HistoricalRecords(verbose_name=_("施策の基本的方向の変更履歴"))

    class Meta:
        verbose_name = _("施策の基本的方向")
        verbose_name_plural = _("施策の基本的方向")
        ordering = ["strategy", "policy__goal__number", "policy__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="measure_unique_code"),
        ]

    @staticmethod
    def department_q(department_ids) -> Q:
        """Measures of these departments (for a department member's rows)."""
        return Q(department__in=department_ids)

    @classmethod
    def tree_ordering(cls) -> list:
        return ["policy__goal__number", "policy__position", "number"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        return f"{circled(self.number)}{self.name}"

    def clean(self):
        super().clean()
        if self.policy_id and self.strategy_id and self.policy.strategy_id != self.strategy_id:
            raise ValidationError({"policy": _("別の総合戦略の施策です。")}, code="other_strategy")
        if (
            self.department_id
            and self.strategy_id
            and self.department.municipality_id != self.strategy.municipality_id
        ):
            raise ValidationError(
                {"department": _("別の団体の担当課は指定できません。")},
                code="department_other_municipality",
            )
