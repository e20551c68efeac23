"""Placeholder until the module is written (being built in parallel)."""

from django.http import Http404


def report_index(request, **kwargs):
    raise Http404


def report_html(request, **kwargs):
    raise Http404


def report_pdf(request, **kwargs):
    raise Http404


def shiryo1_xlsx(request, **kwargs):
    raise Http404
