"""Every admin page × every role × whose row it is, generated from the admin site's registry, so a
newly registered model cannot escape it. What each role may do comes from the declared tables in
strategy/roles.py (DESIGN.md §2: ROLE_PERMISSIONS and READABLE_BY), not from asking the user
object: this checks that the data migration gave the roles exactly those permissions and that the
admin enforces them, row by row.

- anonymous users and panel members (not admin users) are sent to the admin login page;
- department staff and the secretariat see a model's list, an object and its history when their
  role may view it, the add page only with the add permission, the delete page only with delete;
  else 403;
- a row of another municipality is a 404 on its change, history and delete pages and is not in the
  list, for every role; a department member gets the same for a row of another department;
- the secretariat of the other municipality gets into its own rows exactly like Nemuro's
  secretariat gets into Nemuro's.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from strategy.access import scoped
from strategy.roles import DEPARTMENT, OUR_APPS, PANEL, ROLE_PERMISSIONS, SECRETARIAT, may_read
from tests.conftest import _user_in, member_of
from tests.verification.data_call_rows import add_data_call_rows

ROLE_OF = {"department": DEPARTMENT, "panel_member": PANEL, "secretariat": SECRETARIAT}
PAGES = ("changelist", "add", "change", "history", "delete")
OBJECT_PAGES = ("change", "history", "delete")


def model_admins():
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        yield model._meta.app_label, model._meta.model_name, model, model_admin


def allowed(role: str, app: str, model: str, page: str) -> bool:
    perms = ROLE_PERMISSIONS[role]
    can = {action: f"{app}.{action}_{model}" in perms for action in ("add", "change", "delete")}
    # every role views the models of our apps its role may read (the panel's drafts are not
    # read by department staff)
    can["view"] = (app in OUR_APPS and may_read(role, f"{app}.{model}")) or can["change"]
    return {
        "changelist": can["view"],
        "change": can["view"],
        "history": can["view"],
        "add": can["add"],
        "delete": can["delete"],
    }[page]


LABELS = [f"{app}.{model}" for app, model, _, _ in model_admins()]


@pytest.fixture
def one_of_each(nemuro, department, nemuro_departments, other_strategy):
    """The seed plus one object of each registered model it has none of (users, login attempts,
    an import job, a panel draft), the same in the other municipality, and the department member
    put in 第一課 (Nemuro's goals 1 and 2; 第二課 has goal 3)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kpi.models import Achievement, Correction, CorrectionStatus, ImportJob, Indicator
    from strategy.models import BasicGoal, Department, FiscalYear
    from verification.models import PanelDraft, YearPublication

    member_of(department, nemuro_departments[0])
    user = get_user_model().objects.create_user("someone", password="x-unused-9")
    # the generator publishes every year; H29 of the other city stays open like Nemuro's
    FiscalYear.objects.filter(strategy=other_strategy, year=2017).update(published_at=None)
    for strategy in (nemuro, other_strategy):
        year = FiscalYear.objects.get(strategy=strategy, year=2017)
        ImportJob.objects.create(
            strategy=strategy, fiscal_year=year, user=user, filename="h29.xlsx", data=b""
        )
        for number in (1, 3):
            PanelDraft.objects.create(
                goal=BasicGoal.objects.get(strategy=strategy, number=number),
                fiscal_year=year,
                author=user,
            )
            first_indicator = (
                Indicator.objects.filter(strategy=strategy, goal__number=number)
                .in_tree_order()
                .first()
            )
            # an H29 result (H29 not published: a result one may still change) …
            Achievement.objects.get_or_create(
                indicator=first_indicator, fiscal_year=year, defaults={"value": 1}
            )
            # … and a correction request of a published year, on goal 1's and goal 3's indicator
            Correction.objects.create(
                indicator=first_indicator,
                fiscal_year=FiscalYear.objects.get(strategy=strategy, year=2016),
                old_state="recorded",
                new_state="recorded",
                new_value=1,
                reason="転記誤り",
                status=CorrectionStatus.REQUESTED,
                requested_by=user,
                requested_at=timezone.now(),
            )
    Department.objects.create(municipality=other_strategy.municipality, name="他市の課")
    YearPublication.objects.create(  # the generator publishes without recording who did
        fiscal_year=FiscalYear.objects.get(strategy=other_strategy, year=2016),
        action=YearPublication.Action.PUBLISH,
        user=user,
    )
    _user_in(SECRETARIAT, "tashi-jimukyoku", other_strategy.municipality.code)
    where = {"ip_address": "192.0.2.1", "user_agent": "test", "username": "someone"}
    AccessAttempt.objects.create(failures_since_start=1, **where)
    AccessLog.objects.create(**where)
    AccessFailureLog.objects.create(**where)
    for strategy in (nemuro, other_strategy):
        add_data_call_rows(strategy, user)
    for _, _, model, _ in model_admins():
        assert model._default_manager.exists(), model._meta.label
    return nemuro


def row_of(model, municipality_id: int, department_ids=None):
    """The first row of `model` in that municipality (and those departments); a result of a year
    not yet published where there is one (a published year's results are locked)."""
    rows = model._default_manager.filter(**{model.scope_path: municipality_id})
    if model._meta.label_lower == "kpi.achievement":
        rows = rows.filter(fiscal_year__published_at__isnull=True)
    if department_ids is not None and hasattr(model, "department_q"):
        rows = rows.filter(model.department_q(department_ids))
    row = rows.order_by("pk").first()
    assert row is not None, (model._meta.label, municipality_id, department_ids)
    return row


def model_of(label: str):
    app, model_name = label.split(".")
    return next(m for a, n, m, _ in model_admins() if (a, n) == (app, model_name))


def url_of(label: str, page: str, obj=None) -> str:
    app, model_name = label.split(".")
    if page in ("changelist", "add"):
        return reverse(f"admin:{app}_{model_name}_{page}")
    if obj is None:
        obj = model_of(label)._default_manager.order_by("pk").first()
    return reverse(f"admin:{app}_{model_name}_{page}", args=[obj.pk])


def test_every_registered_model_is_in_the_matrix():
    assert len(LABELS) == len(admin.site._registry)
    # our own models are all in the admin, arranged for the work
    from django.apps import apps

    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if not model._meta.model_name.startswith("historical"):
                assert model in admin.site._registry, model._meta.label


def expected_status(actor: str, app: str, model: str, page: str) -> int:
    return 200 if allowed(ROLE_OF[actor], app, model, page) else 403


def ours(label: str) -> bool:
    return label.split(".")[0] in OUR_APPS


@pytest.mark.parametrize("label", LABELS)
def test_each_role_gets_into_exactly_the_admin_pages_its_role_allows(request, one_of_each, label):
    """One model's five pages × the four roles on Nemuro's own rows (for a department member, a
    row of their own department)."""
    app, model_name = label.split(".")
    model = model_of(label)
    first = request.getfixturevalue("nemuro_departments")[0]
    wrong = []
    for actor in ("anonymous", "department", "panel_member", "secretariat"):
        client = Client()
        if actor != "anonymous":
            client.force_login(request.getfixturevalue(actor))
        obj = None
        if ours(label):
            departments = {first.pk} if actor == "department" else None
            obj = row_of(model, one_of_each.municipality_id, departments)
        for page in PAGES:
            response = client.get(url_of(label, page, obj))
            if actor in ("anonymous", "panel_member"):  # not admin users: the admin login
                ok = response.status_code == 302 and response["Location"].startswith(
                    "/admin/login/"
                )
                expected = "302 → /admin/login/"
            else:
                expected = expected_status(actor, app, model_name, page)
                ok = response.status_code == expected
            if not ok:
                wrong.append(f"{actor} {page}: {response.status_code}, expected {expected}")
    assert not wrong, f"{label}: " + "; ".join(wrong)


PROJECT_LABELS = [label for label in LABELS if ours(label)]


@pytest.mark.parametrize("label", PROJECT_LABELS)
def test_another_municipalitys_rows_are_not_found_and_not_listed(request, one_of_each, label):
    """The tenant axis: Nemuro's staff never see the other municipality's row (404, not in the
    list); the other municipality's secretariat gets into it exactly as its role allows."""
    from django.contrib.auth import get_user_model

    app, model_name = label.split(".")
    model = model_of(label)
    other = request.getfixturevalue("other_strategy").municipality_id
    theirs = row_of(model, other)
    wrong = []
    for actor in ("department", "secretariat"):
        client = Client()
        client.force_login(request.getfixturevalue(actor))
        for page in OBJECT_PAGES:
            status = client.get(url_of(label, page, theirs)).status_code
            if status != 404:
                wrong.append(f"{actor} {page} of the other municipality's row: {status}")
        listing = client.get(url_of(label, "changelist"))
        if listing.status_code == 200 and theirs.pk in {
            obj.pk for obj in listing.context["cl"].queryset
        }:
            wrong.append(f"{actor} lists the other municipality's row")
    stranger = get_user_model().objects.get(username="tashi-jimukyoku")
    client = Client()
    client.force_login(stranger)
    for page in PAGES:
        status = client.get(url_of(label, page, theirs)).status_code
        expected = expected_status("secretariat", app, model_name, page)
        if status != expected:
            wrong.append(f"their secretariat {page}: {status}, expected {expected}")
    nemuro_row = row_of(model, one_of_each.municipality_id)
    status = client.get(url_of(label, "change", nemuro_row)).status_code
    if status != 404:
        wrong.append(f"their secretariat opens Nemuro's row: {status}")
    assert not wrong, f"{label}: " + "; ".join(wrong)


DEPARTMENT_LABELS = [label for label in PROJECT_LABELS if hasattr(model_of(label), "department_q")]


def test_the_rows_owned_by_departments_are_the_results_the_outputs_and_what_they_hang_on():
    assert set(DEPARTMENT_LABELS) == {
        "kpi.achievement",
        "kpi.correction",
        "kpi.indicator",
        "strategy.measure",
        "strategy.projectlisting",
        "strategy.projectoutput",
        "strategy.projectoutputline",
        "verification.departmentsubmission",
        "verification.reminderlog",
        "verification.submissiontransition",
    }


@pytest.mark.parametrize("label", DEPARTMENT_LABELS)
def test_a_department_member_never_sees_another_departments_rows(request, one_of_each, label):
    """The department axis: 第一課's member gets 404 for 第二課's rows and does not list them;
    the secretariat sees both."""
    first, second = request.getfixturevalue("nemuro_departments")
    model = model_of(label)
    theirs = row_of(model, one_of_each.municipality_id, {second.pk})
    mine = row_of(model, one_of_each.municipality_id, {first.pk})
    member = request.getfixturevalue("department")
    client = Client()
    client.force_login(member)
    for page in OBJECT_PAGES:
        assert client.get(url_of(label, page, theirs)).status_code == 404, page
    listed = scoped(model._default_manager.all(), member)
    assert listed.filter(pk=mine.pk).exists() and not listed.filter(pk=theirs.pk).exists()
    secretariat = Client()
    secretariat.force_login(request.getfixturevalue("secretariat"))
    assert secretariat.get(url_of(label, "change", theirs)).status_code == 200


def test_a_select_box_offers_only_the_members_own_rows(client, one_of_each, secretariat):
    """A stranger's id cannot come back through a form: the add page of a result offers only
    Nemuro's indicators and fiscal years."""
    from kpi.models import Indicator

    client.force_login(secretariat)
    form = client.get(reverse("admin:kpi_achievement_add")).context["adminform"].form
    offered = form.fields["indicator"].queryset
    assert offered.count() == Indicator.objects.filter(strategy=one_of_each).count()
    assert not offered.exclude(strategy=one_of_each).exists()


def test_the_matrix_says_what_design_md_says(nemuro):
    """A few rows of DESIGN.md §2 spelled out, so the generated matrix cannot drift unnoticed."""
    assert allowed(DEPARTMENT, "kpi", "achievement", "add")
    assert not allowed(DEPARTMENT, "kpi", "indicator", "add")
    assert not allowed(DEPARTMENT, "verification", "internalreview", "add")
    assert not allowed(DEPARTMENT, "kpi", "achievement", "delete")
    assert allowed(SECRETARIAT, "verification", "internalreview", "add")
    assert allowed(SECRETARIAT, "kpi", "indicator", "delete")
    assert not allowed(SECRETARIAT, "auth", "user", "changelist")
