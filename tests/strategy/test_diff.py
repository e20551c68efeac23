"""Where two wordings differ (strategy/diff.py), for the revision history: character level for
Japanese, numbers whole, no one-character confetti. Pure function, no database."""

import pytest

from strategy.diff import ADDED, REMOVED, SAME, Run, wording_diff


def text(runs, *kinds):
    return "".join(run.text for run in runs if run.kind in kinds)


def test_a_removed_okurigana_is_marked_alone():
    runs = wording_diff("子育てに取り組む環境", "子育てに取組む環境")
    assert runs == [Run(SAME, "子育てに取"), Run(REMOVED, "り"), Run(SAME, "組む環境")]


def test_an_appended_category_is_one_addition():
    assert wording_diff("H28拡充", "H28拡充 拡充") == [Run(SAME, "H28拡充"), Run(ADDED, " 拡充")]


def test_a_number_is_replaced_whole():
    runs = wording_diff("5年で総額10億円増加", "5年で総額100億円増加")
    assert runs == [
        Run(SAME, "5年で総額"),
        Run(REMOVED, "10"),
        Run(ADDED, "100"),
        Run(SAME, "億円増加"),
    ]


def test_decimals_and_thousands_are_numbers_too():
    runs = wording_diff("年間延べ46,000人", "年間延べ46,500人")
    assert Run(REMOVED, "46,000") in runs and Run(ADDED, "46,500") in runs


def test_a_lone_common_character_between_changes_is_folded_in():
    runs = wording_diff("青い山", "赤い川")
    assert [run.kind for run in runs] == [REMOVED, ADDED]


def test_a_text_rewritten_through_is_shown_removed_then_added_whole():
    runs = wording_diff("地方創生の計画的な推進と財政運営", "まったく別の文")
    assert runs == [Run(REMOVED, "地方創生の計画的な推進と財政運営"), Run(ADDED, "まったく別の文")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "新しい文"),
        ("古い文", ""),
        ("同じ", "同じ"),
        ("推進を図るため、様々な", "推進を図るために、様々な"),
        ("第3子目以降保育料無料化", "第3子目以降保育料無料化\n第2子目以降保育料無料化(3歳未満)"),
        ("地方創生の計画的な推進と財政運営", "官民協働による地方創生の推進"),
    ],
)
def test_the_runs_rebuild_both_texts_and_never_repeat_a_kind(old, new):
    runs = wording_diff(old, new)
    assert text(runs, SAME, REMOVED) == old
    assert text(runs, SAME, ADDED) == new
    assert all(run.text for run in runs)
    assert all(a.kind != b.kind for a, b in zip(runs, runs[1:], strict=False))


def test_nothing_to_show_for_two_empty_texts():
    assert wording_diff("", "") == []
