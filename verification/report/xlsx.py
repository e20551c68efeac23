"""資料-1 「<strategy>（基本目標・KPI・事業）実績一覧」 of a report, as an Excel workbook (openpyxl).

Three sheets, each with a title row, a note row, an empty row and the header in row 4, data from
row 5 (``HEADER_ROW``):

- 基本目標: every goal in force that year, with the panel's verdict of each year up to the report's;
- 数値目標・KPI: every indicator in force that year (code, name, unit, 策定時, target, H27–H31 —
  values only up to the report's year, as numbers where they are numbers — the latest 累計, notes);
- 事業: every project listing in force that year, with the 事業量 lines its outputs of the report's
  year give.

"In force that year" follows the report: ``strategy.revision_for_year(year)``, worded as it stood
then, so the H28 list has the 2015 structure (49 indicators, 94 listings), not the rows of later
revisions nor retired ones."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from strategy.cells import keep_text
from strategy.models import ProjectListing
from strategy.revisions import as_of

from .access import PREVIEW_MARK
from .document import OutputEntry, Report

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 4
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WARN = Font(bold=True, color="8A3B00")
SHADE = PatternFill("solid", fgColor="EEF2F6")
WRAP = Alignment(wrap_text=True, vertical="top")


def shiryo1_xlsx_bytes(report: Report) -> bytes:
    """The workbook as bytes. Two queries beyond the report: the listings in force, and their
    wording at the report's revision."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _goal_sheet(workbook, report)
    _indicator_sheet(workbook, report)
    _listing_sheet(workbook, report, listings_in_force(report))
    buffer = io.BytesIO()
    keep_text(workbook)  # typed text such as "=…" is never run as a formula
    workbook.save(buffer)
    return buffer.getvalue()


def shiryo1_title(strategy) -> str:
    """「根室市創生総合戦略（基本目標・KPI・事業）実績一覧」: the workbook's title, also printed in the
    report's table of contents and on the list of reports."""
    return _("「%(name)s（基本目標・KPI・事業）実績一覧」") % {"name": strategy.name}


def output_label(report: Report) -> str:
    """「事業量（2カ年分）」 when the 事業量 cover several years."""
    if report.output_years > 1:
        return _("事業量（%(years)sカ年分）") % {"years": report.output_years}
    return _("事業量")


def entry_title(entry: OutputEntry) -> str:
    """「1 児童相談室設置事業【再掲】 ※…」: an entry's heading as the report prints it."""
    output, marks = entry.output, ""
    if output.reprint:
        marks += _("【再掲】")
    if output.private_sector:
        marks += _("【民間等】")
    title = f"{output.number} {output.title}{marks}".strip()
    return f"{title} {output.note}" if output.note else title


def listings_in_force(report: Report) -> list[ProjectListing]:
    listings = (
        ProjectListing.objects.filter(measure__strategy=report.strategy)
        .in_force_at(report.revision)
        .select_related("project")
    )
    return as_of(listings, report.revision)


def _sheet(workbook: Workbook, report: Report, name: str, header: list[str], widths: list[int]):
    sheet = workbook.create_sheet(name)
    sheet.cell(1, 1, f"{shiryo1_title(report.strategy)}（{report.year_label}）").font = TITLE
    note = _("%(year)sの効果検証（%(revision)sの構成）") % {
        "year": report.fiscal_year.long_label,
        "revision": report.revision,
    }
    sheet.cell(2, 1, note)
    if report.is_preview:
        sheet.cell(2, len(header), PREVIEW_MARK).font = WARN
    for column, (label, width) in enumerate(zip(header, widths, strict=True), start=1):
        cell = sheet.cell(HEADER_ROW, column, label)
        cell.font, cell.fill, cell.alignment = BOLD, SHADE, WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    return sheet


def _append(sheet, values: list) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.alignment = WRAP


def _goal_sheet(workbook: Workbook, report: Report) -> None:
    years = [fy.short_label for fy in report.review_years]
    header = [_("番号"), _("基本目標"), _("政策パッケージ")]
    header += [_("%(year)s 有識者会議の検証結果") % {"year": y} for y in years]
    sheet = _sheet(workbook, report, _("基本目標"), header, [8, 60, 14] + [22] * len(years))
    for section in report.goals:
        goal = section.goal
        verdicts = [row.grade_text for row in section.panel_reviews]
        _append(sheet, [goal.number, goal.title, goal.package, *verdicts])


def _number_format(decimals: int) -> str:
    return "#,##0" if not decimals else "#,##0." + "0" * decimals


