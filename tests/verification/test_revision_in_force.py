"""The verification pages ask one rule which revision is in force in a year
(``strategy.models.revision_in_force`` / ``Strategy.revision_for_year``): a draft never applies,
an adopted revision applies from its first fiscal year, and a year no adopted revision applies to
has no internal-review or panel page (404)."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from strategy.models import Membership, Revision
from strategy.selectors import NO_REVISION, revision_for_year_or_404
from tests.factory import make_strategy, make_tree
from verification.selectors.panel import panel_index_page

SLUG = "sapporo-2020"


def join(user, strategy) -> None:
    """Make Nemuro's secretariat the secretariat of 札幌市 too (a staff page is a 404 for anyone
    who is not a member of the strategy's municipality)."""
    Membership.objects.create(user=user, municipality=strategy.municipality, role="事務局")


@pytest.fixture
def late_strategy(db):
    """札幌市 2020–2024, adopted only from 2022, with a draft revision that would apply from
    2021 if drafts counted."""
    strategy = make_strategy(slug=SLUG)
    make_tree(strategy)
    strategy.revisions.filter(sequence=1).update(first_fiscal_year=2022)
    Revision.objects.create(
        strategy=strategy,
        sequence=2,
        status=Revision.Status.DRAFT,
        title="改訂案",
        date=datetime.date(2021, 3, 31),
        first_fiscal_year=2021,
    )
    strategy.refresh_from_db()
    return strategy


def test_a_year_no_adopted_revision_applies_to_has_none(late_strategy):
    with pytest.raises(Http404) as caught:
        revision_for_year_or_404(late_strategy, 2021)
    assert str(caught.value) == NO_REVISION
    assert revision_for_year_or_404(late_strategy, 2022).sequence == 1


@pytest.mark.parametrize(
    "url",
    [
        reverse("staff:internal_review_year", kwargs={"slug": SLUG, "year": 2021}),
        reverse("staff:internal_review_edit", kwargs={"slug": SLUG, "year": 2021, "code": "1ア①"}),
        reverse("staff:panel_review", kwargs={"slug": SLUG, "year": 2021, "number": 1}),
    ],
)
def test_the_pages_of_such_a_year_are_not_found(as_user, secretariat, late_strategy, url):
    join(secretariat, late_strategy)
    assert as_user(secretariat).get(url).status_code == 404


def test_the_pages_of_a_year_under_the_adopted_revision_open(as_user, secretariat, late_strategy):
    join(secretariat, late_strategy)
    client = as_user(secretariat)
    for url in (
        reverse("staff:internal_review_year", kwargs={"slug": SLUG, "year": 2022}),
        reverse("staff:internal_review_edit", kwargs={"slug": SLUG, "year": 2022, "code": "1ア①"}),
        reverse("staff:panel_review", kwargs={"slug": SLUG, "year": 2022, "number": 1}),
    ):
        assert client.get(url).status_code == 200, url


def test_the_panel_index_gives_each_year_the_revision_in_force(late_strategy, secretariat):
    rows = panel_index_page(late_strategy, secretariat)["rows"]
    by_year = {row.fiscal_year.year: row for row in rows}
    assert by_year[2020].revision is None and by_year[2021].revision is None
    assert by_year[2020].cells == [None]
    assert [by_year[year].revision.sequence for year in (2022, 2023, 2024)] == [1, 1, 1]
    assert by_year[2022].cells[0].goal.number == 1
