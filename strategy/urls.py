"""Public pages of the strategy app alone. Joined by nemuro_strategy.urls with the pages that
combine the apps (nemuro_strategy.pages.urls) under the one "strategy" namespace."""

from django.urls import path

from strategy.http import public_page

from .views import accessibility, directory, projects

app_name = "strategy"

urlpatterns = [
    path("accessibility/", accessibility.policy, name="accessibility"),
    path("strategies/", public_page(directory.strategy_index), name="index"),
    path("s/<slug:slug>/projects/", public_page(projects.project_list), name="projects"),
]