def _indicator_sheet(workbook: Workbook, report: Report) -> None:
    labels = [fy.short_label for fy in report.years]
    header = [
        _("基本目標"),
        _("施策の基本的方向"),
        _("区分"),
        _("コード"),
        _("指標名"),
        _("単位"),
        _("策定時"),
        _("目標値"),
        _("目標"),
        *labels,
        _("累計（%(year)sまで）") % {"year": report.year_label},
        _("注記"),
    ]
    widths = [10, 36, 9, 11, 44, 8, 14, 10, 34] + [11] * len(labels) + [14, 34]
    sheet = _sheet(workbook, report, _("数値目標・KPI"), header, widths)
    numeric = {header.index(_("策定時")), header.index(_("目標値")), len(header) - 2}
    numeric |= {header.index(label) for label in labels}
    for section in report.goals:
        blocks = [(None, block) for block in section.indicators]
        for policy in section.policies:
            for measure in policy.measures:
                blocks += [(measure.measure, block) for block in measure.indicators]
        for measure, block in blocks:
            _append(sheet, _indicator_values(report, section.goal, measure, block))
            number_format = _number_format(block.indicator.decimals)
            for index, cell in enumerate(sheet[sheet.max_row]):
                if index in numeric and isinstance(cell.value, int | float | Decimal):
                    cell.number_format = number_format


def _indicator_values(report: Report, goal, measure, block) -> list:
    indicator = block.indicator
    baseline = indicator.baseline_text or indicator.baseline_value
    values, notes, cumulative = [], [], None
    for cell in block.row.cells:
        achievement = cell.achievement
        if cell.fiscal_year.year > report.fiscal_year.year or achievement is None:
            values.append(None)
            continue
        if achievement.text or achievement.value is None:
            values.append(cell.value_text)
        else:
            values.append(achievement.value)
        if achievement.cumulative is not None:
            cumulative = achievement.cumulative
        if achievement.note:
            notes.append(f"{cell.fiscal_year.short_label}: {achievement.note}")
    if indicator.baseline_note:
        notes.insert(0, _("策定時: %(note)s") % {"note": indicator.baseline_note})
    if indicator.footnote:
        notes.append(indicator.footnote)
    return [
        goal.label,
        f"{measure.code} {measure.name}" if measure else "",
        indicator.level_label,
        indicator.code,
        indicator.name,
        indicator.unit,
        baseline,
        indicator.target_value,
        indicator.target_text,
        *values,
        cumulative,
        "\n".join(notes),
    ]


def _listing_sheet(workbook: Workbook, report: Report, listings: list[ProjectListing]) -> None:
    header = [
        _("基本目標"),
        _("コード"),
        _("施策の基本的方向"),
        _("順序"),
        _("事業名"),
        _("再掲"),
        _("区分"),
        _("内容"),
        _("実施主体・連携先"),
        _("事業の実施状況（調書の表記）"),
        output_label(report),
    ]
    widths = [10, 8, 36, 6, 40, 6, 14, 40, 24, 40, 50]
    sheet = _sheet(workbook, report, _("事業"), header, widths)
    by_measure: dict[int, list[ProjectListing]] = {}
    for listing in sorted(listings, key=lambda item: item.position):
        by_measure.setdefault(listing.measure_id, []).append(listing)
    for section in report.goals:
        for policy in section.policies:
            for item in policy.measures:
                measure, shown = item.measure, set()
                outputs: dict[int, list[OutputEntry]] = {}
                for entry in item.outputs:
                    outputs.setdefault(entry.output.project_id, []).append(entry)
                for listing in by_measure.get(measure.pk, []):
                    # a project listed twice under one measure shows its outputs once
                    entries = (
                        [] if listing.project_id in shown else outputs.pop(listing.project_id, [])
                    )
                    shown.add(listing.project_id)
                    _append(sheet, _listing_values(section.goal, measure, listing, entries))
                for entries in outputs.values():  # outputs of a project not listed here
                    _append(sheet, _listing_values(section.goal, measure, None, entries))


def _listing_values(goal, measure, listing, entries: list[OutputEntry]) -> list:
    titles = "\n".join(entry_title(entry) for entry in entries)
    lines = "\n".join(line for entry in entries for line in entry.lines)
    if listing is None:
        project = entries[0].output.project.name
        return [
            goal.label,
            measure.code,
            measure.name,
            None,
            project,
            "",
            "",
            "",
            "",
            titles,
            lines,
        ]
    return [
        goal.label,
        measure.code,
        measure.name,
        listing.position,
        listing.project.name,
        _("再掲") if listing.reprint else "",
        listing.category,
        listing.content,
        listing.partner,
        titles,
        lines,
    ]
