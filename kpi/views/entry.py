"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def year_entry_index(request, **kwargs):
    raise Http404


def year_entry(request, **kwargs):
    raise Http404
