"""The database constraints, checked in Python before a batch is written.

The source is each model's own ``Meta.constraints``: the message and the code of every violation
are the constraint's ``violation_error_message`` and ``violation_error_code``, so nothing here
(and no form) repeats a rule. Django's own ``full_clean()`` checks each constraint with one query
per row; the year-entry screen and the Excel import check a whole year's page or a 1,000-row
sheet, so they use this instead:

- ``check_violations``: every CheckConstraint evaluated on the instance in Python, the way SQL
  does (a comparison with NULL is unknown, and unknown passes), ``F("other_field")`` included; a
  condition using anything else falls back to Django's ``constraint.validate()`` (one query).
- ``unique_violations``: every UniqueConstraint over a batch: duplicates within the batch, then
  against the database in one query per constraint for the whole batch, or in none when the
  caller gives the stored rows it has already read for those keys.
- ``clean_in_memory``: what ``full_clean()`` checks (fields, ``clean()``, check constraints)
  without a query per row.
- ``error_dict``: violations as a ValidationError dict, each on the inputs it concerns.

The database still enforces every constraint on write; this only lets the user see every message
at once, before anything is written.
"""

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint


@dataclass(frozen=True)
class Violation:
    """One constraint an instance breaks. `fields`: the fields whose part of the condition is
    false (for a CheckConstraint) or the constraint's fields (for a UniqueConstraint), in the
    order the constraint names them: where a form points the message."""

    constraint: models.BaseConstraint
    error: ValidationError
    fields: tuple[str, ...] = ()

    @property
    def code(self) -> str | None:
        return self.error.code


def check_violations(instance: models.Model, *, exclude: Iterable[str] = ()) -> list[Violation]:
    """The model's CheckConstraints that `instance` breaks, in the order the model lists them,
    without a query (unless a condition uses more than field lookups and ``F()`` of a field:
    then Django's ``constraint.validate()`` decides). A constraint on a field in `exclude` is
    skipped, as ``full_clean()`` skips a field already in error."""
    exclude = set(exclude)
    model = type(instance)
    violations = []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        if _fields_of(constraint.condition) & exclude:
            continue
        failing: list[str] = []
        try:
            passed = _evaluate(constraint.condition, instance, failing, negated=False) is not False
        except _Unsupported:
            failing = []
            try:
                constraint.validate(model, instance, exclude=exclude)
                passed = True
            except ValidationError:
                passed = False
        if not passed:
            violations.append(
                Violation(constraint, _error(constraint), tuple(dict.fromkeys(failing)))
            )
    return violations


def unique_violations(
    instances: Sequence[models.Model],
    *,
    exclude: Iterable[str] = (),
    stored: Iterable[models.Model] | None = None,
) -> list[list[Violation]]:
    """The UniqueConstraints each of `instances` (one model) breaks: one list per instance.

    An instance breaks a constraint when an earlier instance of the batch has the same values,
    or when a stored row other than the batch's own rows has them. Stored rows are read in one
    query per constraint for the whole batch; a caller that has already read (and, for a save,
    locked) every stored row that could share a key passes them as `stored`, and no query is
    run. As in SQL, a key with a NULL never collides. A constraint with a condition or
    expressions is left to Django's ``constraint.validate()`` (one query per instance)."""
    exclude = set(exclude)
    found: list[list[Violation]] = [[] for _ in instances]
    if not instances:
        return found
    model = type(instances[0])
    stored = None if stored is None else list(stored)
    batch_pks = {instance.pk for instance in instances if instance.pk is not None}
    for constraint in model._meta.constraints:
        if not isinstance(constraint, UniqueConstraint) or set(constraint.fields) & exclude:
            continue
        if constraint.condition is not None or constraint.expressions or not constraint.fields:
            for index, instance in enumerate(instances):
                try:
                    constraint.validate(model, instance, exclude=exclude)
                except ValidationError as error:
                    found[index].append(Violation(constraint, error, tuple(constraint.fields)))
            continue
        attnames = [model._meta.get_field(name).attname for name in constraint.fields]
        keys = [_key(instance, attnames) for instance in instances]
        if stored is None:
            taken = _stored_keys(model, attnames, {key for key in keys if key}, batch_pks)
        else:
            taken = {_key(row, attnames) for row in stored if row.pk not in batch_pks} - {None}
        first: dict[tuple, int] = {}
        for index, key in enumerate(keys):
            if key is None:
                continue
            if key in taken or key in first:
                error = _unique_error(constraint, instances[index])
                found[index].append(Violation(constraint, error, tuple(constraint.fields)))
            first.setdefault(key, index)
    return found


