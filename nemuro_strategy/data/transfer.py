"""Moving a whole strategy between instances: one JSON document keyed by natural keys.

``strategy_export`` writes every row of one strategy (its municipality and departments, the
structure with its revisions and amendments, fiscal years with their publication, results,
projects, listings, 事業量, population figures, verdicts and opinions, grading, reports, year
publications, corrections) model by model, in the order the rows depend on each other, like the
synthetic generator's cloner. A row is named by its model's unique constraint (codes, numbers,
slugs, years), a foreign key by the natural key of the row it points at, a user by username,
never by a database id. ``strategy_import`` loads such a document into one transaction: all or
nothing. The municipality and its departments are reused when they exist already (another
strategy of the same city); the strategy itself must be new.

Rows are written with ``bulk_create``, as the generator does: an imported strategy starts without
change history (its first change is recorded as usual).
"""

import datetime
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from kpi.models import Achievement, Correction, Indicator
from strategy.models import (
    Amendment,
    BasicGoal,
    Department,
    FiscalYear,
    GoalDirection,
    Measure,
    Municipality,
    Policy,
    PopulationFigure,
    Project,
    ProjectListing,
    ProjectOutput,
    ProjectOutputLine,
    Revision,
    Strategy,
)
from verification.models import (
    GradeDefinition,
    GradingPolicy,
    InternalReview,
    PanelOpinion,
    PanelReview,
    VerificationReport,
    YearPublication,
)

FORMAT = "nemuro-strategy-export"
VERSION = 1

# Written and loaded in this order, each row's foreign keys pointing at rows before it.
# (model, lookup from the model to the strategy)
MODELS: list[tuple[type[models.Model], str]] = [
    (Municipality, "strategies"),
    (Department, "municipality__strategies"),
    (Strategy, "pk"),
    (Revision, "strategy"),
    (FiscalYear, "strategy"),
    (GradeDefinition, "strategy"),
    (GradingPolicy, "strategy"),
    (PopulationFigure, "strategy"),
    (BasicGoal, "strategy"),
    (GoalDirection, "goal__strategy"),
    (Policy, "strategy"),
    (Measure, "strategy"),
    (Project, "strategy"),
    (ProjectListing, "measure__strategy"),
    (ProjectOutput, "fiscal_year__strategy"),
    (ProjectOutputLine, "output__fiscal_year__strategy"),
    (Indicator, "strategy"),
    (Achievement, "fiscal_year__strategy"),
    (InternalReview, "fiscal_year__strategy"),
    (PanelReview, "fiscal_year__strategy"),
    (PanelOpinion, "review__fiscal_year__strategy"),
    (VerificationReport, "fiscal_year__strategy"),
    (YearPublication, "fiscal_year__strategy"),
    (Correction, "fiscal_year__strategy"),
    (Amendment, "revision__strategy"),
]
# Rows shared by every strategy of the city: reused on import when they exist.
SHARED = (Municipality, Department)


def invalid(detail: str) -> ValidationError:
    return ValidationError(
        _("取り込むファイルの形式が正しくありません（%(detail)s）。") % {"detail": detail},
        code="invalid_file",
    )


