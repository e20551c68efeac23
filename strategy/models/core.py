"""The root of everything: a municipality's strategy, its revisions and its fiscal years."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategy import fiscal


def validate_local_government_code(value: str) -> None:
    """全国地方公共団体コード: five digits and a check digit (JIS X 0401 / 総務省)."""
    if len(value) != 6 or not value.isdigit():
        raise ValidationError(
            _("全国地方公共団体コードは6桁の数字で入力してください。"), code="lg_code_format"
        )
    total = sum(int(d) * w for d, w in zip(value[:5], (6, 5, 4, 3, 2), strict=True))
    check = (11 - total % 11) % 11
    if check == 10:
        check = 0
    if int(value[5]) != check:
        raise ValidationError(
            _("全国地方公共団体コードの検査数字が正しくありません。"), code="lg_code_check"
        )


class Municipality(models.Model):
    code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$"), validate_local_government_code],
        help_text=_("6桁（検査数字を含む）。根室市は 012238。"),
    )
    prefecture = models.CharField(_("都道府県"), max_length=10)
    name = models.CharField(_("団体名"), max_length=50)

    scope_path = "pk"

    class Meta:
        verbose_name = _("地方公共団体")
        verbose_name_plural = _("地方公共団体")
        ordering = ["code"]

    def __str__(self):
        return f"{self.prefecture}{self.name}"


class StrategyQuerySet(models.QuerySet):
    def with_municipality(self):
        """Strategies with their municipality preloaded (for lists and headers)."""
        return self.select_related("municipality")


class Strategy(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("団体")
    )
    slug = models.SlugField(_("識別子"), max_length=60, unique=True)
    name = models.CharField(_("戦略名"), max_length=100)
    philosophy = models.CharField(_("戦略理念"), max_length=200, blank=True)
    first_fiscal_year = models.PositiveSmallIntegerField(
        _("計画期間の初年度"), help_text=_("年度の始まる西暦年。平成27年度なら 2015。")
    )
    last_fiscal_year = models.PositiveSmallIntegerField(_("計画期間の最終年度"))
    is_default = models.BooleanField(
        _("既定の戦略"), default=False, help_text=_("公開サイトのトップに表示する戦略（1つだけ）。")
    )

    objects = StrategyQuerySet.as_manager()

    scope_path = "municipality"

    class Meta:
        verbose_name = _("総合戦略")
        verbose_name_plural = _("総合戦略")
        ordering = ["municipality__code", "first_fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_fiscal_year__gte=models.F("first_fiscal_year")),
                name="strategy_period_ordered",
                violation_error_message=_("最終年度は初年度以降にしてください。"),
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="strategy_one_default",
                violation_error_message=_("既定の戦略は1つだけです。"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.period_label}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("strategy:top", kwargs={"slug": self.slug})

    @property
    def period_label(self) -> str:
        return (
            f"{fiscal.short_label(self.first_fiscal_year)}〜"
            f"{fiscal.short_label(self.last_fiscal_year)}"
        )

    @property
    def fiscal_year_range(self) -> range:
        return range(self.first_fiscal_year, self.last_fiscal_year + 1)

    def current_revision(self) -> "Revision":
        """The adopted revision the public pages show (a draft is a proposal, not in force)."""
        return self.latest_revision(include_drafts=False)

    def revision_for_year(self, year: int) -> "Revision":
        """The adopted revision in force in fiscal year `year` (drafts are never in force).
        Remembered on this instance, since validation asks once per yearly row."""
        cache = self.__dict__.setdefault("_revision_for_year", {})
        if year not in cache:
            cache[year] = self._find_revision_for_year(year)
        return cache[year]

    def _find_revision_for_year(self, year: int) -> "Revision":
        revision = revision_in_force(
            self.revisions.exclude(status=Revision.Status.DRAFT).filter(
                first_fiscal_year__lte=year
            ),
            year,
        )
        if revision is None:
            raise Revision.DoesNotExist(f"no revision of {self} is in force in {year}")
        return revision

    def latest_revision(self, *, include_drafts: bool = True) -> "Revision":
        revisions = self.revisions.all()
        if not include_drafts:
            revisions = revisions.exclude(status=Revision.Status.DRAFT)
        return revisions.order_by("-sequence").first()


class Revision(models.Model):
    class Status(models.TextChoices):
        FORMULATED = "formulated", _("策定")
        REVISED = "revised", _("改訂")
        DRAFT = "draft", _("改訂案")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("総合戦略")
    )
    sequence = models.PositiveSmallIntegerField(_("順序"), help_text=_("策定を1とする通し番号。"))
    status = models.CharField(_("区分"), max_length=12, choices=Status.choices)
    title = models.CharField(_("名称"), max_length=100)
    date = models.DateField(_("策定・改訂日"), null=True, blank=True, help_text=_("改訂案は空欄。"))
    first_fiscal_year = models.PositiveSmallIntegerField(
        _("適用開始年度"),
        null=True,
        blank=True,
        help_text=_("この版が効力を持つ最初の年度（西暦）。改訂案は空欄。"),
    )
    note = models.TextField(_("主な改訂内容"), blank=True)

    scope_path = "strategy__municipality"

    history = HistoricalRecords(verbose_name=_("策定・改訂の変更履歴"))

    class Meta:
        verbose_name = _("策定・改訂")
        verbose_name_plural = _("策定・改訂")
        ordering = ["strategy", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "sequence"],
                name="revision_unique_sequence",
                violation_error_message=_("同じ順序の版が既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(date__isnull=False) & Q(first_fiscal_year__isnull=False)),
                name="revision_adopted_has_date",
                violation_error_message=_("策定・改訂には日付と適用開始年度が必要です。"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["formulated", "revised", "draft"]),
                name="revision_status_valid",
            ),
        ]

    def __str__(self):
        when = self.date.strftime("%Y-%m-%d") if self.date else "日付未定"
        return f"{self.get_status_display()}（{when}）"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def applies_in(self, year: int) -> bool:
        """Whether this revision's tree is the adopted one from fiscal year `year` on: adopted
        (a draft never applies) and in force from that year or an earlier one."""
        return (
            not self.is_draft
            and self.first_fiscal_year is not None
            and (self.first_fiscal_year <= year)
        )


def revision_in_force(revisions, year: int) -> "Revision | None":
    """The one rule for which revision is in force in fiscal year `year`: of the adopted
    revisions that apply by then, the latest. Works on revisions already loaded (no query);
    ``Strategy.revision_for_year`` asks the database the same question."""
    return max(
        (revision for revision in revisions if revision.applies_in(year)),
        key=lambda revision: revision.sequence,
        default=None,
    )


class FiscalYearQuerySet(models.QuerySet):
    def for_strategy(self, strategy):
        return self.filter(strategy=strategy).order_by("year")

    def published(self):
        """Years whose results and verdicts the secretariat has published: the only years a
        public page, chart or download may show."""
        return self.filter(published_at__isnull=False)


class FiscalYear(models.Model):
    """One fiscal year of a strategy's period. Yearly rows point here, so a year outside the
    period cannot be stored: there is no row to point to."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="fiscal_years", verbose_name=_("総合戦略")
    )
    year = models.PositiveSmallIntegerField(_("年度（西暦）"))
    published_at = models.DateTimeField(
        _("公表日時"),
        null=True,
        blank=True,
        help_text=_("空欄の年度の実績・検証結果は公開ページに表示されません。"),
    )

    objects = FiscalYearQuerySet.as_manager()

    scope_path = "strategy__municipality"

    class Meta:
        verbose_name = _("年度")
        verbose_name_plural = _("年度")
        ordering = ["strategy", "year"]
        permissions = [
            ("publish_fiscalyear", _("年度を公表・取り下げできる")),
            ("view_unpublished", _("未公表の年度の実績・検証結果を閲覧できる")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "year"], name="fiscal_year_unique"),
        ]

    def __str__(self):
        return self.short_label

    def clean(self):
        if self.strategy_id and self.year not in self.strategy.fiscal_year_range:
            raise ValidationError(
                {
                    "year": _("年度は計画期間（%(period)s）内で指定してください。")
                    % {"period": self.strategy.period_label}
                },
                code="year_outside_period",
            )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def short_label(self) -> str:
        return fiscal.short_label(self.year)

    @property
    def long_label(self) -> str:
        return fiscal.long_label(self.year)
