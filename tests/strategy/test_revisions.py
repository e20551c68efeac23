"""The tree as it stood at each revision, what each revision changed, and one continuous result
history for an indicator that a revision moved and re-targeted."""

from decimal import Decimal

import pytest

from kpi.models import Achievement, Indicator
from strategy.models import Measure, Policy, ProjectListing
from strategy.revisions import as_of, revision_changes


@pytest.fixture
def revisions(nemuro):
    return {r.sequence: r for r in nemuro.revisions.all()}


@pytest.mark.parametrize(
    ("sequence", "policies", "measures", "kpis", "listings"),
    [(1, 6, 16, 39, 94), (2, 7, 17, 41, 110), (3, 7, 17, 41, 126)],
)
def test_the_tree_at_each_revision(nemuro, revisions, sequence, policies, measures, kpis, listings):
    rev = revisions[sequence]
    assert Policy.objects.filter(strategy=nemuro).in_force_at(rev).count() == policies
    assert Measure.objects.filter(strategy=nemuro).in_force_at(rev).count() == measures
    assert (
        Indicator.objects.filter(strategy=nemuro).measure_level().in_force_at(rev).count() == kpis
    )
    assert (
        ProjectListing.objects.filter(measure__strategy=nemuro).in_force_at(rev).count() == listings
    )


def test_measure_3i2_as_the_2015_strategy_and_the_h28_report_print_it(nemuro, revisions):
    measure = Measure.objects.get(strategy=nemuro, code="3イ②")
    assert measure.name == "官民協働による地方創生の推進"
    (in_2015,) = as_of([measure], revisions[1])
    assert in_2015.name == "地方創生の計画的な推進と財政運営"
    assert "ふるさと納税制度の活用強化" in in_2015.description
    (in_2017,) = as_of([measure], revisions[2])
    assert in_2017.name == "官民協働による地方創生の推進"
    kpis_2015 = measure.indicators.in_force_at(revisions[1]).order_by("position")
    assert [k.target_text for k in kpis_2015] == [
        "5年で2名",
        "5年で総額10億円増加",
        "5年で総額10億円",
    ]
    assert [k.code for k in measure.indicators.in_force_at(revisions[2])] == ["3イ②-1"]
    # the fiscal year decides the structure: H28 used the 2015 strategy, H29 the 2017 revision
    assert nemuro.revision_for_year(2016) == revisions[1]
    assert nemuro.revision_for_year(2017) == revisions[2]
    assert nemuro.revision_for_year(2019) == revisions[2], "a draft is never in force"


def test_the_furusato_donation_kpi_moved_with_a_raised_target_and_one_history(nemuro, revisions):
    current = Indicator.objects.get(strategy=nemuro, code="3ウ①-1")
    old = current.predecessor
    assert old.code == "3イ②-2" and old.measure.code == "3イ②"
    assert (old.target_value, current.target_value) == (Decimal("10"), Decimal("100"))
    assert current.measure.code == "3ウ①"
    assert current.introduced_in == revisions[2] and old.retired_in == revisions[2]
    history = Achievement.objects.history_of(current).order_by("fiscal_year__year")
    assert [(a.fiscal_year.short_label, a.value, a.cumulative) for a in history] == [
        ("H27", Decimal("12.9"), Decimal("12.9")),
        ("H28", Decimal("33.1"), Decimal("46.0")),
    ]
    used = Indicator.objects.get(strategy=nemuro, code="3ウ①-2")
    assert (used.predecessor.target_value, used.target_value) == (Decimal("10"), Decimal("60"))


def test_what_the_2017_revision_changed(nemuro, revisions):
    changes = revision_changes(revisions[2])
    replaced = {(type(old).__name__, str(old), str(new)) for old, new in changes.replaced}
    assert (
        "Indicator",
        "3イ②-2 ふるさと納税制度を活用した寄附受納額",
        "3ウ①-1 ふるさと納税制度を活用した寄附受納額",
    ) in replaced
    assert any(
        type(new).__name__ == "ProjectListing" and new.measure.code == "3ウ①"
        for _, new in changes.replaced
    )
    added = {str(node) for node in changes.added}
    assert "3ウ①-3 ふるさと納税推進による経済波及効果" in added
    assert "3ウ①-4 ふるさと納税推進による雇用者誘発人数" in added
    assert "(ウ) 地方創生の計画的な推進" in added
    renamed = [(a.old_value, a.new_value) for a in changes.amendments if a.field == "name"]
    assert ("地方創生の計画的な推進と財政運営", "官民協働による地方創生の推進") in renamed
    assert not changes.retired, "everything the 2017 revision removed has a successor"


def test_what_the_2018_draft_changed(nemuro, revisions):
    changes = revision_changes(revisions[3])
    added_projects = {n.project.name for n in changes.added if isinstance(n, ProjectListing)}
    assert {
        "幼児発達相談事業",
        "新生児聴覚検査費助成事業",
        "花咲線利用促進PR事業",
    } <= added_projects
    content = {(a.old_value, a.new_value) for a in changes.amendments if a.field == "content"}
    assert (
        "給付対象の拡大(中高生入院)",
        "給付対象の拡大(中高生入院) 給付対象の拡大(中高生入院外)",
    ) in content


@pytest.mark.parametrize(("marker", "sequence"), [("H29新規", 2), ("H30新規", 3), ("H31新規", 3)])
def test_projects_marked_new_in_a_year_come_from_that_years_revision(
    nemuro, revisions, marker, sequence
):
    listings = ProjectListing.objects.filter(measure__strategy=nemuro, category__startswith=marker)
    assert listings.exists()
    assert {listing.introduced_in.sequence for listing in listings} == {sequence}


def test_every_kind_of_revisioned_node_is_found_in_the_order_of_the_document():
    from strategy.models.revisioned import revisioned_models

    names = [model.__name__ for model in revisioned_models()]
    assert names == [
        "BasicGoal",
        "GoalDirection",
        "Policy",
        "Measure",
        "Indicator",
        "ProjectListing",
    ]
    for model in revisioned_models():
        assert model.tree_ordering(), model
