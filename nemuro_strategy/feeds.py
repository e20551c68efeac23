"""Follow a strategy: an Atom feed of what it published (django.contrib.syndication).

Entries, newest first:
- each published fiscal year (``FiscalYear.published_at``): its results and verdicts reached the
  public pages, linked to that year's 効果検証調書;
- each published panel verdict (有識者会議の検証結果, one per goal and year), dated by its year's
  publication, linked to the goal page.

- each applied correction of a published year's result (訂正, ``kpi.models.Correction``), dated
  when it was applied, linked to the strategy's 訂正履歴 page.

Only published data: a withdrawn year (``published_at`` emptied) leaves the feed with its
verdicts and corrections.

Four queries: the strategy, its published years, their panel verdicts with their goals, the
corrections with their indicators and years."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from kpi.corrections import public_corrections
from strategy.access import get_public_strategy
from strategy.models import FiscalYear, Strategy
from verification.models import PanelReview


@dataclass
class Entry:
    title: str
    description: str
    link: str
    published: datetime
    updated: datetime


def feed_entries(strategy: Strategy) -> list[Entry]:
    """The feed's entries for `strategy`, newest first (publications before the verdicts they
    published when dated alike)."""
    slug = strategy.slug
    entries = []
    for year in FiscalYear.objects.published().filter(strategy=strategy).order_by("year"):
        entries.append(
            Entry(
                title=f"{year.long_label}の実績と検証結果を公表しました",
                description=(
                    f"{strategy.name}の{year.long_label}の数値目標・重要業績評価指標（KPI）の"
                    "実績と、内部検証・有識者会議の検証結果を公開しました。"
                ),
                link=reverse("verification:report", kwargs={"slug": slug, "year": year.year}),
                published=year.published_at,
                updated=year.published_at,
            )
        )
    reviews = (
        PanelReview.objects.published()
        .filter(goal__strategy=strategy)
        .select_related("goal", "fiscal_year")
        .order_by("fiscal_year__year", "goal__number")
    )
    for review in reviews:
        goal_url = reverse("strategy:goal", kwargs={"slug": slug, "number": review.goal.number})
        published = review.fiscal_year.published_at
        description = f"{review.goal.label}「{review.goal.title}」：{review.get_grade_display()}。"
        if review.supplementary_opinion:
            description += f"付帯意見：{review.supplementary_opinion}"
        entries.append(
            Entry(
                title=(
                    f"{review.goal.label}の有識者会議の検証結果（{review.fiscal_year.long_label}）："
                    f"{review.get_grade_display()}"
                ),
                description=description,
                link=f"{goal_url}#panel-{review.fiscal_year.year}",
                published=published,
                # a verdict edited after its year was published shows as updated then
                updated=max(published, review.updated_at),
            )
        )
    history = reverse("kpi:correction_history", kwargs={"slug": slug})
    for correction in public_corrections(strategy):
        indicator, year = correction.indicator, correction.fiscal_year
        entries.append(
            Entry(
                title=f"{indicator.code} {indicator.name}（{year.long_label}）の実績を訂正しました",
                description=(
                    f"訂正前：{correction.old_text}、訂正後：{correction.new_text}。"
                    f"訂正理由：{correction.reason}"
                ),
                link=f"{history}#correction-{correction.pk}",
                published=correction.decided_at,
                updated=correction.decided_at,
            )
        )
    entries.sort(key=lambda entry: entry.published, reverse=True)
    return entries


class StrategyFeed(Feed):
    """/s/<slug>/feed/: publications and panel verdicts of one strategy, in Atom."""

    feed_type = Atom1Feed
    language = "ja"

    def get_object(self, request, slug):
        return get_public_strategy(slug)

    def title(self, strategy):
        return f"{strategy.name}の公表のお知らせ"

    def subtitle(self, strategy):
        return (
            f"{strategy.municipality.name}が公表した{strategy.name}の年度ごとの実績と"
            "有識者会議の検証結果"
        )

    def link(self, strategy):
        return reverse("strategy:top", kwargs={"slug": strategy.slug})

    def feed_url(self, strategy):
        return reverse("strategy:feed", kwargs={"slug": strategy.slug})

    def author_name(self, strategy):
        return strategy.municipality.name

    def items(self, strategy):
        return feed_entries(strategy)

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.description

    def item_link(self, entry):
        return entry.link

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated


strategy_feed = StrategyFeed()
