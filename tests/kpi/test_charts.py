"""Charts: pure functions tested on their data and figures, the cache that renders them once per
data change, and the PNG views (published years only, ETag, fixed query count)."""

import dataclasses
import math
import struct
import warnings
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kpi import charts
from kpi.chart_cache import cached_chart, chart_cache_key, chart_digest
from kpi.models import Achievement, Indicator
from kpi.selectors import indicator_rows
from strategy.models import FiscalYear, PopulationFigure
from tests.factory import make_strategy, make_tree

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def chart_data(strategy, code) -> charts.IndicatorChartData:
    indicator = Indicator.objects.with_tree().get(strategy=strategy, code=code)
    [row] = indicator_rows(strategy, [indicator])
    return charts.indicator_chart_data(row)


def population_data(strategy) -> charts.PopulationChartData:
    return charts.population_chart_data(PopulationFigure.objects.filter(strategy=strategy))


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    return struct.unpack(">II", png[16:24])


def missing_glyph_warnings(render) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def artist(figure, gid):
    ax = figure.axes[0]
    for candidate in [*ax.lines, *ax.patches]:
        if candidate.get_gid() == gid:
            return candidate
    raise AssertionError(f"no artist {gid!r}")


def legend_texts(figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def axes_texts(figure) -> list[str]:
    return [text.get_text() for text in figure.axes[0].texts]


# --- The indicator chart, without HTTP ---------------------------------------------------------


def test_the_indicator_chart_is_a_640_by_360_png(nemuro):
    png = charts.indicator_chart(chart_data(nemuro, "G1-1"))

    assert png_size(png) == (640, 360)


def test_its_data_holds_the_baseline_the_published_years_and_the_target(nemuro):
    data = chart_data(nemuro, "G1-1")

    assert (data.title, data.unit, data.decimals) == ("合計特殊出生率", "", 2)
    assert (data.baseline_label, data.baseline_value) == ("策定時", Decimal("1.37"))
    assert (data.target_label, data.target_value) == (
        "目標 5年で1.49とし0.12ポイント向上",
        Decimal("1.49"),
    )
    assert [(p.label, p.value, p.state) for p in data.points] == [
        ("H27", Decimal("1.53"), "recorded"),
        ("H28", Decimal("1.53"), "recorded"),
        ("H29", None, "unpublished"),
        ("H30", None, "unpublished"),
        ("H31", None, "unpublished"),
    ]


def test_the_baseline_is_the_first_point_and_empty_years_are_gaps(nemuro):
    figure = charts.indicator_figure(chart_data(nemuro, "G1-1"))

    ys = list(artist(figure, "values").get_ydata())
    assert ys[:3] == pytest.approx([1.37, 1.53, 1.53])
    assert all(math.isnan(y) for y in ys[3:])  # H29–H31: not published, not zero
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == [
        "策定時",
        "H27",
        "H28",
        "H29",
        "H30",
        "H31",
    ]
    assert axes_texts(figure).count("未公表") == 3


def test_the_target_is_a_dashed_line_with_a_legend_entry(nemuro):
    figure = charts.indicator_figure(chart_data(nemuro, "G1-1"))

    target = artist(figure, "target")
    assert list(target.get_ydata()) == pytest.approx([1.49, 1.49])
    assert target.get_linestyle() == "--"
    assert "目標 5年で1.49とし0.12ポイント向上" in legend_texts(figure)


def test_a_year_being_aggregated_is_marked_and_never_drawn_as_zero(nemuro):
    data = chart_data(nemuro, "G3-2")
    figure = charts.indicator_figure(data)

    h28 = data.points[1]
    assert (h28.label, h28.value, h28.state) == ("H28", None, "aggregating")
    ys = list(artist(figure, "values").get_ydata())
    assert ys[:2] == pytest.approx([79.4, 79.3])
    assert math.isnan(ys[2])
    assert 0 not in ys
    band = artist(figure, "pending-H28")
    assert band.get_hatch() == "///"
    assert "集計中" in axes_texts(figure)
    assert "集計中・未集計" in legend_texts(figure)
    annotations = [t.get_text() for t in figure.axes[0].texts]
    assert "0.0" not in annotations and "0" not in annotations


def test_a_pending_year_cannot_carry_a_value():
    with pytest.raises(ValueError):
        charts.YearPoint("H28", Decimal("0"), "aggregating")


def test_a_cumulative_target_is_compared_with_the_running_total_across_a_move(nemuro):
    # 3ウ①-1 replaced 3イ②-2 at the 2017 revision: its chart keeps the earlier years.
    data = chart_data(nemuro, "3ウ①-1")
    figure = charts.indicator_figure(data)

    assert data.cumulative
    assert [p.value for p in data.points[:2]] == [Decimal("12.9"), Decimal("46.0")]
    assert figure.axes[0].get_ylabel() == "累計（億円）"
    assert figure.axes[0].get_ylim()[0] <= 0


def test_japanese_renders_without_missing_glyph_warnings(nemuro):
    every_character = "".join(
        sorted(set("".join(Indicator.objects.values_list("name", flat=True))))
    )
    data = dataclasses.replace(chart_data(nemuro, "G3-2"), title=every_character)

    assert missing_glyph_warnings(lambda: charts.indicator_chart(data)) == []
    assert missing_glyph_warnings(lambda: charts.population_chart(population_data(nemuro))) == []


def test_the_glyph_check_would_notice_a_font_without_japanese():
    def render_with_a_latin_font():
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.text(0.5, 0.5, "根室市", fontfamily="DejaVu Sans")
        figure.canvas.draw()

    assert missing_glyph_warnings(render_with_a_latin_font)


# --- Alt text ------------------------------------------------------------------------------------


def test_the_alt_text_reads_the_published_values_and_the_target(nemuro):
    assert charts.alt_text(chart_data(nemuro, "G1-1")) == (
        "合計特殊出生率の推移。策定時1.37、H27 1.53、H28 1.53、H29以降は未公表。目標1.49。"
    )


def test_the_alt_text_says_which_year_is_being_aggregated(nemuro):
    assert charts.alt_text(chart_data(nemuro, "G3-2")) == (
        "まちづくりへ参加したいと思う市民の割合の推移。"
        "策定時79.4%、H27 79.3%、H28 集計中、H29以降は未公表。目標85.0%。"
    )


def test_the_alt_text_of_a_cumulative_indicator_gives_running_totals(nemuro):
    assert charts.alt_text(chart_data(nemuro, "1ア①-1")) == (
        "独身者の出会いの場に参加した人数の累計の推移。"
        "H27 36人、H28 100人、H29以降は未公表。目標200人（5年間の累計）。"
    )


# --- The population chart ------------------------------------------------------------------------


def test_the_population_data_holds_both_projections_and_the_city_targets(nemuro):
    data = population_data(nemuro)

    assert data.actual.points == ((2010, Decimal("29198")),)
    ipss, city = data.projections
    assert ipss.label == "社人研推計"
    assert dict(ipss.points) == {
        2020: Decimal("25390"),
        2025: Decimal("23491"),
        2035: Decimal("19696"),
        2060: Decimal("11554"),
    }
    assert city.label == "根室市推計"
    assert data.targets == (
        (2020, Decimal("26043")),
        (2025, Decimal("24790")),
        (2060, Decimal("15262")),
    )


def test_the_population_chart_marks_and_labels_the_targets(nemuro):
    figure = charts.population_figure(population_data(nemuro))

    targets = artist(figure, "targets")
    assert list(targets.get_xdata()) == [2020, 2025, 2060]
    assert list(targets.get_ydata()) == pytest.approx([26043, 24790, 15262])
    # Both projections start from the 2010 census figure.
    assert artist(figure, "projection-社人研推計").get_xdata()[0] == 2010
    assert artist(figure, "projection-根室市推計").get_xdata()[0] == 2010
    assert {"26,043", "24,790", "15,262", "19,696"} <= set(axes_texts(figure))
    assert {"社人研推計", "根室市推計（目標）", "市の目標"} <= set(legend_texts(figure))
    assert png_size(charts.population_chart(population_data(nemuro))) == (640, 360)


def test_the_population_alt_text(nemuro):
    assert charts.alt_text(population_data(nemuro)) == (
        "総人口の将来展望。実績は2010年29,198人。"
        "社人研推計では2020年25,390人、2025年23,491人、2035年19,696人、2060年11,554人。"
        "根室市推計（市の目標）では2020年26,043人、2025年24,790人、2060年15,262人。"
    )


# --- The cache -----------------------------------------------------------------------------------


def counting(render):
    return mock.Mock(side_effect=render)


def test_the_same_data_is_rendered_once(nemuro):
    render = counting(charts.indicator_chart)

    first = cached_chart("indicator", chart_data(nemuro, "G1-1"), render)
    second = cached_chart("indicator", chart_data(nemuro, "G1-1"), render)

    assert render.call_count == 1
    assert first == second


def test_a_changed_value_is_rendered_again(nemuro):
    render = counting(charts.indicator_chart)
    data = chart_data(nemuro, "G1-1")
    changed = dataclasses.replace(
        data, points=(dataclasses.replace(data.points[0], value=Decimal("1.54")), *data.points[1:])
    )

    cached_chart("indicator", data, render)
    cached_chart("indicator", changed, render)

    assert render.call_count == 2
    assert chart_cache_key("indicator", data) != chart_cache_key("indicator", changed)


def test_the_digest_depends_on_the_data_not_on_the_object(nemuro):
    one, other = chart_data(nemuro, "G1-1"), chart_data(nemuro, "G1-1")

    assert one is not other
    assert chart_digest("indicator", one) == chart_digest("indicator", other)
    assert chart_digest("indicator", one) != chart_digest("population", one)
    assert chart_digest("indicator", one) != chart_digest("indicator", chart_data(nemuro, "G1-2"))


# --- The views -----------------------------------------------------------------------------------


def chart_url(code, slug="nemuro-sousei-2015"):
    return reverse("kpi:indicator_chart", kwargs={"slug": slug, "code": code})


@pytest.fixture
def renders():
    """Counts the renders the views ask for (the views look the renderer up at call time)."""
    with (
        mock.patch.object(charts, "indicator_chart", wraps=charts.indicator_chart) as indicator,
        mock.patch.object(charts, "population_chart", wraps=charts.population_chart) as population,
    ):
        yield {"indicator": indicator, "population": population}


def test_the_indicator_chart_is_served_as_a_cacheable_png(client, nemuro):
    response = client.get(chart_url("G1-1"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert png_size(response.content) == (640, 360)
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 66
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_a_second_request_does_not_call_matplotlib(client, nemuro, renders):
    first = client.get(chart_url("G1-1"))
    second = client.get(chart_url("G1-1"))

    assert renders["indicator"].call_count == 1
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_a_changed_result_gives_a_new_chart(client, nemuro, renders):
    first = client.get(chart_url("G1-1"))
    Achievement.objects.filter(
        indicator__strategy=nemuro, indicator__code="G1-1", fiscal_year__year=2016
    ).update(value=Decimal("1.55"))

    second = client.get(chart_url("G1-1"))

    assert renders["indicator"].call_count == 2
    assert second["ETag"] != first["ETag"]
    assert renders["indicator"].call_args.args[0].points[1].value == Decimal("1.55")


def test_a_conditional_get_with_the_etag_gets_304_without_rendering(client, nemuro, renders):
    etag = client.get(chart_url("G1-1"))["ETag"]
    cache.clear()

    response = client.get(chart_url("G1-1"), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "max-age=3600" in response["Cache-Control"]
    assert renders["indicator"].call_count == 1  # the first request only


def test_an_unpublished_years_value_stays_off_the_chart_until_the_year_is_published(
    client, nemuro, renders
):
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    assert h29.published_at is None
    before = client.get(chart_url("G1-1"))
    Achievement.objects.create(
        indicator=Indicator.objects.get(strategy=nemuro, code="G1-1"),
        fiscal_year=h29,
        state=Achievement.State.RECORDED,
        value=Decimal("1.61"),
    )

    entered = client.get(chart_url("G1-1"))

    assert entered["ETag"] == before["ETag"]
    assert entered.content == before.content
    assert renders["indicator"].call_count == 1

    h29.published_at = timezone.now()
    h29.save()
    published = client.get(chart_url("G1-1"))

    assert published["ETag"] != before["ETag"]
    assert renders["indicator"].call_count == 2
    drawn = renders["indicator"].call_args.args[0]
    assert (drawn.points[2].label, drawn.points[2].value) == ("H29", Decimal("1.61"))
    assert "H29 1.61、H30以降は未公表" in charts.alt_text(drawn)


def test_an_unknown_indicator_or_strategy_is_404(client, nemuro):
    assert client.get(chart_url("G9-9")).status_code == 404
    assert client.get(chart_url("G1-1", slug="no-such-strategy")).status_code == 404
    missing = reverse("kpi:population_chart", kwargs={"slug": "no-such-strategy"})
    assert client.get(missing).status_code == 404


def test_an_indicator_code_is_looked_up_in_the_strategy_of_the_url(client, nemuro, renders):
    other = make_strategy()
    make_tree(other)  # its KPI shares the code 1ア①-1 with Nemuro's

    response = client.get(chart_url("1ア①-1", slug=other.slug))

    assert response.status_code == 200
    assert renders["indicator"].call_args.args[0].title == "相談件数"


def test_charts_are_read_only(client, nemuro):
    assert client.head(chart_url("G1-1")).status_code == 200
    assert client.post(chart_url("G1-1")).status_code == 405


def test_the_indicator_chart_has_a_fixed_query_count(client, nemuro, django_assert_num_queries):
    # The strategy, the indicator, the fiscal years, the indicator chains, the published results:
    # the same whether the PNG is drawn, read from the cache or not sent at all (304).
    with django_assert_num_queries(5):
        etag = client.get(chart_url("G1-1"))["ETag"]
    with django_assert_num_queries(5):
        client.get(chart_url("G1-1"))
    with django_assert_num_queries(5):
        assert client.get(chart_url("G1-1"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(5):  # a moved KPI with a longer history: still five
        client.get(chart_url("3ウ①-1"))


def test_the_population_chart_is_served_once_per_data_change(
    client, nemuro, renders, django_assert_num_queries
):
    url = reverse("kpi:population_chart", kwargs={"slug": nemuro.slug})

    # The strategy, its total-population figures.
    with django_assert_num_queries(2):
        first = client.get(url)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert png_size(first.content) == (640, 360)
    assert second.status_code == 304
    assert renders["population"].call_count == 1


def test_a_strategy_without_a_population_outlook_has_no_population_chart(client, nemuro):
    other = make_strategy()

    url = reverse("kpi:population_chart", kwargs={"slug": other.slug})

    assert client.get(url).status_code == 404
