"""The 効果検証調書 as a PDF (reportlab platypus), with the content of the HTML page: the same
``verification.report.Report`` laid out on A4, every string set in IPAexGothic (embedded as a
subset), a table of contents with page numbers, PDF bookmarks, and a new page before each chapter
and each goal. A preview of an unpublished year says 未公表（プレビュー） on every page."""

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from .report import PREVIEW_MARK, IndicatorBlock, OutputEntry, Report, ReviewRow

FONT = "IPAexGothic"
MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN
GRID = colors.HexColor("#555555")
SHADE = colors.HexColor("#eef2f6")
WARN = colors.HexColor("#8a3b00")


def font_path() -> Path:
    import matplotlib_fontja

    return Path(matplotlib_fontja.__file__).parent / "fonts" / "ipaexg.ttf"


@functools.cache
def register_font() -> str:
    """Register IPAexGothic once per process (it has no bold face: bold maps to the same file)."""
    pdfmetrics.registerFont(TTFont(FONT, str(font_path())))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_font()
    base = ParagraphStyle(
        "base", fontName=FONT, bulletFontName=FONT, fontSize=9.5, leading=14.5, wordWrap="CJK"
    )

    def style(name, **kwargs):
        return ParagraphStyle(name, parent=base, **kwargs)

    return {
        "body": style("body", spaceAfter=4, firstLineIndent=9.5),
        "plain": style("plain", spaceAfter=3),
        "cover_strategy": style("cover_strategy", fontSize=18, leading=26, alignment=TA_CENTER),
        "cover_sub": style("cover_sub", fontSize=13, leading=20, alignment=TA_CENTER),
        "cover_title": style(
            "cover_title", fontSize=24, leading=34, alignment=TA_CENTER, spaceBefore=30
        ),
        "cover_goal": style("cover_goal", fontSize=11, leading=17, leftIndent=40, rightIndent=40),
        "cover_preview": style(
            "cover_preview", fontSize=16, leading=24, alignment=TA_CENTER, textColor=WARN
        ),
        "h1": style("h1", fontSize=15, leading=21, spaceBefore=6, spaceAfter=10, keepWithNext=1),
        "goal": style(
            "goal",
            fontSize=13,
            leading=19,
            spaceBefore=8,
            spaceAfter=8,
            borderWidth=1.2,
            borderColor=colors.black,
            borderPadding=6,
            keepWithNext=1,
        ),
        "h2": style("h2", fontSize=12, leading=18, spaceBefore=10, spaceAfter=5, keepWithNext=1),
        "h3": style("h3", fontSize=10.5, leading=16, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "h3_split": style("h3_split", fontSize=10.5, leading=16, spaceBefore=8, spaceAfter=4),
        "h4": style("h4", fontSize=10, leading=15, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "label": style("label", fontSize=9.5, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        # before a table long enough to split: kept with it by a CondPageBreak instead
        "label_split": style("label_split", fontSize=9.5, spaceBefore=6, spaceAfter=2),
        "bullet": style("bullet", leftIndent=12, firstLineIndent=-10, spaceAfter=2),
        "note": style("note", fontSize=8, leading=11.5, textColor=colors.HexColor("#444444")),
        "cell": style("cell", fontSize=8.5, leading=12.5),
        "cell_center": style("cell_center", fontSize=8.5, leading=12, alignment=TA_CENTER),
        "cell_small": style(
            "cell_small",
            fontSize=7.5,
            leading=10.5,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#444444"),
        ),
        "cell_num": style("cell_num", fontSize=8.5, leading=12, alignment=TA_RIGHT),
        "toc0": style("toc0", fontSize=10.5, leading=18, leftIndent=10),
        "toc1": style("toc1", fontSize=9.5, leading=15, leftIndent=28, firstLineIndent=-10),
    }


def para(text, style: str = "body", *, toc: int | None = None) -> Paragraph:
    """A paragraph of plain text (escaped); with `toc`, a heading listed in the contents."""
    flowable = Paragraph(escape(str(text)), styles()[style])
    if toc is not None:
        flowable.toc_level = toc
        flowable.toc_text = str(text)
    return flowable


def grid(rows, widths, *, header_rows: int = 1, shade_first_column: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # empty cells too: no Helvetica anywhere
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    if shade_first_column:
        commands.append(("BACKGROUND", (0, header_rows), (0, -1), SHADE))
    table.setStyle(TableStyle(commands))
    return table


class ReportDocument(BaseDocTemplate):
    """A4 pages with a running header and the page number; headings marked with `toc_level`
    feed the table of contents and the PDF outline."""

    def __init__(self, buffer, report: Report):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=20 * mm,
            bottomMargin=18 * mm,
            title=f"{report.title} {report.strategy.name}",
            author=str(report.strategy.municipality),
            subject=_("効果検証調書"),
            creator="nemuro-strategy",
            initialFontName=register_font(),  # not even the canvas's default Helvetica
        )
        self.report = report
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame], onPage=self.cover_page),
                PageTemplate(id="body", frames=[frame], onPage=self.body_page),
            ]
        )
        self._headings = 0

    def beforeDocument(self):
        self._headings = 0  # multiBuild lays the story out several times: keep keys stable

    def cover_page(self, canvas, doc):
        if self.report.is_preview:
            self._preview_mark(canvas)

    def body_page(self, canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#444444"))
        top = A4[1] - 12 * mm
        canvas.drawString(MARGIN, top, f"{self.report.strategy.name}　{self.report.title}")
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"- {doc.page} -")
        canvas.restoreState()
        if self.report.is_preview:
            self._preview_mark(canvas)

    def _preview_mark(self, canvas):
        canvas.saveState()
        canvas.setFont(FONT, 10)
        canvas.setFillColor(WARN)
        canvas.drawRightString(A4[0] - MARGIN, A4[1] - 12 * mm, PREVIEW_MARK)
        canvas.restoreState()

    def afterFlowable(self, flowable):
        level = getattr(flowable, "toc_level", None)
        if level is None:
            return
        self._headings += 1
        key = f"h{self._headings}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.toc_text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, escape(flowable.toc_text), self.page, key))


