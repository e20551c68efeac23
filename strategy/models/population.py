"""第2章 人口の将来展望: the projections the strategy's population targets come from."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import Strategy


class PopulationFigure(models.Model):
    class Series(models.TextChoices):
        ACTUAL = "actual", _("実績")
        IPSS = "ipss", _("社人研推計")
        CITY = "city", _("根室市推計")
        FERTILITY_CONSTANT = "fertility_constant", _("出生率が現状のまま推移した場合")

    class Metric(models.TextChoices):
        TOTAL = "total", _("総人口")
        AGE_0_14 = "age_0_14", _("年少人口")
        AGE_15_64 = "age_15_64", _("生産人口")
        AGE_65_OVER = "age_65_over", _("老年人口")
        FEMALE_20_39 = "female_20_39", _("20～39歳の女性人口")
        FERTILITY_RATE = "fertility_rate", _("合計特殊出生率")

    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.CASCADE,
        related_name="population_figures",
        verbose_name=_("総合戦略"),
    )
    series = models.CharField(_("系列"), max_length=20, choices=Series.choices)
    year = models.PositiveSmallIntegerField(_("年（西暦）"))
    metric = models.CharField(_("指標"), max_length=20, choices=Metric.choices)
    value = models.DecimalField(_("値"), max_digits=12, decimal_places=2)
    share = models.DecimalField(
        _("構成比（%）"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("総人口に占める割合として表記されている場合。"),
    )

    scope_path = "strategy__municipality"

    history = HistoricalRecords(verbose_name=_("人口の将来展望の変更履歴"))

    class Meta:
        verbose_name = _("人口の将来展望")
        verbose_name_plural = _("人口の将来展望")
        ordering = ["strategy", "year", "series", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "series", "year", "metric"], name="population_unique_point"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="population_not_negative"),
            models.CheckConstraint(
                condition=Q(series__in=["actual", "ipss", "city", "fertility_constant"]),
                name="population_series_valid",
            ),
        ]

    def __str__(self):
        return f"{self.year}年 {self.get_series_display()} {self.get_metric_display()} {self.value}"
