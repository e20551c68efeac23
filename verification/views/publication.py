"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def publication_list(request, **kwargs):
    raise Http404


def publish(request, **kwargs):
    raise Http404


def withdraw(request, **kwargs):
    raise Http404
