"""Who may see which year's report: a published year for everyone, an unpublished one only for
members of the strategy's municipality whose role has ``strategy.view_unpublished`` (a preview, marked 未公表（プレビュー）). A published report
shows published results only; a preview shows what is recorded."""

from django.http import Http404
from django.utils.translation import gettext as _

from strategy.access import can_view_unpublished, get_public_strategy
from strategy.models import FiscalYear, Strategy

PREVIEW_MARK = "未公表（プレビュー）"


def report_year(user, slug: str, year: int) -> tuple[Strategy, FiscalYear, bool]:
    """The strategy and fiscal year of a report, and whether it is a preview. 404 for an unknown
    strategy or year, and for an unpublished year unless `user` may view unpublished years."""
    strategy = get_public_strategy(slug)
    fiscal_year = FiscalYear.objects.filter(strategy=strategy, year=year).first()
    if fiscal_year is None:
        raise Http404(_("この年度の効果検証調書はありません。"))
    if fiscal_year.is_published:
        return strategy, fiscal_year, False
    if can_view_unpublished(user, strategy):
        return strategy, fiscal_year, True
    raise Http404(_("この年度の効果検証調書はありません。"))


def report_years(strategy: Strategy, user) -> list[FiscalYear]:
    """Years with a report: the published ones, and for users who may view unpublished years all
    of the strategy's years (the others are previews). One query, with each year's report row."""
    years = FiscalYear.objects.for_strategy(strategy).select_related("report")
    if not can_view_unpublished(user, strategy):
        years = years.published()
    return list(years)
