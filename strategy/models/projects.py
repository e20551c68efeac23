"""具体的な事業: projects, their listings under measures, and what they did (事業量)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import FiscalYear, Strategy
from .revisioned import RevisionedNode, RevisionedQuerySet
from .tree import Measure

PRIVATE_SECTOR = "民間等"


class Project(models.Model):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="projects", verbose_name=_("総合戦略")
    )
    name = models.CharField(_("事業名"), max_length=200)

    scope_path = "strategy__municipality"

    history = HistoricalRecords(verbose_name=_("具体的な事業の変更履歴"))

    class Meta:
        verbose_name = _("具体的な事業")
        verbose_name_plural = _("具体的な事業")
        ordering = ["strategy", "name"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "name"], name="project_unique_name"),
        ]

    def __str__(self):
        return self.name


class ProjectListingQuerySet(RevisionedQuerySet):
    def private_sector(self):
        """Rows whose 区分 is 民間等 (carried out by a private partner)."""
        return self.filter(category__contains=PRIVATE_SECTOR)


class ProjectListing(RevisionedNode):
    """One row of a measure's 具体的な事業 table."""

    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("施策の基本的方向"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="listings", verbose_name=_("事業")
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    category = models.CharField(
        _("区分"),
        max_length=50,
        blank=True,
        help_text=_("新規・拡充・H27新規・民間等 など、表記のとおり。"),
    )
    content = models.CharField(_("内容"), max_length=300, blank=True)
    partner = models.CharField(
        _("実施主体・連携先"),
        max_length=200,
        blank=True,
        help_text=_("民間等の事業の実施主体など。"),
    )
    reprint = models.BooleanField(_("再掲"), default=False)
    department = models.ForeignKey(
        "strategy.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("担当課"),
        help_text=_("施策の担当課と異なる場合だけ指定します。"),
    )

    objects = ProjectListingQuerySet.as_manager()

    history = HistoricalRecords(verbose_name=_("事業の掲載の変更履歴"))

    tree_rank = 50
    label_related = ("measure", "project")

    scope_path = "measure__strategy__municipality"

    class Meta:
        verbose_name = _("事業の掲載")
        verbose_name_plural = _("事業の掲載")
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "position"], name="listing_unique_position"),
        ]

    @classmethod
    def tree_ordering(cls) -> list:
        return [
            "measure__policy__goal__number",
            "measure__policy__position",
            "measure__number",
            "position",
        ]

    def __str__(self):
        mark = "（再掲）" if self.reprint else ""
        return f"{self.measure.code} {self.project.name}{mark}"

    @staticmethod
    def department_q(department_ids, prefix: str = "") -> Q:
        """Listings of these departments: their own department, else their measure's."""
        return Q(**{f"{prefix}department__in": department_ids}) | Q(
            **{
                f"{prefix}department__isnull": True,
                f"{prefix}measure__department__in": department_ids,
            }
        )

    @property
    def is_private_sector(self) -> bool:
        return PRIVATE_SECTOR in self.category

    def clean(self):
        super().clean()
        if (
            self.measure_id
            and self.project_id
            and self.measure.strategy_id != self.project.strategy_id
        ):
            raise ValidationError({"project": _("別の総合戦略の事業です。")}, code="other_strategy")
        if (
            self.department_id
            and self.measure_id
            and self.department.municipality_id != self.measure.strategy.municipality_id
        ):
            raise ValidationError(
                {"department": _("別の団体の担当課は指定できません。")},
                code="department_other_municipality",
            )


class ProjectOutputQuerySet(models.QuerySet):
    def published(self):
        """Outputs reported in a published year only."""
        return self.filter(fiscal_year__published_at__isnull=False)

    def with_lines(self):
        """Outputs with their project, measure, years and 事業量 lines preloaded."""
        return self.select_related(
            "project", "measure", "fiscal_year", "period_start", "period_end"
        ).prefetch_related("lines")


