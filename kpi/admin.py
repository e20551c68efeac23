from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Achievement, Indicator


class AchievementInline(admin.TabularInline):
    model = Achievement
    extra = 0
    fields = ("fiscal_year", "state", "value", "cumulative", "note", "data_year", "text")


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
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
    list_filter = ("goal__number", "measure", "kind", "direction", "introduced_in", "strategy")
    search_fields = ("code", "name", "target_text")
    list_select_related = ("goal", "measure", "introduced_in", "retired_in")
    inlines = [AchievementInline]

    @admin.display(description=_("区分"))
    def level(self, obj):
        return obj.level_label

    @admin.display(description=_("基準値"))
    def baseline(self, obj):
        return obj.baseline_text or obj.format_value(obj.baseline_value) or "—"


@admin.register(Achievement)
class AchievementAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "fiscal_year", "state", "shown_value", "cumulative", "note")
    list_filter = ("fiscal_year__year", "state", "indicator__goal__number", "indicator__measure")
    search_fields = ("indicator__name", "indicator__code", "note")
    list_select_related = ("indicator", "fiscal_year")

    @admin.display(description=_("実績値"))
    def shown_value(self, obj):
        if obj.text:
            return obj.text
        return obj.indicator.format_value(obj.value) or obj.get_state_display()
