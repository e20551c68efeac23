"""Staff pages (login required), namespace "staff": the staff home, then each app's own staff
pages (its staff_urls module). What the home links to is listed in nemuro_strategy.staff.links."""

from django.urls import include, path

from nemuro_strategy.staff.assignments import department_assignments
from nemuro_strategy.staff.views import staff_home

urlpatterns = [
    path("", staff_home, name="home"),
    path("s/<slug:slug>/departments/", department_assignments, name="department_assignments"),
    path("", include("strategy.staff_urls")),
    path("", include("kpi.staff_urls")),
    path("", include("verification.staff_urls")),
]
