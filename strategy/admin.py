from django.contrib import admin
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_scoping import ScopedAdminMixin
from .models import (
    Amendment,
    BasicGoal,
    Department,
    FiscalYear,
    GoalDirection,
    Measure,
    Membership,
    Municipality,
    Policy,
    PopulationFigure,
    Project,
    ProjectListing,
    ProjectOutput,
    ProjectOutputLine,
    Revision,
    Strategy,
)
from .revisions import node_querysets

LIFE_FIELDS = ("introduced_in", "retired_in", "predecessor")


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "prefecture", "name")
    search_fields = ("code", "name", "prefecture")


class RevisionInline(ScopedAdminMixin, admin.TabularInline):
    model = Revision
    extra = 0
    fields = ("sequence", "status", "title", "date", "first_fiscal_year", "note")


class FiscalYearInline(ScopedAdminMixin, admin.TabularInline):
    model = FiscalYear
    extra = 0
    fields = ("year", "label")
    readonly_fields = ("year", "label")
    can_delete = False

    @admin.display(description=_("年度"))
    def label(self, obj):
        return obj.long_label

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Strategy)
class StrategyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "municipality", "philosophy", "period")
    search_fields = ("name", "municipality__name", "municipality__code")
    list_select_related = ("municipality",)
    inlines = [RevisionInline, FiscalYearInline]

    @admin.display(description=_("計画期間"))
    def period(self, obj):
        return obj.period_label


@admin.register(Revision)
class RevisionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "strategy", "sequence", "status", "date", "first_fiscal_year")
    list_filter = ("status", "strategy")
    list_select_related = ("strategy",)


class RevisionedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Shared set-up for nodes with a life cycle across revisions."""

    list_select_related = ("introduced_in", "retired_in")

    @admin.display(description=_("追加"))
    def introduced(self, obj):
        return obj.introduced_in

    @admin.display(description=_("廃止"))
    def retired(self, obj):
        return obj.retired_in or "—"


class GoalDirectionInline(ScopedAdminMixin, admin.TabularInline):
    model = GoalDirection
    extra = 0
    fields = ("position", "text", "introduced_in", "retired_in")


@admin.register(BasicGoal)
class BasicGoalAdmin(RevisionedAdmin):
    list_display = ("label", "title", "package", "strategy", "introduced", "retired")
    list_filter = ("strategy",)
    list_select_related = ("strategy", "introduced_in", "retired_in")
    search_fields = ("title", "package")
    inlines = [GoalDirectionInline]


@admin.register(Policy)
class PolicyAdmin(RevisionedAdmin):
    list_display = ("code", "name", "goal", "introduced", "retired")
    list_filter = ("goal__strategy", "goal__number", "introduced_in")
    search_fields = ("code", "name")
    list_select_related = ("goal", "introduced_in", "retired_in")


class ProjectListingInline(ScopedAdminMixin, admin.TabularInline):
    model = ProjectListing
    fk_name = "measure"
    extra = 0
    fields = (
        "position",
        "category",
        "project",
        "content",
        "partner",
        "reprint",
        "introduced_in",
        "retired_in",
    )
    autocomplete_fields = ("project",)


@admin.register(Measure)
class MeasureAdmin(RevisionedAdmin):
    list_display = ("code", "name", "policy", "department", "introduced", "retired")
    list_filter = ("policy__goal__number", "department", "policy", "introduced_in", "strategy")
    search_fields = ("code", "name", "description")
    list_select_related = ("policy", "department", "introduced_in", "retired_in")
    inlines = [ProjectListingInline]


class ListingOfProjectInline(ScopedAdminMixin, admin.TabularInline):
    model = ProjectListing
    fk_name = "project"
    extra = 0
    fields = (
        "measure",
        "position",
        "category",
        "content",
        "partner",
        "reprint",
        "introduced_in",
        "retired_in",
    )


@admin.register(Project)
class ProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "strategy", "listing_count")
    search_fields = ("name",)
    list_filter = ("strategy",)
    inlines = [ListingOfProjectInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_listings=Count("listings"))

    @admin.display(description=_("掲載数"), ordering="n_listings")
    def listing_count(self, obj):
        return obj.n_listings


@admin.register(ProjectListing)
class ProjectListingAdmin(RevisionedAdmin):
    list_display = (
        "measure",
        "position",
        "category",
        "project",
        "content",
        "partner",
        "reprint",
        "introduced",
        "retired",
    )
    list_filter = ("measure__policy__goal__number", "reprint", "introduced_in", "category")
    search_fields = ("project__name", "content", "partner", "category")
    list_select_related = ("measure", "project", "introduced_in", "retired_in")


class ProjectOutputLineInline(ScopedAdminMixin, admin.TabularInline):
    model = ProjectOutputLine
    extra = 0
    fields = ("position", "label", "text", "value", "unit")


@admin.register(ProjectOutput)
class ProjectOutputAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("number", "title", "project", "measure", "fiscal_year", "period")
    list_filter = ("fiscal_year", "measure__policy__goal__number", "private_sector", "reprint")
    search_fields = ("title", "project__name", "purpose", "content")
    list_select_related = ("project", "measure", "fiscal_year", "period_start", "period_end")
    inlines = [ProjectOutputLineInline]

    @admin.display(description=_("対象期間"))
    def period(self, obj):
        return obj.period_label


@admin.register(PopulationFigure)
class PopulationFigureAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "series", "metric", "value", "share", "strategy")
    list_filter = ("series", "metric", "year", "strategy")


@admin.register(Amendment)
class AmendmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("revision", "content_type", "node", "field_name", "old_value", "new_value")
    # only the kinds of node that have amendments (not every content type of the site)
    list_filter = ("revision", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("old_value", "new_value")
    list_select_related = ("revision", "content_type")

    def get_queryset(self, request):
        """The amended nodes in one query per kind, with what their labels read."""
        return (
            super()
            .get_queryset(request)
            .prefetch_related(GenericPrefetch("node", node_querysets()))
        )

    @admin.display(description=_("変更した欄"))
    def field_name(self, obj):
        return obj.field_label()


@admin.register(FiscalYear)
class FiscalYearAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("short_label", "long_label", "year", "strategy")
    list_filter = ("strategy",)
    list_select_related = ("strategy",)


@admin.register(GoalDirection)
class GoalDirectionAdmin(RevisionedAdmin):
    list_display = ("goal", "position", "text", "introduced", "retired")
    list_filter = ("goal__number", "goal__strategy")
    search_fields = ("text",)
    list_select_related = ("goal", "introduced_in", "retired_in")


@admin.register(ProjectOutputLine)
class ProjectOutputLineAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("output", "position", "label", "text", "value", "unit")
    list_filter = ("output__fiscal_year", "unit")
    search_fields = ("label", "text", "output__title")
    list_select_related = ("output", "output__fiscal_year")


@admin.register(Department)
class DepartmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "municipality", "order")
    list_filter = ("municipality",)
    list_select_related = ("municipality",)
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "municipality", "role")
    list_filter = ("role", "municipality")
    list_select_related = ("user", "municipality")
    search_fields = ("user__username", "user__first_name")
    filter_horizontal = ("departments",)
