"""Following a strategy: the Atom feed of its publications and panel verdicts
(nemuro_strategy/feeds.py), announced in every strategy page's head; published data only."""

from datetime import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from nemuro_strategy.feeds import feed_entries
from strategy.models import FiscalYear
from verification.models import PanelReview

SLUG = "nemuro-sousei-2015"
ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URL = f"/s/{SLUG}/feed/"


def read_feed(client):
    response = client.get(FEED_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def titles(feed) -> list[str]:
    return [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]


def test_the_feed_lives_in_the_strategy_namespace():
    assert reverse("strategy:feed", kwargs={"slug": SLUG}) == FEED_URL


def test_every_strategy_page_announces_the_feed_in_its_head(client, nemuro):
    for url in [f"/s/{SLUG}/", f"/s/{SLUG}/goals/1/", f"/s/{SLUG}/revisions/"]:
        head = client.get(url).content.decode().split("</head>")[0]
        assert (
            '<link rel="alternate" type="application/atom+xml" '
            f'title="根室市創生総合戦略の公表のお知らせ（Atom）" href="{FEED_URL}">'
        ) in head


def test_the_feed_is_in_japanese_and_lists_publications_and_panel_verdicts(client, nemuro):
    feed = read_feed(client)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"
    assert feed.find(f"{ATOM}title").text == "根室市創生総合戦略の公表のお知らせ"
    published = FiscalYear.objects.published().filter(strategy=nemuro).count()
    verdicts = PanelReview.objects.published().filter(goal__strategy=nemuro).count()
    assert published and verdicts
    found = titles(feed)
    assert len(found) == published + verdicts
    assert "平成28年度の実績と検証結果を公表しました" in found
    assert any(t.startswith("基本目標-1の有識者会議の検証結果（平成27年度）：") for t in found)
    links = [e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry")]
    assert f"http://testserver/s/{SLUG}/reports/2016/" in links
    assert f"http://testserver/s/{SLUG}/goals/1/#panel-2015" in links
    ids = [e.find(f"{ATOM}id").text for e in feed.iter(f"{ATOM}entry")]
    assert len(set(ids)) == len(ids)


def test_the_goal_page_has_the_anchor_the_feed_links_to(client, nemuro):
    html = client.get(f"/s/{SLUG}/goals/1/").content.decode()
    assert '<section id="panel-2015">' in html


def test_a_year_and_its_verdicts_leave_the_feed_when_withdrawn(client, nemuro):
    before = titles(read_feed(client))
    assert any("（平成27年度）" in t for t in before)
    FiscalYear.objects.filter(strategy=nemuro, year=2015).update(published_at=None)
    after = titles(read_feed(client))
    assert "平成27年度の実績と検証結果を公表しました" not in after
    assert not any("（平成27年度）" in t for t in after)
    assert len(after) < len(before)


def test_an_unpublished_verdict_never_appears(client, nemuro):
    year = FiscalYear.objects.get(strategy=nemuro, year=2017)
    assert year.published_at is None
    goal = PanelReview.objects.filter(goal__strategy=nemuro).first().goal
    PanelReview.objects.create(
        goal=goal, fiscal_year=year, grade="D", supplementary_opinion="未公表の付帯意見"
    )
    feed = client.get(FEED_URL).content.decode()
    assert "未公表の付帯意見" not in feed and "（平成29年度）" not in feed


def test_entries_are_newest_first_and_dated_by_publication(nemuro):
    tokyo = ZoneInfo("Asia/Tokyo")
    FiscalYear.objects.filter(strategy=nemuro, year=2015).update(
        published_at=datetime(2016, 9, 1, tzinfo=tokyo)
    )
    FiscalYear.objects.filter(strategy=nemuro, year=2016).update(
        published_at=datetime(2017, 9, 1, tzinfo=tokyo)
    )
    entries = feed_entries(nemuro)
    dates = [entry.published for entry in entries]
    assert dates == sorted(dates, reverse=True)
    assert entries[0].title == "平成28年度の実績と検証結果を公表しました"


def test_an_unknown_strategy_has_no_feed(client, nemuro):
    assert client.get("/s/nowhere/feed/").status_code == 404


@pytest.mark.usefixtures("warm_caches")
def test_the_feed_runs_four_queries(client, nemuro, django_assert_num_queries):
    # the strategy with its municipality, its published years, their panel verdicts with goals,
    # the corrections applied after publication
    with django_assert_num_queries(4):
        assert client.get(FEED_URL).status_code == 200
