"""The admin of indicators and their yearly results, arranged for the yearly work: filters by
year, goal, measure, state and revision, search by indicator, the change from the previous year
and the progress computed on the list (a fixed number of queries per page), and each object's
履歴 page with who changed what, old → new (django-simple-history)."""

from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from strategy import fiscal
from strategy.admin_scoping import ScopedAdminMixin
from strategy.models import BasicGoal, FiscalYear

from .amounts import exact_amount
from .changes import format_change, year_change
from .corrections import ensure_not_published, locked_message
from .models import Achievement, Correction, ImportJob, Indicator, TargetKind
from .progress import ProgressStatus, progress_of


class JapaneseHistoryHelper(HistoricalRecordContextHelper):
    """The 履歴 page's old → new values as staff read them: choices by their label, decimals
    without trailing zeros (「1.53」, not 「1.5300」), empty values as （空欄）."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        model_field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "（空欄）"
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, Decimal):
            return exact_amount(value, decimals=0)
        return value


class HistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def get_historical_record_context_helper(self, request, historical_record):
        return JapaneseHistoryHelper(self.model, historical_record)


class GoalFilter(admin.SimpleListFilter):
    """基本目標1, 基本目標2 … (by number, across strategies)."""

    title = _("基本目標")
    parameter_name = "goal__number"

    def lookups(self, request, model_admin):
        numbers = BasicGoal.objects.order_by("number").values_list("number", flat=True).distinct()
        return [(str(n), f"基本目標{n}") for n in numbers]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.parameter_name: int(value)})
        return queryset


class AchievementGoalFilter(GoalFilter):
    parameter_name = "indicator__goal__number"


class FiscalYearFilter(admin.SimpleListFilter):
    """H27（2015年度）… (by year, across strategies)."""

    title = _("年度")
    parameter_name = "fiscal_year__year"

    def lookups(self, request, model_admin):
        years = FiscalYear.objects.order_by("year").values_list("year", flat=True).distinct()
        return [(str(y), f"{fiscal.short_label(y)}（{y}年度）") for y in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(fiscal_year__year=int(value))
        return queryset


class AchievementAdminForm(forms.ModelForm):
    """A result of a published year is never created or changed here: only by a correction
    (``kpi.corrections``)."""

    class Meta:
        model = Achievement
        fields = (
            "indicator",
            "fiscal_year",
            "state",
            "value",
            "cumulative",
            "note",
            "data_year",
            "text",
        )

    def clean(self):
        cleaned = super().clean()
        stored_year = self.instance.fiscal_year if self.instance.pk else None
        for year in (stored_year, cleaned.get("fiscal_year")):
            if year is not None and (self.instance.pk is None or self.has_changed()):
                try:
                    ensure_not_published(year)
                except ValidationError as error:
                    raise ValidationError(error.messages, code="published_year") from None
        return cleaned


class AchievementInlineFormSet(forms.BaseInlineFormSet):
    """Published years' rows are neither changed (the form refuses) nor deleted."""

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.fiscal_year.is_published:
                raise ValidationError(
                    locked_message(form.instance.fiscal_year), code="published_year"
                )


class AchievementInline(ScopedAdminMixin, admin.TabularInline):
    model = Achievement
    form = AchievementAdminForm
    formset = AchievementInlineFormSet
    extra = 0
    fields = ("fiscal_year", "state", "value", "cumulative", "note", "data_year", "text")


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = (
        "code",
        "name",
        "level",
        "unit",
        "baseline",
        "target_text",
        "direction",
        "kind",
        "introduced_in",
        "retired_in",
    )
    list_filter = (
        "strategy",
        GoalFilter,
        "measure",
        "kind",
        "direction",
        "introduced_in",
        "retired_in",
    )
    search_fields = ("code", "name", "target_text")
    list_select_related = ("goal", "measure", "introduced_in", "retired_in")
    inlines = [AchievementInline]

    @admin.display(description=_("区分"))
    def level(self, obj):
        return obj.level_label

    @admin.display(description=_("基準値"))
    def baseline(self, obj):
        return obj.baseline_text or obj.format_value(obj.baseline_value) or "—"


