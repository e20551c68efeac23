"""数値目標 (goal level) and 重要業績評価指標 KPI (measure level), and their yearly results."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategy.models import (
    BasicGoal,
    FiscalYear,
    Measure,
    RevisionedNode,
    RevisionedQuerySet,
    Strategy,
)

from .amounts import STORED_PLACES, format_amount

AMOUNT = {"max_digits": 18, "decimal_places": STORED_PLACES}


class Direction(models.TextChoices):
    HIGHER = "higher", _("高いほど良い")
    LOWER = "lower", _("低いほど良い")
    KEEP = "keep", _("水準を維持")


class TargetKind(models.TextChoices):
    LEVEL = "level", _("到達水準")
    CUMULATIVE = "cumulative", _("5年間の累計")
    ANNUAL = "annual", _("年間の水準")
    KEEP = "keep", _("維持")


def tree_order(prefix: str = "") -> list:
    """The order of the report, the one tree order of indicators: goal by goal, its 数値目標
    first (no measure: NULL first on every database, which SQLite and PostgreSQL otherwise sort
    differently), then the KPIs measure by measure, each by its position. `prefix`
    (``"indicator__"``) orders the rows of a model that points at indicators the same way."""
    return [
        f"{prefix}goal__number",
        models.F(f"{prefix}measure__code").asc(nulls_first=True),
        f"{prefix}position",
    ]


class IndicatorQuerySet(RevisionedQuerySet):
    def in_tree_order(self):
        """In the tree order (``tree_order``), ties broken by id so that two reads in this order
        list the indicators the same way (open data merges two such reads)."""
        return self.order_by(*tree_order(), "pk")

    def goal_level(self):
        return self.filter(measure__isnull=True)

    def measure_level(self):
        return self.filter(measure__isnull=False)

    def with_tree(self):
        """Indicators with their goal, measure, policy and revisions preloaded."""
        return self.select_related(
            "goal", "measure", "measure__policy", "introduced_in", "retired_in"
        )


class Indicator(RevisionedNode):
    """A 数値目標 (measure empty) or a KPI (measure set).

    `minimum` and `maximum` bound what a result of the indicator may plausibly be (its 実績値 and
    its 累計), checked on the year-entry screen and in the Excel import (``kpi.plausibility``);
    empty means no bound. The default rule, applied once by migration 0009 to the indicators
    that existed then: an indicator whose unit is a share (「%」) is bounded 0–100; every other
    indicator has no bounds until staff set them (a new indicator in % gets them only if staff
    enter them)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("総合戦略")
    )
    goal = models.ForeignKey(
        BasicGoal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("基本目標")
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="indicators",
        null=True,
        blank=True,
        verbose_name=_("施策の基本的方向"),
        help_text=_("空欄なら基本目標の数値目標、指定すれば施策のKPI。"),
    )
    code = models.CharField(_("コード"), max_length=30, help_text=_("例: G1-1、3ウ①-1"))
    position = models.PositiveSmallIntegerField(_("順序"))
    name = models.CharField(_("指標名"), max_length=200)
    unit = models.CharField(_("単位"), max_length=20, blank=True)
    decimals = models.PositiveSmallIntegerField(
        _("小数点以下の桁数"), default=0, help_text=_("表示する桁数。例: 1.37 なら 2。")
    )
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("目標の種類"), max_length=12, choices=TargetKind.choices)
    baseline_value = models.DecimalField(_("基準値"), null=True, blank=True, **AMOUNT)
    baseline_text = models.CharField(
        _("基準値（表記）"),
        max_length=100,
        blank=True,
        help_text=_("数値でない表記（「—」など）。"),
    )
    baseline_label = models.CharField(_("基準値の時点"), max_length=20, default="策定時")
    baseline_note = models.CharField(_("基準値の注記"), max_length=100, blank=True)
    baseline_data_year = models.PositiveSmallIntegerField(
        _("基準値のデータ年度"), null=True, blank=True
    )
    baseline_derived = models.BooleanField(
        _("基準値は目標文から算出"),
        default=False,
        help_text=_("戦略に基準値の記載がなく、目標文（「25人とし3人増加」）から算出した場合。"),
    )
    target_value = models.DecimalField(_("目標値"), null=True, blank=True, **AMOUNT)
    target_text = models.CharField(_("目標（表記）"), max_length=200)
    target_fiscal_year = models.PositiveSmallIntegerField(_("目標年度"), null=True, blank=True)
    footnote = models.TextField(_("注記"), blank=True)
    minimum = models.DecimalField(
        _("入力できる下限"),
        null=True,
        blank=True,
        help_text=_(
            "実績値・累計としてありうる最小の値。これを下回る入力は保存できません。空欄なら下限なし。"
        ),
        **AMOUNT,
    )
    maximum = models.DecimalField(
        _("入力できる上限"),
        null=True,
        blank=True,
        help_text=_(
            "実績値・累計としてありうる最大の値（割合なら 100）。これを上回る入力は保存できません。"
            "空欄なら上限なし。"
        ),
        **AMOUNT,
    )
    department = models.ForeignKey(
        "strategy.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("担当課"),
        help_text=_("施策の担当課と異なる場合（数値目標など）だけ指定します。"),
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("指標の変更履歴"))

    tree_rank = 40
    label_related = ("measure",)

    scope_path = "strategy__municipality"

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標（数値目標・KPI）")
        # the tree order within each strategy (tree_order)
        ordering = ["strategy", *tree_order()]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "code"],
                name="indicator_unique_code",
                violation_error_code="duplicate_code",
                violation_error_message=_("この総合戦略には同じコードの指標が既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_value__gte=0),
                name="indicator_baseline_not_negative",
                violation_error_code="baseline_negative",
                violation_error_message=_("基準値に負の値は入力できません。"),
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="indicator_target_not_negative",
                violation_error_code="target_negative",
                violation_error_message=_("目標値に負の値は入力できません。"),
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="indicator_direction_valid",
                violation_error_code="invalid_direction",
                violation_error_message=_("方向は選択肢から選んでください。"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TargetKind.values),
                name="indicator_kind_valid",
                violation_error_code="invalid_kind",
                violation_error_message=_("目標の種類は選択肢から選んでください。"),
            ),
        ]

    @classmethod
    def tree_ordering(cls) -> list:
        return tree_order()

    def __str__(self):
        return f"{self.code} {self.name}"

    @staticmethod
    def department_q(department_ids, prefix: str = "") -> Q:
        """Indicators of these departments: their own department, else their measure's."""
        return Q(**{f"{prefix}department__in": department_ids}) | Q(
            **{
                f"{prefix}department__isnull": True,
                f"{prefix}measure__department__in": department_ids,
            }
        )

    @property
    def is_goal_level(self) -> bool:
        return self.measure_id is None

    @property
    def level_label(self) -> str:
        return "数値目標" if self.is_goal_level else "KPI"

    def format_value(self, value: Decimal | None, *, with_unit: bool = True) -> str:
        """A value as the report prints it, for people (``kpi.amounts.format_amount``): thousands
        separators, rounded to the indicator's decimals, then the unit (「45,896人」, 「1.53」)."""
        return format_amount(value, decimals=self.decimals, unit=self.unit if with_unit else "")

    def clean(self):
        super().clean()
        if self.goal_id and self.strategy_id and self.goal.strategy_id != self.strategy_id:
            raise ValidationError(
                {"goal": _("別の総合戦略の基本目標です。")}, code="other_strategy"
            )
        if self.measure_id and self.goal_id and self.measure.policy.goal_id != self.goal_id:
            raise ValidationError(
                {"measure": _("施策の基本的方向が基本目標に属していません。")},
                code="measure_goal_mismatch",
            )


