"""Writes to the strategy's own structure, and the 事業量 of a year's projects."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .access import role_has_perm, role_in
from .models import (
    FiscalYear,
    ProjectListing,
    ProjectOutput,
    ProjectOutputLine,
    Strategy,
)


@transaction.atomic
def fiscal_years_sync(*, strategy: Strategy) -> list[FiscalYear]:
    """Make the strategy's FiscalYear rows match its period: one row per year, none outside.

    A year that already holds results is never deleted: PROTECT on the yearly rows refuses it.
    """
    strategy.full_clean()
    wanted = set(strategy.fiscal_year_range)
    existing = {fy.year: fy for fy in FiscalYear.objects.filter(strategy=strategy)}
    for year, fiscal_year in existing.items():
        if year not in wanted:
            fiscal_year.delete()
    for year in sorted(wanted - existing.keys()):
        existing[year] = FiscalYear.objects.create(strategy=strategy, year=year)
    return [existing[year] for year in sorted(wanted)]


# --- 事業量 entry (strategy.views.outputs) ------------------------------------------------------


def value_text(value: Decimal | None) -> str:
    """An amount as one canonical text: 842.0000 → "842", 1.50 → "1.5"."""
    return "" if value is None else format(value.normalize(), "f")


@dataclass(frozen=True)
class LineInput:
    """One 事業量 line as the user left it (`line_id` None for a new one), or as stored."""

    line_id: int | None
    label: str = ""
    text: str = ""
    value: Decimal | None = None
    unit: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.label or self.text or self.unit) and self.value is None

    @property
    def display(self) -> str:
        """The line as a message quotes it: 「件数 延べ5件（5件）」."""
        words = " ".join(part for part in (self.label, self.text) if part)
        if self.value is not None:
            words += f"（{value_text(self.value)}{self.unit}）"
        elif self.unit:
            words += f"（{self.unit}）"
        return words or "（空欄）"


def stored_lines(lines) -> list[LineInput]:
    """``ProjectOutputLine`` rows as ``LineInput``, in their order."""
    return [
        LineInput(line.pk, line.label, line.text, line.value, line.unit)
        for line in sorted(lines, key=lambda line: (line.position, line.pk))
    ]


def lines_version(lines: list[LineInput]) -> str:
    """A group's version: a digest of its lines in order (id, label, text, value, unit). The
    page carries it for each project; equal content, equal version."""
    if not lines:
        return "empty"
    text = "\x1e".join(
        "\x1f".join(
            [str(line.line_id or ""), line.label, line.text, value_text(line.value), line.unit]
        )
        for line in lines
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def lines_display(lines: list[LineInput]) -> str:
    return "・".join(line.display for line in lines) if lines else "なし"


@dataclass(frozen=True)
class OutputGroupInput:
    """One project's 事業量 as the user wants it: the listing it is shown under, the output it
    was loaded with (None: the project had none that year), the version of its lines as loaded,
    and every line to keep or add, in order (a stored line left out is deleted)."""

    key: str
    listing: ProjectListing
    output_id: int | None
    version: str
    lines: list[LineInput]


@dataclass
class OutputSaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    outputs_created: int = 0

    @property
    def saved(self) -> int:
        return self.created + self.updated + self.deleted


class OutputErrors(Exception):
    """The save was refused; nothing was written. `line_errors`: (group key, index of the line
    in the group's input) → ValidationError with an error_dict; `group_errors`: group key →
    ValidationError; `versions`: group key → the version stored now, for groups refused because
    someone else changed them."""

    def __init__(self, line_errors: dict, group_errors: dict, versions: dict):
        super().__init__(f"{len(line_errors) + len(group_errors)} error(s)")
        self.line_errors = line_errors
        self.group_errors = group_errors
        self.versions = versions


def _stale(group: OutputGroupInput, stored: list[LineInput], *, created: bool) -> ValidationError:
    message = (
        _(
            "この事業の事業量は他の職員が先に登録しました（現在の内容: %(theirs)s、"
            "あなたの入力: %(mine)s）。内容を確認して再度保存してください。"
        )
        if created
        else _(
            "この事業の事業量は、画面を開いた後に他の職員が変更しました（現在の内容: %(theirs)s、"
            "あなたの入力: %(mine)s）。内容を確認して再度保存してください。"
        )
    )
    return ValidationError(
        message,
        code="stale",
        params={"theirs": lines_display(stored), "mine": lines_display(group.lines)},
    )


def _line_errors(error: ValidationError) -> ValidationError:
    editable = {"label", "text", "value", "unit"}
    by_field: dict = {}
    for name, errors in error.update_error_dict({}).items():
        by_field.setdefault(name if name in editable else NON_FIELD_ERRORS, []).extend(errors)
    return ValidationError(by_field)


@transaction.atomic
def project_outputs_save_year(
    *, strategy: Strategy, fiscal_year: FiscalYear, groups: list[OutputGroupInput], user
) -> OutputSaveResult:
    """Save the 事業量 lines of the projects the user changed on a year's page: all of them, or
    none when anything is refused. A project is refused when its lines as stored now differ
    from the version its page was loaded with (someone else saved meanwhile), or when an output
    was made for it meanwhile; a line is refused when its model's validation fails
    (``full_clean``); deleting a line needs the delete permission in the municipality. A project
    without an output for the year gets one (its listing's measure and project, the year as its
    period, the project's name as its title, placed last), made with its first line.

    Every row written records `user` in its history."""
    if fiscal_year.strategy_id != strategy.pk:
        raise ValueError("fiscal_year belongs to another strategy")
    may_delete = user.is_superuser or role_has_perm(
        role_in(user, strategy.municipality_id), "strategy.delete_projectoutputline"
    )
    wanted_ids = [g.output_id for g in groups if g.output_id is not None]
    new_pairs = {(g.listing.measure_id, g.listing.project_id) for g in groups if not g.output_id}
    locked = list(
        ProjectOutput.objects.select_for_update()
        .filter(fiscal_year=fiscal_year)
        .filter(
            Q(pk__in=wanted_ids)
            | Q(
                measure_id__in={m for m, _p in new_pairs},
                project_id__in={p for _m, p in new_pairs},
            )
        )
        .order_by("pk")
    )
    outputs = {o.pk: o for o in locked}
    by_pair: dict = {}
    for output in locked:
        by_pair.setdefault((output.measure_id, output.project_id), output)
    lines_of: dict = {pk: [] for pk in outputs}
    for line in (
        ProjectOutputLine.objects.select_for_update().filter(output_id__in=outputs).order_by("pk")
    ):
        lines_of[line.output_id].append(line)

    line_errors, group_errors, versions = {}, {}, {}
    plans = []  # (group, output or None, to_create, to_update, to_delete)
    next_position = None
    for group in groups:
        listing = group.listing
        if group.output_id is not None:
            output = outputs.get(group.output_id)
            if output is None or (output.measure_id, output.project_id) != (
                listing.measure_id,
                listing.project_id,
            ):
                group_errors[group.key] = ValidationError(
                    _(
                        "この事業の実施状況は他の職員が削除しました（あなたの入力: %(mine)s）。"
                        "ページを再読み込みしてください。"
                    ),
                    code="stale",
                    params={"mine": lines_display(group.lines)},
                )
                continue
        else:
            output = by_pair.get((listing.measure_id, listing.project_id))
            if output is not None:
                stored = stored_lines(lines_of[output.pk])
                group_errors[group.key] = _stale(group, stored, created=True)
                versions[group.key] = lines_version(stored)
                continue
        rows = {line.pk: line for line in lines_of.get(output.pk, [])} if output else {}
        stored = stored_lines(rows.values())
        if lines_version(stored) != group.version:
            group_errors[group.key] = _stale(group, stored, created=False)
            versions[group.key] = lines_version(stored)
            continue
        kept = {line.line_id for line in group.lines if line.line_id is not None}
        to_delete = [row for pk, row in rows.items() if pk not in kept]
        if to_delete and not may_delete:
            group_errors[group.key] = ValidationError(
                _("事業量の行の削除は事務局に依頼してください（削除の権限がありません）。"),
                code="no_delete_permission",
            )
            continue
        if output is None:
            if not group.lines:
                continue
            if next_position is None:
                last = (
                    ProjectOutput.objects.filter(fiscal_year=fiscal_year)
                    .order_by("-position")
                    .values_list("position", flat=True)
                    .first()
                )
                next_position = (last or 0) + 1
            output = ProjectOutput(
                measure=listing.measure,
                project=listing.project,
                fiscal_year=fiscal_year,
                period_start=fiscal_year,
                period_end=fiscal_year,
                position=next_position,
                title=listing.project.name[:200],
                reprint=listing.reprint,
                private_sector=listing.is_private_sector,
            )
            next_position += 1
            try:
                output.full_clean()
            except ValidationError as error:
                group_errors[group.key] = ValidationError(error.messages, code="invalid_output")
                continue
        position = max((row.position for row in rows.values() if row.pk in kept), default=0)
        to_create, to_update = [], []
        for index, line in enumerate(group.lines):
            if line.line_id is None:
                position += 1
                row = ProjectOutputLine(output=output, position=position)
            else:
                row = rows[line.line_id]
                if stored_lines([row])[0] == line:
                    continue
            row.label, row.text, row.value, row.unit = line.label, line.text, line.value, line.unit
            try:
                row.full_clean(exclude=["output"] if output.pk is None else None)
            except ValidationError as error:
                line_errors[(group.key, index)] = _line_errors(error)
                continue
            (to_create if row.pk is None else to_update).append(row)
        plans.append((output, to_create, to_update, to_delete))
    if line_errors or group_errors:
        raise OutputErrors(line_errors, group_errors, versions)

    result = OutputSaveResult()
    for output, to_create, to_update, to_delete in plans:
        if output.pk is None:
            if not (to_create or to_update):
                continue
            output._history_user = user
            output.save()
            result.outputs_created += 1
        for row in to_delete:
            row._history_user = user
            row.delete()
            result.deleted += 1
        for row in to_update:
            row._history_user = user
            row.save()
            result.updated += 1
        for row in to_create:
            row.output = output
            row._history_user = user
            row.save()
            result.created += 1
    return result
