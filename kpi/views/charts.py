"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def indicator_chart(request, **kwargs):
    raise Http404


def population_chart(request, **kwargs):
    raise Http404
