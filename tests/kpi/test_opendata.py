"""The public open data page and its CSV / JSON downloads: every indicator × every published year,
in the 自治体標準データセット layout, streamed, in a fixed number of queries."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from kpi import opendata
from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear, Measure, Revision
from tests.factory import extra_indicator

BOM = b"\xef\xbb\xbf"
SEEDED_INDICATORS = 53
PUBLISHED_YEARS = 2  # H27 and H28; H29–H31 are not published in the seed


def url(name, strategy):
    return reverse(f"kpi:{name}", kwargs={"slug": strategy.slug})


def download(client, name, strategy) -> bytes:
    response = client.get(url(name, strategy))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def csv_rows(client, strategy) -> list[dict]:
    body = download(client, "opendata_csv", strategy)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def json_document(client, strategy, **options) -> dict:
    return json.loads(download(client, "opendata_json", strategy).decode("utf-8"), **options)


def row_of(rows, code, year) -> dict:
    matches = [r for r in rows if r["指標コード"] == code and r["年度"] == str(year)]
    assert len(matches) == 1, (code, year, len(matches))
    return matches[0]


@pytest.fixture
def rows(client, nemuro) -> list[dict]:
    return csv_rows(client, nemuro)


# --- the CSV file ----------------------------------------------------------------------------


def test_the_csv_is_utf8_with_a_bom_and_a_header_row_and_has_a_filename(client, nemuro):
    response = client.get(url("opendata_csv", nemuro))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="012238_nemuro-sousei-2015_kpi_results.csv"'
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM)
    text = body[len(BOM) :].decode("utf-8")  # strict: fails on any invalid byte
    header = next(csv.reader(io.StringIO(text, newline="")))
    assert header == list(opendata.FIELD_NAMES)
    assert header[:2] == ["全国地方公共団体コード", "地方公共団体名"]
    assert "\r\n" in text


def test_it_has_one_row_per_indicator_and_published_year(rows, nemuro):
    assert Indicator.objects.filter(strategy=nemuro).count() == SEEDED_INDICATORS
    assert len(rows) == SEEDED_INDICATORS * PUBLISHED_YEARS == 106
    assert {r["年度"] for r in rows} == {"2015", "2016"}
    assert {r["年度表記"] for r in rows} == {"H27", "H28"}
    assert len({(r["指標コード"], r["年度"]) for r in rows}) == 106
    registered = [r for r in rows if r["状態"] not in ("未登録", "対象外")]
    assert len(registered) == 50  # every seeded result: 25 indicators × H27, H28


def test_every_row_starts_with_the_municipality_code_and_name(client, nemuro):
    body = download(client, "opendata_csv", nemuro).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(body, newline="")))[1:]
    assert len(records) == 106
    assert all(record[:2] == ["012238", "北海道根室市"] for record in records)
    assert all(len(record) == len(opendata.FIELDS) for record in records)


def test_it_keeps_a_value_that_describes_another_year_with_its_note(rows):
    row = row_of(rows, "G1-1", 2015)
    assert row["指標名"] == "合計特殊出生率"
    assert row["指標区分"] == "数値目標"
    assert row["施策コード"] == ""
    assert row["基本目標番号"] == "1"
    assert row["年度表記"] == "H27"
    assert row["実績値"] == "1.53"
    assert row["状態"] == "実績あり"
    assert row["注記"] == "H25 数値"
    assert row["データ年度"] == "2013"
    assert row["基準値"] == "1.37"
    assert row["基準値注記"] == "H23 数値"
    assert row["目標値"] == "1.49"
    assert row["目標"] == "5年で1.49とし0.12ポイント向上"
    assert row["有効版"] == "2015-10-30 策定"
    assert row["廃止版"] == ""


def test_it_keeps_the_history_of_a_kpi_a_revision_retired(rows):
    row = row_of(rows, "3イ②-2", 2016)
    assert row["指標名"] == "ふるさと納税制度を活用した寄附受納額"
    assert row["指標区分"] == "KPI"
    assert row["施策コード"] == "3イ②"
    assert row["単位"] == "億円"
    assert (row["実績値"], row["累計"]) == ("33.1", "46.0")
    assert row["目標値"] == "10.0"
    assert (row["有効版"], row["廃止版"]) == ("2015-10-30 策定", "2017-11-22 改訂")
    assert row_of(rows, "3イ②-2", 2015)["実績値"] == "12.9"


def test_the_successor_of_a_retired_kpi_points_back_and_is_out_of_scope_before_it_existed(rows):
    row = row_of(rows, "3ウ①-1", 2016)
    assert row["改訂前の指標コード"] == "3イ②-2"
    assert row["有効版"] == "2017-11-22 改訂"
    assert row["目標値"] == "100.0"
    assert (row["状態"], row["実績値"]) == ("対象外", "")


def test_a_result_still_being_aggregated_has_no_value(rows):
    row = row_of(rows, "G3-2", 2016)
    assert row["指標名"] == "まちづくりへ参加したいと思う市民の割合"
    assert row["状態"] == "集計中"
    assert (row["実績値"], row["累計"]) == ("", "")
    assert row_of(rows, "G3-2", 2015)["実績値"] == "79.3"


def test_a_published_year_without_a_result_is_a_row_marked_unregistered(rows):
    row = row_of(rows, "2ア①-2", 2015)  # goal 2 is not in the H28 report excerpt
    assert row["状態"] == "未登録"
    assert row["実績値"] == row["注記"] == row["表記"] == ""
    assert row["基準値"] == "22"


def test_it_keeps_a_printed_text_and_writes_numbers_without_separators(rows):
    row = row_of(rows, "1ア③-1", 2016)
    assert row["表記"] == "ゼロ名維持 (地域課題あり)"
    assert row["基準値表記"] == "ゼロ名維持 (地域課題あり)"
    assert row_of(rows, "1ア④-2", 2015)["基準値"] == "45896"


# --- only published years ---------------------------------------------------------------------


def test_an_unpublished_year_appears_in_no_download_until_it_is_published(client, nemuro):
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    assert h29.published_at is None
    birth_rate = Indicator.objects.get(strategy=nemuro, code="G1-1")
    Achievement.objects.create(indicator=birth_rate, fiscal_year=h29, value=Decimal("1.61"))

    rows = csv_rows(client, nemuro)
    document = json_document(client, nemuro)
    assert len(rows) == len(document["rows"]) == 106
    assert "2017" not in {r["年度"] for r in rows}
    assert 2017 not in {r["年度"] for r in document["rows"]}
    assert document["fiscal_years"] == [2015, 2016]
    assert b"1.61" not in download(client, "opendata_csv", nemuro)

    h29.published_at = timezone.now()
    h29.save()

    rows = csv_rows(client, nemuro)
    document = json_document(client, nemuro)
    assert len(rows) == len(document["rows"]) == SEEDED_INDICATORS * 3
    assert row_of(rows, "G1-1", 2017)["実績値"] == "1.61"
    assert row_of(rows, "G1-1", 2017)["年度表記"] == "H29"
    assert row_of(rows, "G3-2", 2017)["状態"] == "未登録"
    assert row_of(rows, "3ウ①-1", 2017)["状態"] == "未登録"  # in force from the 2017 改訂
    assert row_of(rows, "3イ②-2", 2017)["状態"] == "対象外"  # retired by it
    [json_row] = [r for r in document["rows"] if (r["指標コード"], r["年度"]) == ("G1-1", 2017)]
    assert json_row["実績値"] == 1.61


# --- the JSON file ----------------------------------------------------------------------------


def test_the_json_has_a_metadata_header_and_the_same_rows_as_the_csv(client, nemuro, rows):
    response = client.get(url("opendata_json", nemuro))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "012238_nemuro-sousei-2015_kpi_results.json" in response["Content-Disposition"]

    # Numbers read back as the text written, so they compare exactly with the CSV.
    document = json_document(client, nemuro, parse_float=str, parse_int=str)
    assert document["dataset"] == "根室市創生総合戦略 数値目標・KPI 年度別実績"
    assert document["municipality_code"] == "012238"
    assert document["municipality_name"] == "北海道根室市"
    assert document["generated"] == timezone.localdate().isoformat()
    assert document["license"]["name"] == "CC BY 4.0"
    assert [f["name"] for f in document["fields"]] == list(opendata.FIELD_NAMES)
    assert {f["type"] for f in document["fields"]} == {"string", "integer", "number"}

    as_text = [
        {key: "" if value is None else value for key, value in r.items()} for r in document["rows"]
    ]
    assert as_text == rows
    assert all(list(r) == list(opendata.FIELD_NAMES) for r in document["rows"])


def test_the_json_types_numbers_as_numbers_and_empty_values_as_null(client, nemuro):
    document = json_document(client, nemuro)
    [h27] = [r for r in document["rows"] if (r["指標コード"], r["年度"]) == ("G1-1", 2015)]
    assert h27["全国地方公共団体コード"] == "012238"  # a code keeps its leading zero
    assert (h27["実績値"], h27["データ年度"], h27["基本目標番号"]) == (1.53, 2013, 1)
    assert h27["累計"] is None
    assert h27["施策コード"] == ""
    [pending] = [r for r in document["rows"] if (r["指標コード"], r["年度"]) == ("G3-2", 2016)]
    assert pending["実績値"] is None
    assert pending["状態"] == "集計中"


# --- the page ---------------------------------------------------------------------------------


def test_the_page_explains_the_data_and_lists_every_field(client, nemuro):
    response = client.get(url("opendata", nemuro))
    assert response.status_code == 200
    assert response.context["strategy"] == nemuro
    assert [t.name for t in response.templates][:2] == ["kpi/opendata.html", "base.html"]
    html = response.content.decode()
    for field in opendata.FIELDS:
        assert f'<th scope="row">{field.name}</th>' in html
        assert str(field.description) in html
    assert "<caption>項目の定義（28項目）</caption>" in html
    assert html.count('<th scope="col">') >= 4
    assert url("opendata_csv", nemuro) in html
    assert url("opendata_json", nemuro) in html
    assert "UTF-8（BOM付き" in html
    assert "CC BY 4.0" in html and "提案" in html
    assert "平成27年度、平成28年度" in html
    assert "106行" in html


@pytest.mark.parametrize("name", ["opendata", "opendata_csv", "opendata_json"])
def test_an_unknown_strategy_is_not_found(client, db, name):
    response = client.get(reverse(f"kpi:{name}", kwargs={"slug": "no-such-strategy"}))
    assert response.status_code == 404


# --- fixed number of queries ------------------------------------------------------------------


def add_indicators_with_results(strategy, count: int) -> None:
    """`count` more indicators spread over the tree (goal level and several measures, between
    and after the seeded ones), each with a result in both published years."""
    first = Revision.objects.get(strategy=strategy, sequence=1)
    measures = list(Measure.objects.filter(strategy=strategy).select_related("policy__goal"))
    goals = [m.policy.goal for m in measures]
    indicators = []
    for i in range(count):
        measure = None if i % 4 == 0 else measures[i % len(measures)]
        goal = goals[i % len(measures)] if measure else goals[i % 3]
        indicators.append(
            extra_indicator(
                first,
                i,
                goal=goal,
                measure=measure,
                code=f"X{i}",
                position=50 + i,
                baseline_value=None,
                target_value=Decimal(i),
                target_text=f"{i}件",
            )
        )
    Indicator.objects.bulk_create(indicators)
    years = FiscalYear.objects.filter(strategy=strategy, published_at__isnull=False)
    Achievement.objects.bulk_create(
        Achievement(
            indicator=indicator,
            fiscal_year=year,
            value=Decimal(int(indicator.code[1:]) + year.year),  # X5 in 2016: 2021
        )
        for indicator in Indicator.objects.filter(strategy=strategy, code__startswith="X")
        for year in years
    )


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks smaller than the data, so the pins also prove that chunking adds no query."""
    monkeypatch.setattr(opendata.rows, "CHUNK_SIZE", 7)


