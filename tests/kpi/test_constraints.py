"""The database constraints checked in Python (kpi.constraints): the models' own Meta.constraints
are the source of every message and code, a whole batch costs a fixed number of queries, and the
answers are the database's."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kpi.constraints import check_violations, clean_in_memory, error_dict, unique_violations
from kpi.models import Achievement, ImportJob, Indicator
from strategy.models import FiscalYear


def codes(violations) -> list[str]:
    return [violation.code for violation in violations]


def test_every_kpi_constraint_has_a_code_and_those_users_see_a_japanese_message():
    for model in (Indicator, Achievement, ImportJob):
        for constraint in model._meta.constraints:
            assert constraint.violation_error_code, constraint.name
            if model is not ImportJob:  # kept by the import services, never typed by anyone
                message = str(constraint.violation_error_message)
                assert message.endswith("。"), constraint.name


def test_the_check_constraints_are_evaluated_like_the_database_does(nemuro):
    fine = Achievement(state="recorded", value=Decimal("3"), cumulative=None)
    pending_with_value = Achievement(state="aggregating", value=Decimal("3"))
    negative = Achievement(state="recorded", value=Decimal("-1"), cumulative=Decimal("-1"))
    text_only = Achievement(state="recorded", value=None, text="ゼロ名維持")
    with CaptureQueriesContext(connection) as queries:
        assert check_violations(fine) == []
        assert codes(check_violations(pending_with_value)) == ["pending_has_value"]
        assert codes(check_violations(negative)) == ["value_negative", "cumulative_negative"]
        assert check_violations(text_only) == []
        assert check_violations(negative, exclude={"value", "cumulative"}) == []
    assert len(queries) == 0


def test_a_comparison_with_null_is_unknown_and_passes_as_in_sql():
    # ~Q(state="recorded") | … : with the state NULL every part is unknown, and unknown passes
    assert "recorded_no_value" not in codes(check_violations(Achievement(state=None)))
    assert codes(check_violations(Achievement(state="done"))) == ["invalid_state"]


def test_a_constraint_comparing_two_fields_with_F_is_evaluated_without_a_query(nemuro):
    year = FiscalYear.objects.get(strategy=nemuro, year=2017)
    over = ImportJob(strategy=nemuro, fiscal_year=year, total_rows=3, processed_rows=4)
    within = ImportJob(strategy=nemuro, fiscal_year=year, total_rows=3, processed_rows=3)
    with CaptureQueriesContext(connection) as queries:
        assert codes(check_violations(over)) == ["processed_over_total"]
        assert check_violations(within) == []
    assert len(queries) == 0
    applied = ImportJob(strategy=nemuro, fiscal_year=year, status="applied")
    assert codes(check_violations(applied)) == ["applied_without_date"]
    applied.applied_at = datetime.datetime(2017, 5, 1, tzinfo=datetime.UTC)
    assert check_violations(applied) == []


def test_the_database_agrees_with_each_answer(nemuro):
    """What the checker refuses, the database refuses; what it lets through, the database
    stores."""
    year = FiscalYear.objects.get(strategy=nemuro, year=2017)
    indicator = Indicator.objects.get(code="G3-1")
    cases = [
        {"state": "recorded", "value": Decimal(3)},
        {"state": "recorded", "value": Decimal(-3)},
        {"state": "aggregating", "value": Decimal(3)},
        {"state": "aggregating"},
        {"state": "recorded", "text": "ゼロ名維持"},
        {"state": "recorded"},
        {"state": "not_yet", "cumulative": Decimal(1)},
    ]
    for fields in cases:
        achievement = Achievement(indicator=indicator, fiscal_year=year, **fields)
        refused = bool(check_violations(achievement))
        try:
            with transaction.atomic():
                achievement.save()
                transaction.set_rollback(True)
            stored = True
        except IntegrityError:
            stored = False
        assert refused is not stored, fields


def test_each_message_goes_to_the_amount_it_concerns():
    pending = check_violations(Achievement(state="aggregating", value=1, cumulative=2))
    assert list(error_dict(pending, inputs=("value", "cumulative"))) == ["value", "cumulative"]
    only_total = check_violations(Achievement(state="not_yet", cumulative=2))
    assert list(error_dict(only_total, inputs=("value", "cumulative"))) == ["cumulative"]
    no_value = check_violations(Achievement(state="recorded"))
    assert list(error_dict(no_value, inputs=("value", "cumulative"))) == ["value"]
    assert list(error_dict(no_value)) == [NON_FIELD_ERRORS]


def test_uniqueness_is_checked_within_the_batch_and_against_the_database_in_one_query(nemuro):
    h28 = FiscalYear.objects.get(strategy=nemuro, year=2016)
    h29 = FiscalYear.objects.get(strategy=nemuro, year=2017)
    g11, g12, g13 = (Indicator.objects.get(code=code) for code in ("G1-1", "G1-2", "G1-3"))
    batch = [
        Achievement(indicator=g11, fiscal_year=h28, value=1),  # G1-1 already has H28
        Achievement(indicator=g12, fiscal_year=h29, value=1),
        Achievement(indicator=g12, fiscal_year=h29, value=2),  # twice in the batch
        Achievement(indicator=g13, fiscal_year=h29, value=1),
        Achievement.objects.get(indicator=g12, fiscal_year=h28),  # stored: not its own duplicate
    ]
    with CaptureQueriesContext(connection) as queries:
        found = unique_violations(batch)
    assert [codes(violations) for violations in found] == [
        ["duplicate_year"],
        [],
        ["duplicate_year"],
        [],
        [],
    ]
    assert len(queries) == 1  # one per unique constraint, whatever the size of the batch
    assert str(found[0][0].error.message) == "この指標のこの年度の実績は既に登録されています。"


def test_with_the_stored_rows_given_uniqueness_costs_no_query(nemuro):
    h28 = FiscalYear.objects.get(strategy=nemuro, year=2016)
    g11 = Indicator.objects.get(code="G1-1")
    stored = list(Achievement.objects.filter(fiscal_year=h28, indicator=g11))
    with CaptureQueriesContext(connection) as queries:
        found = unique_violations(
            [Achievement(indicator=g11, fiscal_year=h28, value=1)], stored=stored
        )
    assert codes(found[0]) == ["duplicate_year"] and len(queries) == 0


def test_clean_in_memory_reports_fields_clean_and_constraints_without_queries(nemuro):
    year = FiscalYear.objects.get(strategy=nemuro, year=2017)
    indicator = Indicator.objects.select_related("introduced_in", "retired_in").get(code="G3-1")
    indicator.strategy = nemuro
    nemuro.revision_for_year(2017)  # what the services know before they validate
    achievement = Achievement(
        indicator=indicator, fiscal_year=year, state="aggregating", value=3, note="x" * 101
    )
    with CaptureQueriesContext(connection) as queries:
        errors = clean_in_memory(achievement, exclude=["indicator", "fiscal_year"])
    assert len(queries) == 0
    assert [e.code for e in errors["note"]] == ["max_length"]
    assert [e.code for e in errors[NON_FIELD_ERRORS]] == ["pending_has_value"]


@pytest.mark.parametrize("model", [Indicator, Achievement, ImportJob])
def test_every_check_constraint_of_kpi_is_evaluated_without_a_query(model, db):
    with CaptureQueriesContext(connection) as queries:
        check_violations(model())
    assert len(queries) == 0
