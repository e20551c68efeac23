from django.urls import path

from . import views
from .views import accessibility

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", accessibility.policy, name="accessibility"),
    path("s/<slug:slug>/", views.top, name="top"),
    path("s/<slug:slug>/goals/<int:number>/", views.goal, name="goal"),
    path("s/<slug:slug>/measures/<str:code>/", views.measure, name="measure"),
    path("s/<slug:slug>/projects/", views.project_list, name="projects"),
    path("s/<slug:slug>/revisions/", views.revisions, name="revisions"),
    path("s/<slug:slug>/revisions/<int:sequence>/", views.revision_tree, name="revision_tree"),
]
