"""Staff pages of the Excel round trip: download a year's entry sheet, upload it, watch it being
checked, read the preview and confirm. Everything is in kpi/imports/ (the upload form in
kpi/imports/forms.py); these views only pass requests to it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strategy.access import ALL, department_ids, get_staff_strategy, staff_required
from strategy.models import FiscalYear

from .. import imports
from ..imports.forms import ImportUploadForm
from ..models import ImportJob
from ..plausibility import CONFIRM_LABEL

PERM = "kpi.change_achievement"


def _job_for(user, slug: str, pk: int) -> ImportJob:
    """The import job `pk` of the strategy `slug`, for a member of its municipality who may
    enter results there; a department member reaches only the jobs they uploaded (404
    otherwise). Every job view calls this."""
    strategy = get_staff_strategy(user, slug, PERM)
    jobs = ImportJob.objects.select_related(
        "strategy__municipality", "fiscal_year", "user", "applied_by"
    ).filter(strategy=strategy)
    if department_ids(user, strategy.municipality_id) is not ALL:
        jobs = jobs.filter(user=user)
    return get_object_or_404(jobs, pk=pk)


def _upload_breadcrumbs(strategy, current: str | None = None):
    url = reverse("staff:import_upload", kwargs={"slug": strategy.slug})
    label = _("%(strategy)s：Excelで実績を一括入力") % {"strategy": strategy.name}
    return [(url, label), (None, current)] if current else [(None, label)]


@staff_required(PERM)
@require_GET
def entry_sheet(request, slug, year):
    strategy = get_staff_strategy(request.user, slug, PERM)
    if year not in strategy.fiscal_year_range:
        raise Http404(_("計画期間の外の年度です。"))
    fiscal_year = get_object_or_404(FiscalYear, strategy=strategy, year=year)
    content = imports.entry_sheet_xlsx(
        strategy=strategy,
        fiscal_year=fiscal_year,
        department_ids=department_ids(request.user, strategy.municipality_id),
    )
    response = HttpResponse(content, content_type=imports.XLSX_CONTENT_TYPE)
    filename = imports.entry_sheet_filename(strategy, fiscal_year)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required(PERM)
@require_http_methods(["GET", "POST"])
def import_upload(request, slug):
    strategy = get_staff_strategy(request.user, slug, PERM)
    form = ImportUploadForm(request.POST or None, request.FILES or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_create(
                strategy=strategy,
                fiscal_year=form.cleaned_data["fiscal_year"],
                user=request.user,
                filename=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(job)
    if not form.is_bound:
        unpublished = [y for y, fy in form.years.items() if not fy.is_published]
        form.initial["fiscal_year"] = unpublished[0] if unpublished else None
    jobs = (
        ImportJob.objects.filter(strategy=strategy)
        .select_related("strategy", "fiscal_year", "user")
        .defer("data", "preview", "errors")[:10]
    )
    return render(
        request,
        "staff/import_upload.html",
        {
            "strategy": strategy,
            "form": form,
            "years": list(form.years.values()),
            "jobs": jobs,
            "breadcrumbs": _upload_breadcrumbs(strategy),
        },
    )


@staff_required(PERM)
@require_http_methods(["GET", "POST"])
def import_job(request, slug, pk):
    job = _job_for(request.user, slug, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "continue":
            imports.import_advance(job=job)
        elif action == "apply":
            try:
                job = imports.import_apply(
                    job=job,
                    user=request.user,
                    # the rows that jumped against last year, confirmed on the form
                    confirmed=request.POST.get("confirm_jumps") == "on",
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                summary = imports.preview_summary(job.preview)
                messages.success(
                    request,
                    _("%(year)sの実績に反映しました（新規%(new)s件・更新%(update)s件）。")
                    % {"year": job.fiscal_year.short_label, **summary},
                )
        return redirect(job)
    preview = job.preview
    return render(
        request,
        "staff/import_job.html",
        {
            "strategy": job.strategy,
            "job": job,
            "rows": [
                {**row, "kind_label": imports.PreviewKind(row["kind"]).label} for row in preview
            ],
            "error_rows": [row for row in preview if row["errors"]],
            "warning_rows": imports.preview_warnings(preview),
            "confirm_label": CONFIRM_LABEL,
            "summary": imports.preview_summary(preview),
            "progress_label": imports.progress_label(job),
            "breadcrumbs": _upload_breadcrumbs(
                job.strategy,
                _("取り込み #%(pk)s（%(file)s）") % {"pk": job.pk, "file": job.filename},
            ),
        },
    )


@staff_required(PERM)
@require_GET
def import_status(request, slug, pk):
    """Progress of a job being checked, as JSON. Each call checks the next chunk of rows (a dry
    run: results are never written here), so the page that polls it drives the check."""
    job = imports.import_advance(job=_job_for(request.user, slug, pk))
    return JsonResponse(
        {
            "processed": job.processed_rows,
            "total": job.total_rows,
            "status": job.status,
            "label": imports.progress_label(job),
        }
    )
