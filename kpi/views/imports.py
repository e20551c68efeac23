"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def import_upload(request, **kwargs):
    raise Http404


def entry_sheet(request, **kwargs):
    raise Http404


def import_job(request, **kwargs):
    raise Http404


def import_status(request, **kwargs):
    raise Http404
