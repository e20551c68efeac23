"""Every admin changelist runs the same number of queries whatever the number of rows it lists:
one row or a full page. Generated from the admin registry, so a new model or a new computed column
that reads a relation per row cannot slip in. The strategy app's changelists are also pinned to an
exact count, like the public pages."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nemuro_strategy.data.synthetic import strategies_generate
from strategy.models.revisioned import revisioned_models

PROJECT_APPS = {"strategy", "kpi", "verification"}
FULL_PAGE = 30


def project_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
    ]


@pytest.fixture
def superuser_client(client, db, warm_caches):
    user = get_user_model().objects.create_superuser("kanri", "k@example.invalid", "pw-secret-123")
    client.force_login(user)
    return client


def changelist_queries(client, model, model_admin, monkeypatch, per_page: int) -> tuple[int, int]:
    """(queries, rows shown) of the changelist with `per_page` rows a page."""
    monkeypatch.setattr(model_admin, "list_per_page", per_page)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    client.get(url)  # session, permissions and content types cached as on any later visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


# Amendments load their nodes with one query per kind of node on the page (goal, measure …):
# bounded by the kinds, not the rows.
PER_KIND = {"strategy.amendment": len(revisioned_models()) - 1}


@pytest.fixture
def more_strategies(db):
    """Two synthetic strategies beside Nemuro's, so each list has rows from three strategies."""
    strategies_generate(count=2, seed=7)


@pytest.mark.parametrize(
    ("model", "model_admin"), project_admins(), ids=lambda x: getattr(x, "_meta", x).__str__()
)
def test_a_changelist_does_not_query_per_row(
    superuser_client, more_strategies, monkeypatch, model, model_admin
):
    one, shown_one = changelist_queries(superuser_client, model, model_admin, monkeypatch, 1)
    full, shown_full = changelist_queries(
        superuser_client, model, model_admin, monkeypatch, FULL_PAGE
    )
    if shown_full <= 1:
        pytest.skip(f"{model._meta.label} has {shown_full} rows in the test data")
    extra = PER_KIND.get(model._meta.label_lower, 0)
    assert one <= full <= one + extra, (
        f"{model._meta.label}: {one} queries for 1 row, {full} for {shown_full}"
    )


# Every changelist: session, user, the filtered count, the full count, the page's rows (5);
# then one query per filter that lists related rows or distinct values.
PINNED = {
    "strategy.municipality": 5,
    "strategy.strategy": 5,  # rows with their municipality joined
    "strategy.revision": 6,  # + strategies to filter by
    "strategy.fiscalyear": 6,  # + strategies
    "strategy.basicgoal": 6,  # + strategies (rows with strategy and revisions joined)
    "strategy.goaldirection": 7,  # + goal numbers, strategies
    "strategy.policy": 8,  # + strategies, goal numbers, revisions
    "strategy.measure": 10,  # + goal numbers, departments, policies, revisions, strategies
    "strategy.project": 6,  # + strategies (listing count annotated)
    "strategy.projectlisting": 8,  # + goal numbers, revisions, categories
    "strategy.projectoutput": 7,  # + fiscal years, goal numbers
    "strategy.projectoutputline": 7,  # + fiscal years, units
    "strategy.populationfigure": 7,  # + years, strategies
    # + revisions, the kinds of node amended, and the amended nodes: one query per kind (3)
    "strategy.amendment": 10,
    "strategy.department": 6,  # + municipalities
    "strategy.membership": 6,  # + municipalities
}


@pytest.mark.parametrize("label", sorted(PINNED))
def test_the_strategy_changelists_are_pinned(superuser_client, monkeypatch, label):
    from django.apps import apps

    model = apps.get_model(label)
    queries, _shown = changelist_queries(
        superuser_client, model, admin.site._registry[model], monkeypatch, FULL_PAGE
    )
    assert queries == PINNED[label]


def test_every_strategy_changelist_is_pinned():
    assert {
        model._meta.label_lower
        for model, _ in project_admins()
        if model._meta.app_label == "strategy"
    } == set(PINNED)
