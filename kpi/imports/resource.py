"""The year's entry sheet (年度別 実績入力シート) as a django-import-export resource: one row per
indicator, columns in Japanese. The same resource exports the sheet and reads it back.

Reading a chunk of rows costs a fixed number of queries whatever its size: `before_import`
fetches the chunk's indicators and the year's existing results in two queries, and the previous
year's results across each indicator's lineage in two more (``PREVIOUS_YEAR_QUERIES``), the instance
loader answers from those, and each row is validated by ``kpi.constraints.clean_in_memory``
(the year-entry screen's validation too): `Achievement.full_clean()` minus the parts that would
query once per row (foreign keys that were just fetched, uniqueness that the loader and the
duplicate check already guarantee), with the check constraints evaluated in Python from the
model's own definitions (the database still enforces them on write). Writes go through
simple-history's bulk helpers, so each new or changed result gets a history record naming the
user who confirmed the import.

Plausibility is the entry screen's (``kpi.plausibility.check_row``): an implausible row is an
error, a jump against the previous year a warning (`_warnings` on the instance) that the user
confirms when applying."""

import copy

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from strategy.models import FiscalYear, Strategy

from ..constraints import clean_in_memory
from ..models import Achievement, Indicator
from ..plausibility import check_row
from ..selectors import lineages
from .widgets import (
    AmountWidget,
    FiscalYearWidget,
    IndicatorCodeWidget,
    NoteWidget,
    StateWidget,
    cell_text,
)

#: The sheet's columns, in order. 指標名 and 単位 are there to help whoever fills the sheet in;
#: they are never read back.
COLUMNS = ("指標コード", "指標名", "単位", "年度", "実績値", "累計", "状態", "注記")
REQUIRED_COLUMNS = ("指標コード", "年度", "実績値", "累計", "状態", "注記")

#: The code of every error a cell of the sheet raises (the message already names the column).
CELL_ERROR = "sheet_cell"

SAVED_FIELDS = ["state", "value", "cumulative", "note", "text", "updated_at"]

#: What reading the previous year's results adds to each chunk (none in the first year): the
#: strategy's indicator chains and the results of the chunk's chains that year.
PREVIOUS_YEAR_QUERIES = 2


class ChunkInstanceLoader(BaseInstanceLoader):
    """The existing result of the row's indicator in the year, from the ones fetched for the
    chunk (no query per row)."""

    def get_instance(self, row):
        indicator = self.resource.indicators.get(cell_text(row.get("指標コード")))
        if indicator is None:
            return None
        stored = self.resource.existing.get(indicator.pk)
        return copy.copy(stored) if stored else None  # the same indicator twice: two objects


