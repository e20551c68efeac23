"""The revision in force in a fiscal year, for the verification pages: the one rule
(``Strategy.revision_for_year``, i.e. ``strategy.models.revision_in_force``), with a 404 when no
adopted revision applies that year."""

from django.http import Http404
from django.utils.translation import gettext as _

from strategy.models import Revision, Strategy

NO_REVISION = "この年度に効力のある総合戦略の版がありません。"


def revision_for_year_or_404(strategy: Strategy, year: int) -> Revision:
    """``strategy.revision_for_year(year)``, or 404 when no adopted revision is in force in
    `year`. Queries: 1, none when the strategy instance already asked for that year."""
    try:
        return strategy.revision_for_year(year)
    except Revision.DoesNotExist as error:
        raise Http404(_(NO_REVISION)) from error
