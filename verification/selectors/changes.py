"""Reads of the audit trail: the recent changes to a strategy's results, verdicts, targets and
事業量, built on the change history that django-simple-history keeps for each tracked model.

``recent_changes_page`` reads a fixed number of queries whatever the size of the history:

1. how many changes the strategy has (one ``UNION ALL`` of the tracked history tables, counted);
2. the page: (history id, date, model) of each change, newest first, from the same ``UNION ALL``;
3. one query per tracked model (8): that model's records of the page and, through a correlated
   subquery, the record just before each (what ``diff_against`` compares it with), with the user
   and the related rows the labels need (``select_related``). The page's records are selected by
   the page's date range rather than by a list of ids, so the query runs, and the count stays the
   same, whichever models the page happens to hold.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import IntegerField, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext_lazy as _

from kpi.models import Achievement, Indicator
from strategy.models import ProjectListing, ProjectOutput, ProjectOutputLine, Strategy

from ..models import InternalReview, PanelOpinion, PanelReview

SEED_USER = _("種データ")
CHANGES_PER_PAGE = 100
EMPTY = "（空欄）"


class HistoryType(models.TextChoices):
    """django-simple-history's ``history_type`` of a record, as the audit page names it."""

    CREATED = "+", _("追加")
    CHANGED = "~", _("変更")
    DELETED = "-", _("削除")


def user_label(user) -> str:
    """Who made a change or a publication: the staff member's name, or 種データ when no user
    was recorded (the seed loader, a management command)."""
    if user is None:
        return str(SEED_USER)
    return user.get_full_name() or user.get_username()


def _label(obj) -> str:
    return "" if obj is None else str(obj)


def _output_label(output) -> str:
    if output is None:
        return ""
    return f"{output.fiscal_year.short_label} {output.title}"


@dataclass(frozen=True)
class Tracked:
    """A model whose changes the audit page lists: how to keep to one strategy, which related
    rows its labels need, and how to name one of its records."""

    model: type[models.Model]
    scope: Callable[[Strategy], Q]  # a filter on the historical model
    related: tuple[str, ...]
    subject: Callable[[models.Model], str]
    identity: tuple[str, ...] = ()  # fields the subject already names (left out of + and −)


def _achievement(r) -> str:
    indicator = f"{r.indicator.code} {r.indicator.name}" if r.indicator else f"#{r.indicator_id}"
    return f"実績 {indicator} {_label(r.fiscal_year)}"


def _internal(r) -> str:
    measure = r.measure.code if r.measure else f"#{r.measure_id}"
    return f"内部検証 {measure} {_label(r.fiscal_year)}"


def _panel(r) -> str:
    goal = _label(r.goal) or f"#{r.goal_id}"
    return f"有識者会議の検証 {goal} {_label(r.fiscal_year)}"


def _opinion(r) -> str:
    review = r.review
    where = f"{review.goal} {review.fiscal_year}" if review else f"検証結果 #{r.review_id}"
    return f"意見等 {where} {r.position}番目"


def _listing(r) -> str:
    measure = r.measure.code if r.measure else f"#{r.measure_id}"
    project = r.project.name if r.project else f"#{r.project_id}"
    return f"事業の掲載 {measure} {project}"


def _line(r) -> str:
    output = _output_label(r.output) or f"#{r.output_id}"
    return f"事業量 {output}：{r.label or r.text}"


TRACKED: tuple[Tracked, ...] = (
    Tracked(
        Achievement,
        lambda s: Q(fiscal_year__strategy=s),
        ("indicator", "fiscal_year"),
        _achievement,
        ("indicator", "fiscal_year"),
    ),
    Tracked(
        InternalReview,
        lambda s: Q(fiscal_year__strategy=s),
        ("measure", "fiscal_year"),
        _internal,
        ("measure", "fiscal_year"),
    ),
    Tracked(
        PanelReview,
        lambda s: Q(fiscal_year__strategy=s),
        ("goal", "fiscal_year", "recorded_by"),
        _panel,
        ("goal", "fiscal_year"),
    ),
    Tracked(
        PanelOpinion,
        # by the review's history, so the opinions of a deleted review stay listed
        lambda s: Q(review_id__in=PanelReview.history.filter(fiscal_year__strategy=s).values("id")),
        ("review__goal", "review__fiscal_year"),
        _opinion,
        ("review", "position"),
    ),
    Tracked(
        Indicator,
        lambda s: Q(strategy=s),
        ("goal", "measure", "introduced_in", "retired_in", "predecessor"),
        lambda r: f"指標 {r.code} {r.name}",
        ("strategy", "code", "name"),
    ),
    Tracked(
        ProjectOutput,
        lambda s: Q(fiscal_year__strategy=s),
        ("measure", "project", "fiscal_year", "period_start", "period_end"),
        lambda r: f"事業の実施状況 {_label(r.fiscal_year)} {r.number} {r.title}".replace("  ", " "),
        ("fiscal_year", "title"),
    ),
    Tracked(
        ProjectListing,
        lambda s: Q(measure__strategy=s),
        ("measure", "project", "department", "introduced_in", "retired_in", "predecessor"),
        _listing,
        ("measure", "project"),
    ),
    Tracked(
        ProjectOutputLine,
        lambda s: Q(
            output_id__in=ProjectOutput.history.filter(fiscal_year__strategy=s).values("id")
        ),
        ("output__fiscal_year",),
        _line,
        ("output",),
    ),
)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    """One line of the audit page."""

    when: datetime
    who: str
    action: str
    what: str
    kind: str  # the model's verbose name (実績, 内部検証結果 …)
    fields: list[FieldChange] = field(default_factory=list)
    history_type: str = HistoryType.CHANGED
    model_label: str = ""  # app_label.modelname, with history_id what a restore names
    history_id: int | None = None


