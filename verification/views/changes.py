"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def recent_changes(request, **kwargs):
    raise Http404
