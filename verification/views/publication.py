"""Year publication (事務局 only): every fiscal year of a strategy with its state, what it holds and
its publication records; publishing a year, or withdrawing it with a reason. A year's results and
verdicts reach the public pages, charts and downloads only while it is published."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from strategy.access import get_staff_strategy, staff_required
from strategy.models import FiscalYear

from ..forms import WithdrawForm
from ..selectors.publication import publication_records, publication_years
from ..services import fiscal_year_publish, fiscal_year_withdraw

PERMISSION = "strategy.publish_fiscalyear"


def _fiscal_year(strategy, year: int) -> FiscalYear:
    return get_object_or_404(FiscalYear, strategy=strategy, year=year)


def _render_list(
    request, strategy, *, failed_year: int | None = None, failed_form=None, status=200
):
    """The list, each published year with an empty withdrawal form, except the year whose
    withdrawal was just refused: that one keeps what was typed and its error."""
    years = publication_years(strategy)
    for fiscal_year in years:
        if fiscal_year.year == failed_year:
            fiscal_year.withdraw_form = failed_form
        else:
            fiscal_year.withdraw_form = WithdrawForm(auto_id=f"id_%s_{fiscal_year.year}")
    breadcrumbs = [(None, _("年度の公表・取り下げ"))]
    context = {
        "strategy": strategy,
        "years": years,
        "records": publication_records(years),
        "breadcrumbs": breadcrumbs,
    }
    return render(request, "staff/publication.html", context, status=status)


@staff_required(PERMISSION)
def publication_list(request, slug):
    """Queries: the strategy (1), the years with their counts (1), the publication records (1)."""
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    return _render_list(request, strategy)


@staff_required(PERMISSION)
@require_POST
def publish(request, slug, year):
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    fiscal_year = _fiscal_year(strategy, year)
    try:
        fiscal_year_publish(fiscal_year=fiscal_year, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(year)sを公表しました。実績と検証結果が公開ページに表示されます。")
            % {"year": fiscal_year.long_label},
        )
    return redirect(reverse("staff:publication", kwargs={"slug": strategy.slug}))


@staff_required(PERMISSION)
@require_POST
def withdraw(request, slug, year):
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    fiscal_year = _fiscal_year(strategy, year)
    form = WithdrawForm(request.POST, auto_id=f"id_%s_{fiscal_year.year}")
    if not form.is_valid():
        messages.error(
            request, _("%(year)sは取り下げていません。") % {"year": fiscal_year.long_label}
        )
        return _render_list(request, strategy, failed_year=fiscal_year.year, failed_form=form)
    try:
        fiscal_year_withdraw(
            fiscal_year=fiscal_year, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(year)sの公表を取り下げました。実績と検証結果は公開ページに表示されません。")
            % {"year": fiscal_year.long_label},
        )
    return redirect(reverse("staff:publication", kwargs={"slug": strategy.slug}))
