"""Staff pages (login required), namespace "staff". Each feature adds its paths in its own app's
staff_urls module."""

from django.urls import include, path

from strategy.views.staff import staff_home

urlpatterns = [
    path("", staff_home, name="home"),
    path("", include("kpi.staff_urls")),
    path("", include("verification.staff_urls")),
]
