"""Every admin page × every role, generated from the admin site's registry, so a newly registered
model cannot escape it. What each role may do comes from the declared table in strategy/roles.py
(DESIGN.md §2), not from asking the user object: this checks that the data migration gave the
groups exactly those permissions and that the admin enforces them.

- anonymous users and panel members (not admin users) are sent to the admin login page;
- department staff and the secretariat see a model's list, an object and its history when they may
  view it, the add page only with the add permission, the delete page only with delete; else 403.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from strategy.roles import DEPARTMENT, OUR_APPS, PANEL, ROLE_PERMISSIONS, SECRETARIAT

ROLE_OF = {"department": DEPARTMENT, "panel_member": PANEL, "secretariat": SECRETARIAT}
PAGES = ("changelist", "add", "change", "history", "delete")


def model_admins():
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        yield model._meta.app_label, model._meta.model_name, model, model_admin


def allowed(role: str, app: str, model: str, page: str) -> bool:
    perms = ROLE_PERMISSIONS[role]
    can = {action: f"{app}.{action}_{model}" in perms for action in ("add", "change", "delete")}
    can["view"] = app in OUR_APPS or can["change"]  # every role views every model of our apps
    return {
        "changelist": can["view"],
        "change": can["view"],
        "history": can["view"],
        "add": can["add"],
        "delete": can["delete"],
    }[page]


LABELS = [f"{app}.{model}" for app, model, _, _ in model_admins()]


@pytest.fixture
def one_of_each(nemuro):
    """The seed plus one object of each registered model it has none of (users, login attempts,
    an import job, a panel draft), so every object page is opened."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth import get_user_model

    from kpi.models import ImportJob
    from strategy.models import BasicGoal, FiscalYear
    from verification.models import PanelDraft

    user = get_user_model().objects.create_user("someone", password="x-unused-9")
    year = FiscalYear.objects.get(strategy=nemuro, year=2017)
    ImportJob.objects.create(
        strategy=nemuro, fiscal_year=year, user=user, filename="h29.xlsx", data=b""
    )
    PanelDraft.objects.create(
        goal=BasicGoal.objects.get(strategy=nemuro, number=1), fiscal_year=year, author=user
    )
    where = {"ip_address": "192.0.2.1", "user_agent": "test", "username": "someone"}
    AccessAttempt.objects.create(failures_since_start=1, **where)
    AccessLog.objects.create(**where)
    AccessFailureLog.objects.create(**where)
    for _, _, model, _ in model_admins():
        assert model._default_manager.exists(), model._meta.label
    return nemuro


def url_of(label: str, page: str) -> str:
    app, model_name = label.split(".")
    if page in ("changelist", "add"):
        return reverse(f"admin:{app}_{model_name}_{page}")
    model = next(m for a, n, m, _ in model_admins() if (a, n) == (app, model_name))
    obj = model._default_manager.order_by("pk").first()
    return reverse(f"admin:{app}_{model_name}_{page}", args=[obj.pk])


def test_every_registered_model_is_in_the_matrix():
    assert len(LABELS) == len(admin.site._registry)
    # our own models are all in the admin, arranged for the work
    from django.apps import apps

    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if not model._meta.model_name.startswith("historical"):
                assert model in admin.site._registry, model._meta.label


@pytest.mark.parametrize("label", LABELS)
def test_each_role_gets_into_exactly_the_admin_pages_its_role_allows(request, one_of_each, label):
    """One model's five pages × the four roles (one test per model keeps the suite fast)."""
    from django.test import Client

    app, model = label.split(".")
    wrong = []
    for actor in ("anonymous", "department", "panel_member", "secretariat"):
        client = Client()
        if actor != "anonymous":
            client.force_login(request.getfixturevalue(actor))
        for page in PAGES:
            response = client.get(url_of(label, page))
            if actor in ("anonymous", "panel_member"):  # not admin users: the admin login
                ok = response.status_code == 302 and response["Location"].startswith(
                    "/admin/login/"
                )
                expected = "302 → /admin/login/"
            else:
                expected = 200 if allowed(ROLE_OF[actor], app, model, page) else 403
                ok = response.status_code == expected
            if not ok:
                wrong.append(f"{actor} {page}: {response.status_code}, expected {expected}")
    assert not wrong, f"{label}: " + "; ".join(wrong)


def test_the_matrix_says_what_design_md_says(nemuro):
    """A few rows of DESIGN.md §2 spelled out, so the generated matrix cannot drift unnoticed."""
    assert allowed(DEPARTMENT, "kpi", "achievement", "add")
    assert not allowed(DEPARTMENT, "kpi", "indicator", "add")
    assert not allowed(DEPARTMENT, "verification", "internalreview", "add")
    assert not allowed(DEPARTMENT, "kpi", "achievement", "delete")
    assert allowed(SECRETARIAT, "verification", "internalreview", "add")
    assert allowed(SECRETARIAT, "kpi", "indicator", "delete")
    assert not allowed(SECRETARIAT, "auth", "user", "changelist")
