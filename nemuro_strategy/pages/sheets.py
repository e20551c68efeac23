"""The A4 sheet of one goal (数値目標 with their charts, the panel's verdicts, the policies and
measures with their latest internal verdict): the public goal page (templates/strategy/
goal_detail.html, from ``selectors.goal_page``, so published years only) printed as a tagged PDF
by verification's printer, cached under the strategy's data version."""

from nemuro_strategy.pages import selectors
from strategy.access import get_public_strategy
from verification.report.pdf import pdf_cache_key, pdf_response
from verification.views.sheets import SHEET_STYLESHEETS


def goal_sheet(request, slug, number):
    strategy = get_public_strategy(slug)

    def context() -> dict:
        return {"strategy": strategy, **selectors.goal_page(strategy, number)}

    return pdf_response(
        request,
        key=pdf_cache_key(request, strategy, "goal-sheet", number),
        template="strategy/goal_detail.html",
        context=context,
        filename=f"goal-{number}.pdf",
        stylesheets=SHEET_STYLESHEETS,
    )
