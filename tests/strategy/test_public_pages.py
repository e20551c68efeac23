"""Citizens see, without logging in, how the strategy is going: top, goal, measure, revision pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear, Measure
from tests.factory import grow_strategy
from verification.models import InternalReview

SLUG = "nemuro-sousei-2015"


def page(client, name, **kwargs):
    response = client.get(reverse(name, kwargs={"slug": SLUG, **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_root_opens_the_default_strategy_and_lists_the_others(client, nemuro):
    from tests.factory import make_strategy

    make_strategy()  # another municipality's plan
    make_strategy(code="012238", name="根室市", slug="nemuro-2020")  # Nemuro's next plan
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "子どもたちに誇れる まち・ひと・しごと" in html
    # the other plans of the same municipality, and the directory for everyone else's
    assert "根室市のほかの総合戦略" in html and "第2期根室市まち・ひと・しごと創生総合戦略" in html
    assert "札幌市" not in html
    assert '<a href="/strategies/">このシステムで公開している総合戦略の一覧（3件）</a>' in html


def test_a_single_strategy_lists_no_other_plans_but_the_navigation_keeps_the_directory(
    client, nemuro
):
    html = client.get("/").content.decode()
    assert "ほかの総合戦略" not in html
    assert "このシステムで公開している総合戦略の一覧" not in html
    # the site-wide navigation links the directory on every page
    assert '<li><a href="/strategies/">総合戦略の一覧</a></li>' in html


def test_the_directory_lists_searches_filters_and_pages_the_strategies(client, nemuro):
    from tests.factory import make_strategy

    for number in range(60):
        make_strategy(code=f"01{number + 100:03d}0", name=f"試験{number:02d}町", slug=f"t-{number}")
    make_strategy(code="131016", name="千代田区", slug="chiyoda")
    Municipality = nemuro.municipality.__class__
    Municipality.objects.filter(code="131016").update(prefecture="東京都")
    url = reverse("strategy:index")
    html = client.get(url).content.decode()
    assert "62件の総合戦略（1〜50件目を表示）" in html
    assert "北海道" in html and "試験00町（011000）" in html  # in the order of the codes
    assert 'href="?page=2" rel="next"' in html
    assert "12件の総合戦略（51〜62件目を表示）" not in html
    second = client.get(url, {"page": "2"}).content.decode()
    assert "62件の総合戦略（51〜62件目を表示）" in second and "根室市（012238）" in second
    tokyo = client.get(url, {"prefecture": "東京都"}).content.decode()
    assert "1件の総合戦略" in tokyo and "千代田区（131016）" in tokyo
    assert "根室市（012238）" not in tokyo
    found = client.get(url, {"q": "根室"}).content.decode()
    assert "1件の総合戦略" in found and 'href="/s/nemuro-sousei-2015/"' in found
    none = client.get(url, {"q": "存在しない町"}).content.decode()
    assert "条件に合う総合戦略はありません。" in none
    wrong = client.get(url, {"prefecture": "火星"})
    assert wrong.status_code == 200
    assert "絞り込みの条件に誤りがあります。" in wrong.content.decode()
    assert client.get(url, {"page": "abc"}).status_code == 200  # the first page


def test_the_top_page_shows_the_goals_their_verdicts_and_the_population_outlook(client, nemuro):
    html = page(client, "strategy:top")
    assert "子どもたちに誇れる まち・ひと・しごと" in html
    assert html.count('class="card"') == 3
    assert "B 概ね順調に進んでいる" in html and "C やや遅れている" in html
    assert "公表済みの検証結果はありません" in html  # goal 2 has no panel verdict in the report
    assert "26,043" in html and "15,262" in html  # 根室市推計 2020 and 2060
    assert 'alt="' in html and "population.png" in html


def test_the_goal_page_lays_out_the_numerical_targets_like_the_report(client, nemuro):
    html = page(client, "strategy:goal", number=1)
    assert "1.37" in html and "H23 数値" in html
    assert "1.53" in html and "(H25 数値)" in html and "(0.16↑)" in html
    assert "(H26 数値)" in html and "(→)" in html
    assert "11.0%" in html and "(0.3↓)" in html
    assert "平成28年度中に事務局において意見等に対する検討を行い" in html
    assert "妊産婦への交通費支援（充実）の必要性" in html
    # the measures with their latest published internal verdict
    assert "①出会い、結婚、妊娠、出産、育児に関する機会や相談、支援体制の強化" in html


def test_the_measure_page_shows_kpis_verdicts_and_projects(client, nemuro):
    html = page(client, "strategy:measure", code="3ウ①")
    assert "33.1億円" in html and "累計46.0億円" in html
    assert "5年で総額100億円増加" in html
    assert "延べ222,345件" in html  # ふるさと納税推進事業's 事業量, carried from 3イ② in 2015
    html = page(client, "strategy:measure", code="1ア③")
    assert "C やや遅れている" in html and "保育所適正配置計画の策定を完了し" in html
    assert "延長保育利用人数" in html and "延べ1,711人" in html


def test_a_verdict_shows_the_name_the_measure_had_that_year(client, nemuro):
    html = page(client, "strategy:measure", code="3イ②")
    assert "官民協働による地方創生の推進" in html
    assert "当時の名称：地方創生の計画的な推進と財政運営" in html


def test_the_revision_history_shows_what_each_revision_changed(client, nemuro):
    html = page(client, "strategy:revisions")
    # the target 10億円 → 100億円, as one sentence with the number replaced
    assert (
        '5年で総額<del><span class="visually-hidden">［削除：</span>10'
        '<span class="visually-hidden">］</span></del>'
        '<ins><span class="visually-hidden">［追加：</span>100'
        '<span class="visually-hidden">］</span></ins>億円増加'
    ) in html
    assert "3イ② → 3ウ①" in html  # a move keeps its arrow
    assert "地方創生の計画的な推進と財政運営" in html and "官民協働による地方創生の推進" in html
    assert "3ウ①-3 ふるさと納税推進による経済波及効果" in html
    assert "2015年10月30日" in html and "2017年11月22日" in html and "日付未定" in html


def test_a_small_rewording_marks_the_characters_removed_and_added(client, nemuro):
    html = page(client, "strategy:revisions")
    # 取り組む → 取組む (2018 draft): the one character removed, announced to screen readers
    assert (
        '子育てに取<del><span class="visually-hidden">［削除：</span>り'
        '<span class="visually-hidden">］</span></del>組む環境づくりの推進'
    ) in html
    # a category that gained 拡充 is printed once with the addition, not twice
    assert "H28拡充 → H28拡充 拡充" not in html
    assert (
        'H28拡充<ins><span class="visually-hidden">［追加：</span> 拡充'
        '<span class="visually-hidden">］</span></ins>'
    ) in html


def test_each_revision_folds_and_the_newest_is_open(client, nemuro):
    html = page(client, "strategy:revisions")
    assert html.count('<details class="revision"') == 3
    assert html.count('<details class="revision" open>') == 1
    newest = html.split('<details class="revision" open>')[1]
    assert "日付未定" in newest.split("</summary>")[0]  # the 2018 draft, the latest revision


def test_the_tree_as_it_stood_in_2015(client, nemuro):
    html = page(client, "strategy:revision_tree", sequence=1)
    assert "KPI 39" in html and "掲載事業 94" in html
    assert "②地方創生の計画的な推進と財政運営" in html
    assert "地方創生の計画的な推進</h3>" not in html  # policy 3(ウ) came in 2017
    html = page(client, "strategy:revision_tree", sequence=3)
    assert "KPI 41" in html and "掲載事業 126" in html and "幼児発達相談事業" in html


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("strategy:top", {"slug": "no-such"}),
        ("strategy:goal", {"slug": SLUG, "number": 9}),
        ("strategy:measure", {"slug": SLUG, "code": "9ア①"}),
        ("strategy:revision_tree", {"slug": SLUG, "sequence": 99}),
        ("kpi:indicator", {"slug": SLUG, "code": "nope"}),
        ("kpi:indicator_csv", {"slug": SLUG, "code": "nope"}),
    ],
)
def test_unknown_ids_are_404(client, nemuro, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_a_value_of_an_unpublished_year_appears_nowhere_until_published(client, nemuro):
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    birth_rate = Indicator.objects.get(strategy=nemuro, code="G1-1")
    Achievement.objects.create(indicator=birth_rate, fiscal_year=h29, value=Decimal("1.77"))
    InternalReview.objects.create(
        measure=Measure.objects.get(strategy=nemuro, code="1ア①"),
        fiscal_year=h29,
        grade="D",
        issues="下書きの検証",
    )
    pages = [
        ("strategy:goal", {"number": 1}),
        ("kpi:indicator", {"code": "G1-1"}),
        ("kpi:indicator_csv", {"code": "G1-1"}),
        ("strategy:measure", {"code": "1ア①"}),
    ]
    for name, kwargs in pages:
        html = page(client, name, **kwargs)
        assert "1.77" not in html and "下書きの検証" not in html, name
    h29.published_at = timezone.now()
    h29.save()
    assert "1.77" in page(client, "strategy:goal", number=1)
    assert "1.77" in page(client, "kpi:indicator_csv", code="G1-1")
    assert "下書きの検証" in page(client, "strategy:measure", code="1ア①")


PAGES = [
    ("strategy:top", {}),
    ("strategy:goal", {"number": 1}),
    ("strategy:measure", {"code": "1ア①"}),
    ("strategy:revisions", {}),
    ("strategy:revision_tree", {"sequence": 2}),
    ("kpi:indicator", {"code": "G1-1"}),
    ("kpi:indicator_csv", {"code": "G1-1"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_each_page_runs_the_same_number_of_queries_whatever_the_data_size(
    client, nemuro, warm_caches, django_assert_max_num_queries, name, kwargs
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(name, kwargs={"slug": SLUG, **kwargs})
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow_strategy(nemuro, 25)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
    assert len(small) == EXPECTED_QUERIES[name]


# every page with a strategy in its header adds one query for 最終更新日 (the strategy's latest
# publication: nemuro_strategy.context.last_published), named "last published" below
EXPECTED_QUERIES = {
    # strategy, current revision, goals, indicators, fiscal years, indicator chains, published
    # results, published panel verdicts, population figures, the municipality's strategies, the
    # number of strategies (for the directory link)
    "strategy:top": 12,  # + last published
    # strategy, current revision, goal, directions + their amendments, 数値目標, fiscal years,
    # chains, results, policies, measures + their amendments, internal verdicts, panel verdicts
    # + opinions
    "strategy:goal": 16,  # + last published
    # strategy, current revision, measure + its amendments, KPIs, fiscal years, chains, results,
    # internal verdicts, revisions + the measure's wording per revision, listings + their
    # amendments, outputs + their lines
    "strategy:measure": 16,  # + last published
    # strategy, revisions, introduced + retired nodes for each of 6 kinds, amendments + the
    # amended nodes of 3 kinds, current revision
    "strategy:revisions": 20,  # + last published
    # strategy, the revision, goals, policies, measures, indicators, listings (each + its
    # amendments), revisions for the navigation
    "strategy:revision_tree": 14,  # + last published
    # strategy, indicator, chains, the chain's nodes, target amendments, fiscal years, results
    "kpi:indicator": 8,  # + last published
    "kpi:indicator_csv": 7,
}


def test_the_directory_runs_the_same_number_of_queries_whatever_the_number_of_strategies(
    client, nemuro
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factory import make_strategy

    url = reverse("strategy:index")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for number in range(30):
        make_strategy(code=f"01{number + 100:03d}0", name=f"試験{number:02d}町", slug=f"t-{number}")
    with CaptureQueriesContext(connection) as large:
        assert client.get(url, {"q": "町"}).status_code == 200
    assert (
        len(large) == len(small) == 5
    )  # default strategy, prefectures, count, page, last published
