"""Staff pages of the verification app: year publication and the recent changes."""

from django.urls import path

from strategy.staff_links import register

from .views import changes, publication

register("publication", "年度の公表・取り下げ", "strategy.publish_fiscalyear")
register("recent_changes", "最近の変更（監査記録）", "strategy.view_unpublished")

urlpatterns = [
    path("s/<slug:slug>/publication/", publication.publication_list, name="publication"),
    path("s/<slug:slug>/publication/<int:year>/publish/", publication.publish, name="publish"),
    path("s/<slug:slug>/publication/<int:year>/withdraw/", publication.withdraw, name="withdraw"),
    path("s/<slug:slug>/changes/", changes.recent_changes, name="recent_changes"),
]
