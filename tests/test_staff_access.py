"""Every staff URL × every role: anonymous users are sent to log in, a role without the page's
permission gets 403, a role with it gets in. The URL list is generated from the URL conf, so a new
staff page cannot escape this test."""

import pytest
from django.urls import URLPattern, URLResolver, reverse

from nemuro_strategy.staff import urls as staff_urls

SLUG = "nemuro-sousei-2015"

# The permission each staff page needs (strategy/roles.py gives the roles their permissions).
REQUIRED = {
    "home": None,  # any logged-in user
    "department_assignments": "strategy.change_measure",
    "year_entry_index": "kpi.change_achievement",
    "year_entry": "kpi.change_achievement",
    "import_upload": "kpi.change_achievement",
    "entry_sheet": "kpi.change_achievement",
    "import_job": "kpi.change_achievement",
    "import_status": "kpi.change_achievement",
    "output_entry_index": "strategy.change_projectoutput",
    "output_entry": "strategy.change_projectoutput",
    "publication": "strategy.publish_fiscalyear",
    "publication_check": "strategy.publish_fiscalyear",
    "publish": "strategy.publish_fiscalyear",
    "withdraw": "strategy.publish_fiscalyear",
    "recent_changes": "strategy.view_unpublished",
    "restore_change": "kpi.delete_achievement",
    "internal_review_index": "verification.change_internalreview",
    "internal_review_year": "verification.change_internalreview",
    "internal_review_edit": "verification.change_internalreview",
    "panel_index": "verification.draft_panelreview",
    "panel_review": "verification.draft_panelreview",
    "panel_record": "verification.change_panelreview",
    "data_call_index": "verification.manage_datacall",
    "data_call_board": "verification.manage_datacall",
    "data_call_open": "verification.manage_datacall",
    "data_call_submission": "verification.view_departmentsubmission",
    "data_call_submit": "verification.submit_datacall",
    "data_call_accept": "verification.manage_datacall",
    "data_call_return": "verification.manage_datacall",
    "my_tasks": "verification.submit_datacall",
    "correction_index": "kpi.change_achievement",
    "correction_new": "kpi.change_achievement",
    "correction_decide": "kpi.apply_correction",
}

SAMPLE_KWARGS = {
    "slug": SLUG,
    "year": 2017,
    "code": "1ア①",
    "number": 1,
    "pk": 1,
    "department_id": 1,
}


def staff_patterns(patterns=None):
    for entry in patterns if patterns is not None else staff_urls.urlpatterns:
        if isinstance(entry, URLResolver):
            yield from staff_patterns(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry


def staff_urls_with_kwargs():
    for pattern in staff_patterns():
        names = list(pattern.pattern.converters)
        yield (
            pattern.name,
            reverse(f"staff:{pattern.name}", kwargs={k: SAMPLE_KWARGS[k] for k in names}),
        )


def test_every_staff_url_has_an_expected_permission():
    assert {name for name, _ in staff_urls_with_kwargs()} == set(REQUIRED)


@pytest.mark.parametrize(("name", "url"), list(staff_urls_with_kwargs()))
def test_anonymous_users_are_sent_to_log_in(client, nemuro, name, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name


@pytest.mark.parametrize("actor", ["department", "panel_member", "secretariat"])
@pytest.mark.parametrize(("name", "url"), list(staff_urls_with_kwargs()))
def test_each_role_gets_in_exactly_where_its_permissions_allow(
    request, client, nemuro, actor, name, url
):
    user = request.getfixturevalue(actor)
    client.force_login(user)
    perm = REQUIRED[name]
    allowed = perm is None or user.has_perm(perm)
    for method in ("get", "post"):
        status = getattr(client, method)(url).status_code
        if allowed:
            assert status not in (401, 403) and status < 500, (name, method, status)
        else:
            assert status == 403, (name, method, status)


# --- the tenant axis ---------------------------------------------------------------------------

STRATEGY_PAGES = [(name, url) for name, url in staff_urls_with_kwargs() if "/s/" in url]


@pytest.fixture
def stranger(other_municipality):
    """The secretariat of another municipality: every right, in the wrong place."""
    from tests.conftest import _user_in

    return _user_in("事務局", "tashi-jimukyoku", other_municipality.code)


@pytest.mark.parametrize(("name", "url"), STRATEGY_PAGES)
def test_another_municipalitys_staff_never_find_nemuros_pages(client, nemuro, stranger, name, url):
    client.force_login(stranger)
    for method in ("get", "post"):
        status = getattr(client, method)(url).status_code
        # 405: a method the page never takes, refused before anything is looked up
        assert status in (404, 405), (name, method, status)


@pytest.fixture
def secretariat_elsewhere_department_here(department, other_municipality):
    """A Nemuro department member who is the secretariat of another city: the rights of that
    role do not follow them to Nemuro."""
    from strategy.models import Membership

    Membership.objects.create(user=department, municipality=other_municipality, role="事務局")
    return department


@pytest.mark.parametrize(("name", "url"), STRATEGY_PAGES)
def test_a_role_held_elsewhere_gives_no_rights_here(
    client, nemuro, secretariat_elsewhere_department_here, name, url
):
    user = secretariat_elsewhere_department_here
    client.force_login(user)
    perm = REQUIRED[name]
    allowed_here = perm in {
        "kpi.change_achievement",
        "strategy.change_projectoutput",
        "strategy.view_unpublished",
        "verification.submit_datacall",
        "verification.view_departmentsubmission",
    }
    for method in ("get", "post"):
        status = getattr(client, method)(url).status_code
        if allowed_here:
            assert status not in (401, 403) and status < 500, (name, method, status)
        else:
            assert status in (403, 405), (name, method, status)


def test_the_staff_home_lists_only_the_members_strategies(client, nemuro, stranger, other_strategy):
    client.force_login(stranger)
    html = client.get("/staff/").content.decode()
    assert other_strategy.name in html and nemuro.name not in html


@pytest.mark.parametrize("page", ["report", "report_pdf", "shiryo1"])
def test_another_municipalitys_staff_cannot_preview_nemuros_unpublished_report(
    client, nemuro, stranger, secretariat, page
):
    url = reverse(f"verification:{page}", kwargs={"slug": SLUG, "year": 2017})
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(secretariat)
    assert client.get(url).status_code == 200