def key_fields(model) -> tuple[str, ...]:
    """The fields that name a row of `model`: its unique constraint, else its unique field;
    empty for a model no row refers to (year publications, corrections)."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
            if constraint.fields:
                return tuple(constraint.fields)
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key:
            return (f.name,)
    return ()


def _fields(model) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _encode(value) -> Any:
    """A field's value for JSON: times to the microsecond (DjangoJSONEncoder keeps milliseconds,
    which would not load back equal), decimals as strings."""
    if isinstance(value, datetime.datetime | datetime.time):
        return value.isoformat()
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# --- export ------------------------------------------------------------------------------------


class _Exporter:
    def __init__(self):
        self.keys: dict = {}  # model -> {pk: natural key}
        self.users = dict(get_user_model().objects.values_list("pk", "username"))
        self.content_types = {
            ct.pk: ct.model_class() for ct in ContentType.objects.filter(app_label="strategy")
        } | {ct.pk: ct.model_class() for ct in ContentType.objects.filter(app_label="kpi")}

    def ref(self, f, value):
        if value is None:
            return None
        related = f.related_model
        if related is get_user_model():
            return self.users.get(value)
        if related is ContentType:
            return self.content_types[value]._meta.label_lower
        return self.keys[related][value]

    def value(self, row, f):
        raw = getattr(row, f.attname)
        if f.is_relation:
            return self.ref(f, raw)
        return _encode(raw)

    def key(self, model, row) -> list:
        return [self.value(row, model._meta.get_field(name)) for name in key_fields(model)]

    def rows(self, model, queryset) -> list[dict]:
        rows = list(queryset.order_by("pk"))
        self.keys[model] = {row.pk: self.key(model, row) for row in rows}
        out = []
        for row in rows:
            values = {f.name: self.value(row, f) for f in _fields(model)}
            if model is Amendment:
                node = self.content_types[row.content_type_id]
                values["object_id"] = self.keys[node][row.object_id]
            out.append(values)
        return out


def strategy_export(strategy: Strategy) -> dict:
    """The whole of `strategy` as a JSON-ready document (natural keys, no database ids)."""
    exporter = _Exporter()
    document = {"format": FORMAT, "version": VERSION, "strategy": strategy.slug, "models": []}
    for model, path in MODELS:
        queryset = model._default_manager.filter(**{path: strategy.pk}).distinct()
        document["models"].append(
            {"model": model._meta.label_lower, "rows": exporter.rows(model, queryset)}
        )
    return document


# --- import ------------------------------------------------------------------------------------


class _Importer:
    def __init__(self):
        self.pks: dict = {}  # model -> {json of natural key: new pk}
        self.users = dict(get_user_model().objects.values_list("username", "pk"))

    @staticmethod
    def _k(key) -> str:
        return json.dumps(key, ensure_ascii=False)

    def ref(self, f, value):
        if value is None:
            return None
        related = f.related_model
        if related is get_user_model():
            return self.users.get(value)  # a user of this instance, or nobody
        if related is ContentType:
            app_label, model = value.split(".")
            return ContentType.objects.get_by_natural_key(app_label, model).pk
        try:
            return self.pks[related][self._k(value)]
        except KeyError:
            raise invalid(
                _("%(model)s %(key)s が見つかりません")
                % {"model": related._meta.verbose_name, "key": value}
            ) from None

    def build(self, model, values: dict, overrides: dict):
        kwargs, self_refs = {}, None
        for f in _fields(model):
            if f.name not in values:
                raise invalid(
                    _("%(model)s の項目 %(field)s がありません")
                    % {"model": model._meta.verbose_name, "field": f.name}
                )
            value = values[f.name]
            if f.is_relation and f.related_model is model:
                self_refs = value  # the predecessor: set once every row of the model exists
                kwargs[f.attname] = None
            elif f.is_relation:
                kwargs[f.attname] = self.ref(f, value)
            elif model is Amendment and f.name == "object_id":
                kwargs[f.attname] = value  # resolved below, once the content type is known
            else:
                try:
                    kwargs[f.attname] = None if value is None else f.to_python(value)
                except ValidationError as error:
                    raise invalid(f"{model._meta.verbose_name} {f.name}: {value}") from error
        kwargs.update(overrides.get(model, {}))
        if model is Amendment:
            node = ContentType.objects.get_for_id(kwargs["content_type_id"]).model_class()
            kwargs["object_id"] = self._node(node, values["object_id"])
        return model(**kwargs), self_refs

    @staticmethod
    def _keep_timestamps(model, objects, rows) -> None:
        """``bulk_create`` stamps auto_now fields with the time of the import: put the file's
        times back (``bulk_update`` writes values as they are)."""
        stamped = [
            f
            for f in _fields(model)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        if not stamped or model in SHARED:
            return
        for obj, values in zip(objects, rows, strict=True):
            for f in stamped:
                value = values[f.name]
                setattr(obj, f.attname, None if value is None else f.to_python(value))
        model._default_manager.bulk_update(objects, [f.name for f in stamped], batch_size=1000)

    def _node(self, node, key):
        try:
            return self.pks[node][self._k(key)]
        except KeyError:
            raise invalid(_("改定の対象 %(key)s が見つかりません") % {"key": key}) from None

    def load(self, model, rows: list[dict], overrides: dict) -> None:
        names = key_fields(model)
        objects, keys, predecessors = [], [], []
        for values in rows:
            obj, predecessor = self.build(model, values, overrides)
            objects.append(obj)
            keys.append([values[name] for name in names])
            predecessors.append(predecessor)
        if model in SHARED:
            created = []
            for obj in objects:
                attnames = [model._meta.get_field(n).attname for n in names]
                lookup = {a: getattr(obj, a) for a in attnames}
                existing = model._default_manager.filter(**lookup).first()
                if existing is None:
                    created.append(obj)
                else:
                    obj.pk = existing.pk
            model._default_manager.bulk_create(created)
        else:
            model._default_manager.bulk_create(objects, batch_size=1000)
        self.pks[model] = {self._k(key): obj.pk for key, obj in zip(keys, objects, strict=True)}
        self._keep_timestamps(model, objects, rows)
        successors = []
        for obj, predecessor in zip(objects, predecessors, strict=True):
            if predecessor is not None:
                obj.predecessor_id = self._node(model, predecessor)
                successors.append(obj)
        if successors:
            model._default_manager.bulk_update(successors, ["predecessor_id"])


@transaction.atomic
def strategy_import(document: dict, *, slug: str | None = None) -> Strategy:
    """Load a document of ``strategy_export`` (under `slug` when given); all or nothing. Raises
    ``ValidationError`` when the slug exists already or the document is not such an export."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise invalid(_("総合戦略のエクスポートではありません"))
    if document.get("version") != VERSION:
        raise invalid(
            _("版 %(version)s には対応していません") % {"version": document.get("version")}
        )
    by_label = {entry.get("model"): entry.get("rows") for entry in document.get("models", [])}
    missing = [
        m._meta.label_lower
        for m, _path in MODELS
        if not isinstance(by_label.get(m._meta.label_lower), list)
    ]
    if missing:
        raise invalid(_("%(models)s がありません") % {"models": "、".join(missing)})
    [strategy_row] = by_label["strategy.strategy"] or [None]
    if not isinstance(strategy_row, dict):
        raise invalid(_("総合戦略がありません"))
    slug = slug or strategy_row.get("slug")
    if Strategy.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("スラッグ「%(slug)s」の総合戦略は既にあります。別のスラッグを指定してください。")
            % {"slug": slug},
            code="slug_exists",
        )
    importer = _Importer()
    overrides = {Strategy: {"slug": slug}}
    try:
        with transaction.atomic():
            for model, _path in MODELS:
                importer.load(model, by_label[model._meta.label_lower], overrides)
    except (IntegrityError, TypeError, AttributeError, ValueError) as error:
        raise invalid(str(error)[:200]) from error
    return Strategy.objects.get(slug=slug)


def strategy_export_json(strategy: Strategy) -> str:
    return json.dumps(strategy_export(strategy), ensure_ascii=False, indent=1)
