"""Numbers that never mislead (issue 13, item 3), read from the seeded pages: amounts with the
indicator's decimals, progress past 100 % shown as 目標達成 with a note when the target is almost
the baseline, the change from the previous year filled as the report prints it, and the same
indicator with the same values under every goal it appears in."""

import re
from decimal import Decimal

from django.urls import reverse

from kpi.models import Indicator
from kpi.progress import NARROW_NOTE, Progress, ProgressStatus
from kpi.selectors import indicator_rows, lineages

SLUG = "nemuro-sousei-2015"


def _text(response) -> str:
    """The page's text with tags and runs of blanks reduced to one space."""
    assert response.status_code == 200
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _indicator_page(client, code: str) -> str:
    return _text(client.get(reverse("kpi:indicator", kwargs={"slug": SLUG, "code": code})))


def _goal_page(client, number: int) -> str:
    return _text(client.get(reverse("strategy:goal", kwargs={"slug": SLUG, "number": number})))


def test_the_target_reads_with_the_indicators_decimals_not_the_four_stored(client, nemuro):
    page = _indicator_page(client, "G1-1")
    assert "目標値 1.49）" in page
    assert "1.4900" not in page
    page = _indicator_page(client, "3ウ①-1")  # 100.0000 stored, one decimal, in 億円
    assert "目標値 100.0億円）" in page
    assert "100.0000" not in page
    page = _indicator_page(client, "3ウ①-3")  # no decimals
    assert "目標値 130億円）" in page


def test_no_public_page_prints_a_stored_amount_with_four_places(client, nemuro):
    urls = [reverse("strategy:top", kwargs={"slug": SLUG})]
    urls += [reverse("strategy:goal", kwargs={"slug": SLUG, "number": n}) for n in (1, 2, 3)]
    urls += [
        reverse("kpi:indicator", kwargs={"slug": SLUG, "code": code})
        for code in Indicator.objects.filter(strategy=nemuro).values_list("code", flat=True)
    ]
    for url in urls:
        assert not re.search(r"\d\.\d{4}(?!\d)", _text(client.get(url))), url


def test_progress_past_the_target_reads_target_reached_with_the_figure(client, nemuro):
    page = _indicator_page(client, "G1-1")  # 1.53 against 1.37 → 1.49
    assert "達成度 目標達成（133.3%）" in page
    assert Progress(status=ProgressStatus.ON_TRACK, rate=Decimal("0.5")).display == "50.0%"


def test_a_target_almost_at_the_baseline_carries_a_note_with_its_huge_figure(client, nemuro):
    indicator = Indicator.objects.get(strategy=nemuro, code="1ア④-2")
    assert (indicator.baseline_value, indicator.target_value) == (45896, 46000)
    [row] = indicator_rows(nemuro, [indicator])
    assert row.progress.display == "目標達成（5304.8%）"
    assert row.progress.note == NARROW_NOTE
    page = _indicator_page(client, "1ア④-2")
    assert "達成度 目標達成（5304.8%）" in page
    assert "目標値が基準値とほぼ同じため、達成度の数値は大きく振れます" in page
    measure = _text(client.get(reverse("strategy:measure", kwargs={"slug": SLUG, "code": "1ア④"})))
    assert "目標達成（5304.8%） 目標値が基準値とほぼ同じため" in measure
    # a target well away from its baseline has no note
    [other] = indicator_rows(nemuro, [Indicator.objects.get(strategy=nemuro, code="G1-1")])
    assert other.progress.note == ""


def test_the_change_from_the_previous_year_is_filled_as_the_report_prints_it(client, nemuro):
    page = _indicator_page(client, "G1-1")  # 1.37 (策定時) → 1.53 (H27) → 1.53 (H28)
    assert "平成27年度 1.53 (0.16↑)" in page
    assert "平成28年度 1.53 (→)" in page
    page = _indicator_page(client, "G3-3")  # 2,532 → 2,530 → 2,449, as the report: (2人↓) (81人↓)
    assert "2,530人 (2人↓)" in page
    assert "2,449人 (81人↓)" in page


def test_the_same_measurement_shows_the_same_values_under_both_goals(client, nemuro):
    goal2, goal3 = _goal_page(client, 2), _goal_page(client, 3)
    for page in (goal2, goal3):
        assert "2,530人" in page
        assert "2,449人" in page
    note = "実績は同じ指標である基本目標3の「20～39歳女性人口」に記録されたものです。"
    assert note in goal2
    assert "実績は同じ指標である" not in goal3  # goal 3 shows its own results
    g21 = _indicator_page(client, "G2-1")  # 20～39歳女性の人口, recorded under goal 3's ③
    assert note in g21
    assert "平成27年度 2,530人" in g21
    assert "平成28年度 2,449人 (81人↓)" in g21
    rows = indicator_rows(nemuro, Indicator.objects.filter(code__in=["G2-1", "G3-3"]), shared=True)
    assert [[c.value_text for c in r.cells[:2]] for r in rows] == [["2,530人", "2,449人"]] * 2
    assert [r.progress.display for r in rows][0] == [r.progress.display for r in rows][1]


def test_a_measurement_is_shared_only_with_its_twin_and_only_when_asked(nemuro):
    ids = dict(Indicator.objects.filter(strategy=nemuro).values_list("code", "pk"))
    shared, own = lineages(nemuro, shared=True), lineages(nemuro)
    assert shared[ids["G2-1"]] == [ids["G2-1"], ids["G3-3"]]
    assert shared[ids["G3-3"]] == [ids["G3-3"], ids["G2-1"]]
    assert own[ids["G2-1"]] == [ids["G2-1"]]
    changed = {pk for pk in own if own[pk] != shared[pk]}
    assert changed == {ids["G2-1"], ids["G3-3"]}