def attach_series(achievements) -> None:
    """Give each achievement ``series``: {year: result} of its indicator and of every node the
    indicator replaced (a moved KPI keeps its earlier years), as ``kpi.selectors`` shows them.

    Queries: the indicator chains of the strategies on the page (1), their results (1)."""
    achievements = list(achievements)
    if not achievements:
        return
    strategies = {a.indicator.strategy_id for a in achievements}
    parent = dict(
        Indicator.objects.filter(strategy_id__in=strategies).values_list("pk", "predecessor_id")
    )
    owners = defaultdict(set)  # node → the indicators on the page whose history includes it
    for indicator_id in {a.indicator_id for a in achievements}:
        node, seen = indicator_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            owners[node].add(indicator_id)
            node = parent.get(node)
    series = defaultdict(dict)
    for result in Achievement.objects.filter(indicator_id__in=list(owners)).select_related(
        "fiscal_year"
    ):
        for owner in owners[result.indicator_id]:
            series[owner].setdefault(result.fiscal_year.year, result)
    for achievement in achievements:
        achievement.series = series[achievement.indicator_id]


class AchievementChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        attach_series(self.result_list)


@admin.register(Achievement)
class AchievementAdmin(HistoryAdmin):
    list_display = (
        "indicator",
        "fiscal_year",
        "state",
        "shown_value",
        "change_from_previous",
        "progress",
        "shown_cumulative",
        "note",
    )
    list_filter = (FiscalYearFilter, AchievementGoalFilter, "indicator__measure", "state")
    search_fields = ("indicator__name", "indicator__code", "note")
    list_select_related = ("indicator", "indicator__strategy", "fiscal_year")

    form = AchievementAdminForm

    def get_changelist(self, request, **kwargs):
        return AchievementChangeList

    # a published year's result is read only here: it changes only by a correction
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.fiscal_year.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.fiscal_year.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        """「選択された実績の削除」 leaves published years' results alone."""
        published = queryset.filter(fiscal_year__published_at__isnull=False)
        kept = published.count()
        if kept:
            self.message_user(
                request,
                _("公表済みの年度の実績 %(count)d件は削除していません（訂正でのみ変更できます）。")
                % {"count": kept},
                messages.WARNING,
            )
        super().delete_queryset(request, queryset.exclude(pk__in=published.values("pk")))

    @admin.display(description=_("実績値"))
    def shown_value(self, obj):
        if obj.text:
            return obj.text
        return obj.indicator.format_value(obj.value) or obj.get_state_display()

    @admin.display(description=_("累計"))
    def shown_cumulative(self, obj):
        return obj.indicator.format_value(obj.cumulative) or None

    @admin.display(description=_("前年度からの変化"))
    def change_from_previous(self, obj):
        """As the report prints it (「(0.16↑)」): from the previous year's value, or from the
        baseline for the strategy's first year; none for cumulative targets and printed texts."""
        indicator = obj.indicator
        if indicator.kind == TargetKind.CUMULATIVE or obj.text or not hasattr(obj, "series"):
            return None
        year = obj.fiscal_year.year
        if year == indicator.strategy.first_fiscal_year:
            previous = indicator.baseline_value
        else:
            earlier = obj.series.get(year - 1)
            previous = earlier.value if earlier is not None else None
        change = year_change(obj.value, previous)
        return format_change(change, unit=indicator.unit, decimals=indicator.decimals) or None

    @admin.display(description=_("達成度"))
    def progress(self, obj):
        """kpi.progress as of this row's year: 「60.0%（順調）」."""
        if not hasattr(obj, "series"):
            return None
        year = obj.fiscal_year.year
        results = [a for y, a in obj.series.items() if y <= year]
        result = progress_of(obj.indicator, results, obj.indicator.strategy)
        if result.status == ProgressStatus.NO_DATA:
            return None
        return f"{result.percent}（{result.status_label}）"


@admin.register(ImportJob)
class ImportJobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Uploaded entry sheets, read only: they are checked and applied on the import pages."""

    list_display = ("filename", "strategy", "fiscal_year", "status", "user", "created_at")
    list_filter = ("status", FiscalYearFilter)
    list_select_related = ("strategy", "fiscal_year", "user")
    exclude = ("data",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Correction)
class CorrectionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The public record of corrections after publication, read-only: a correction is requested,
    approved or applied on the staff pages (kpi.corrections), which also change the result."""

    list_display = ("indicator", "fiscal_year", "status", "reason", "requested_by", "decided_at")
    list_filter = ("status", "fiscal_year__year")
    list_select_related = ("indicator", "fiscal_year", "requested_by")
    search_fields = ("indicator__code", "indicator__name", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