def display_value(record, model_field) -> str:
    """A field's value as staff read it: choices by their label, FKs by the related row's name
    (when it was loaded with the record; the id otherwise), decimals without trailing zeros."""
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation:
        if model_field.is_cached(record):
            related = getattr(record, model_field.name)
            if related is None:
                return f"#{value}（削除済み）"
            if model_field.related_model is get_user_model():  # 記録した職員: a name, not #1
                return user_label(related)
            return str(related)
        return f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _tracked_fields(record) -> list:
    return [f for f in record.tracked_fields if f.editable and f.name != "id"]


def _values(record, tracked: Tracked, *, new: bool) -> list[FieldChange]:
    """The values of a created (new) or deleted (old) record, empty fields left out."""
    changes = []
    for model_field in _tracked_fields(record):
        if model_field.name in tracked.identity:
            continue
        value = display_value(record, model_field)
        if value == EMPTY:
            continue
        label = str(model_field.verbose_name)
        changes.append(FieldChange(label, "", value) if new else FieldChange(label, value, ""))
    return changes


def _diff(record, previous) -> list[FieldChange]:
    """old → new of each changed field, in the model's field order (``diff_against``)."""
    delta = record.diff_against(previous)
    order = {f.name: i for i, f in enumerate(record._meta.fields)}
    changed = sorted(delta.changed_fields, key=lambda name: order.get(name, len(order)))
    changes = []
    for name in changed:
        model_field = record._meta.get_field(name)
        changes.append(
            FieldChange(
                str(model_field.verbose_name),
                display_value(previous, model_field),
                display_value(record, model_field),
            )
        )
    return changes


def _change(record, previous, tracked: Tracked) -> Change:
    kind = record.history_type
    if kind == HistoryType.CREATED or (kind == HistoryType.CHANGED and previous is None):
        fields = _values(record, tracked, new=True)
    elif kind == HistoryType.DELETED:
        fields = _values(record, tracked, new=False)
    else:
        fields = _diff(record, previous)
    return Change(
        when=record.history_date,
        who=user_label(record.history_user),
        action=str(dict(HistoryType.choices).get(kind, kind)),
        what=tracked.subject(record),
        kind=str(tracked.model._meta.verbose_name),
        fields=fields,
        history_type=kind,
        model_label=tracked.model._meta.label_lower,
        history_id=record.history_id,
    )


def _history(tracked: Tracked):
    return tracked.model.history.all()


def change_index(strategy: Strategy):
    """Every change to `strategy`'s tracked models, newest first, as rows of (history id, date,
    model index): one ``UNION ALL`` query of the tracked history tables."""
    parts = [
        _history(tracked)
        .filter(tracked.scope(strategy))
        .order_by()
        .annotate(model_index=Value(index, output_field=IntegerField()))
        .values_list("history_id", "history_date", "model_index")
        for index, tracked in enumerate(TRACKED)
    ]
    return (
        parts[0]
        .union(*parts[1:], all=True)
        .order_by("-history_date", "-model_index", "-history_id")
    )


def _records_with_previous(tracked: Tracked, strategy: Strategy, oldest, newest) -> list:
    """One query: the records of `tracked` made between `oldest` and `newest` (the page's own,
    and at most a few of a neighbouring page made at the same instant), and the record just
    before each of them of the same object, which its change is measured against."""
    history = _history(tracked)
    in_page = Q(history_date__gte=oldest, history_date__lte=newest) & tracked.scope(strategy)
    previous = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    previous_ids = history.filter(in_page).order_by().values(previous=Subquery(previous))
    return list(
        history.filter(in_page | Q(history_id__in=previous_ids)).select_related(
            "history_user", *tracked.related
        )
    )


def recent_changes_page(
    strategy: Strategy, page_number=None, *, per_page: int = CHANGES_PER_PAGE
) -> Page:
    """One page of the strategy's recent changes (``Change`` objects), newest first.

    Queries: the count (1), the page's index (1), then one per tracked model (8), whatever the
    number of changes or the models they touch."""
    paginator = Paginator(change_index(strategy), per_page)
    page = paginator.get_page(page_number)
    rows = list(page.object_list)
    if not rows:
        page.object_list = []
        return page
    oldest = min(row[1] for row in rows)
    newest = max(row[1] for row in rows)
    records, previous = {}, {}
    for index, tracked in enumerate(TRACKED):
        by_object = defaultdict(list)
        for record in _records_with_previous(tracked, strategy, oldest, newest):
            records[(index, record.history_id)] = record
            by_object[record.id].append(record)
        for versions in by_object.values():
            versions.sort(key=lambda r: (r.history_date, r.history_id))
            for before, after in zip(versions, versions[1:], strict=False):
                previous[(index, after.history_id)] = before
    changes = []
    for history_id, _date, index in rows:
        record = records.get((index, history_id))
        if record is None:  # deleted between the two reads
            continue
        changes.append(_change(record, previous.get((index, history_id)), TRACKED[index]))
    page.object_list = changes
    return page
