"""Staff pages of the verification app: year publication and the recent changes."""

from django.urls import path

from .views import changes, internal, panel, publication

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