def clean_in_memory(
    instance: models.Model, *, exclude: Iterable[str] = ()
) -> dict[str, list[ValidationError]]:
    """What ``full_clean()`` reports, without a query per row: the fields and ``clean()`` as
    usual, then the check constraints evaluated in Python (``check_violations``) on the fields
    not already in error. Uniqueness is the caller's (``unique_violations``). Leave out in
    `exclude` the relations the caller has just read (a foreign key is checked with a query).
    Returns field name → errors, constraint violations under NON_FIELD_ERRORS (empty: valid)."""
    exclude = set(exclude)
    errors: dict = {}
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    violations = check_violations(instance, exclude=exclude | set(errors))
    for name, messages in error_dict(violations).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def error_dict(
    violations: Iterable[Violation], *, inputs: Sequence[str] = ()
) -> dict[str, list[ValidationError]]:
    """Violations as a ValidationError dict: each on every one of `inputs` it concerns (the
    fields a form lets the user change), else under NON_FIELD_ERRORS. An input is concerned when
    its part of the condition is false: 「集計中で実績値あり」 points at 実績値 (and at 累計 if that
    too is filled in), not at 状態."""
    errors: dict[str, list[ValidationError]] = {}
    for violation in violations:
        targets = [name for name in violation.fields if name in inputs] or [NON_FIELD_ERRORS]
        for name in targets:
            errors.setdefault(name, []).append(violation.error)
    return errors


# --- evaluating a condition --------------------------------------------------------------------


class _Unsupported(Exception):
    """A condition this module does not evaluate: Django's own check decides."""


_COMPARE = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda actual, expected: actual in expected,
    "range": lambda actual, expected: expected[0] <= actual <= expected[1],
}


def _error(constraint) -> ValidationError:
    return ValidationError(
        constraint.get_violation_error_message(), code=constraint.violation_error_code
    )


def _unique_error(constraint: UniqueConstraint, instance: models.Model) -> ValidationError:
    if constraint.violation_error_message == constraint.default_violation_error_message:
        # Django's own wording for a plain unique constraint: 「…を持った…が既に存在します。」
        error = instance.unique_error_message(type(instance), constraint.fields)
        return ValidationError(
            error.message, code=constraint.violation_error_code, params=error.params
        )
    return _error(constraint)


def _fields_of(node) -> set[str]:
    """The fields of the instance a condition reads (through F() too)."""
    if isinstance(node, Q):
        return set().union(*(_fields_of(child) for child in node.children))
    if isinstance(node, tuple):
        key, expected = node
        names = {key.split("__")[0]}
        if isinstance(expected, F):
            names.add(expected.name.split("__")[0])
        return names
    return set()  # an expression: Django's check reads what it needs


def _evaluate(node, instance, failing: list[str], *, negated: bool) -> bool | None:
    """True, False or None (SQL's unknown). `failing` collects the fields of the leaves that are
    false once the negations above them are applied."""
    if isinstance(node, Q):
        inner = negated ^ node.negated
        results = [_evaluate(child, instance, failing, negated=inner) for child in node.children]
        if node.connector == Q.AND:
            value = False if False in results else None if None in results else True
        elif node.connector == Q.OR:
            value = True if True in results else None if None in results else False
        else:
            raise _Unsupported(node.connector)
        return (None if value is None else not value) if node.negated else value
    if not isinstance(node, tuple):
        raise _Unsupported(node)
    key, expected = node
    name, _sep, lookup = key.partition("__")
    lookup = lookup or "exact"
    actual = _value(instance, name)
    if isinstance(expected, F):
        if "__" in expected.name:
            raise _Unsupported(key)
        expected = _value(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise _Unsupported(key)
    if lookup == "exact" and expected is None:
        lookup, expected = "isnull", True  # Django reads field=None as IS NULL
    if lookup == "isnull":
        value = (actual is None) == bool(expected)
    elif lookup not in _COMPARE:
        raise _Unsupported(key)
    elif actual is None or expected is None:
        value = None
    else:
        value = _COMPARE[lookup](actual, expected)
    if value is not None and value == negated:  # false once the negations are applied
        failing.append(name)
    return value


def _value(instance, name: str):
    field = instance._meta.get_field(name)
    if field.is_relation and not field.many_to_one and not field.one_to_one:
        raise _Unsupported(name)
    actual = getattr(instance, field.attname)
    if actual is None:
        return None
    try:
        return field.to_python(actual)
    except ValidationError as error:
        raise _Unsupported(name) from error


def _key(instance, attnames: list[str]) -> tuple | None:
    key = tuple(getattr(instance, attname) for attname in attnames)
    return None if None in key else key


def _stored_keys(model, attnames: list[str], keys: set[tuple], batch_pks: set) -> set[tuple]:
    if not keys:
        return set()
    condition = reduce(operator.or_, (Q(**dict(zip(attnames, key, strict=True))) for key in keys))
    rows = model._default_manager.filter(condition).exclude(pk__in=batch_pks).order_by()
    return set(rows.values_list(*attnames))
