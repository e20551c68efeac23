from django.contrib import admin

from .models import GradeDefinition, InternalReview, PanelOpinion, PanelReview, VerificationReport


@admin.register(GradeDefinition)
class GradeDefinitionAdmin(admin.ModelAdmin):
    list_display = ("grade", "label", "description", "strategy")
    list_filter = ("strategy",)


@admin.register(InternalReview)
class InternalReviewAdmin(admin.ModelAdmin):
    list_display = ("measure", "fiscal_year", "grade", "grade_note", "updated_at")
    list_filter = ("fiscal_year__year", "grade", "measure__policy__goal__number")
    search_fields = ("measure__name", "measure__code", "issues")
    list_select_related = ("measure", "fiscal_year")


class PanelOpinionInline(admin.TabularInline):
    model = PanelOpinion
    extra = 0
    fields = ("position", "text")


@admin.register(PanelReview)
class PanelReviewAdmin(admin.ModelAdmin):
    list_display = ("goal", "fiscal_year", "grade", "supplementary_opinion")
    list_filter = ("fiscal_year__year", "grade", "goal__number")
    search_fields = ("supplementary_opinion", "opinions__text")
    list_select_related = ("goal", "fiscal_year")
    inlines = [PanelOpinionInline]


@admin.register(PanelOpinion)
class PanelOpinionAdmin(admin.ModelAdmin):
    list_display = ("review", "position", "text")
    list_filter = ("review__fiscal_year__year", "review__goal__number")
    search_fields = ("text",)
    list_select_related = ("review", "review__goal", "review__fiscal_year")


@admin.register(VerificationReport)
class VerificationReportAdmin(admin.ModelAdmin):
    list_display = ("title", "fiscal_year", "date_text", "output_period_start", "output_period_end")
    list_select_related = ("fiscal_year", "output_period_start", "output_period_end")
