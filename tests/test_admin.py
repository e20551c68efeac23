"""Staff can browse every piece of the data in the admin, in Japanese."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

PROJECT_APPS = {"strategy", "kpi", "verification"}


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser(
        "jimukyoku", "j@example.invalid", "pw-secret-123"
    )
    client.force_login(user)
    return client


def project_models():
    return [m for m in admin.site._registry if m._meta.app_label in PROJECT_APPS]


def test_every_project_model_is_registered():
    from django.apps import apps

    registered = set(project_models())
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.model_name.startswith("historical"):
                continue  # change history is shown on each object's 履歴 page
            assert model in registered, model


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_each_list_and_change_page_opens(staff_client, model):
    opts = model._meta
    response = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    assert str(opts.verbose_name_plural) in response.content.decode()
    first = model.objects.order_by("pk").first()
    if first is None:
        return  # nothing seeded of this kind (drafts, import jobs): the list page is enough
    response = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
    )
    assert response.status_code == 200


def test_staff_can_search_indicators(staff_client):
    response = staff_client.get(reverse("admin:kpi_indicator_changelist"), {"q": "寄附受納額"})
    page = response.content.decode()
    assert "3ウ①-1" in page and "3イ②-2" in page
    assert "合計特殊出生率" not in page


def test_the_indicator_page_lists_its_yearly_results(staff_client, nemuro):
    from kpi.models import Indicator

    indicator = Indicator.objects.get(strategy=nemuro, code="G1-1")
    response = staff_client.get(reverse("admin:kpi_indicator_change", args=[indicator.pk]))
    page = response.content.decode()
    assert "H25 数値" in page and "H26 数値" in page
    assert 'lang="ja"' in page


def test_the_change_history_page_is_in_japanese(staff_client, nemuro):
    from kpi.models import Achievement

    row = Achievement.objects.get(
        indicator__strategy=nemuro, indicator__code="G1-1", fiscal_year__year=2015
    )
    response = staff_client.get(reverse("admin:kpi_achievement_history", args=[row.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "変更した人" in page and "種データ" in page and "Changed by" not in page
