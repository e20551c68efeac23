"""The year-entry screen for staff: choose a fiscal year, then every indicator in force that year
on one form, saved all at once or not at all."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kpi import corrections
from kpi.entry import forms, page, save
from strategy.access import department_ids, get_staff_strategy, staff_required


@staff_required("kpi.change_achievement")
@require_http_methods(["GET", "HEAD"])
def year_entry_index(request, slug):
    strategy = get_staff_strategy(request.user, slug, "kpi.change_achievement")
    return render(
        request,
        "staff/year_entry_index.html",
        {
            "strategy": strategy,
            "years": page.year_entry_years(
                strategy, department_ids(request.user, strategy.municipality_id)
            ),
            "breadcrumbs": [(None, _("実績の入力（年度別）"))],
        },
    )


@staff_required("kpi.change_achievement")
@require_http_methods(["GET", "HEAD", "POST"])
def year_entry(request, slug, year):
    strategy = get_staff_strategy(request.user, slug, "kpi.change_achievement")
    entry_page = page.year_entry_page(
        strategy, year, department_ids(request.user, strategy.municipality_id)
    )
    fiscal_year = entry_page.fiscal_year
    if request.method == "POST" and entry_page.read_only:
        # a published year changes only by a correction (kpi.corrections): nothing is read
        messages.error(request, corrections.locked_message(fiscal_year))
        return redirect(request.path)
    if request.method == "POST":
        formset = forms.YearEntryFormSet(request.POST.copy(), page=entry_page)
        if formset.is_valid():
            try:
                result = save.achievements_save_year(
                    strategy=strategy,
                    fiscal_year=fiscal_year,
                    rows=formset.changed_rows(),
                    user=request.user,
                )
            except save.RowErrors as refusal:
                formset.refuse(refusal)
            except ValidationError as refusal:  # published while the form was open
                formset.refuse_all(" ".join(refusal.messages))
            except IntegrityError:
                formset.refuse_all(
                    _(
                        "他の職員が同時に保存したため、保存できませんでした。"
                        "何も保存されていません。もう一度保存してください。"
                    )
                )
            else:
                if result.saved:
                    messages.success(
                        request,
                        _(
                            "%(year)sの実績を保存しました（新規 %(created)d件・更新 %(updated)d件）。"
                        )
                        % {
                            "year": fiscal_year.short_label,
                            "created": result.created,
                            "updated": result.updated,
                        },
                    )
                else:
                    messages.info(request, _("変更はありませんでした。"))
                return redirect(request.path)
    else:
        formset = forms.YearEntryFormSet(page=entry_page)
    previous_year, next_year = entry_page.neighbours
    return render(
        request,
        "staff/year_entry.html",
        {
            "strategy": strategy,
            "page": entry_page,
            "fiscal_year": fiscal_year,
            "formset": formset,
            "goals": _group(formset),
            "previous_year": previous_year,
            "next_year": next_year,
            "breadcrumbs": [
                (
                    reverse("staff:year_entry_index", kwargs={"slug": slug}),
                    _("実績の入力（年度別）"),
                ),
                (None, f"{fiscal_year.short_label} {fiscal_year.long_label}"),
            ],
        },
    )


def _group(formset) -> list[dict]:
    """The rows by goal (数値目標 first), then by measure, in the order of the form."""
    goals: dict = {}
    unknown = []
    for form in formset.forms:
        if form.row is None:
            unknown.append(form)
            continue
        indicator = form.row.indicator
        goal = goals.setdefault(indicator.goal.pk, {"goal": indicator.goal, "groups": {}})
        key = indicator.measure_id or 0
        group = goal["groups"].setdefault(
            key,
            {
                "measure": indicator.measure,
                "caption": (
                    f"{indicator.measure.code} {indicator.measure.name}"
                    if indicator.measure_id
                    else _("数値目標")
                ),
                "forms": [],
            },
        )
        group["forms"].append(form)
    grouped = [{"goal": g["goal"], "groups": list(g["groups"].values())} for g in goals.values()]
    if unknown:
        grouped.append(
            {
                "goal": None,
                "groups": [
                    {"measure": None, "caption": _("構成に含まれない指標"), "forms": unknown}
                ],
            }
        )
    return grouped
