"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def panel_index(request, **kwargs):
    raise Http404


def panel_review(request, **kwargs):
    raise Http404


def panel_record(request, **kwargs):
    raise Http404
