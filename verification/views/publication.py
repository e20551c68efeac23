"""Year publication (事務局 only): every fiscal year of a strategy with its state, what it holds and
its publication records; a year's readiness check (departments not accepted, empty indicators,
measures without an internal verdict, goals without a panel verdict) with the confirmation that
publishes it (a checkbox, and a reason when the check lists gaps); withdrawing a published year
with a reason. A year's results and verdicts reach the public pages, charts and downloads only
while it is published."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from strategy.access import get_staff_strategy, staff_required
from strategy.models import FiscalYear

from ..cycle.forms import PublishForm
from ..forms import WithdrawForm, add_service_errors
from ..selectors.publication import (
    publication_readiness,
    publication_records,
    publication_years,
)
from ..services import fiscal_year_publish, fiscal_year_withdraw

PERMISSION = "strategy.publish_fiscalyear"


def _fiscal_year(strategy, year: int) -> FiscalYear:
    fiscal_year = get_object_or_404(FiscalYear, strategy=strategy, year=year)
    fiscal_year.strategy = strategy
    return fiscal_year


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


def _render_check(request, strategy, fiscal_year, *, form=None, status=200):
    readiness = publication_readiness(strategy, fiscal_year)
    list_url = reverse("staff:publication", kwargs={"slug": strategy.slug})
    context = {
        "strategy": strategy,
        "fiscal_year": fiscal_year,
        "readiness": readiness,
        "form": form or PublishForm(),
        "breadcrumbs": [
            (list_url, _("年度の公表・取り下げ")),
            (None, _("%(year)sの公表前の確認") % {"year": fiscal_year.short_label}),
        ],
    }
    return render(request, "staff/publication_check.html", context, status=status)


@staff_required(PERMISSION)
def publication_check(request, slug, year):
    """The readiness check of one year and the form that publishes it.
    Queries: the strategy (1), the year (1), ``publication_readiness`` (10 at most)."""
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    return _render_check(request, strategy, _fiscal_year(strategy, year))


@staff_required(PERMISSION)
@require_POST
def publish(request, slug, year):
    """Publish a year once its readiness check is confirmed (and, with gaps, a reason given): a
    refused confirmation or reason shows the check again with the message next to its field;
    any other refusal (already published) goes back to the list with the message."""
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    fiscal_year = _fiscal_year(strategy, year)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _render_check(request, strategy, fiscal_year, form=form)
    try:
        fiscal_year_publish(
            fiscal_year=fiscal_year,
            user=request.user,
            reason=form.cleaned_data["reason"],
            confirmed=form.cleaned_data["confirmed"],
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_errors(form, error)
            return _render_check(request, strategy, fiscal_year, form=form)
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
