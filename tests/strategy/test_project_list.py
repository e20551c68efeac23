"""Citizens browse every project of the strategy in force, without logging in: filter, search,
sort, page through, and download exactly what they filtered as CSV or Excel."""

import csv
import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from strategy.models import Amendment, Measure, Project, ProjectListing
from tests.factory import make_strategy, make_tree

SLUG = "nemuro-sousei-2015"
URL = reverse("strategy:projects", kwargs={"slug": SLUG})
HEADER = ["基本目標", "施策の基本的方向", "区分", "事業名", "内容", "実施主体・連携先", "再掲"]


def listing_page(client, **params):
    """The page's table (django-tables2), after checking the page answered."""
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["table"]


def names(table) -> list[str]:
    """事業名 of the rows on the current page, as the page prints them (with （再掲）)."""
    return [row.get_cell_value("project") for row in table.page.object_list]


def csv_rows(client, **params) -> list[list[str]]:
    response = client.get(URL, {**params, "_export": "csv"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(client, **params) -> list[list[str]]:
    response = client.get(URL, {**params, "_export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]


# -- what the list holds --------------------------------------------------------------------------


def test_anyone_sees_the_110_listings_in_force_at_the_2017_revision_25_to_a_page(client, nemuro):
    table = listing_page(client)
    assert table.paginator.count == 110
    assert table.paginator.num_pages == 5
    assert len(table.page.object_list) == 25
    assert [str(column.header) for column in table.columns] == HEADER
    # printed order: goal 1, (ア), ①, first row of its 具体的な事業 table
    first = table.page.object_list[0]
    assert first.get_cell_value("goal") == 1
    assert first.get_cell_value("measure").startswith("1ア① 出会い、結婚、妊娠、出産、育児")
    assert names(table)[0] == "児童相談室設置事業"


def test_the_2018_drafts_extra_rows_never_appear(client, nemuro):
    rows = csv_rows(client)
    assert len(rows) == 1 + 110
    assert not any("幼児発達相談事業" in cell for row in rows for cell in row)
    assert listing_page(client, q="幼児発達相談").paginator.count == 0


def test_rows_are_worded_as_at_the_2017_revision_not_as_the_draft_rewords_them(client, nemuro):
    rows = {row[3]: row for row in csv_rows(client, measure="1ア②")}
    # the draft extends こども医療費給付事業 to 「H28拡充 拡充」 and adds 中高生入院外
    assert rows["こども医療費給付事業"][2] == "H28拡充"
    assert rows["こども医療費給付事業"][4] == "給付対象の拡大(中高生入院)"
    # the 2017 revision's own amendment is in force
    assert rows["多子世帯保育料無料化事業(保育所)"][2] == "H27新規 H29拡充"
    # a measure the draft renames keeps its 2017 name, in the rows and in the filter
    html = client.get(URL, {"measure": "1ア④"}).content.decode()
    assert "1ア④ 家庭と仕事の両立を図り子育てに取り組む環境づくりの推進" in html
    assert "子育てに取組む" not in html


def test_each_row_links_its_measure_and_marks_a_reprint(client, nemuro):
    html = client.get(URL, {"measure": "1ア④"}).content.decode()
    measure_url = reverse("strategy:measure", kwargs={"slug": SLUG, "code": "1ア④"})
    assert f'<a href="{measure_url}">1ア④ ' in html
    assert '<th scope="row">保育所整備事業（再掲）</th>' in html


# -- filters --------------------------------------------------------------------------------------


def test_filtering_to_private_partners_gives_the_17_minkan_rows(client, nemuro):
    table = listing_page(client, kind="private")
    assert table.paginator.count == 17
    assert "シニア移住就職支援金制度" in names(table)


def test_a_row_marked_h27_shinki_h28_kakuju_is_both_new_and_expanded(client, nemuro):
    new = listing_page(client, kind="new")
    expanded = listing_page(client, kind="expanded")
    assert new.paginator.count == 47
    # 18 in 2017; the draft's 「H30拡充」 on 幼稚園教諭等人材確保対策事業 (twice) is not in force
    assert expanded.paginator.count == 18
    both = {r.record.project.name for r in new.rows} & {
        r.record.project.name for r in expanded.rows
    }
    assert both == {"子育て環境整備事業", "多子世帯保育料無料化事業(保育所)"}


def test_the_reprint_filter_keeps_or_drops_rows_listed_again(client, nemuro):
    reprints = listing_page(client, reprint="yes")
    assert reprints.paginator.count == 10
    assert all(name.endswith("（再掲）") for name in names(reprints))
    assert listing_page(client, reprint="no").paginator.count == 100


def test_the_goal_and_measure_filters_narrow_to_their_rows(client, nemuro):
    assert [listing_page(client, goal=n).paginator.count for n in (1, 2, 3)] == [35, 55, 20]
    table = listing_page(client, goal=1, measure="1ア①")
    assert table.paginator.count == 8
    # a measure of another goal gives nothing rather than ignoring the goal
    assert listing_page(client, goal=3, measure="1ア①").paginator.count == 0


def test_the_keyword_search_looks_in_name_content_partner_and_category(client, nemuro):
    furusato = listing_page(client, q="ふるさと")
    assert furusato.paginator.count == 9
    assert "クラウドファンディング型ふるさと納税事業" in names(furusato)
    assert names(listing_page(client, q="中小企業庁")) == ["シニア移住就職支援金制度"]  # partner
    assert names(listing_page(client, q="花咲線")) == ["クラウドファンディング型ふるさと納税事業"]
    assert listing_page(client, q="H29拡充").paginator.count == 1  # category
    # words separated by a (full-width) space must all match
    assert listing_page(client, q="ふるさと\u3000基金").paginator.count == 7


@pytest.mark.parametrize(
    "params",
    [
        {"goal": "99"},
        {"goal": "abc"},
        {"measure": "9ア①"},
        {"kind": "bogus"},
        {"reprint": "maybe"},
        {"q": "あ" * 101},
    ],
)
def test_a_bogus_filter_value_shows_its_error_and_no_rows_not_a_500(client, nemuro, params):
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 0
    html = response.content.decode()
    assert "絞り込みの条件に誤りがあります" in html
    (field,) = params
    assert 'aria-invalid="true"' in html and f'id="id_{field}_error"' in html
    # and the download does not fall back to every row
    assert csv_rows(client, **params) == [HEADER]


@pytest.mark.parametrize(
    "params", [{"page": "abc"}, {"page": "999"}, {"page": "0"}, {"sort": "nonsense"}]
)
def test_a_bogus_page_or_sort_still_shows_the_list(client, nemuro, params):
    table = listing_page(client, **params)
    assert table.paginator.count == 110
    assert len(table.page.object_list) in (25, 10)


# -- sorting and pages ----------------------------------------------------------------------------


def test_every_column_sorts_both_ways(client, nemuro):
    for column in ("goal", "measure", "category", "project", "content", "partner", "reprint"):
        ascending = csv_rows(client, sort=column)[1:]
        descending = csv_rows(client, sort=f"-{column}")[1:]
        assert len(ascending) == len(descending) == 110, column
        assert ascending != descending, column


def test_sorting_by_goal_descending_puts_goal_3_first(client, nemuro):
    table = listing_page(client, sort="-goal")
    assert table.page.object_list[0].get_cell_value("goal") == 3
    table = listing_page(client, sort="-goal", page=5)
    assert table.page.object_list[len(table.page.object_list) - 1].get_cell_value("goal") == 1


def test_sorting_by_name_follows_the_database_collation(client, nemuro):
    expected = list(
        ProjectListing.objects.filter(measure__strategy=nemuro)
        .in_force_at(nemuro.current_revision())
        .order_by("project__name")
        .values_list("project__name", flat=True)[:25]
    )
    shown = [name.removesuffix("（再掲）") for name in names(listing_page(client, sort="project"))]
    assert shown == expected


def test_sorting_reprints_first_then_paging_keeps_the_sort(client, nemuro):
    first = listing_page(client, sort="-reprint")
    assert all(name.endswith("（再掲）") for name in names(first)[:10])
    assert not names(first)[10].endswith("（再掲）")
    html = client.get(URL, {"sort": "-reprint"}).content.decode()
    assert 'href="?sort=-reprint&amp;page=2"' in html
    assert 'aria-sort="descending"' in html


def test_the_pages_hold_25_25_25_25_and_10_rows_without_overlap(client, nemuro):
    seen = []
    for number in range(1, 6):
        table = listing_page(client, page=number)
        assert len(table.page.object_list) == (10 if number == 5 else 25)
        seen += [row.record.pk for row in table.page.object_list]
    assert len(set(seen)) == 110


# -- downloads ------------------------------------------------------------------------------------


def test_the_csv_of_the_private_filter_has_its_17_rows_with_a_japanese_header(client, nemuro):
    response = client.get(URL, {"kind": "private", "_export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="projects.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(client, kind="private")
    assert header == HEADER
    assert len(rows) == 17
    senior = next(row for row in rows if row[3] == "シニア移住就職支援金制度")
    assert senior[0] == "2"
    assert senior[1] == "2ア② U I ターン者向け支援の充実による起業促進と労働力の確保"
    assert senior[2] == "民間等"
    assert senior[5] == "中小企業庁"


def test_the_xlsx_opens_with_openpyxl_and_holds_the_same_rows_as_the_csv(client, nemuro):
    response = client.get(URL, {"kind": "private", "_export": "xlsx"})
    assert 'filename="projects.xlsx"' in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx_rows(client, kind="private") == csv_rows(client, kind="private")


def test_a_download_holds_every_page_in_the_current_sort(client, nemuro):
    rows = csv_rows(client, sort="-goal", page="2")[1:]
    assert len(rows) == 110
    assert rows[0][0] == "3" and rows[-1][0] == "1"
    assert rows[0][3] == names(listing_page(client, sort="-goal"))[0]


def test_the_download_links_keep_the_filters_and_sort_but_not_the_page(client, nemuro):
    response = client.get(URL, {"kind": "new", "q": "事業", "sort": "-project", "page": "2"})
    links = dict(response.context["export_links"])
    assert links["CSV"] == "?kind=new&q=%E4%BA%8B%E6%A5%AD&sort=-project&_export=csv"
    assert links["Excel（xlsx）"].endswith("&_export=xlsx")
    html = response.content.decode()
    assert 'href="?kind=new&amp;q=%E4%BA%8B%E6%A5%AD&amp;sort=-project&amp;_export=csv"' in html


# -- scope and access -----------------------------------------------------------------------------


def test_an_unknown_strategy_is_404(client, nemuro):
    url = reverse("strategy:projects", kwargs={"slug": "no-such"})
    assert client.get(url).status_code == 404
    assert client.get(url, {"_export": "csv"}).status_code == 404


def test_another_strategy_lists_only_its_own_projects(client, nemuro):
    other = make_strategy()
    make_tree(other)
    url = reverse("strategy:projects", kwargs={"slug": other.slug})
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 0
    html = response.content.decode()
    assert "条件に合う事業はありません。" in html and "児童相談室設置事業" not in html


def test_the_page_is_labelled_for_screen_readers_and_phones(client, nemuro):
    html = client.get(URL).content.decode()
    for field in ("goal", "measure", "kind", "reprint", "q"):
        assert f'<label for="id_{field}">' in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert '<div class="table-wrap"' in html and '<form class="filters"' in html
    assert 'aria-current="page"' in html and "<title>事業一覧 |" in html


# -- queries --------------------------------------------------------------------------------------


def add_listings(strategy, n: int = 60) -> None:
    """`n` more listings under 1ア① in force since 2017 (some 民間等, some reprints, some
    reworded by the draft), and 5 only in the draft (never shown)."""
    revisions = {r.sequence: r for r in strategy.revisions.all()}
    measure = Measure.objects.get(strategy=strategy, code="1ア①")
    listing_type = ContentType.objects.get_for_model(ProjectListing)
    for i in range(n + 5):
        project = Project.objects.create(strategy=strategy, name=f"追加事業{i:03}")
        listing = ProjectListing.objects.create(
            measure=measure,
            project=project,
            position=200 + i,
            category="民間等" if i % 3 == 0 else "H29新規",
            content=f"追加の内容{i}",
            partner="追加銀行" if i % 3 == 0 else "",
            reprint=i % 5 == 0,
            introduced_in=revisions[2] if i < n else revisions[3],
        )
        if i % 4 == 0:
            Amendment.objects.create(
                revision=revisions[3],
                content_type=listing_type,
                object_id=listing.pk,
                field="category",
                old_value=listing.category,
                new_value=f"{listing.category} H30拡充",
            )
            listing.category += " H30拡充"
            listing.save()


# Queries of the page, whatever the data size:
#   1. the strategy with its municipality (by slug)
#   2. its current revision (latest adopted)
#   3. the measures in force, with policy and goal, named as at that revision (filter choices)
#   4. COUNT of the filtered listings (paginator)
#   5. one page of listings with measure, policy, goal and project, worded as at the revision
#      (the amendments are subqueries of this query, not queries of their own)
#   6. the strategy's latest publication for the header's 最終更新日 (nemuro_strategy.context)
# A download runs 1–3 and then all the filtered listings in one query (no COUNT): 4 queries.
PAGE_QUERIES = 6
EXPORT_QUERIES = 4


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, PAGE_QUERIES),
        ({"kind": "new", "q": "事業", "sort": "-category", "page": "2"}, PAGE_QUERIES),
        ({"_export": "csv"}, EXPORT_QUERIES),
        ({"_export": "xlsx", "reprint": "no", "sort": "partner"}, EXPORT_QUERIES),
    ],
)
def test_the_list_and_its_downloads_run_a_fixed_number_of_queries_whatever_the_data_size(
    client, nemuro, warm_caches, django_assert_num_queries, params, expected
):
    with django_assert_num_queries(expected):
        assert client.get(URL, params).status_code == 200
    add_listings(nemuro, 60)
    with django_assert_num_queries(expected):
        assert client.get(URL, params).status_code == 200


def test_extra_listings_appear_worded_as_in_2017_and_draft_only_ones_do_not(client, nemuro):
    add_listings(nemuro, 60)
    assert listing_page(client).paginator.count == 170
    assert listing_page(client, kind="private").paginator.count == 17 + 20
    rows = csv_rows(client, q="追加事業")[1:]
    assert len(rows) == 60
    assert not any("H30拡充" in row[2] for row in rows)
    assert "追加事業060" not in {row[3] for row in rows}
