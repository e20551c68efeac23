"""The 事業量 entry for staff: choose a fiscal year, then the 事業量 lines of one's projects in
force that year on one form (one goal at a time), saved all at once or not at all."""

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strategy import forms, selectors, services
from strategy.access import (
    department_ids,
    get_staff_strategy,
    role_has_perm,
    role_in,
    scoped,
    staff_required,
)
from strategy.models import FiscalYear, ProjectOutput

PERM = "strategy.change_projectoutput"


@staff_required(PERM)
@require_http_methods(["GET", "HEAD"])
def output_entry_index(request, slug):
    strategy = get_staff_strategy(request.user, slug, PERM)
    counts = dict(
        scoped(ProjectOutput.objects.filter(fiscal_year__strategy=strategy), request.user)
        .order_by()
        .values("fiscal_year")
        .annotate(n=Count("pk"))
        .values_list("fiscal_year", "n")
    )
    years = [
        (fiscal_year, counts.get(fiscal_year.pk, 0))
        for fiscal_year in FiscalYear.objects.filter(strategy=strategy).order_by("year")
    ]
    return render(
        request,
        "staff/outputs_index.html",
        {
            "strategy": strategy,
            "years": years,
            "breadcrumbs": [(None, _("事業量の入力（年度別）"))],
        },
    )


@staff_required(PERM)
@require_http_methods(["GET", "HEAD", "POST"])
def output_entry(request, slug, year):
    strategy = get_staff_strategy(request.user, slug, PERM)
    goal = request.GET.get("goal", "")
    page = selectors.output_entry_page(
        strategy,
        year,
        department_ids(request.user, strategy.municipality_id),
        int(goal) if goal.isdigit() else None,
    )
    fiscal_year = page.fiscal_year
    if request.method == "POST":
        formset = forms.OutputLineFormSet(request.POST.copy(), page=page)
        if formset.is_valid():
            try:
                result = services.project_outputs_save_year(
                    strategy=strategy,
                    fiscal_year=fiscal_year,
                    groups=formset.groups_input(),
                    user=request.user,
                )
            except services.OutputErrors as refusal:
                formset.refuse(refusal)
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
                            "%(year)sの事業量を保存しました"
                            "（追加 %(created)d行・更新 %(updated)d行・削除 %(deleted)d行）。"
                        )
                        % {
                            "year": fiscal_year.short_label,
                            "created": result.created,
                            "updated": result.updated,
                            "deleted": result.deleted,
                        },
                    )
                else:
                    messages.info(request, _("変更はありませんでした。"))
                return redirect(request.get_full_path())
    else:
        formset = forms.OutputLineFormSet(page=page)
    previous_year, next_year = page.neighbours
    return render(
        request,
        "staff/outputs_year.html",
        {
            "strategy": strategy,
            "page": page,
            "fiscal_year": fiscal_year,
            "formset": formset,
            "measures": forms.group_by_measure(formset),
            "may_delete": request.user.is_superuser
            or role_has_perm(
                role_in(request.user, strategy.municipality_id),
                "strategy.delete_projectoutputline",
            ),
            "previous_year": previous_year,
            "next_year": next_year,
            "breadcrumbs": [
                (
                    reverse("staff:output_entry_index", kwargs={"slug": slug}),
                    _("事業量の入力（年度別）"),
                ),
                (None, f"{fiscal_year.short_label} {fiscal_year.long_label}"),
            ],
        },
    )
