"""内部検証結果の入力 (事務局 only): choose a year → every measure in force that year with its
reference grade and verdict → one measure's KPI evidence, reference grade (inputs and formula)
and the verdict form. Department staff and panel members get 403, anonymous users the login."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strategy.access import get_staff_strategy, staff_required
from strategy.models import FiscalYear

from ..forms import InternalReviewForm, add_service_errors
from ..selectors.internal import review_entry_page, review_year_page
from ..services import internal_review_record

PERMISSION = "verification.change_internalreview"


def _fiscal_year(strategy, year: int) -> FiscalYear:
    return get_object_or_404(FiscalYear, strategy=strategy, year=year)


def _index_url(strategy) -> str:
    return reverse("staff:internal_review_index", kwargs={"slug": strategy.slug})


def _year_url(strategy, fiscal_year) -> str:
    return reverse(
        "staff:internal_review_year", kwargs={"slug": strategy.slug, "year": fiscal_year.year}
    )


@staff_required(PERMISSION)
def internal_review_index(request, slug):
    """The strategy's fiscal years with how many verdicts each holds.
    Queries: the strategy (1), the years with their counts (1)."""
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    years = FiscalYear.objects.for_strategy(strategy).annotate(
        review_count=Count("internal_reviews")
    )
    context = {
        "strategy": strategy,
        "years": years,
        "breadcrumbs": [(None, _("内部検証結果の入力"))],
    }
    return render(request, "staff/internal_review_index.html", context)


@staff_required(PERMISSION)
def internal_review_year(request, slug, year):
    """Queries: the strategy (1), the year (1), review_year_page (10)."""
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    fiscal_year = _fiscal_year(strategy, year)
    context = {
        "strategy": strategy,
        "fiscal_year": fiscal_year,
        **review_year_page(strategy, fiscal_year),
        "breadcrumbs": [
            (_index_url(strategy), _("内部検証結果の入力")),
            (None, fiscal_year.long_label),
        ],
    }
    return render(request, "staff/internal_review_year.html", context)


@staff_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def internal_review_edit(request, slug, year, code):
    """GET: the evidence and the form (with the verdict so far). POST: record the verdict, then
    back to the year page; on an error the page comes back with what was typed."""
    strategy = get_staff_strategy(request.user, slug, PERMISSION)
    fiscal_year = _fiscal_year(strategy, year)
    page = review_entry_page(strategy, fiscal_year, code)
    measure, review = page["measure"], page["review"]
    reference = page["reference"].grade
    if request.method == "POST":
        form = InternalReviewForm(request.POST, reference=reference)
        if form.is_valid():
            try:
                internal_review_record(
                    measure=measure, fiscal_year=fiscal_year, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(measure)s の%(year)sの内部検証結果を保存しました。")
                    % {"measure": measure.code, "year": fiscal_year.long_label},
                )
                return redirect(_year_url(strategy, fiscal_year))
    else:
        initial = {}
        if review is not None:
            initial = {
                "grade": review.grade,
                "issues": review.issues,
                "departure_reason": review.departure_reason,
            }
        form = InternalReviewForm(initial=initial, reference=reference)
    context = {
        "strategy": strategy,
        "fiscal_year": fiscal_year,
        "form": form,
        **page,
        "breadcrumbs": [
            (_index_url(strategy), _("内部検証結果の入力")),
            (_year_url(strategy, fiscal_year), fiscal_year.long_label),
            (None, measure.code),
        ],
    }
    return render(request, "staff/internal_review_edit.html", context)