def report_pdf_bytes(report: Report) -> bytes:
    """The report as PDF bytes (no queries: everything comes from `report`)."""
    buffer = io.BytesIO()
    document = ReportDocument(buffer, report)
    document.multiBuild(story(report))
    return buffer.getvalue()


def story(report: Report) -> list:
    flowables = cover(report)
    toc = TableOfContents(
        levelStyles=[styles()["toc0"], styles()["toc1"]],
        tableStyle=TableStyle(
            [("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        ),
        dotsMinLevel=0,
    )
    flowables += [NextPageTemplate("body"), PageBreak(), para(_("目 次"), "h1"), toc]
    flowables += [PageBreak(), *chapter_one(report)]
    flowables += [PageBreak(), *chapter_two(report)]
    flowables += [PageBreak(), *chapter_three(report)]
    return keep_headings_with_next(flowables)


def keep_headings_with_next(flowables: list) -> list:
    """Headings (keepWithNext) glued to what follows. reportlab does this itself, except when the
    next flowable is a KeepTogether (an indicator table, a population target): then the heading
    joins that group, so no heading is left alone at the foot of a page."""
    result, pending = [], []
    for flowable in flowables:
        if isinstance(flowable, Paragraph) and flowable.getKeepWithNext():
            pending.append(flowable)
            continue
        if pending and isinstance(flowable, KeepTogether):
            flowable = KeepTogether(pending + list(flowable._content))
        elif pending:
            result += pending
        pending = []
        result.append(flowable)
    return result + pending


def cover(report: Report) -> list:
    items = [Spacer(1, 40 * mm), para(report.strategy.name, "cover_strategy")]
    if report.strategy.philosophy:
        items.append(para(f"～ {report.strategy.philosophy} ～", "cover_sub"))
    items.append(para(report.title, "cover_title"))
    if report.is_preview:
        items.append(para(PREVIEW_MARK, "cover_preview"))
    items.append(Spacer(1, 16 * mm))
    for section in report.goals:
        items += [para(section.goal.label, "cover_goal"), para(section.goal.title, "cover_goal")]
        items.append(Spacer(1, 4 * mm))
    items.append(Spacer(1, 20 * mm))
    if report.date_text:
        items.append(para(report.date_text, "cover_sub"))
    items.append(para(str(report.strategy.municipality), "cover_sub"))
    return items


def chapter_one(report: Report) -> list:
    ch, s = report.chapter1, styles()
    items = [para(_("第1章 総合戦略の効果検証に当たっての基本的な考え方"), "h1", toc=0)]
    items.append(para(_("1. 効果検証の目的"), "h2"))
    items += [para(text) for text in ch.purpose]
    if ch.philosophy:
        caption = _("表 戦略理念を実現するための%(count)sつの政策パッケージ（%(name)sより）") % {
            "count": len(ch.packages),
            "name": report.strategy.name,
        }
        rows = [
            [
                Paragraph(escape(f"【戦略理念】 {ch.philosophy}"), s["cell"]) if i == 0 else "",
                para(t, "cell"),
            ]
            for i, t in enumerate(ch.packages)
        ]
        table = grid(rows, [50 * mm, WIDTH - 50 * mm], header_rows=0, shade_first_column=True)
        table.setStyle(TableStyle([("SPAN", (0, 0), (0, len(rows) - 1))]))
        items.append(KeepTogether([para(caption, "label"), table]))
    items.append(para(ch.purpose_closing))

    items += [para(_("2. 効果検証の仕組み"), "h2"), para(ch.mechanism)]
    rows = [[para(_("項目"), "cell"), para(_("主な内容"), "cell")]]
    rows += [[para(item, "cell"), [para(t, "cell") for t in texts]] for item, texts in ch.pdca]
    caption = _("表 PDCAサイクルの考え方（%(name)sより）") % {"name": report.strategy.name}
    items += [
        para(caption, "label"),
        grid(rows, [38 * mm, WIDTH - 38 * mm], shade_first_column=True),
    ]
    items += [para(text) for text in ch.mechanism_closing]

    items.append(para(_("3. 効果検証の進め方"), "h2"))
    items.append(para(_("(1) %(body)sにおける検証") % {"body": ch.internal_body}, "h3"))
    items += [para(text) for text in ch.internal]
    items.append(para(_("(2) %(body)sにおける検証") % {"body": ch.panel_body}, "h3"))
    items += [para(text) for text in ch.panel]
    header = [
        _("基本目標"),
        _("施策"),
        _("施策の基本的方向"),
        _("市内部検証"),
        _("有識者会議（外部検証）"),
    ]
    rows, previous = [[para(h, "cell") for h in header]], (None, None)
    for row in report.overview:
        goal = row.goal if row.goal != previous[0] else ""
        policy = row.policy if (row.goal, row.policy) != previous else ""
        panel = row.panel if goal else ""
        rows.append([para(t, "cell") for t in (goal, policy, row.measure, row.internal, panel)])
        previous = (row.goal, row.policy)
    caption = _("表 効果検証の進め方（%(year)sの検証結果）") % {"year": report.year_label}
    widths = [40 * mm, 32 * mm, WIDTH - 40 * mm - 32 * mm - 2 * 26 * mm, 26 * mm, 26 * mm]
    items += [para(caption, "label"), grid(rows, widths)]
    items.append(para(_("(3) 検証基準"), "h3"))
    rows = [[para(_("検証結果の区分"), "cell"), para(_("考え方"), "cell")]]
    rows += [[para(label, "cell"), para(text, "cell")] for label, text in ch.grades]
    items.append(
        KeepTogether([para(_("表 検証基準"), "label"), grid(rows, [45 * mm, WIDTH - 45 * mm])])
    )
    items += [para(_("4. 市民意識調査の実施"), "h2"), para(ch.survey)]
    return items


def chapter_two(report: Report) -> list:
    pop = report.population
    items = [para(_("第2章 人口の将来展望を踏まえた戦略目標"), "h1", toc=0)]
    items.append(
        para(
            _(
                "※この章は、効果検証に当たり%(name)sの目標を再確認するため、総合戦略の第2章の人口の"
                "将来展望と目標人口を掲載する。"
            )
            % {"name": report.strategy.name},
            "note",
        )
    )
    if not (pop.summary or pop.targets):
        return items + [para(_("人口の将来展望は登録されていません。"))]
    items.append(para(_("1. 将来の（長期）目標を達成するための方向性"), "h2"))
    items += [para(text) for text in pop.summary]
    widths = [20 * mm] + [(WIDTH - 20 * mm) / 6] * 6
    for caption, rows, note in (
        (
            _("表 人口推計比較表（年齢3区分人口、単位：人）"),
            pop.comparison,
            _("注：年齢3区分人口と推計総人口は端数の関係で一致しない場合がある。"),
        ),
        (
            _("表 年齢3区分割合推計比較（増減の単位：ポイント）"),
            pop.shares,
            _(
                "※「社人研推計」とは、国立社会保障・人口問題研究所「日本の地域別将来推計人口」を指す。"
            ),
        ),
    ):
        if not rows:
            continue
        table_rows = [[para(h, "cell_center") for h in pop.comparison_header]]
        table_rows += [
            [para(row[0], "cell")] + [para(v, "cell_num") for v in row[1:]] for row in rows
        ]
        items.append(
            KeepTogether([para(caption, "label"), grid(table_rows, widths), para(note, "note")])
        )
    for n, point in enumerate(pop.points, start=1):
        rows = [
            [para(_("現状"), "cell"), para(point.current, "cell")],
            [para(_("目標"), "cell"), para(point.target, "cell")],
            [para(_("目指すべき将来の姿"), "cell"), para(point.outcome, "cell")],
        ]
        table = grid(rows, [36 * mm, WIDTH - 36 * mm], header_rows=0, shade_first_column=True)
        items.append(KeepTogether([para(f"({n}) {point.subject}", "h3"), table]))
    if pop.targets:
        items.append(para(_("2. 短期、中長期における年次別の目標人口"), "h2"))
    widths = [34 * mm] + [(WIDTH - 34 * mm) / 4] * 4
    for target in pop.targets:
        heading = _("%(n)s %(term)s目標／%(year)s年") % {
            "n": target.number,
            "term": target.term,
            "year": target.year,
        }
        headline = _("%(year)s年における総人口%(total)s人の確保 [%(averted)s人減少抑制]") % {
            "year": target.year,
            "total": target.total,
            "averted": target.averted,
        }
        rows = [[para("", "cell")] + [para(c, "cell_center") for c in pop.target_columns]]
        rows += [
            [para(label, "cell")] + [para(v, "cell_num") for v in values]
            for label, values in target.rows
        ]
        note = _("注：年齢3区分人口と総人口は端数の関係で一致しない場合がある。")
        items.append(
            KeepTogether(
                [
                    para(heading, "h3"),
                    para(headline, "plain"),
                    grid(rows, widths),
                    para(note, "note"),
                ]
            )
        )
    return items


def indicator_table(block: IndicatorBlock) -> KeepTogether:
    heading = f"{block.heading} ⇒ {block.indicator.target_text}"
    header = [block.indicator.baseline_label or _("策定時")] + [cell.label for cell in block.cells]

    def cell(parts):
        if not parts:
            return ""
        return [para(parts[0], "cell_center")] + [para(p, "cell_small") for p in parts[1:]]

    rows = [
        [para(h, "cell_center") for h in header],
        [cell(block.baseline)] + [cell(c.parts) for c in block.cells],
    ]
    items = [para(heading, "label"), grid(rows, [WIDTH / len(header)] * len(header))]
    if block.indicator.footnote:
        items.append(para(block.indicator.footnote, "note"))
    return KeepTogether(items)


def review_table(rows: list[ReviewRow], *, panel: bool) -> Table:
    third = _("意見等") if panel else _("今後の課題と対応方向")
    table_rows = [
        [para(_("対象年度"), "cell_center"), para(_("検証結果"), "cell"), para(third, "cell")]
    ]
    for row in rows:
        verdict, detail = [], []
        if row.review is not None:
            verdict.append(para(row.grade_text, "cell"))
            if panel and row.paragraphs:
                verdict.append(para(_("◀付帯意見▶"), "cell"))
                verdict += [para(text, "cell") for text in row.paragraphs]
            if not panel and row.review.grade_note:
                verdict.append(para(row.review.grade_note, "cell"))
            if not panel:
                detail = [para(text, "cell") for text in row.paragraphs]
        if panel:
            detail = [para(f"● {text}", "cell") for text in row.opinions]
        table_rows.append([para(row.year.short_label, "cell_center"), verdict or "", detail or ""])
    widths = [16 * mm, 48 * mm if panel else 42 * mm]
    widths.append(WIDTH - sum(widths))
    return grid(table_rows, widths)


def outputs_table(report: Report, entries: list[OutputEntry]) -> list:
    if not entries:
        return [para(_("この年度の実施状況は登録されていません。"), "note")]
    header = _("事業名/概要/%(label)sなど") % {"label": report.output_label}
    rows = [[para(header, "cell")]]
    for entry in entries:
        title = entry.heading + (f"　{entry.output.note}" if entry.output.note else "")
        details = [
            [para(_("〈目的〉"), "cell"), para(entry.output.purpose, "cell")],
            [para(_("〈内容〉"), "cell"), para(entry.output.content, "cell")],
            [para(_("〈事業量〉"), "cell"), [para(line, "cell") for line in entry.lines] or ""],
        ]
        inner = Table(details, colWidths=[18 * mm, WIDTH - 18 * mm - 12], hAlign="LEFT")
        inner.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        rows.append([[para(title, "cell"), inner]])
    return [grid(rows, [WIDTH])]


def chapter_three(report: Report) -> list:
    items = [para(_("第3章 数値目標等の達成状況と検証結果"), "h1", toc=0)]
    for index, section in enumerate(report.goals):
        if index:
            items.append(PageBreak())
        goal = section.goal
        items.append(para(f"{goal.label}　{goal.title}", "goal", toc=1))
        items.append(para(_("《 基本的な方向 》"), "h3"))
        items += [para(f"・{text}", "bullet") for text in section.directions]
        items.append(para(_("《 数値目標と達成状況 》"), "h3"))
        items += [indicator_table(block) for block in section.indicators]
        items += [para(text, "note") for text in section.notes]
        items += [CondPageBreak(50 * mm), para(_("《 有識者会議における検証結果 》"), "h3_split")]
        items.append(review_table(section.panel_reviews, panel=True))
        items.append(para(_("《 具体的な施策と重要業績評価指標（KPI）の達成状況 》"), "h3"))
        for policy in section.policies:
            items.append(para(policy.heading, "h3"))
            for measure in policy.measures:
                items.append(para(measure.measure.label, "h4"))
                items += [para(text) for text in measure.description_paragraphs]
                items.append(para(_("〔重要業績評価指標（KPI）と達成状況〕"), "label"))
                items += [indicator_table(block) for block in measure.indicators]
                items += [CondPageBreak(40 * mm), para(_("《 内部検証結果 》"), "label_split")]
                items.append(review_table(measure.reviews, panel=False))
                items += [
                    CondPageBreak(45 * mm),
                    para(_("［具体的な事業の実施状況］"), "label_split"),
                ]
                items += outputs_table(report, measure.outputs)
    if report.other_outputs:
        items += [PageBreak(), para(_("この年度の構成にない施策の事業の実施状況"), "goal", toc=1)]
        items += outputs_table(report, report.other_outputs)
    return items
