from django.urls import path

from strategy.http import public_page

from . import views

app_name = "kpi"

urlpatterns = [
    path("s/<slug:slug>/indicators/<str:code>/", public_page(views.indicator), name="indicator"),
    path(
        "s/<slug:slug>/indicators/<str:code>/chart.png",
        views.indicator_chart,
        name="indicator_chart",
    ),
    path(
        "s/<slug:slug>/indicators/<str:code>/results.csv", views.indicator_csv, name="indicator_csv"
    ),
    path("s/<slug:slug>/population.png", views.population_chart, name="population_chart"),
    path("s/<slug:slug>/opendata/", public_page(views.opendata), name="opendata"),
    path("s/<slug:slug>/opendata/results.csv", views.opendata_csv, name="opendata_csv"),
    path("s/<slug:slug>/opendata/results.json", views.opendata_json, name="opendata_json"),
    path(
        "s/<slug:slug>/corrections/",
        public_page(views.correction_history),
        name="correction_history",
    ),
]
