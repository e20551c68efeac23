"""Staff pages of the strategy app: the 事業量 entry, one fiscal year at a time."""

from django.urls import path

from .views import outputs

urlpatterns = [
    path("s/<slug:slug>/outputs/", outputs.output_entry_index, name="output_entry_index"),
    path("s/<slug:slug>/outputs/<int:year>/", outputs.output_entry, name="output_entry"),
]
