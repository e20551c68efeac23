"""Corrections of published results for staff (kpi.corrections): the correction form of one
indicator in a published year (a department member requests, the secretariat corrects at once),
and the list of requests with approve / reject for the secretariat."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kpi import corrections
from kpi.corrections.forms import CorrectionForm, RejectForm
from kpi.entry.page import EntryRow, input_values
from kpi.models import Correction, Indicator
from strategy.access import (
    get_staff_strategy,
    has_perm_for,
    role_has_perm,
    role_in,
    scoped,
    staff_required,
)
from strategy.models import FiscalYear

PERM = "kpi.change_achievement"  # who works on results at all: departments and the secretariat


def _indicator_for(user, strategy, code: str) -> Indicator:
    """One of the strategy's indicators the user works on: 404 for another department's."""
    found = scoped(Indicator.objects.filter(strategy=strategy, code=code), user).with_tree()
    indicator = found.first()
    if indicator is None:
        raise Http404(_("指標が見つかりません。"))
    indicator.strategy = strategy
    return indicator


def _correction_for(user, strategy, pk: int) -> Correction:
    corrections_here = scoped(
        Correction.objects.filter(indicator__strategy=strategy), user, readable_only=False
    ).select_related("indicator", "indicator__strategy", "fiscal_year")
    return get_object_or_404(corrections_here, pk=pk)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@staff_required(PERM)
@require_http_methods(["GET", "HEAD", "POST"])
def correction_new(request, slug, year, code):
    strategy = get_staff_strategy(request.user, slug, PERM)
    indicator = _indicator_for(request.user, strategy, code)
    fiscal_year = get_object_or_404(FiscalYear, strategy=strategy, year=year)
    fiscal_year.strategy = strategy
    if not fiscal_year.is_published:
        messages.info(
            request,
            _("%(year)sはまだ公表されていません。実績の入力画面で変更してください。")
            % {"year": fiscal_year.short_label},
        )
        return redirect("staff:year_entry", slug=slug, year=year)
    may_apply = has_perm_for(request.user, corrections.APPLY_PERM, indicator)
    if not may_apply and not has_perm_for(request.user, corrections.REQUEST_PERM, indicator):
        raise PermissionDenied
    current = corrections.current_result(indicator, fiscal_year)
    initial = input_values(EntryRow(indicator, current=current))
    form = CorrectionForm(request.POST or None, indicator=indicator, initial=initial)
    if request.method == "POST" and form.is_valid():
        service = corrections.correction_apply if may_apply else corrections.correction_request
        try:
            service(
                indicator=indicator,
                fiscal_year=fiscal_year,
                new=form.corrected_values(),
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            params = {"code": indicator.code, "year": fiscal_year.short_label}
            messages.success(
                request,
                (
                    _("%(code)sの%(year)sの実績を訂正しました。訂正履歴に公開されます。")
                    if may_apply
                    else _(
                        "%(code)sの%(year)sの実績の訂正を申請しました。事務局の承認をお待ちください。"
                    )
                )
                % params,
            )
            return redirect("staff:correction_index", slug=slug)
    pending = Correction.objects.pending().filter(indicator=indicator, fiscal_year=fiscal_year)
    return render(
        request,
        "staff/correction_form.html",
        {
            "strategy": strategy,
            "indicator": indicator,
            "fiscal_year": fiscal_year,
            "current": current,
            "current_text": _current_text(indicator, current),
            "form": form,
            "may_apply": may_apply,
            "pending": list(pending),
            "breadcrumbs": [
                (
                    reverse("staff:year_entry", kwargs={"slug": slug, "year": year}),
                    f"{fiscal_year.short_label}の実績",
                ),
                (None, _("実績の訂正")),
            ],
        },
    )


def _current_text(indicator, current) -> str:
    if current is None:
        return _("未登録")
    return Correction(
        indicator=indicator,
        old_state=current.state,
        old_value=current.value,
        old_cumulative=current.cumulative,
        old_note=current.note,
    ).old_text


@staff_required(PERM)
@require_http_methods(["GET", "HEAD"])
def correction_index(request, slug):
    strategy = get_staff_strategy(request.user, slug, PERM)
    mine = scoped(
        Correction.objects.filter(indicator__strategy=strategy), request.user, readable_only=False
    ).with_subject()
    may_decide = request.user.is_superuser or role_has_perm(
        role_in(request.user, strategy.municipality_id), corrections.APPLY_PERM
    )
    return render(
        request,
        "staff/correction_index.html",
        {
            "strategy": strategy,
            "pending": list(mine.pending()),
            "decided": list(mine.exclude(status=Correction.Status.REQUESTED)[:50]),
            "may_decide": may_decide,
            "reject_form": RejectForm(),
            "breadcrumbs": [(None, _("公表後の訂正"))],
        },
    )


@staff_required(corrections.APPLY_PERM)
@require_http_methods(["POST"])
def correction_decide(request, slug, pk):
    strategy = get_staff_strategy(request.user, slug, corrections.APPLY_PERM)
    correction = _correction_for(request.user, strategy, pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            corrections.correction_approve(correction=correction, user=request.user)
            messages.success(
                request,
                _("%(code)sの%(year)sの訂正を承認しました。訂正履歴に公開されます。")
                % {"code": correction.indicator.code, "year": correction.fiscal_year.short_label},
            )
        elif action == "reject":
            form = RejectForm(request.POST)
            note = form.cleaned_data["decision_note"] if form.is_valid() else ""
            corrections.correction_reject(correction=correction, user=request.user, note=note)
            messages.success(
                request,
                _("%(code)sの%(year)sの訂正の申請を却下しました。実績は変わっていません。")
                % {"code": correction.indicator.code, "year": correction.fiscal_year.short_label},
            )
        else:
            messages.error(request, _("承認か却下を選んでください。"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("staff:correction_index", slug=slug)
