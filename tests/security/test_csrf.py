"""CSRF protection on every form: a POST without the token is refused with 403 (Django's own
refusal page, in Japanese), and the same POST with the token gets through to the view."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

SLUG = "nemuro-sousei-2015"

STAFF_POSTS = {
    "year entry": reverse("staff:year_entry", kwargs={"slug": SLUG, "year": 2017}),
    "import upload": reverse("staff:import_upload", kwargs={"slug": SLUG}),
    "import confirm": reverse("staff:import_job", kwargs={"slug": SLUG, "pk": 999999}),
    "publish": reverse("staff:publish", kwargs={"slug": SLUG, "year": 2017}),
    "data call open": reverse("staff:data_call_open", kwargs={"slug": SLUG, "year": 2017}),
    "withdraw": reverse("staff:withdraw", kwargs={"slug": SLUG, "year": 2016}),
    "internal review edit": reverse(
        "staff:internal_review_edit", kwargs={"slug": SLUG, "year": 2016, "code": "3イ②"}
    ),
    "panel draft": reverse("staff:panel_review", kwargs={"slug": SLUG, "year": 2016, "number": 1}),
    "panel record": reverse("staff:panel_record", kwargs={"slug": SLUG, "year": 2016, "number": 1}),
    "department assignments": reverse("staff:department_assignments", kwargs={"slug": SLUG}),
    "output entry": reverse("staff:output_entry", kwargs={"slug": SLUG, "year": 2016}),
    "restore change": reverse("staff:restore_change", kwargs={"slug": SLUG}),
    "logout": reverse("logout"),
}

DATA = {
    "import confirm": {"action": "apply"},
    "withdraw": {"reason": "転記誤り"},
    "restore change": {"model": "kpi.achievement", "history_id": "999999", "reason": "誤り"},
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


# --- Every form the site renders ----------------------------------------------------------------


class FormFinder(HTMLParser):
    """The POST forms of a page: their action and whether they carry the CSRF token."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._open = {"action": attrs.get("action") or "", "token": False}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None:
            if attrs.get("name") == "csrfmiddlewaretoken" and attrs.get("value"):
                self._open["token"] = True

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def rendered_pages():
    """Every public page and every staff page (opened as the secretariat, who may use all)."""
    from tests.security.test_public_access import EXPECTED
    from tests.test_staff_access import staff_urls_with_kwargs

    for name, kwargs in EXPECTED.items():
        yield reverse(name, kwargs=kwargs)
    for _, url in staff_urls_with_kwargs():
        yield url
    yield reverse("staff:internal_review_edit", kwargs={"slug": SLUG, "year": 2016, "code": "3イ②"})
    yield reverse("staff:panel_record", kwargs={"slug": SLUG, "year": 2016, "number": 1})


def test_every_post_form_on_every_page_carries_the_token_and_is_in_the_list_above(
    client, nemuro, secretariat
):
    client.force_login(secretariat)
    targets = set()
    for url in rendered_pages():
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        finder = FormFinder()
        finder.feed(response.content.decode())
        for form in finder.forms:
            assert form["token"], f"a POST form on {url} has no CSRF token"
            action = urljoin(url, form["action"]) or url
            targets.add(resolve(urlsplit(action).path).view_name)
    checked = {resolve(urlsplit(url).path).view_name for url in STAFF_POSTS.values()}
    assert "staff:year_entry" in targets and "logout" in targets  # the crawl found the forms
    assert targets <= checked, f"forms whose CSRF refusal is not tested: {targets - checked}"
