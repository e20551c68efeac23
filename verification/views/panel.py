"""有識者会議の検証ページ (panel members and the secretariat): the years × goals grid, one page per
year and goal with all its evidence, every member's draft and the member's own draft form, and the
secretariat's final verdict. The reads live in verification.selectors.panel, the writes in
verification.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from strategy.access import get_staff_strategy, staff_required

from ..forms import PanelDraftForm, PanelRecordForm, add_service_errors
from ..selectors.panel import panel_index_page, panel_review_page, panel_target
from ..services import panel_draft_save, panel_review_record

DRAFT_PERMISSION = "verification.draft_panelreview"
RECORD_PERMISSION = "verification.change_panelreview"


def _index_crumb(strategy):
    return (reverse("staff:panel_index", kwargs={"slug": strategy.slug}), _("有識者会議の検証"))


def _page_url(strategy, year: int, number: int, anchor: str = "") -> str:
    url = reverse(
        "staff:panel_review", kwargs={"slug": strategy.slug, "year": year, "number": number}
    )
    return f"{url}#{anchor}" if anchor else url


@staff_required(DRAFT_PERMISSION)
def panel_index(request, slug):
    """Queries: the strategy (1), then those of ``panel_index_page`` (5)."""
    strategy = get_staff_strategy(request.user, slug, DRAFT_PERMISSION)
    context = panel_index_page(strategy, request.user)
    context.update(strategy=strategy, breadcrumbs=[(None, _("有識者会議の検証"))])
    return render(request, "staff/panel_index.html", context)


def _render_review(request, strategy, target, *, draft_form=None, record_form=None):
    can_record = request.user.has_perm(RECORD_PERMISSION)
    context = panel_review_page(strategy, target, request.user)
    if draft_form is None:
        draft_form = PanelDraftForm.for_draft(context["own_draft"], prefix="draft")
    if record_form is None and can_record:
        start = request.GET.get("start", "")
        chosen = next((d for d in context["drafts"] if str(d.pk) == start), None)
        record_form = PanelRecordForm.starting_from(
            review=context["review"],
            opinions=context["opinions"],
            draft=chosen,
            prefix="record",
        )
        context["start_draft"] = chosen
    goal, fiscal_year = context["goal"], context["fiscal_year"]
    context.update(
        strategy=strategy,
        draft_form=draft_form,
        record_form=record_form,
        can_record=can_record,
        breadcrumbs=[
            _index_crumb(strategy),
            (None, f"{fiscal_year.short_label} {goal.label}"),
        ],
    )
    return render(request, "staff/panel_review.html", context)


@staff_required(DRAFT_PERMISSION)
@require_http_methods(["GET", "POST"])
def panel_review(request, slug, year, number):
    """GET: the evidence, the drafts and the forms. POST: save the user's own draft.

    Queries (GET): the strategy (1), ``panel_target`` (3), ``panel_review_page`` (13)."""
    strategy = get_staff_strategy(request.user, slug, DRAFT_PERMISSION)
    target = panel_target(strategy, year, number)
    if request.method != "POST":
        return _render_review(request, strategy, target)
    form = PanelDraftForm(request.POST, prefix="draft")
    if form.is_valid():
        try:
            panel_draft_save(
                goal=target.goal,
                fiscal_year=target.fiscal_year,
                author=request.user,
                grade=form.cleaned_data["grade"],
                supplementary_opinion=form.cleaned_data["supplementary_opinion"],
                opinions=form.opinion_list(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("検証結果の案を保存しました。"))
            return redirect(_page_url(strategy, year, number, "own-draft"))
    messages.error(request, _("案を保存できませんでした。入力内容を確認してください。"))
    return _render_review(request, strategy, target, draft_form=form)


@staff_required(RECORD_PERMISSION)
@require_POST
def panel_record(request, slug, year, number):
    """The secretariat records the final verdict (検証結果, 付帯意見, 意見等)."""
    strategy = get_staff_strategy(request.user, slug, RECORD_PERMISSION)
    target = panel_target(strategy, year, number)
    form = PanelRecordForm(request.POST, prefix="record")
    if form.is_valid():
        try:
            panel_review_record(
                goal=target.goal,
                fiscal_year=target.fiscal_year,
                grade=form.cleaned_data["grade"],
                supplementary_opinion=form.cleaned_data["supplementary_opinion"],
                opinions=form.opinion_list(),
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if target.fiscal_year.is_published:
                done = _("有識者会議の検証結果を記録しました。公開ページに表示されます。")
            else:
                done = _(
                    "有識者会議の検証結果を記録しました。年度の公表後に公開ページに表示されます。"
                )
            messages.success(request, done)
            return redirect(_page_url(strategy, year, number, "final"))
    messages.error(request, _("検証結果を記録できませんでした。入力内容を確認してください。"))
    return _render_review(request, strategy, target, record_form=form)