class ProjectOutput(models.Model):
    """What a project did in a reporting period, as a 効果検証調書 prints it
    (番号, 目的, 内容, 事業量 lines). The H28 report covers two years (H27–H28)."""

    measure = models.ForeignKey(
        Measure,
        on_delete=models.PROTECT,
        related_name="project_outputs",
        verbose_name=_("施策の基本的方向"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="outputs", verbose_name=_("事業")
    )
    fiscal_year = models.ForeignKey(
        FiscalYear,
        on_delete=models.PROTECT,
        related_name="project_outputs",
        verbose_name=_("検証年度"),
        help_text=_("この事業量を掲載する効果検証の年度。"),
    )
    period_start = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("対象期間（始）")
    )
    period_end = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("対象期間（終）")
    )
    position = models.PositiveSmallIntegerField(_("掲載順"))
    number = models.CharField(
        _("番号"), max_length=10, blank=True, help_text=_("調書の表記のとおり。")
    )
    title = models.CharField(_("事業名（調書の表記）"), max_length=200)
    note = models.CharField(_("注記"), max_length=100, blank=True)
    reprint = models.BooleanField(_("再掲"), default=False)
    private_sector = models.BooleanField(_("民間等"), default=False)
    purpose = models.TextField(_("目的"), blank=True)
    content = models.TextField(_("内容"), blank=True)

    objects = ProjectOutputQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("事業の実施状況の変更履歴"))

    scope_path = "project__strategy__municipality"

    class Meta:
        verbose_name = _("事業の実施状況")
        verbose_name_plural = _("事業の実施状況")
        ordering = ["fiscal_year", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "position"], name="project_output_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.number} {self.title}"

    @staticmethod
    def department_q(department_ids, prefix: str = "") -> Q:
        """Outputs of projects these departments carry out under the output's measure."""
        return Q(
            Exists(
                ProjectListing.objects.filter(
                    project=OuterRef(f"{prefix}project"), measure=OuterRef(f"{prefix}measure")
                ).filter(ProjectListing.department_q(department_ids))
            )
        )

    @property
    def period_label(self) -> str:
        if self.period_start_id == self.period_end_id:
            return self.period_start.short_label
        return f"{self.period_start.short_label}〜{self.period_end.short_label}"

    def clean(self):
        super().clean()
        years = [self.fiscal_year, self.period_start, self.period_end]
        if all(y is not None for y in years):
            if len({y.strategy_id for y in years} | {self.measure.strategy_id}) != 1:
                raise ValidationError(
                    _("年度と施策は同じ総合戦略のものにしてください。"), code="other_strategy"
                )
            if self.period_start.year > self.period_end.year:
                raise ValidationError(
                    {"period_end": _("対象期間の終わりは始まり以降にしてください。")},
                    code="period_reversed",
                )


class ProjectOutputLine(models.Model):
    """One 事業量 line: 「・婚活イベントの実施回数及び参加人数 6回延べ100人参加」."""

    output = models.ForeignKey(
        ProjectOutput,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("事業の実施状況"),
    )
    position = models.PositiveSmallIntegerField(_("順序"))
    label = models.CharField(_("項目"), max_length=200, blank=True)
    text = models.CharField(_("事業量（表記）"), max_length=200, blank=True)
    value = models.DecimalField(_("数値"), max_digits=18, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("単位"), max_length=20, blank=True)

    history = HistoricalRecords(verbose_name=_("事業量の変更履歴"))

    scope_path = "output__project__strategy__municipality"

    class Meta:
        verbose_name = _("事業量")
        verbose_name_plural = _("事業量")
        ordering = ["output", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["output", "position"], name="output_line_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="output_line_value_not_negative",
                violation_error_message=_("事業量に負の値は入力できません。"),
            ),
        ]

    def __str__(self):
        return f"{self.label} {self.text}".strip()

    @staticmethod
    def department_q(department_ids) -> Q:
        return ProjectOutput.department_q(department_ids, prefix="output__")
