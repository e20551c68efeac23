from django.urls import path

from nemuro_strategy.page_cache import public_page

from . import views
from .views import accessibility, directory

app_name = "strategy"

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("accessibility/", accessibility.policy, name="accessibility"),
    path("strategies/", public_page(directory.strategy_index), name="index"),
    path("s/<slug:slug>/", public_page(views.top), name="top"),
    path("s/<slug:slug>/goals/<int:number>/", public_page(views.goal), name="goal"),
    path("s/<slug:slug>/measures/<str:code>/", public_page(views.measure), name="measure"),
    path("s/<slug:slug>/projects/", public_page(views.project_list), name="projects"),
    path("s/<slug:slug>/revisions/", public_page(views.revisions), name="revisions"),
    path(
        "s/<slug:slug>/revisions/<int:sequence>/",
        public_page(views.revision_tree),
        name="revision_tree",
    ),
]
