"""Staff pages of the verification app: year publication and the recent changes."""

from django.urls import path

from strategy.staff_links import register

from .views import changes, internal, panel, publication

register("publication", "年度の公表・取り下げ", "strategy.publish_fiscalyear")
register("recent_changes", "最近の変更（監査記録）", "strategy.view_unpublished")
register("internal_review_index", "内部検証結果の入力", "verification.change_internalreview")
register("panel_index", "有識者会議の検証ページ", "verification.draft_panelreview")

urlpatterns = [
    path("s/<slug:slug>/publication/", publication.publication_list, name="publication"),
    path("s/<slug:slug>/publication/<int:year>/publish/", publication.publish, name="publish"),
    path("s/<slug:slug>/publication/<int:year>/withdraw/", publication.withdraw, name="withdraw"),
    path("s/<slug:slug>/changes/", changes.recent_changes, name="recent_changes"),
    path("s/<slug:slug>/internal/", internal.internal_review_index, name="internal_review_index"),
    path(
        "s/<slug:slug>/internal/<int:year>/",
        internal.internal_review_year,
        name="internal_review_year",
    ),
    path(
        "s/<slug:slug>/internal/<int:year>/<str:code>/",
        internal.internal_review_edit,
        name="internal_review_edit",
    ),
    path("s/<slug:slug>/panel/", panel.panel_index, name="panel_index"),
    path(
        "s/<slug:slug>/panel/<int:year>/goals/<int:number>/",
        panel.panel_review,
        name="panel_review",
    ),
    path(
        "s/<slug:slug>/panel/<int:year>/goals/<int:number>/record/",
        panel.panel_record,
        name="panel_record",
    ),
]
