"""Every URL of the site belongs to a matrix that checks it for every role: public pages
(test_public_access), staff pages (tests/test_staff_access), the admin (test_admin_access) and the
account pages (here). Walking the root URL conf, a new URL anywhere fails this test until it is
placed in one of them."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import RedirectView

from tests.security.test_public_access import EXPECTED as PUBLIC
from tests.test_staff_access import REQUIRED as STAFF

# The admin's own site-level pages (beside the per-model pages of test_admin_access).
ADMIN_SITE = {
    "index", "login", "logout", "password_change", "password_change_done", "jsi18n",
    "view_on_site", "autocomplete", "app_list", "catch_all_view", "change",
    "auth_user_password_change",  # the admin's password form for a user (auth.change_user)
}  # fmt: skip
MODEL_PAGE_SUFFIXES = ("changelist", "add", "change", "history", "delete", "simple_history")
# The account pages: (status for anonymous, status for a logged-in user) on GET.
ACCOUNTS = {
    "login": (200, 200),
    "logout": (405, 405),  # logging out is a POST (test_csrf)
    "password_change": (302, 200),
    "password_change_done": (302, 200),
}
# The operations URLs (tests/production/test_failure_pages.py): the same answer for everyone.
OPERATIONS = {"healthz": 200}


def walk(entries, namespace=None):
    for entry in entries:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name or unnamed(entry)


def unnamed(pattern: URLPattern) -> str:
    """The admin's unnamed patterns: each model's ``<object_id>/`` redirect to the change page,
    and the site's final catch-all (a 404 or a redirect to the login page)."""
    view = pattern.callback
    if getattr(view, "view_class", None) is RedirectView:
        return "change"
    if getattr(view, "__name__", "") == "catch_all_view":
        return "catch_all_view"
    return f"<{view!r} at {pattern.pattern}>"


def test_every_url_of_the_site_is_in_a_role_matrix():
    model_pages = {
        f"{m._meta.app_label}_{m._meta.model_name}_{suffix}"
        for m in admin.site._registry
        for suffix in MODEL_PAGE_SUFFIXES
    }
    unplaced = []
    for namespace, name in walk(get_resolver().url_patterns):
        placed = {
            None: name in ACCOUNTS or name in OPERATIONS,
            "admin": name in ADMIN_SITE or name in model_pages,
            "staff": name in STAFF,
        }.get(namespace, f"{namespace}:{name}" in PUBLIC)
        if not placed:
            unplaced.append(f"{namespace}:{name}")
    assert not unplaced, f"URLs no role matrix checks: {unplaced}"


def test_there_is_no_self_service_password_reset(client):
    assert client.get("/accounts/password_reset/").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "department", "panel_member", "secretariat"])
@pytest.mark.parametrize("name", sorted(ACCOUNTS))
def test_the_account_pages_for_each_role(request, client, db, role, name):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(name))
    anonymous, logged_in = ACCOUNTS[name]
    assert response.status_code == (anonymous if role == "anonymous" else logged_in)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["anonymous", "department", "panel_member", "secretariat"])
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_the_operations_urls_for_each_role(request, client, db, role, name):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(name))
    assert response.status_code == OPERATIONS[name]
    assert response["Content-Type"] == "application/json"


def test_staff_change_their_own_password(client, department):
    client.force_login(department)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery-9",
            "new_password1": "kushiro-nemuro-2017",
            "new_password2": "kushiro-nemuro-2017",
        },
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.check_password("kushiro-nemuro-2017")


@pytest.mark.parametrize("role", ["anonymous", "department", "panel_member", "secretariat"])
def test_the_admin_site_pages_for_each_role(request, client, db, role):
    """The admin index: admin users (department, secretariat) in, everyone else to its login."""
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:index"))
    if role in ("department", "secretariat"):
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_password_pages_are_ours_and_in_japanese(client, department):
    client.force_login(department)
    html = client.get(reverse("password_change")).content.decode()
    assert "<h1>パスワードの変更</h1>" in html and "職員ページ" in html
    assert "admin/" not in html  # not the admin's own template
    response = client.post(reverse("password_change"), {"old_password": "違う"}, follow=True)
    html = response.content.decode()
    assert "変更できませんでした。" in html
    assert "元のパスワードが間違っています。もう一度入力してください。" in html
    done = client.get(reverse("password_change_done")).content.decode()
    assert "パスワードを変更しました" in done
