"""The secretariat assigns measures and 数値目標 to departments, and sees what is still 未割当."""

import pytest
from django.urls import reverse

from kpi.models import Indicator
from strategy.models import Department, Measure, Municipality
from tests.factory import grow_strategy

SLUG = "nemuro-sousei-2015"
URL = reverse("staff:department_assignments", kwargs={"slug": SLUG})


@pytest.fixture
def kikaku(db):
    return Department.objects.create(
        municipality=Municipality.objects.get(code="012238"), name="企画課"
    )


def fields_of(response) -> dict[str, str]:
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_the_seeded_strategy_starts_unassigned(as_user, secretariat, nemuro, kikaku):
    response = as_user(secretariat).get(URL)
    page = response.context["page"]
    revision = nemuro.current_revision()
    assert (
        len(page.unassigned_measures)
        == Measure.objects.filter(strategy=nemuro).in_force_at(revision).count()
    )
    assert (
        len(page.unassigned_indicators)
        == Indicator.objects.filter(strategy=nemuro, measure=None).in_force_at(revision).count()
    )
    html = response.content.decode()
    assert "未割当" in html and "1ア① " in html and "G1-1 " in html


def test_the_secretariat_assigns_a_measure_and_a_goal_indicator(
    as_user, secretariat, nemuro, kikaku
):
    client = as_user(secretariat)
    measure = Measure.objects.get(strategy=nemuro, code="1ア①")
    goal_indicator = Indicator.objects.get(strategy=nemuro, code="G1-1")
    data = fields_of(client.get(URL))
    data[f"measure-{measure.pk}"] = str(kikaku.pk)
    data[f"indicator-{goal_indicator.pk}"] = str(kikaku.pk)
    response = client.post(URL, data, follow=True)
    assert "担当課の割当を保存しました" in response.content.decode()
    measure.refresh_from_db()
    goal_indicator.refresh_from_db()
    assert measure.department == kikaku and goal_indicator.department == kikaku
    assert goal_indicator.history.first().history_user == secretariat
    page = response.context["page"]
    assert measure not in page.unassigned_measures


def test_another_municipalitys_department_is_refused_and_nothing_changes(
    as_user, secretariat, nemuro, kikaku, other_municipality
):
    theirs = Department.objects.create(municipality=other_municipality, name="他市の課")
    client = as_user(secretariat)
    measure = Measure.objects.get(strategy=nemuro, code="1ア①")
    data = fields_of(client.get(URL))
    data[f"measure-{measure.pk}"] = str(kikaku.pk)
    data[f"measure-{Measure.objects.get(strategy=nemuro, code='1ア②').pk}"] = str(theirs.pk)
    response = client.post(URL, data)
    assert response.status_code == 200
    field = f"measure-{Measure.objects.get(strategy=nemuro, code='1ア②').pk}"
    assert response.context["form"].errors[field]  # not one of this municipality's departments
    assert not Measure.objects.filter(strategy=nemuro).exclude(department=None).exists()


def test_department_staff_may_not_assign(as_user, department, nemuro):
    assert as_user(department).get(URL).status_code == 403


@pytest.mark.usefixtures("warm_caches")
def test_the_page_runs_the_same_number_of_queries_whatever_the_data_size(
    as_user, secretariat, nemuro, kikaku, django_assert_num_queries
):
    client = as_user(secretariat)
    client.get(URL)
    # session, user, the user's and the groups' permissions (2), memberships, strategy, revision,
    # departments, measures in force, 数値目標 in force
    with django_assert_num_queries(10):
        client.get(URL)
    grow_strategy(nemuro, 10)
    with django_assert_num_queries(10):
        client.get(URL)
