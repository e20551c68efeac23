"""Every public URL × every role (citizen, department staff, panel member, secretariat). The list
of URLs is generated from the site's whole URL conf (every namespaced URL outside the admin and
the staff pages), so a new public page cannot escape this test: it fails until the page gets a row
in EXPECTED."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

SLUG = "nemuro-sousei-2015"
PUBLISHED, UNPUBLISHED = 2016, 2017

# The arguments each public page is opened with (published content only).
EXPECTED = {
    "strategy:home": {},
    "strategy:accessibility": {},
    "strategy:index": {},
    "strategy:top": {"slug": SLUG},
    "strategy:goal": {"slug": SLUG, "number": 1},
    "strategy:goal_sheet": {"slug": SLUG, "number": 1},
    "strategy:measure": {"slug": SLUG, "code": "1ア③"},
    "strategy:projects": {"slug": SLUG},
    "strategy:revisions": {"slug": SLUG},
    "strategy:revision_tree": {"slug": SLUG, "sequence": 1},
    "strategy:feed": {"slug": SLUG},
    "kpi:indicator": {"slug": SLUG, "code": "3ウ①-1"},
    "kpi:indicator_chart": {"slug": SLUG, "code": "3ウ①-1"},
    "kpi:indicator_csv": {"slug": SLUG, "code": "3ウ①-1"},
    "verification:indicator_sheet": {"slug": SLUG, "code": "3ウ①-1"},
    "kpi:population_chart": {"slug": SLUG},
    "kpi:opendata": {"slug": SLUG},
    "kpi:opendata_csv": {"slug": SLUG},
    "kpi:opendata_json": {"slug": SLUG},
    "kpi:correction_history": {"slug": SLUG},
    "verification:report_index": {"slug": SLUG},
    "verification:report": {"slug": SLUG, "year": PUBLISHED},
    "verification:report_pdf": {"slug": SLUG, "year": PUBLISHED},
    "verification:shiryo1": {"slug": SLUG, "year": PUBLISHED},
}

ROLES = ["anonymous", "department", "panel_member", "secretariat"]


NOT_PUBLIC = {"admin", "staff"}


def patterns(entries, namespace=None):
    for entry in entries:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def public_patterns() -> dict[str, URLPattern]:
    """Every named URL in a namespace other than the admin's and the staff pages' (the account
    pages have no namespace and are covered by test_url_coverage)."""
    return {
        f"{namespace}:{pattern.name}": pattern
        for namespace, pattern in patterns(get_resolver().url_patterns)
        if namespace and namespace not in NOT_PUBLIC and pattern.name
    }


YEAR_PAGES = sorted(name for name, p in public_patterns().items() if "year" in p.pattern.converters)


@pytest.fixture
def visitor(request, client):
    """The test client as the given role (anonymous: not logged in)."""

    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


def test_every_public_url_has_an_expectation():
    assert set(public_patterns()) == set(EXPECTED)


def test_the_expectations_give_every_argument_each_url_needs():
    for name, pattern in public_patterns().items():
        assert set(EXPECTED[name]) == set(pattern.pattern.converters), name


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_published_content_is_open_to_everyone(visitor, nemuro, role, name):
    response = visitor(role).get(reverse(name, kwargs=EXPECTED[name]))
    assert response.status_code == 200, (name, role)


def test_there_are_pages_per_report_year():
    assert YEAR_PAGES == ["verification:report", "verification:report_pdf", "verification:shiryo1"]


@pytest.mark.parametrize("name", YEAR_PAGES)
def test_an_unpublished_report_year_is_not_found_for_citizens(visitor, nemuro, name):
    url = reverse(name, kwargs={**EXPECTED[name], "year": UNPUBLISHED})
    assert visitor("anonymous").get(url).status_code == 404


@pytest.mark.parametrize("role", ["department", "panel_member", "secretariat"])
@pytest.mark.parametrize("name", YEAR_PAGES)
def test_an_unpublished_report_year_is_a_preview_for_every_role(visitor, nemuro, role, name):
    url = reverse(name, kwargs={**EXPECTED[name], "year": UNPUBLISHED})
    assert visitor(role).get(url).status_code == 200, (name, role)


def test_the_unpublished_report_page_itself_is_404_for_citizens_and_200_for_staff(
    visitor, nemuro, department
):
    url = f"/s/{SLUG}/reports/{UNPUBLISHED}/"
    assert visitor("anonymous").get(url).status_code == 404
    assert visitor("department").get(url).status_code == 200
