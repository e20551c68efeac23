"""Staff pages of the kpi app: the year-entry screen, the Excel round trip and the corrections of
published results."""

from django.urls import path

from .views import corrections, entry, imports

urlpatterns = [
    path("s/<slug:slug>/entry/", entry.year_entry_index, name="year_entry_index"),
    path("s/<slug:slug>/entry/<int:year>/", entry.year_entry, name="year_entry"),
    path("s/<slug:slug>/import/", imports.import_upload, name="import_upload"),
    path(
        "s/<slug:slug>/import/<int:year>/entry-sheet.xlsx", imports.entry_sheet, name="entry_sheet"
    ),
    path("s/<slug:slug>/import/jobs/<int:pk>/", imports.import_job, name="import_job"),
    path(
        "s/<slug:slug>/import/jobs/<int:pk>/status.json",
        imports.import_status,
        name="import_status",
    ),
    path("s/<slug:slug>/corrections/", corrections.correction_index, name="correction_index"),
    path(
        "s/<slug:slug>/corrections/<int:year>/indicators/<str:code>/",
        corrections.correction_new,
        name="correction_new",
    ),
    path(
        "s/<slug:slug>/corrections/<int:pk>/decide/",
        corrections.correction_decide,
        name="correction_decide",
    ),
]
