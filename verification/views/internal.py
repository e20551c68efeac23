"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def internal_review_index(request, **kwargs):
    raise Http404


def internal_review_year(request, **kwargs):
    raise Http404


def internal_review_edit(request, **kwargs):
    raise Http404
