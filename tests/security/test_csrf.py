"""CSRF protection on every form: a POST without the token is refused with 403 (Django's own
refusal page, in Japanese), and the same POST with the token gets through to the view."""

import pytest
from django.test import Client
from django.urls import reverse

SLUG = "nemuro-sousei-2015"

STAFF_POSTS = {
    "year entry": reverse("staff:year_entry", kwargs={"slug": SLUG, "year": 2017}),
    "import upload": reverse("staff:import_upload", kwargs={"slug": SLUG}),
    "import confirm": reverse("staff:import_job", kwargs={"slug": SLUG, "pk": 999999}),
    "publish": reverse("staff:publish", kwargs={"slug": SLUG, "year": 2017}),
    "withdraw": reverse("staff:withdraw", kwargs={"slug": SLUG, "year": 2016}),
    "internal review edit": reverse(
        "staff:internal_review_edit", kwargs={"slug": SLUG, "year": 2016, "code": "3イ②"}
    ),
    "panel draft": reverse("staff:panel_review", kwargs={"slug": SLUG, "year": 2016, "number": 1}),
    "panel record": reverse("staff:panel_record", kwargs={"slug": SLUG, "year": 2016, "number": 1}),
    "logout": reverse("logout"),
}

DATA = {
    "import confirm": {"action": "apply"},
    "withdraw": {"reason": "転記誤り"},
    "internal review edit": {"grade": "A"},
    "panel draft": {"draft-grade": "B", "draft-supplementary_opinion": "案"},
    "panel record": {"record-grade": "B", "record-supplementary_opinion": "記録"},
}


@pytest.fixture
def strict(secretariat) -> Client:
    """A browser-like client that checks CSRF tokens, logged in as the secretariat (who may use
    every staff form)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    return client


def token_of(client: Client) -> str:
    client.get(reverse("staff:publication", kwargs={"slug": SLUG}))
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize("form", sorted(STAFF_POSTS))
def test_a_staff_post_without_a_token_is_refused(strict, nemuro, form):
    response = strict.post(STAFF_POSTS[form], DATA.get(form, {}))
    assert response.status_code == 403, form
    assert "CSRF検証に失敗したため、リクエストは中断されました。" in response.content.decode()


@pytest.mark.parametrize("form", sorted(STAFF_POSTS))
def test_a_staff_post_with_the_token_reaches_the_view(strict, nemuro, form):
    data = {**DATA.get(form, {}), "csrfmiddlewaretoken": token_of(strict)}
    response = strict.post(STAFF_POSTS[form], data)
    assert response.status_code not in (403, 500), (form, response.status_code)


def test_a_refused_post_changes_nothing(strict, nemuro):
    from strategy.models import FiscalYear

    strict.post(STAFF_POSTS["publish"])
    assert not FiscalYear.objects.get(strategy=nemuro, year=2017).is_published
    strict.post(STAFF_POSTS["logout"])
    assert "_auth_user_id" in strict.session


def test_the_login_form_without_a_token_is_refused(nemuro, department):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "tantouka", "password": "correct-horse-battery-9"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_login_form_with_its_token_logs_in(nemuro, department):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(
        reverse("login"),
        {
            "username": "tantouka",
            "password": "correct-horse-battery-9",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(department.pk)
