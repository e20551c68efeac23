"""The page of one indicator: chart, table twin, target history, progress, CSV."""

import csv
import io

from django.urls import reverse

SLUG = "nemuro-sousei-2015"


def get(client, name, code):
    response = client.get(reverse(name, kwargs={"slug": SLUG, "code": code}))
    assert response.status_code == 200
    return response


def test_the_page_of_a_moved_kpi_shows_its_whole_history_and_target_change(client, nemuro):
    html = get(client, "kpi:indicator", "3ウ①-1").content.decode()
    assert "ふるさと納税制度を活用した寄附受納額" in html
    assert "12.9億円" in html and "33.1億円" in html and "46.0億円" in html
    assert (
        "5年で総額10億円増加" in html and "5年で総額100億円増加" in html
    )  # target history old → new
    assert "3イ②" in html and "3ウ①" in html
    assert "累計 ÷ 目標値" in html and "46.0%" in html  # progress with its formula and inputs
    assert "chart.png" in html and 'alt="' in html
    assert "未公表" in html  # H29–H31


def test_a_retired_node_points_to_its_successor(client, nemuro):
    html = get(client, "kpi:indicator", "3イ②-2").content.decode()
    assert "引き継がれました" in html and "5年で総額100億円増加" in html


def test_the_csv_holds_the_published_years(client, nemuro):
    response = get(client, "kpi:indicator_csv", "G1-1")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [
        (r["年度表記"], r["実績値"], r["注記"], r["データ年度"], r["前年度からの変化"])
        for r in rows
    ] == [
        ("H27", "1.53", "H25 数値", "2013", "(0.16↑)"),
        ("H28", "1.53", "H26 数値", "2014", "(→)"),
    ]


def test_the_csv_marks_a_year_still_being_aggregated(client, nemuro):
    text = get(client, "kpi:indicator_csv", "G3-2").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[1]["状態"] == "集計中" and rows[1]["実績値"] == ""