class AchievementQuerySet(models.QuerySet):
    def in_tree_order(self):
        """In the tree order of their indicators (``IndicatorQuerySet.in_tree_order``), then by
        fiscal year."""
        return self.order_by(*tree_order("indicator__"), "indicator_id", "fiscal_year__year")

    def with_year(self):
        return self.select_related("fiscal_year")

    def published(self):
        """Results of published years only: what public pages, charts and downloads may show."""
        return self.filter(fiscal_year__published_at__isnull=False)

    def history_of(self, indicator: Indicator):
        """One continuous result history: the results of this indicator and of every node it
        replaced (a KPI moved or re-targeted by a revision keeps its earlier years)."""
        return self.filter(indicator__in=[node.pk for node in indicator.lineage()]).with_year()


class AchievementState(models.TextChoices):
    """Whether a year's result is there (``Achievement.State``)."""

    RECORDED = "recorded", _("実績あり")
    AGGREGATING = "aggregating", _("集計中")
    NOT_YET = "not_yet", _("未集計")


class Achievement(models.Model):
    """One indicator × one fiscal year, keeping everything the document shows."""

    State = AchievementState

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("指標")
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("年度")
    )
    state = models.CharField(
        _("状態"), max_length=12, choices=State.choices, default=State.RECORDED
    )
    value = models.DecimalField(_("実績値"), null=True, blank=True, **AMOUNT)
    cumulative = models.DecimalField(_("累計"), null=True, blank=True, **AMOUNT)
    note = models.CharField(
        _("注記"),
        max_length=100,
        blank=True,
        help_text=_("「H25 数値」「住民基本台帳」「地域課題あり」など。"),
    )
    data_year = models.PositiveSmallIntegerField(
        _("データの年度"),
        null=True,
        blank=True,
        help_text=_("実績値が別の年度の数値である場合（「H25 数値」なら 2013）。"),
    )
    text = models.CharField(
        _("表記"),
        max_length=100,
        blank=True,
        help_text=_("数値でない表記（「ゼロ名維持 (地域課題あり)」など）。"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = AchievementQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("実績の変更履歴"))

    scope_path = "indicator__strategy__municipality"

    class Meta:
        verbose_name = _("実績")
        verbose_name_plural = _("実績")
        ordering = ["indicator", "fiscal_year__year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="achievement_one_per_year",
                violation_error_code="duplicate_year",
                violation_error_message=_("この指標のこの年度の実績は既に登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="achievement_value_not_negative",
                violation_error_code="value_negative",
                violation_error_message=_("実績値に負の値は入力できません。"),
            ),
            models.CheckConstraint(
                condition=Q(cumulative__isnull=True) | Q(cumulative__gte=0),
                name="achievement_cumulative_not_negative",
                violation_error_code="cumulative_negative",
                violation_error_message=_("累計に負の値は入力できません。"),
            ),
            # 累計 includes this year's 実績 (only a 5年間の累計 indicator takes a 累計 at all:
            # kpi.plausibility refuses one for any other kind). "Not below" rather than
            # "null, null or at least": the same rows pass (a comparison with NULL is unknown,
            # which a CHECK lets through), and the message goes beside 累計 alone.
            models.CheckConstraint(
                condition=~Q(cumulative__lt=models.F("value")),
                name="achievement_cumulative_not_below_value",
                violation_error_code="cumulative_below_value",
                violation_error_message=_("累計は今年度の実績値以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(state__in=AchievementState.values),
                name="achievement_state_valid",
                violation_error_code="invalid_state",
                violation_error_message=_("状態は選択肢から選んでください。"),
            ),
            models.CheckConstraint(
                condition=Q(state=AchievementState.RECORDED)
                | (Q(value__isnull=True) & Q(cumulative__isnull=True)),
                name="achievement_pending_has_no_value",
                violation_error_code="pending_has_value",
                violation_error_message=_("集計中・未集計の年度には数値を入力できません。"),
            ),
            models.CheckConstraint(
                condition=~Q(state=AchievementState.RECORDED)
                | Q(value__isnull=False)
                | ~Q(text=""),
                name="achievement_recorded_has_value",
                violation_error_code="recorded_no_value",
                violation_error_message=_("実績ありの年度には実績値を入力してください。"),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.fiscal_year}"

    @staticmethod
    def department_q(department_ids) -> Q:
        """Results of these departments' indicators."""
        return Indicator.department_q(department_ids, prefix="indicator__")

    def clean(self):
        super().clean()
        if not (self.indicator_id and self.fiscal_year_id):
            return
        indicator, year = self.indicator, self.fiscal_year
        if indicator.strategy_id != year.strategy_id:
            raise ValidationError(
                {"fiscal_year": _("指標と別の総合戦略の年度です。")}, code="other_strategy"
            )
        if (
            year.year < indicator.strategy.first_fiscal_year
            or year.year > indicator.strategy.last_fiscal_year
        ):
            raise ValidationError(
                {
                    "fiscal_year": _("年度は計画期間（%(period)s）内で指定してください。")
                    % {"period": indicator.strategy.period_label}
                },
                code="year_outside_period",
            )
        revision = indicator.strategy.revision_for_year(year.year)
        if not indicator.is_in_force_at(revision):
            raise ValidationError(
                _("「%(name)s」は%(year)sには%(revision)sの構成に含まれていません。")
                % {"name": indicator.name, "year": year.long_label, "revision": revision},
                code="indicator_not_in_force",
            )

    @property
    def is_pending(self) -> bool:
        return self.state != self.State.RECORDED


class ImportJobStatus(models.TextChoices):
    """How far an uploaded sheet has got (``ImportJob.Status``)."""

    PENDING = "pending", _("確認中")
    PREVIEWED = "previewed", _("確認済み（未反映）")
    FAILED = "failed", _("エラーあり")
    APPLIED = "applied", _("反映済み")


class ImportJob(models.Model):
    """One uploaded entry sheet (Excel or CSV) of a fiscal year's results: the file as sent, how
    far its rows have been checked, the dry-run preview of each row, and whether it was applied.
    Checking advances in chunks (kpi.imports.import_advance); nothing reaches Achievement until
    the whole sheet is free of errors and a user confirms it (kpi.imports.import_apply)."""

    Status = ImportJobStatus

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("総合戦略")
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("年度")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("アップロードした人"),
    )
    filename = models.CharField(_("ファイル名"), max_length=255)
    data = models.BinaryField(_("ファイルの内容"))
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total_rows = models.PositiveIntegerField(_("データの行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("確認した行数"), default=0)
    preview = models.JSONField(
        _("行ごとの確認結果"),
        default=list,
        blank=True,
        help_text=_("行番号、指標、変更前・変更後、変更の種類、エラー。"),
    )
    errors = models.JSONField(_("エラー"), default=list, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("反映した人"),
    )
    applied_at = models.DateTimeField(_("反映日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    scope_path = "strategy__municipality"

    class Meta:
        verbose_name = _("Excel取り込み")
        verbose_name_plural = _("Excel取り込み")
        ordering = ["-created_at"]
        constraints = [
            # Kept by the import services, never typed by anyone: codes, no messages.
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="import_job_processed_within_total",
                violation_error_code="processed_over_total",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ImportJobStatus.values),
                name="import_job_status_valid",
                violation_error_code="invalid_status",
            ),
            models.CheckConstraint(
                condition=~Q(status=ImportJobStatus.APPLIED) | Q(applied_at__isnull=False),
                name="import_job_applied_has_date",
                violation_error_code="applied_without_date",
            ),
        ]

    def __str__(self):
        return f"{self.filename}（{self.fiscal_year}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("staff:import_job", kwargs={"slug": self.strategy.slug, "pk": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def can_apply(self) -> bool:
        """Every row checked and none has an error."""
        return self.status == self.Status.PREVIEWED and not self.errors


class CorrectionStatus(models.TextChoices):
    """Where a correction stands (``Correction.Status``)."""

    REQUESTED = "requested", _("申請中")
    APPLIED = "applied", _("承認済")
    REJECTED = "rejected", _("却下")


class CorrectionQuerySet(models.QuerySet):
    def applied(self):
        return self.filter(status=CorrectionStatus.APPLIED)

    def pending(self):
        return self.filter(status=CorrectionStatus.REQUESTED)

    def public(self):
        """What citizens see (訂正履歴): applied corrections of published years."""
        return self.applied().filter(fiscal_year__published_at__isnull=False)

    def with_subject(self):
        """Corrections with their indicator (goal, measure), year and the people named."""
        return self.select_related(
            "indicator",
            "indicator__goal",
            "indicator__measure",
            "fiscal_year",
            "requested_by",
            "decided_by",
        )


class Correction(models.Model):
    """A change to a result of a published year (訂正): the only way such a result changes. A
    department member requests it and the secretariat approves or rejects the request, or the
    secretariat makes it at once; either way with a 訂正理由. Applied corrections of published
    years are public (訂正履歴). The values before and after are kept as they were at the time,
    so the record stays true whatever happens to the result later (``kpi.corrections``)."""

    Status = CorrectionStatus

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("指標")
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("年度")
    )
    old_state = models.CharField(
        _("訂正前の状態"),
        max_length=12,
        choices=AchievementState.choices,
        blank=True,
        help_text=_("空欄: 訂正前は実績が登録されていなかった。"),
    )
    old_value = models.DecimalField(_("訂正前の実績値"), null=True, blank=True, **AMOUNT)
    old_cumulative = models.DecimalField(_("訂正前の累計"), null=True, blank=True, **AMOUNT)
    old_note = models.CharField(_("訂正前の注記"), max_length=100, blank=True)
    new_state = models.CharField(_("訂正後の状態"), max_length=12, choices=AchievementState.choices)
    new_value = models.DecimalField(_("訂正後の実績値"), null=True, blank=True, **AMOUNT)
    new_cumulative = models.DecimalField(_("訂正後の累計"), null=True, blank=True, **AMOUNT)
    new_note = models.CharField(_("訂正後の注記"), max_length=100, blank=True)
    reason = models.TextField(
        _("訂正理由"), help_text=_("公開ページの訂正履歴にそのまま表示されます。")
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申請した人"),
    )
    requested_at = models.DateTimeField(_("申請日時"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承認・却下した人"),
    )
    decided_at = models.DateTimeField(_("承認・却下の日時"), null=True, blank=True)
    decision_note = models.CharField(_("却下の理由"), max_length=200, blank=True)

    objects = CorrectionQuerySet.as_manager()

    scope_path = "indicator__strategy__municipality"

    class Meta:
        verbose_name = _("実績の訂正")
        verbose_name_plural = _("実績の訂正")
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("request_correction", _("公表済みの実績の訂正を申請できる")),
            ("apply_correction", _("公表済みの実績を訂正し、訂正の申請を承認・却下できる")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="correction_has_reason",
                violation_error_code="reason_required",
                violation_error_message=_("訂正理由を入力してください。"),
            ),
            # kept by the correction services, never typed by anyone: codes, no messages
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values),
                name="correction_status_valid",
                violation_error_code="invalid_status",
            ),
            models.CheckConstraint(
                condition=Q(status=CorrectionStatus.REQUESTED) | Q(decided_at__isnull=False),
                name="correction_decided_has_date",
                violation_error_code="decided_without_date",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.fiscal_year}（{self.get_status_display()}）"

    @staticmethod
    def department_q(department_ids) -> Q:
        """Corrections of these departments' indicators."""
        return Indicator.department_q(department_ids, prefix="indicator__")

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.REQUESTED

    def _text(self, state: str, value, cumulative, note: str) -> str:
        """A result as the 訂正履歴 quotes it: 「1.53」, 「64人（累計100人）」, 「集計中」, 「未登録」."""
        if not state:
            return "未登録"
        if state != AchievementState.RECORDED or value is None:
            text = str(AchievementState(state).label)
        else:
            text = self.indicator.format_value(value)
        if cumulative is not None:
            text += f"（累計{self.indicator.format_value(cumulative)}）"
        if note:
            text += f"〔注記: {note}〕"
        return text

    @property
    def old_text(self) -> str:
        return self._text(self.old_state, self.old_value, self.old_cumulative, self.old_note)

    @property
    def new_text(self) -> str:
        return self._text(self.new_state, self.new_value, self.new_cumulative, self.new_note)
