"""The frame every public page shares (templates/base.html with nemuro_strategy.context): the
city's name once, a navigation that reaches the directory, 最終更新日, the contact line from the
settings, a favicon, a description of each page and the A–D verdict badges."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from nemuro_strategy.context import last_published
from strategy.models import FiscalYear

SLUG = "nemuro-sousei-2015"

PUBLIC_PAGES = [
    ("strategy:top", {"slug": SLUG}),
    ("strategy:goal", {"slug": SLUG, "number": 1}),
    ("strategy:measure", {"slug": SLUG, "code": "1ア①"}),
    ("kpi:indicator", {"slug": SLUG, "code": "G1-1"}),
    ("strategy:projects", {"slug": SLUG}),
    ("strategy:revisions", {"slug": SLUG}),
    ("strategy:revision_tree", {"slug": SLUG, "sequence": 1}),
    ("kpi:opendata", {"slug": SLUG}),
    ("verification:report_index", {"slug": SLUG}),
    ("strategy:index", {}),
    ("strategy:accessibility", {}),
]


def get(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, name
    return response.content.decode()


def description(html: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1
    return found[0]


def test_the_header_names_the_city_once(client, nemuro):
    html = get(client, "strategy:top", slug=SLUG)
    assert "根室市 根室市創生総合戦略" not in html
    assert '<p class="site-name"><a href="/">根室市創生総合戦略</a></p>' in html


def test_a_strategy_whose_name_lacks_the_city_is_prefixed_with_it(client, nemuro):
    nemuro.__class__.objects.filter(pk=nemuro.pk).update(name="まち・ひと・しごと創生総合戦略")
    html = get(client, "strategy:top", slug=SLUG)
    assert '<a href="/">根室市 まち・ひと・しごと創生総合戦略</a>' in html


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC_PAGES)
def test_every_public_page_has_the_navigation_the_favicon_and_a_description_of_its_own(
    client, nemuro, name, kwargs
):
    html = get(client, name, **kwargs)
    assert '<a href="/strategies/">総合戦略の一覧</a>' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    text = description(html)
    assert 30 <= len(text) <= 160, text


def test_each_page_type_describes_itself_differently(client, nemuro):
    texts = [description(get(client, name, **kwargs)) for name, kwargs in PUBLIC_PAGES]
    assert len(set(texts)) == len(texts)
    goal = description(get(client, "strategy:goal", slug=SLUG, number=1))
    assert "基本目標-1「住み続けられる" in goal


def test_the_favicon_is_a_static_file():
    favicon = Path(settings.BASE_DIR) / "static" / "favicon.svg"
    assert favicon.read_text(encoding="utf-8").startswith("<svg")


def test_the_last_updated_date_is_the_latest_publication(client, nemuro):
    tokyo = ZoneInfo("Asia/Tokyo")
    FiscalYear.objects.filter(strategy=nemuro, published_at__isnull=False).update(
        published_at=datetime(2017, 8, 31, 10, tzinfo=tokyo)
    )
    FiscalYear.objects.filter(strategy=nemuro, year=2016).update(
        published_at=datetime(2018, 3, 1, 0, 30, tzinfo=tokyo)  # 2018-02-28 in UTC
    )
    # a year not published does not count
    FiscalYear.objects.filter(strategy=nemuro, year=2019).update(published_at=None)
    html = get(client, "strategy:goal", slug=SLUG, number=1)
    assert '最終更新日：<time datetime="2018-03-01">2018年3月1日</time>' in html
    assert last_published(SLUG) == datetime(2018, 3, 1, 0, 30, tzinfo=tokyo)
    assert last_published(None) == last_published(SLUG)  # the root shows the default strategy


def test_no_date_is_shown_before_anything_is_published(client, nemuro):
    FiscalYear.objects.filter(strategy=nemuro).update(published_at=None)
    assert "最終更新日" not in get(client, "strategy:top", slug=SLUG)


def test_the_contact_line_comes_from_the_settings_and_is_absent_when_empty(
    client, nemuro, settings
):
    settings.SITE_CONTACT = ""
    assert "お問い合わせ" not in get(client, "strategy:top", slug=SLUG)
    settings.SITE_CONTACT = "総合政策部 総合政策室"
    html = get(client, "strategy:accessibility")
    assert '<p class="site-contact">お問い合わせ：総合政策部 総合政策室</p>' in html


def test_verdicts_are_badges_with_a_colour_and_their_words(client, nemuro):
    html = get(client, "strategy:goal", slug=SLUG, number=1)
    badges = re.findall(r'<span class="grade grade-([A-D])">([A-D]) ([^<]+)</span>', html)
    assert badges
    for css, letter, words in badges:
        assert css == letter
        assert words in {"順調に進んでいる", "概ね順調に進んでいる", "やや遅れている", "遅れている"}


def test_staff_pages_run_no_query_for_the_date(rf, nemuro):
    from django.urls import resolve

    from nemuro_strategy.context import site

    request = rf.get(f"/staff/s/{SLUG}/changes/")
    request.resolver_match = resolve(reverse("staff:recent_changes", kwargs={"slug": SLUG}))
    assert site(request)["last_published"] is None
