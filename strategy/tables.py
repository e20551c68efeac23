"""Tables of the public pages (django-tables2)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ProjectListing

REPRINT_MARK = "（再掲）"

# The order the strategy prints its 具体的な事業 tables in; every sort ends with it, so rows that
# tie keep a stable place across pages. (measure, position) is unique, so the order is total.
DOCUMENT_ORDER = (
    "measure__policy__goal__number",
    "measure__policy__position",
    "measure__number",
    "measure_id",
    "position",
)


class ProjectListingTable(tables.Table):
    """Rows of the 具体的な事業 tables. Reads what `strategy.views.projects.listing_rows` preloads:
    the listing with its measure, policy, goal and project, and the wording at the revision shown
    (`category_then`, `content_then`, `partner_then`, `measure_name_then`)."""

    goal = tables.Column(
        verbose_name=_("基本目標"),
        accessor="measure__policy__goal__number",
        order_by=DOCUMENT_ORDER,
    )
    measure = tables.Column(
        verbose_name=_("施策の基本的方向"),
        accessor="measure__code",
        order_by=DOCUMENT_ORDER,
    )
    category = tables.Column(
        verbose_name=_("区分"),
        accessor="category_then",
        order_by=("category_then", *DOCUMENT_ORDER),
        default="",
    )
    project = tables.Column(
        verbose_name=_("事業名"),
        accessor="project__name",
        order_by=("project__name", *DOCUMENT_ORDER),
    )
    content = tables.Column(
        verbose_name=_("内容"),
        accessor="content_then",
        order_by=("content_then", *DOCUMENT_ORDER),
        default="",
    )
    partner = tables.Column(
        verbose_name=_("実施主体・連携先"),
        accessor="partner_then",
        order_by=("partner_then", *DOCUMENT_ORDER),
        default="",
    )
    reprint = tables.Column(
        verbose_name=_("再掲"),
        accessor="reprint",
        order_by=("reprint", *DOCUMENT_ORDER),
    )

    class Meta:
        model = ProjectListing
        fields = ()
        sequence = ("goal", "measure", "category", "project", "content", "partner", "reprint")
        orderable = True
        empty_text = _("条件に合う事業はありません。")

    def __init__(self, *args, strategy_slug: str, **kwargs):
        self.strategy_slug = strategy_slug
        super().__init__(*args, **kwargs)

    @staticmethod
    def measure_label(record) -> str:
        return f"{record.measure.code} {record.measure_name_then}"

    def render_measure(self, record):
        url = reverse(
            "strategy:measure", kwargs={"slug": self.strategy_slug, "code": record.measure.code}
        )
        return format_html('<a href="{}">{}</a>', url, self.measure_label(record))

    def value_measure(self, record):
        return self.measure_label(record)

    def render_project(self, record):
        return record.project.name + (REPRINT_MARK if record.reprint else "")

    def value_project(self, record):
        return self.render_project(record)

    def render_reprint(self, value):
        return _("再掲") if value else ""

    def value_reprint(self, value):
        return self.render_reprint(value)
