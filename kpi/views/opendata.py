"""The public open data page and its downloads (CSV and JSON), streamed so that memory does not
grow with the data. The rows and the field definitions live in kpi.opendata."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kpi import opendata as dataset
from strategy.access import get_public_strategy


def opendata(request, slug):
    strategy = get_public_strategy(slug)
    context = dataset.page_context(strategy)
    context["breadcrumbs"] = [(None, _("オープンデータ"))]
    return render(request, "kpi/opendata.html", {"strategy": strategy, **context})


def _download(chunks, *, content_type: str, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Public data without cookies: let other sites' scripts read it (open data practice).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def opendata_csv(request, slug):
    strategy = get_public_strategy(slug)
    return _download(
        dataset.csv_chunks(strategy),
        content_type="text/csv; charset=utf-8",
        name=dataset.filename(strategy, "csv"),
    )


def opendata_json(request, slug):
    strategy = get_public_strategy(slug)
    return _download(
        dataset.json_chunks(strategy),
        content_type="application/json; charset=utf-8",
        name=dataset.filename(strategy, "json"),
    )