class AchievementSheetResource(resources.ModelResource):
    """One fiscal year's results of one strategy, one row per indicator.

    `seen` maps each indicator code already read (in earlier chunks) to its row, so the same
    indicator twice in one sheet is caught across chunks; `row_numbers` gives the row each
    dataset row had in the sheet, as Excel numbers it (the header is row 1)."""

    code = fields.Field(attribute="indicator", column_name="指標コード")
    name = fields.Field(attribute="indicator__name", column_name="指標名", readonly=True)
    unit = fields.Field(attribute="indicator__unit", column_name="単位", readonly=True)
    year = fields.Field(attribute="fiscal_year", column_name="年度")
    value = fields.Field(attribute="value", column_name="実績値", widget=AmountWidget("実績値"))
    cumulative = fields.Field(
        attribute="cumulative", column_name="累計", widget=AmountWidget("累計")
    )
    state = fields.Field(attribute="state", column_name="状態", widget=StateWidget())
    note = fields.Field(attribute="note", column_name="注記", widget=NoteWidget())

    class Meta:
        model = Achievement
        fields = ("code", "name", "unit", "year", "value", "cumulative", "state", "note")
        export_order = ("code", "name", "unit", "year", "value", "cumulative", "state", "note")
        import_id_fields = ("code",)
        instance_loader_class = ChunkInstanceLoader
        use_bulk = True
        use_transactions = True
        skip_unchanged = True
        skip_diff = True  # `skip_row` compares with `_before_import` instead, cheaply
        report_skipped = True
        store_instance = True
        clean_model_instances = True

    def __init__(
        self,
        *,
        strategy: Strategy,
        fiscal_year: FiscalYear,
        user=None,
        change_reason: str = "",
        seen: dict[str, int] | None = None,
        row_numbers: list[int] | None = None,
        department_ids=None,
    ):
        super().__init__()
        # None: every indicator (the secretariat); else only those of these departments
        self.department_ids = department_ids
        self.fiscal_year = fiscal_year
        self.revision = strategy.revision_for_year(fiscal_year.year)
        self.strategy = _strategy_knowing(strategy, fiscal_year.year, self.revision)
        self.user = user
        self.change_reason = change_reason
        self.seen = {} if seen is None else seen
        self.row_numbers = row_numbers or []
        self.indicators: dict[str, Indicator] = {}
        self.successors: dict[int, Indicator] = {}
        self.existing: dict[int, Achievement] = {}
        # indicator id → its result of the previous fiscal year (its own or a predecessor's)
        self.previous: dict[int, Achievement] = {}
        self.fields["code"].widget = IndicatorCodeWidget(self)
        self.fields["year"].widget = FiscalYearWidget(self)

    # --- reading the chunk ------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        """Fetch the chunk's indicators (and their successors, for a helpful message) and the
        year's existing results for them: two queries per chunk."""
        codes = {cell_text(code) for code in dataset["指標コード"]} - {""}
        found = (
            Indicator.objects.filter(strategy=self.strategy)
            .filter(Q(code__in=codes) | Q(predecessor__code__in=codes))
            .select_related("introduced_in", "retired_in", "measure")
            .order_by()
        )
        for indicator in found:
            indicator.strategy = self.strategy
            if indicator.code in codes:
                self.indicators[indicator.code] = indicator
            if indicator.predecessor_id:
                self.successors[indicator.predecessor_id] = indicator
        by_pk = {indicator.pk: indicator for indicator in self.indicators.values()}
        for achievement in Achievement.objects.filter(
            fiscal_year=self.fiscal_year, indicator__in=list(by_pk)
        ).order_by():
            achievement.indicator = by_pk[achievement.indicator_id]
            achievement.fiscal_year = self.fiscal_year
            self.existing[achievement.indicator_id] = achievement
        self.previous = self._previous_results(list(by_pk))

    def _previous_results(self, pks: list[int]) -> dict[int, Achievement]:
        """The previous fiscal year's result of each indicator, across its lineage as the entry
        page reads it (the nearest node that has one). Queries: the strategy's indicator chains,
        the results (``PREVIOUS_YEAR_QUERIES``); none in the first year of the period."""
        year = self.fiscal_year.year - 1
        if not pks or year not in self.strategy.fiscal_year_range:
            return {}
        chains = lineages(self.strategy)
        nodes = {node for pk in pks for node in chains.get(pk, [pk])}
        found = {
            achievement.indicator_id: achievement
            for achievement in Achievement.objects.filter(
                indicator_id__in=nodes, fiscal_year__strategy=self.strategy, fiscal_year__year=year
            )
            .select_related("fiscal_year")
            .order_by()
        }
        previous = {}
        for pk in pks:
            for node in chains.get(pk, [pk]):
                if node in found:
                    previous[pk] = found[node]
                    break
        return previous

    def check_department(self, indicator: Indicator) -> None:
        """A department member imports only their departments' indicators (the indicator's own
        department, else its measure's: ``Indicator.department_q``)."""
        if self.department_ids is None:
            return
        owner = indicator.department_id or (
            indicator.measure.department_id if indicator.measure_id else None
        )
        if owner not in self.department_ids:
            raise ValueError(
                _(
                    "指標コード「%(code)s」はあなたの担当課の指標ではありません。"
                    "担当課の指標だけを取り込めます。"
                )
                % {"code": indicator.code}
            )

    def check_in_force(self, indicator: Indicator) -> None:
        if indicator.is_in_force_at(self.revision):
            return
        params = {"code": indicator.code, "year": self.fiscal_year.long_label}
        if indicator.introduced_in.sequence > self.revision.sequence:
            raise ValueError(
                _(
                    "指標コード「%(code)s」は%(revision)sで追加された指標で、%(year)sにはまだありません。"
                )
                % {**params, "revision": indicator.introduced_in}
            )
        message = _(
            "指標コード「%(code)s」は%(revision)sで廃止された指標で、%(year)sには使われていません。"
        ) % {**params, "revision": indicator.retired_in}
        successor = self.successors.get(indicator.pk)
        if successor is not None:
            message += _("この年度は後継の指標コード「%(code)s」で入力してください。") % {
                "code": successor.code
            }
        raise ValueError(message)

    def init_instance(self, row=None):
        achievement = Achievement(fiscal_year=self.fiscal_year)
        achievement._before_import = None
        return achievement

    def get_instance(self, instance_loader, row):
        return instance_loader.get_instance(row)

    def sheet_row(self, row_number: int) -> int:
        """The row as Excel numbers it, from the 1-based position in the chunk's dataset."""
        if self.row_numbers:
            return self.row_numbers[row_number - 1]
        return row_number + 1

    def import_instance(self, instance, row, **kwargs):
        """Read each cell into the instance; each unreadable cell is one error naming its column
        and text. Then: the same indicator twice, the state left empty, a printed text that no
        longer matches the number."""
        # a shallow copy (sharing the fetched indicator): import-export's own diff deep-copies
        # every row with everything it refers to, which costs more than the whole check
        instance._before_import = copy.copy(instance) if instance.pk else None
        errors = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code=CELL_ERROR)
        code = cell_text(row.get("指標コード"))
        if code:
            here = self.sheet_row(kwargs["row_number"])
            first = self.seen.setdefault(code, here)
            if first != here:
                errors["indicator"] = ValidationError(
                    _("指標コード「%(code)s」が行%(first)sと重複しています。")
                    % {"code": code, "first": first},
                    code=CELL_ERROR,
                )
        if instance.state is None:
            has_number = instance.value is not None or instance.cumulative is not None
            instance.state = Achievement.State.RECORDED if has_number else Achievement.State.NOT_YET
        original = instance._before_import
        if (
            original
            and original.text
            and (original.state, original.value)
            != (
                instance.state,
                instance.value,
            )
        ):
            instance.text = ""  # 「ゼロ名維持 (地域課題あり)」 describes the old value only
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped; so is 未集計 with nothing else for an indicator that has
        no result yet (an untouched row of the downloaded sheet)."""
        if import_validation_errors:
            return False
        if instance._before_import is None:
            return (
                instance.state == Achievement.State.NOT_YET
                and instance.value is None
                and instance.cumulative is None
                and not instance.note
            )
        return all(
            getattr(instance, name) == getattr(instance._before_import, name)
            for name in SAVED_FIELDS[:-1]
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "indicator" in errors or "fiscal_year" in errors:
            raise ValidationError(errors)
        # the indicator and the year were fetched for the chunk; a cell in error is not checked
        # again; uniqueness holds by construction (one stored result per indicator is loaded,
        # and the same indicator twice in the sheet is an error of its own)
        found = clean_in_memory(instance, exclude={"indicator", "fiscal_year", *errors})
        for name, messages in found.items():
            errors.setdefault(name, []).extend(messages)
        # plausibility, as on the entry screen; a jump is a warning confirmed on applying
        instance._warnings = []
        for issue in check_row(
            instance.indicator,
            instance.value,
            instance.cumulative,
            self.previous.get(instance.indicator_id),
            state=instance.state,
            stored=instance._before_import,
        ):
            if issue.field in errors:
                continue
            if issue.needs_confirmation:
                instance._warnings.append(issue.message)
            else:
                errors[issue.field] = [issue.error]
        if errors:
            raise ValidationError(errors)

    # --- writing ----------------------------------------------------------------------------

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        instance._change_reason = self.change_reason
        instance.updated_at = timezone.now()

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and not dry_run:
            bulk_create_with_history(
                self.create_instances,
                Achievement,
                batch_size=batch_size,
                default_user=self.user,
                default_change_reason=self.change_reason,
            )
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and not dry_run:
            bulk_update_with_history(
                self.update_instances,
                Achievement,
                SAVED_FIELDS,
                batch_size=batch_size,
                default_user=self.user,
                default_change_reason=self.change_reason,
            )
        self.update_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        """No sequence reset (ModelResource's default): rows never carry primary keys."""

    # --- the downloaded sheet ---------------------------------------------------------------

    def dehydrate_state(self, achievement: Achievement) -> str:
        """The stored state; empty for an indicator with no result yet, so typing a number is
        enough (an empty 状態 reads as 実績あり with a number, 未集計 without)."""
        return str(achievement.get_state_display()) if achievement.pk else ""

    def rows_for_sheet(self) -> list[Achievement]:
        """One result per indicator in force in the year (of the member's departments, if they
        are restricted to some), the stored one or an empty unsaved one:
        what `export()` turns into the entry sheet. Queries: indicators (1), results (1)."""
        indicators = Indicator.objects.filter(strategy=self.strategy)
        if self.department_ids is not None:
            indicators = indicators.filter(Indicator.department_q(self.department_ids))
        indicators = list(indicators.in_force_at(self.revision).in_tree_order())
        stored = {
            a.indicator_id: a
            for a in Achievement.objects.filter(
                fiscal_year=self.fiscal_year, indicator__in=indicators
            ).order_by()
        }
        rows = []
        for indicator in indicators:
            achievement = stored.get(indicator.pk) or Achievement(
                indicator=indicator, state=Achievement.State.NOT_YET
            )
            achievement.indicator = indicator
            achievement.fiscal_year = self.fiscal_year
            rows.append(achievement)
        return rows


def _strategy_knowing(strategy: Strategy, year: int, revision) -> Strategy:
    """A copy of `strategy` that answers `revision_for_year(year)` from memory:
    `Achievement.clean()` asks it for every row."""
    known = copy.copy(strategy)
    ask = strategy.revision_for_year
    known.revision_for_year = lambda asked: revision if asked == year else ask(asked)
    return known
