"""The verification models in the admin. Every changelist reads its rows with the related rows its
columns show in the same query (``list_select_related``); tests/verification/test_admin.py pins
each changelist's queries at two data sizes."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from strategy.admin_scoping import ScopedAdminMixin

from .models import (
    DataCall,
    DepartmentSubmission,
    GradeDefinition,
    GradingPolicy,
    InternalReview,
    PanelDraft,
    PanelOpinion,
    PanelReview,
    ReminderLog,
    SubmissionTransition,
    VerificationReport,
    YearPublication,
)


@admin.register(GradeDefinition)
class GradeDefinitionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("grade", "label", "description", "strategy")
    list_filter = ("strategy",)
    list_select_related = ("strategy",)


@admin.register(InternalReview)
class InternalReviewAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("measure", "fiscal_year", "grade", "grade_note", "updated_at")
    list_filter = ("fiscal_year__year", "grade", "measure__policy__goal__number")
    search_fields = ("measure__name", "measure__code", "issues")
    list_select_related = ("measure", "fiscal_year")


class PanelOpinionInline(ScopedAdminMixin, admin.TabularInline):
    model = PanelOpinion
    extra = 0
    fields = ("position", "text")


@admin.register(PanelReview)
class PanelReviewAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("goal", "fiscal_year", "grade", "supplementary_opinion")
    list_filter = ("fiscal_year__year", "grade", "goal__number")
    search_fields = ("supplementary_opinion", "opinions__text")
    list_select_related = ("goal", "fiscal_year")
    inlines = [PanelOpinionInline]


@admin.register(PanelOpinion)
class PanelOpinionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("review", "position", "text")
    list_filter = ("review__fiscal_year__year", "review__goal__number")
    search_fields = ("text",)
    list_select_related = ("review", "review__goal", "review__fiscal_year")


@admin.register(VerificationReport)
class VerificationReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "fiscal_year", "date_text", "output_period_start", "output_period_end")
    list_select_related = ("fiscal_year", "output_period_start", "output_period_end")


@admin.register(YearPublication)
class YearPublicationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The record of publications and withdrawals: read-only (they are made by the service)."""

    list_display = ("fiscal_year", "action", "reason", "user", "created_at")
    list_filter = ("action", "fiscal_year__year")
    list_select_related = ("fiscal_year", "user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GradingPolicy)
class GradingPolicyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("strategy", "a_min", "b_min", "c_min")
    list_select_related = ("strategy",)


@admin.register(PanelDraft)
class PanelDraftAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("goal", "fiscal_year", "author", "grade", "updated_at")
    list_filter = ("fiscal_year__year", "goal__number", "grade")
    search_fields = ("supplementary_opinion", "opinions")
    list_select_related = ("goal", "fiscal_year", "author")


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The yearly data call in the admin: to look up, never to change. Calls, submissions and
    their log are written by the services of verification.cycle (each change audited), reminders
    by ``send_reminders``; the staff pages 実績の照会 and 自分の担当 are where the work is done."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DataCall)
class DataCallAdmin(ReadOnlyAdmin):
    list_display = ("fiscal_year", "deadline", "opened_by", "opened_at")
    list_select_related = ("fiscal_year", "opened_by")


@admin.register(DepartmentSubmission)
class DepartmentSubmissionAdmin(ReadOnlyAdmin):
    list_display = ("call", "department", "status", "submitted_at", "reviewed_at")
    list_select_related = ("call__fiscal_year", "department")


@admin.register(SubmissionTransition)
class SubmissionTransitionAdmin(ReadOnlyAdmin):
    list_display = ("submission", "old_status", "new_status", "comment", "user", "created_at")
    list_select_related = ("submission__call__fiscal_year", "submission__department", "user")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ("submission", "sent_on", "recipients")
    list_select_related = ("submission__call__fiscal_year", "submission__department")
