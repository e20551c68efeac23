"""Routes of the pages that combine the apps. They share the "strategy" URL namespace with the
strategy app's own public pages (nemuro_strategy.urls joins the two lists), so a page keeps its
name ("strategy:goal") whichever layer assembles it."""

from django.urls import path

from nemuro_strategy.feeds import strategy_feed
from strategy.http import public_page

from . import sheets, views

urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("s/<slug:slug>/", public_page(views.top), name="top"),
    path("s/<slug:slug>/goals/<int:number>/", public_page(views.goal), name="goal"),
    path("s/<slug:slug>/goals/<int:number>/sheet.pdf", sheets.goal_sheet, name="goal_sheet"),
    path("s/<slug:slug>/measures/<str:code>/", public_page(views.measure), name="measure"),
    path("s/<slug:slug>/revisions/", public_page(views.revisions), name="revisions"),
    path(
        "s/<slug:slug>/revisions/<int:sequence>/",
        public_page(views.revision_tree),
        name="revision_tree",
    ),
    # Atom: the strategy's publications and panel verdicts (nemuro_strategy/feeds.py)
    path("s/<slug:slug>/feed/", public_page(strategy_feed), name="feed"),
]
