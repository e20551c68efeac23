"""The public page of one indicator, and its results as CSV."""

import csv
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from kpi import selectors
from kpi.amounts import format_amount
from strategy.access import get_public_strategy
from strategy.cells import csv_text

CSV_HEADER = [
    "指標コード",
    "指標名",
    "単位",
    "年度",
    "年度表記",
    "実績値",
    "累計",
    "状態",
    "注記",
    "データ年度",
    "表記",
    "前年度からの変化",
]


def indicator(request, slug, code):
    strategy = get_public_strategy(slug)
    context = selectors.indicator_page(strategy, code)
    indicator = context["indicator"]
    breadcrumbs = [
        (
            reverse("strategy:goal", kwargs={"slug": slug, "number": indicator.goal.number}),
            indicator.goal.label,
        )
    ]
    if indicator.measure_id:
        breadcrumbs.append(
            (
                reverse("strategy:measure", kwargs={"slug": slug, "code": indicator.measure.code}),
                indicator.measure.code,
            )
        )
    breadcrumbs.append((None, indicator.name))
    context["breadcrumbs"] = breadcrumbs
    context["chart_alt"] = selectors.with_chart_alt([context["row"]])[0].alt
    return render(request, "kpi/indicator_detail.html", {"strategy": strategy, **context})


def attachment_header(filename: str) -> str:
    """Content-Disposition for a download named `filename`. A non-ASCII name (3ウ①-1) goes in
    RFC 5987's filename*, with an ASCII fallback (other characters as "_") for old clients."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def indicator_csv(request, slug, code):
    """The indicator's published yearly results, one row per published fiscal year (UTF-8 with
    BOM). Amounts are for people (``kpi.amounts.format_amount``): rounded to the indicator's
    decimals, without thousands separators so that a spreadsheet reads them as numbers."""
    strategy = get_public_strategy(slug)
    context = selectors.indicator_page(strategy, code)
    indicator, row = context["indicator"], context["row"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{strategy.municipality.code}_{indicator.code}.csv"  # 012238_G1-1.csv
    response["Content-Disposition"] = attachment_header(filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    decimals = indicator.decimals
    for cell in row.cells:
        if not cell.is_published:
            continue
        a = cell.achievement
        writer.writerow(
            [
                indicator.code,
                indicator.name,
                indicator.unit,
                cell.fiscal_year.year,
                cell.fiscal_year.short_label,
                "" if a is None else format_amount(a.value, decimals=decimals, grouping=False),
                "" if a is None else format_amount(a.cumulative, decimals=decimals, grouping=False),
                "未登録" if a is None else a.get_state_display(),
                "" if a is None else csv_text(a.note),
                "" if a is None or a.data_year is None else a.data_year,
                "" if a is None else csv_text(a.text),
                cell.change_text,
            ]
        )
    return response
