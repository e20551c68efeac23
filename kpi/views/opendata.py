"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def opendata(request, **kwargs):
    raise Http404


def opendata_csv(request, **kwargs):
    raise Http404


def opendata_json(request, **kwargs):
    raise Http404