@pytest.mark.parametrize("extra", [0, 60], ids=["seeded", "seeded+60"])
def test_the_downloads_run_a_fixed_number_of_queries(
    client, nemuro, django_assert_num_queries, small_chunks, extra
):
    add_indicators_with_results(nemuro, extra)
    expected_rows = (SEEDED_INDICATORS + extra) * PUBLISHED_YEARS
    # 1 the strategy with its municipality (get_public_strategy)
    # 2 the published fiscal years
    # 3 the indicators with goal, measure, revisions and predecessor (iterator)
    # 4 the published results, sorted like the indicators (iterator, merged in Python)
    with django_assert_num_queries(4):
        body = download(client, "opendata_csv", nemuro)
    assert body.count(b"\r\n") == expected_rows + 1
    with django_assert_num_queries(4):
        document = json_document(client, nemuro)
    assert len(document["rows"]) == expected_rows
    if extra:
        rows = csv_rows(client, nemuro)
        extras = [r for r in rows if r["指標コード"].startswith("X")]
        assert len(extras) == extra * PUBLISHED_YEARS
        assert all(r["実績値"] == str(int(r["指標コード"][1:]) + int(r["年度"])) for r in extras)
        assert row_of(rows, "X8", 2015)["施策コード"] == ""  # a goal-level extra
        assert row_of(rows, "G1-1", 2015)["実績値"] == "1.53"  # seeded results still in place
        assert row_of(rows, "3イ②-2", 2016)["累計"] == "46.0"


@pytest.mark.parametrize("extra", [0, 60], ids=["seeded", "seeded+60"])
def test_the_page_runs_a_fixed_number_of_queries(client, nemuro, django_assert_num_queries, extra):
    add_indicators_with_results(nemuro, extra)
    # 1 the strategy with its municipality (get_public_strategy)
    # 2 the published fiscal years
    # 3 the number of indicators
    # 4 the strategy's latest publication for the header's 最終更新日 (nemuro_strategy.context)
    with django_assert_num_queries(4):
        response = client.get(url("opendata", nemuro))
    assert f"{(SEEDED_INDICATORS + extra) * PUBLISHED_YEARS}行" in response.content.decode()


def test_the_rows_are_produced_lazily(nemuro, django_assert_num_queries):
    with django_assert_num_queries(0):
        chunks = opendata.csv_chunks(nemuro)
    assert next(chunks).startswith("\ufeff全国地方公共団体コード,")
